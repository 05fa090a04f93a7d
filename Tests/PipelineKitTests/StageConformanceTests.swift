import Foundation
import PipelineKit
import PipelinePlan
import PipelineSpec
import Stages
import XCTest

/// One conformance suite over every registered stage kind (scikit-learn's `estimator_checks` idea):
/// declarations are well-formed, every kind runs from YAML, results are deterministic, and out-of-range
/// parameters are rejected with the key's location.
final class StageConformanceTests: XCTestCase {
    var bench: Workbench!

    override func setUpWithError() throws {
        bench = try Workbench()
        try bench.writeBlobs()
        try bench.write("script.sh", "cp blobs.csv copy.csv\n")
    }

    override func tearDown() { bench.remove() }

    /// A minimal stage of each kind, wired to a small upstream pipeline.
    static let examples: [String: String] = [
        "load": "kind: load\n    path: blobs.csv\n    label: species",
        "split": "kind: split\n    inputs: [data]",
        "scale": "kind: scale\n    inputs: {train: split.train, validation: split.validation}",
        "preprocess": "kind: preprocess\n    inputs: {train: split.train, validation: split.validation}\n    steps: [{type: standard}, {type: minmax, feature_range: [-1, 1]}]",
        "train": "kind: train\n    inputs: [scale.train, scale.validation]\n    model: {type: mlp, layers: [8]}\n    epochs: 2",
        "evaluate": "kind: evaluate\n    inputs: {model: subject.model, test: scale.validation}",
        "cross_validate": "kind: cross_validate\n    inputs: [data]\n    folds: 3\n    steps: [{type: standard}]\n    models: {linear: softmax_regression, net: {type: mlp, layers: [8]}}\n    epochs: 2",
        "search": "kind: search\n    inputs: [scoring.metrics]\n    objective: {metric: accuracy}\n    space: {model.l2: {type: log_uniform, low: 1.0e-4, high: 1.0e-1}}\n    trials: 3\n    best: model",
        "shell": "kind: shell\n    command: sh script.sh\n    deps: [script.sh]\n    outs: [copy.csv]",
        "quantize": "kind: quantize\n    inputs: {model: model.model, calibration: scale.validation}\n    calibration: percentile",
        "compress": "kind: compress\n    inputs: {model: model.model, data: scale.train}\n    method: {type: weight_sharing, bits: 2, fine_tune: {epochs: 1}}",
        "prune": "kind: prune\n    inputs: [model]\n    sparsity: 0.5",
    ]

    private func pipeline(for kind: String, subject: String) -> String {
        var stages = ["data": "kind: load\n    path: blobs.csv\n    label: species", "split": Self.examples["split"]!,
                      "scale": Self.examples["scale"]!, "model": Self.examples["train"]!]
        // evaluate needs a model from a stage called 'subject'; give it one and test the evaluate stage itself.
        if kind == "evaluate" { stages["subject"] = Self.examples["train"]! }
        // search tunes the 'model' stage through an evaluate stage called 'scoring'.
        if kind == "search" { stages["scoring"] = "kind: evaluate\n    inputs: {model: model.model, test: scale.validation}" }
        stages[kind == "evaluate" ? "eval_subject" : "subject"] = subject
        return "pipeline: 1\nname: conformance\nseed: 3\nstages:\n" + stages.keys.sorted().map { "  \($0):\n    \(stages[$0]!)" }.joined(separator: "\n") + "\n"
    }

    func testEveryKindHasAnExampleAndWellFormedDeclarations() {
        let kinds = StageCatalog.builtIn.signatures.map(\.kind)
        XCTAssertEqual(Set(kinds), Set(Self.examples.keys), "every registered kind needs a conformance example")
        for signature in StageCatalog.builtIn.signatures {
            let names = signature.params.map(\.name)
            XCTAssertEqual(names.count, Set(names).count, "\(signature.kind): duplicate parameter names")
            XCTAssertTrue(Set(names).isDisjoint(with: SpecParser.stageKeys), "\(signature.kind): a parameter shadows a stage key")
            for decl in signature.params {
                XCTAssertFalse(decl.help.isEmpty, "\(signature.kind).\(decl.name) has no help text")
                XCTAssertFalse(decl.required && decl.defaultValue != nil, "\(signature.kind).\(decl.name) is required and has a default")
            }
            XCTAssertFalse(signature.summary.isEmpty, "\(signature.kind) has no summary")
        }
    }

    func testEveryKindRunsFromYAMLAndIsDeterministic() throws {
        for (kind, example) in Self.examples.sorted(by: { $0.key < $1.key }) {
            let text = pipeline(for: kind, subject: example)
            try bench.write("\(kind).yaml", text)
            let first = try bench.run("\(kind).yaml", jobs: 2)
            XCTAssertTrue(first.succeeded, "\(kind): \(first.outcomes)")
            let lockA = try bench.lockfile("\(kind).lock")
            // Recompute everything from scratch: byte-identical outputs.
            _ = try bench.run("\(kind).yaml", jobs: 1, force: true)
            let lockB = try bench.lockfile("\(kind).lock")
            for stage in lockA.stages.keys.sorted() {
                XCTAssertEqual(lockA.stages[stage]!.outputs, lockB.stages[stage]!.outputs, "\(kind): stage \(stage) is not deterministic")
            }
            XCTAssertEqual(try bench.run("\(kind).yaml").stages(.upToDate).count, lockA.stages.count, "\(kind): a re-run is a no-op")
        }
    }

    func testOutOfRangeValuesAreRejectedForEveryBoundedParameter() throws {
        let parser = SpecParser(signatures: StageCatalog.builtIn.signatures)
        var checked = 0
        for signature in StageCatalog.builtIn.signatures {
            for decl in signature.params {
                let bad: String
                switch decl.type {
                case let .int(min?, _): bad = String(min - 1)
                case let .number(min?, _, exclusiveMin, _): bad = exclusiveMin ? "\(min)" : "\(min - 1)"
                case .choice: bad = "definitely_not_an_option"
                case .bool: bad = "[1, 2]"
                default: continue
                }
                let text = "pipeline: 1\nname: x\nstages:\n  s:\n    kind: \(signature.kind)\n    \(decl.name): \(bad)\n"
                XCTAssertThrowsError(try parser.parse(text, file: "c.yaml", baseDirectory: bench.directory), "\(signature.kind).\(decl.name) accepted \(bad)") { error in
                    let diagnostics = (error as? ValidationFailure)?.diagnostics ?? []
                    let own = diagnostics.first { $0.keyPath == "stages.s.\(decl.name)" }
                    XCTAssertNotNil(own, "\(signature.kind).\(decl.name): no diagnostic for \(bad): \(diagnostics)")
                    XCTAssertEqual(own?.location?.line, 6)
                    XCTAssertTrue(own?.message.hasPrefix("expected ") ?? false, "\(own?.message ?? "")")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 16, "the suite covers the bounded parameters of every kind")
    }
}
