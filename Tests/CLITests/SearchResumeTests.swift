import Foundation
import XCTest

/// A search killed with SIGKILL resumes on the next `pipeline run` without recomputing any finished trial,
/// and ends with the same trials table as an uninterrupted search.
final class SearchResumeTests: XCTestCase {
    private func makeWorkspace() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.writeThreeClassCSV(rows: 600, seed: 7, shift: 1.0)
        try scratch.write("tune.yaml", """
        pipeline: 1
        name: tune
        seed: 5
        stages:
          data: {kind: load, path: data.csv, label: label}
          split: {kind: split, inputs: [data], validation: 0.3}
          train:
            kind: train
            inputs: [split.train]
            model: {type: mlp, layers: [16]}
            optimizer: {type: sgd, lr: 0.05}
            epochs: 30
            batch_size: 16
          evaluate: {kind: evaluate, inputs: {model: train.model, validation: split.validation}}
          search:
            kind: search
            inputs: [evaluate.metrics]
            objective: {metric: accuracy}
            space:
              train.optimizer.lr: {type: log_uniform, low: 0.001, high: 0.5}
              train.model.layers: {type: choice, values: [[8], [16], [32]]}
            strategy: tpe
            trials: 14
        """)
        return scratch
    }

    /// Run records (one per computed stage variant) with their file identity.
    private func runRecords(_ scratch: Scratch) throws -> [String: Int] {
        let runs = scratch.path + "/.pipeline/runs"
        var records: [String: Int] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? [] where name.hasSuffix(".json") {
            records[name] = (try FileManager.default.attributesOfItem(atPath: "\(runs)/\(name)")[.systemFileNumber] as? Int) ?? -1
        }
        return records
    }

    private func trialsHash(_ scratch: Scratch) throws -> String {
        let lock = try String(contentsOfFile: scratch.path + "/tune.lock", encoding: .utf8)
        let lines = lock.components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex(of: "  search:"))
        let trials = try XCTUnwrap(lines[start...].firstIndex(of: "      trials:"))
        return try XCTUnwrap(lines[trials...].first { $0.contains("hash: ") }).components(separatedBy: "hash: ")[1]
    }

    func testKilledSearchResumesWithoutRecomputingFinishedTrials() throws {
        let killed = try makeWorkspace(), straight = try makeWorkspace()
        defer { killed.remove(); straight.remove() }

        let run = try CLI.start(["run", "tune.yaml"], in: killed.path)
        // The four pipeline stages record their runs first; kill once a few trials (train + evaluate each) are done.
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline, run.process.isRunning, try runRecords(killed).count < 4 + 2 * 4 { usleep(20_000) }
        XCTAssertTrue(run.process.isRunning, "the search must still be running when it is killed (make it longer)")
        kill(run.process.processIdentifier, SIGKILL)
        run.process.waitUntilExit()
        let before = try runRecords(killed)
        XCTAssertGreaterThanOrEqual(before.count, 4 + 2 * 4)

        let resumed = try CLI.run(["run", "tune.yaml"], in: killed.path)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        let after = try runRecords(killed)
        for (name, identity) in before {
            XCTAssertEqual(after[name], identity, "run record \(name) of a finished stage was recomputed")
        }
        XCTAssertGreaterThan(after.count, before.count, "the remaining trials ran")

        let uninterrupted = try CLI.run(["run", "tune.yaml"], in: straight.path)
        XCTAssertEqual(uninterrupted.status, 0, uninterrupted.stdout + uninterrupted.stderr)
        XCTAssertEqual(Set(try runRecords(straight).keys), Set(after.keys), "the same stage variants ran")
        XCTAssertEqual(try trialsHash(killed), try trialsHash(straight), "resumed and uninterrupted searches give the same trials table")
    }
}
