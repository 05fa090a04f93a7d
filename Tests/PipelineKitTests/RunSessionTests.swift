import Foundation
import PipelineKit
import PipelinePlan
import PipelineSpec
import PipelineStore
import XCTest

final class RunSessionTests: XCTestCase {
    var bench: Workbench!

    override func setUpWithError() throws {
        bench = try Workbench()
        try bench.writeBlobs()
        try bench.writePipeline()
    }

    override func tearDown() { bench.remove() }

    func testFirstRunComputesEverythingAndRerunIsUpToDate() throws {
        let first = try bench.run()
        XCTAssertTrue(first.succeeded)
        XCTAssertEqual(first.stages(.ran), ["data", "evaluate", "scale", "split", "train"])
        let lock = try bench.lockfile()
        // Blobs 4σ apart: a linear model separates them almost perfectly.
        XCTAssertGreaterThan(lock.stages["evaluate"]!.metrics["accuracy"]!, 0.95)
        XCTAssertEqual(lock.stages["split"]!.metrics["train_rows"], 108)   // 180 rows · 0.6
        XCTAssertEqual(lock.stages["split"]!.metrics["test_rows"], 36)
        // Each input's source, as the stage declared it (`scale.train`), is recorded beside its content hash.
        XCTAssertEqual(lock.stages["train"]!.sources, ["train": "scale.train", "validation": "scale.validation"])
        XCTAssertEqual(lock.stages["evaluate"]!.sources, ["model": "train.model", "test": "scale.test"])
        XCTAssertEqual(lock.stages["data"]!.sources, [:])

        let sink = RecordingSink()
        let second = try bench.run(events: sink)
        XCTAssertEqual(second.stages(.upToDate), ["data", "evaluate", "scale", "split", "train"])
        XCTAssertEqual(sink.started, [])
        XCTAssertEqual(try bench.lockfile(), lock, "an up-to-date run must not change the lockfile")
    }

    func testParameterChangeRerunsExactlyTheDownstreamStages() throws {
        _ = try bench.run()
        try bench.writePipeline(l2: "0.01")
        let changedTrain = try bench.run()
        XCTAssertEqual(changedTrain.stages(.ran), ["evaluate", "train"])
        XCTAssertEqual(changedTrain.stages(.upToDate), ["data", "scale", "split"])

        try bench.writePipeline(l2: "0.01", method: "minmax")
        let changedScale = try bench.run()
        XCTAssertEqual(changedScale.stages(.ran), ["evaluate", "scale", "train"])
        XCTAssertEqual(changedScale.stages(.upToDate), ["data", "split"])
    }

    func testSwitchingAParameterBackRestoresFromTheRunCache() throws {
        _ = try bench.run()
        try bench.writePipeline(l2: "0.01")
        _ = try bench.run()
        try bench.writePipeline(l2: "0.001")
        let sink = RecordingSink()
        let back = try bench.run(events: sink)
        XCTAssertEqual(back.stages(.restored), ["evaluate", "train"])
        XCTAssertEqual(sink.started, [], "restoring must not recompute")
    }

    func testSeedChangeRerunsSeededStages() throws {
        _ = try bench.run()
        try bench.writePipeline(seed: 8)
        // Every fingerprint includes the seed, so everything re-runs; the load output is identical, so the
        // split's inputs are unchanged but its seed is not.
        XCTAssertEqual(try bench.run().stages(.ran), ["data", "evaluate", "scale", "split", "train"])
    }

