import Foundation
import PipelineKit
import PipelinePlan
import PipelineSpec
import PipelineStore
import XCTest

/// The plug-in model-family path end to end: each classical classification family is picked in YAML
/// (`train` with `model: {type: NAME, ...}`), trained, saved, read back by `evaluate`, and scored; a forced
/// rerun gives byte-identical artifacts (the conformance suite's determinism check, per family).
final class ClassicalFamilyPipelineTests: XCTestCase {
    var bench: Workbench!

    override func setUpWithError() throws {
        bench = try Workbench()
        try bench.writeBlobs()
    }

    override func tearDown() { bench.remove() }

    /// One `model:` mapping per classification family, with the accuracy it must reach on the blobs
    /// (three Gaussian blobs ≥ 4σ apart: every family separates them almost perfectly).
    static let models: [(String, String)] = [
        ("logistic_regression", "{type: logistic_regression, C: 1.0}"),
        ("logistic_regression_l1", "{type: logistic_regression, C: 0.5, penalty: l1, max_iter: 500}"),
        ("linear_svm", "{type: linear_svm, C: 0.5, loss: hinge}"),
        ("knn", "{type: knn, n_neighbors: 5, weights: distance}"),
        ("gaussian_nb", "gaussian_nb"),
        ("svm", "{type: svm, kernel: rbf, C: 1.0, gamma: scale}"),
        ("svm_probability_ovr", "{type: svm, kernel: rbf, probability: true, multiclass: ovr}"),
    ]

    private func pipeline(model: String) -> String {
        """
        pipeline: 1
        name: small
        seed: 11
        stages:
          data:
            kind: load
            path: blobs.csv
            label: species
          split:
            kind: split
            inputs: [data]
            validation: 0.2
            test: 0.2
          scale:
            kind: scale
            inputs: [split]
          train:
            kind: train
            inputs: [scale.train, scale.validation]
            model: \(model)
          evaluate:
            kind: evaluate
            inputs: {model: train.model, test: scale.test}

        """
    }

    func testEveryClassificationFamilyTrainsAndEvaluatesFromYAMLDeterministically() throws {
        for (name, model) in Self.models {
            try bench.write("p.yaml", pipeline(model: model))
            let first = try bench.run()
            XCTAssertTrue(first.succeeded, "\(name): \(first.outcomes)")
            let lockA = try bench.lockfile()
            let accuracy = lockA.stages["evaluate"]?.metrics["accuracy"] ?? 0
            XCTAssertGreaterThan(accuracy, 0.95, "\(name): test accuracy")
            _ = try bench.run(jobs: 1, force: true)
            let lockB = try bench.lockfile()
            for stage in ["train", "evaluate"] {
                XCTAssertEqual(lockA.stages[stage]!.outputs, lockB.stages[stage]!.outputs, "\(name): stage \(stage) is not deterministic")
            }
            XCTAssertEqual(try bench.run().stages(.upToDate).count, 5, "\(name): a re-run is a no-op")
        }
    }

    func testBadFamilyOptionsAreRejectedWithTheirKeyPath() throws {
        try bench.write("p.yaml", pipeline(model: "{type: logistic_regression, C: 0}"))
        XCTAssertThrowsError(try bench.load()) { error in
            let diagnostics = (error as? ValidationFailure)?.diagnostics ?? []
            XCTAssertTrue(diagnostics.contains { ($0.keyPath ?? "").hasPrefix("stages.train.model") && $0.message.contains("> 0") }, "\(diagnostics)")
        }
        try bench.write("p.yaml", pipeline(model: "{type: logistic_regression, penalty: elasticnet}"))
        XCTAssertThrowsError(try bench.load()) { error in
            XCTAssertTrue("\(error)".contains("l1_ratio"), "\(error)")
        }
    }
}
