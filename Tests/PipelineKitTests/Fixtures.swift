import Foundation
import PipelineKit
import PipelinePlan
import PipelineSpec
import PipelineStore
import XCTest

/// A temporary workspace holding a pipeline file and its data, removed after the test.
struct Workbench {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "pipeline-kit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    func path(_ name: String) -> String { directory + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path(name) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    }

    /// Three well-separated Gaussian blobs in 4 dimensions, `perClass` rows each, as CSV with a
    /// string label column — generated from a fixed LCG so the file is the same on every run.
    func writeBlobs(_ name: String = "blobs.csv", perClass: Int = 60) throws {
        var state: UInt64 = 12345
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        func gaussian() -> Double { sqrt(-2 * log(max(uniform(), 1e-300))) * cos(2 * .pi * uniform()) }
        let centres: [(String, [Double])] = [("cat", [0, 0, 0, 0]), ("dog", [4, 4, 0, 0]), ("eel", [0, 4, 4, -4])]
        var lines = ["f1,f2,f3,f4,species"]
        for i in 0..<(perClass * 3) {
            let (label, centre) = centres[i % 3]
            lines.append(centre.map { String(format: "%.5f", $0 + gaussian()) }.joined(separator: ",") + ",\(label)")
        }
        try write(name, lines.joined(separator: "\n") + "\n")
    }

    /// The standard small pipeline: load CSV → split → scale → train → evaluate.
    func writePipeline(_ name: String = "p.yaml", l2: String = "0.001", method: String = "standard", seed: Int = 7,
                       extraStages: String = "") throws {
        try write(name, """
        pipeline: 1
        name: small
        seed: \(seed)
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
            method: \(method)
          train:
            kind: train
            inputs: [scale.train, scale.validation]
            model: softmax_regression
            epochs: 40
            l2: \(l2)
          evaluate:
            kind: evaluate
            inputs: {model: train.model, test: scale.test}
        \(extraStages)
        """)
    }

    func load(_ name: String = "p.yaml") throws -> LoadedPipeline {
        try LoadedPipeline.load(path(name))
    }

    func run(_ name: String = "p.yaml", jobs: Int = 2, force: Bool = false, targets: [String] = [], keepGoing: Bool = false,
             events: RecordingSink = RecordingSink()) throws -> RunSummary {
        try RunSession.run(try load(name), options: RunOptions(jobs: jobs, force: force, targets: targets, keepGoing: keepGoing), events: events)
    }

    func lockfile(_ name: String = "p.lock") throws -> Lockfile {
        let text = try String(contentsOfFile: path(name), encoding: .utf8)
        return LockfileStore.read(path(name), pipeline: "small") { XCTFail("unreadable lockfile: \($0) \(text)") }
    }
}

/// Collects run events in order.
final class RecordingSink: RunEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [RunEvent] = []

    func emit(_ event: RunEvent) {
        lock.lock()
        stored.append(event)
        lock.unlock()
    }

    var events: [RunEvent] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    /// Stages that started computing, in order.
    var started: [String] {
        events.compactMap { if case .started(let stage, _) = $0 { return stage }; return nil }
    }
}

extension RunSummary {
    /// Stages with the given outcome, sorted.
    func stages(_ outcome: StageOutcome) -> [String] {
        outcomes.filter { $0.value == outcome }.keys.sorted()
    }
}