    func testForceRecomputesAndStageSelectsUpstream() throws {
        let sink = RecordingSink()
        _ = try bench.run(targets: ["split"], events: sink)
        XCTAssertEqual(Set(sink.started), ["data", "split"])
        let forced = try bench.run(force: true, targets: ["split"])
        XCTAssertEqual(forced.stages(.ran), ["data", "split"])
        XCTAssertNil(forced.outcomes["train"], "stages outside the selection are not touched")
        XCTAssertThrowsError(try bench.run(targets: ["spilt"])) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'split'"), "\(error)")
        }
    }

    func testResultsAreBitIdenticalAcrossRunsAndJobCounts() throws {
        let other = try Workbench()
        defer { other.remove() }
        try other.writeBlobs()
        try other.writePipeline()
        _ = try bench.run(jobs: 1)
        _ = try other.run(jobs: 4)
        let a = try bench.lockfile(), b = try other.lockfile()
        for stage in ["data", "split", "scale", "train", "evaluate"] {
            XCTAssertEqual(a.stages[stage]!.outputs, b.stages[stage]!.outputs, "outputs of \(stage) differ between --jobs 1 and --jobs 4")
            XCTAssertEqual(a.stages[stage]!.fingerprint, b.stages[stage]!.fingerprint)
        }
        // And a forced recomputation in the same workspace reproduces the same bytes.
        _ = try bench.run(jobs: 3, force: true)
        XCTAssertEqual(try bench.lockfile().stages.mapValues(\.outputs), a.stages.mapValues(\.outputs))
    }

    func testStatusExplainsWhy() throws {
        let never = try StatusReport.compute(try bench.load(), lockfile: Lockfile(pipeline: "small"))
        XCTAssertEqual(never.map(\.state), Array(repeating: .stale, count: 5))
        XCTAssertEqual(never.first { $0.stage == "data" }!.reasons, [.neverRun])

        _ = try bench.run()
        try bench.writePipeline(l2: "0.5")
        let statuses = try StatusReport.compute(try bench.load(), lockfile: try bench.lockfile())
        let byStage = Dictionary(uniqueKeysWithValues: statuses.map { ($0.stage, $0) })
        XCTAssertEqual(byStage["scale"]!.state, .upToDate)
        XCTAssertEqual(byStage["train"]!.state, .stale)
        XCTAssertEqual(byStage["train"]!.reasons, [.paramChanged("l2", from: .double(0.001), to: .double(0.5))])
        XCTAssertEqual(byStage["evaluate"]!.reasons, [.upstreamStale(["train"])])
        XCTAssertEqual(StatusText.render(statuses, verb: "status").contains("param 'l2' changed: 0.001 -> 0.5"), true)
    }

    func testMissingCachedOutputIsReportedAndRecomputed() throws {
        _ = try bench.run()
        let lock = try bench.lockfile()
        let cache = try bench.load().workspace.cache
        let object = cache.objectPath(lock.stages["train"]!.outputs["model"]!.hash)
        try FileManager.default.removeItem(atPath: object)
        let statuses = try StatusReport.compute(try bench.load(), lockfile: lock)
        XCTAssertEqual(statuses.first { $0.stage == "train" }!.reasons, [.outputMissing("model")])
        let rerun = try bench.run()
        XCTAssertEqual(rerun.stages(.ran), ["train"], "evaluate's inputs are byte-identical, so it stays cached")
        XCTAssertTrue(FileManager.default.fileExists(atPath: object))
    }

    func testFailingStageLeavesNoPartialOutputAndSkipsDependents() throws {
        try bench.writePipeline(extraStages: """
          broken:
            kind: shell
            inputs: [evaluate.summary]
            command: "echo partial > out.txt; echo boom >&2; exit 3"
            outs: [out.txt]
          after:
            kind: shell
            inputs: [broken]
            command: "cp out.txt after.txt"
            outs: [after.txt]
        """)
        let summary = try bench.run(keepGoing: true)
        XCTAssertFalse(summary.succeeded)
        guard case .failed(let message)? = summary.outcomes["broken"] else { return XCTFail("broken should fail") }
        XCTAssertTrue(message.contains("exited with status 3"), message)
        XCTAssertTrue(message.contains("boom"), "the command's output tail is shown: \(message)")
        XCTAssertEqual(summary.outcomes["after"], .skipped(because: "broken"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: bench.path("out.txt")), "declared outputs of a failed command are removed")
        XCTAssertEqual(summary.stages(.ran), ["data", "evaluate", "scale", "split", "train"])
        let lock = try bench.lockfile()
        XCTAssertNil(lock.stages["broken"], "a failed stage gets no lockfile record")
        XCTAssertNotNil(lock.stages["evaluate"], "stages that succeeded are recorded even when another failed")
        let tmp = try bench.load().workspace.cache.tmpDirectory
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [], [], "scratch space is cleaned up")
    }

    func testShellStageOutputsAreCachedAndRestored() throws {
        try bench.write("script.sh", "wc -l < blobs.csv > count.txt\n")
        try bench.write("s.yaml", """
        pipeline: 1
        name: shelly
        stages:
          count:
            kind: shell
            command: sh script.sh
            deps: [blobs.csv, script.sh]
            outs: [count.txt]
        """)
        XCTAssertEqual(try bench.run("s.yaml").stages(.ran), ["count"])
        XCTAssertEqual(try String(contentsOfFile: bench.path("count.txt"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "181")
        try FileManager.default.removeItem(atPath: bench.path("count.txt"))
        XCTAssertEqual(try bench.run("s.yaml").stages(.upToDate), ["count"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: bench.path("count.txt")), "a cache hit restores the workspace file")
        // A dependency's content is part of the fingerprint.
        try bench.write("script.sh", "wc -c < blobs.csv > count.txt\n")
        XCTAssertEqual(try bench.run("s.yaml").stages(.ran), ["count"])
    }

    func testWorkspaceLockMakesASecondRunFailClearly() throws {
        let pipeline = try bench.load()
        let held = try pipeline.workspace.lock(wait: 0)
        XCTAssertThrowsError(try RunSession.run(pipeline, options: RunOptions(jobs: 1), events: RecordingSink())) { error in
            XCTAssertTrue("\(error)".contains("another pipeline run (pid \(getpid()))"), "\(error)")
        }
        withExtendedLifetime(held) {}
    }

    func testLockfileIsStableAndReadsBack() throws {
        _ = try bench.run()
        let text = try String(contentsOfFile: bench.path("p.lock"), encoding: .utf8)
        let lock = try bench.lockfile()
        XCTAssertEqual(try LockfileStore.encode(lock), text, "encoding is deterministic and round-trips")
        XCTAssertTrue(text.contains("      l2: 0.001\n"), "numbers are written plainly:\n\(text)")
        XCTAssertEqual(lock.stages["train"]!.params["epochs"], .int(40))
    }
}

extension RunSessionTests {
    /// Two pipelines in one directory share the cache; a stage they both declare identically is computed once.
    /// Its artifact must not depend on which pipeline computed it: restored into the second pipeline, every
    /// output hash (and so every downstream fingerprint) equals a run of that pipeline on a fresh cache.
    func testASharedStageRestoresTheBytesAFreshRunWrites() throws {
        let text = try String(contentsOfFile: bench.path("p.yaml"), encoding: .utf8)
        try bench.write("q.yaml", text.replacingOccurrences(of: "name: small", with: "name: other"))
        XCTAssertTrue(try bench.run("q.yaml").succeeded)
        let shared = try bench.run()
        XCTAssertEqual(shared.stages(.ran), [], "every stage of p is identical to q's and comes from the cache")

        let fresh = try Workbench()
        defer { fresh.remove() }
        try fresh.writeBlobs()
        try fresh.writePipeline()
        XCTAssertTrue(try fresh.run().succeeded)
        let a = try bench.lockfile(), b = try fresh.lockfile()
        for (name, record) in b.stages {
            XCTAssertEqual(a.stages[name]?.fingerprint, record.fingerprint, name)
            XCTAssertEqual(a.stages[name]?.outputs.mapValues(\.hash), record.outputs.mapValues(\.hash), name)
        }
    }
}
