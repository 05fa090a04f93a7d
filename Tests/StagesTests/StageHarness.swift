import Foundation
import PipelineSpec
import PipelineStore
import Stages

/// Runs a stage kind directly, outside any executor, on inputs written by the test.
struct StageHarness {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "stage-kind-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/out", withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    static let provenance = Provenance(stage: "test", kind: "test", fingerprint: "0")

    /// Writes a dataset artifact named `name` and returns it as an input.
    func input(_ name: String, _ dataset: Dataset) throws -> StageInput {
        let path = "\(directory)/\(name).h5"
        try dataset.write(to: path, provenance: Self.provenance)
        return StageInput(type: .dataset, path: path, stage: "upstream")
    }

    /// Runs `kind` with `params` (defaults filled from its signature) and `inputs` in order.
    func run(_ kind: some StageKind, params: [String: ParamValue] = [:], inputs: [(String, StageInput)] = [],
             seed: UInt64 = 1, stage: String = "stage") throws -> StageResult {
        var resolved = params
        for decl in kind.signature.params where resolved[decl.name] == nil {
            if let value = decl.defaultValue { resolved[decl.name] = value }
        }
        let output = "\(directory)/out/\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        // A fresh checkpoint directory per run, as the runner gives each fingerprint its own: a shared one
        // would let a second run resume from the first's final checkpoint instead of training.
        let checkpoints = directory + "/checkpoints/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        let context = StageContext(stage: stage, params: resolved, inputs: Dictionary(uniqueKeysWithValues: inputs), inputOrder: inputs.map(\.0),
                                   outputDirectory: output, checkpointDirectory: checkpoints, baseDirectory: directory, seed: seed,
                                   provenance: Provenance(stage: stage, kind: kind.signature.kind, fingerprint: "f"),
                                   report: { _ in })
        return try kind.run(context)
    }
}

extension Dataset {
    /// A float dataset from rows of values and labels.
    static func rows(_ values: [[Float]], labels: [Int32]?, classNames: [String] = []) -> Dataset {
        Dataset(features: .float32(values.flatMap { $0 }), rows: values.count, sampleShape: [values.first?.count ?? 0],
                labels: labels, classNames: classNames, featureNames: [])
    }
}
