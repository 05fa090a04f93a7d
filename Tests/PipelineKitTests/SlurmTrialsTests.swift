import Foundation
@testable import PipelineKit
import PipelineRun
import PipelineSpec
import PipelineStore
import Stages
import XCTest

/// A fake Slurm that runs each task of a submitted job array in this process, as the cluster would run
/// `pipeline exec-trial FILE BATCH` with SLURM_ARRAY_TASK_ID set: it reads the batch file named in the
/// `--wrap` command and runs `TrialTask.run`. Tasks in `crash` end FAILED without running (a lost node).
final class InProcessArraySlurm: SlurmClient, @unchecked Sendable {
    private let lock = NSLock()
    let pipeline: LoadedPipeline
    let crash: Set<Int>
    private(set) var submissions: [[String]] = []
    private(set) var runRecordsAtSubmit: [Int] = []
    private var ends: [Int: String] = [:]

    init(pipeline: LoadedPipeline, crash: Set<Int> = []) {
        self.pipeline = pipeline
        self.crash = crash
    }

    func submit(_ arguments: [String]) throws -> String {
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: pipeline.workspace.cache.runsDirectory)) ?? []
        let wrap = try XCTUnwrap(arguments.first { $0.hasPrefix("--wrap=") })
        // The command is single-quoted words: tool, exec-trial, file, batch, --jobs, N.
        let words = wrap.components(separatedBy: "'").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        XCTAssertEqual(words[1], "exec-trial")
        let array = try XCTUnwrap(arguments.first { $0.hasPrefix("--array=0-") })
        let last = try XCTUnwrap(Int(array.dropFirst("--array=0-".count).prefix { $0.isNumber }))
        let output = try XCTUnwrap(arguments.first { $0.hasPrefix("--output=") }).dropFirst("--output=".count)
        var ends: [Int: String] = [:]
        for task in 0...last {
            if crash.contains(task) { ends[task] = "NODE_FAIL"; continue }
            do {
                try TrialTask.run(pipeline, batchFile: words[3], index: task, jobs: 1)
                ends[task] = "COMPLETED"
            } catch {
                let log = SlurmArrayRun.logPath(String(output), id: "900", task: task)
                try ("some progress\n" + TrialTask.failurePrefix + "\(error)\n").write(toFile: log, atomically: true, encoding: .utf8)
                ends[task] = "FAILED"
            }
        }
        lock.withLock {
            submissions.append(arguments)
            runRecordsAtSubmit.append(runs.filter { $0.hasSuffix(".json") }.count)
            self.ends = ends
        }
        return "900"
    }

    func states(of ids: [String]) throws -> [String: SlurmJobState] { [:] }
    func cancel(_ ids: [String]) {}
    func arrayStates(of id: String) throws -> [Int: SlurmJobState] {
        lock.withLock { ends.mapValues { SlurmJobState($0) } }
    }
}

final class SlurmTrialsTests: XCTestCase {
    var bench: Workbench!

    override func setUpWithError() throws {
        bench = try Workbench()
        try bench.writeBlobs()
        try bench.writePipeline()
    }

    override func tearDown() { bench.remove() }

    private let batch: [[TrialOverride]] = [0.0001, 0.01, 1.0].map { [TrialOverride(stage: "train", path: ["l2"], value: .double($0))] }
        + [[TrialOverride(stage: "train", path: ["epochs"], value: .int(12)), TrialOverride(stage: "scale", path: ["method"], value: .string("minmax"))]]

    func testATrialBatchOnSlurmGivesTheOutcomesOfTheSameTrialsRunLocally() throws {
        let pipeline = try bench.load()
        let slurm = InProcessArraySlurm(pipeline: pipeline)
        let session = SlurmTrialSession(pipeline: pipeline, stage: "tune", settings: SlurmTrialSettings(pollSeconds: 0.001, concurrency: 2),
                                        client: slurm, events: RecordingSink())
        let onSlurm = session.run(target: "evaluate", batch: batch).map { try? $0.get() }

        let other = try Workbench()
        defer { other.remove() }
        try other.writeBlobs()
        try other.writePipeline()
        let local = TrialSession(pipeline: try other.load(), parallel: 2).run(target: "evaluate", batch: batch).map { try? $0.get() }

        XCTAssertEqual(slurm.submissions.count, 1, "one batch is one job array")
        XCTAssertTrue(slurm.submissions[0].contains("--array=0-3%2"), "\(slurm.submissions[0])")
        XCTAssertEqual(slurm.runRecordsAtSubmit, [2], "data and split, which no trial changes, ran once before the array")
        for (cluster, here) in zip(onSlurm, local) {
            let cluster = try XCTUnwrap(cluster), here = try XCTUnwrap(here)
            // Latency and throughput are measured, not computed: they differ between any two runs.
            let computed = { (outcome: TrialOutcome) in
                outcome.metrics.mapValues { $0.filter { !$0.key.hasPrefix("latency") && !$0.key.hasPrefix("throughput_rows") } }
            }
            XCTAssertEqual(computed(cluster), computed(here))
            let names = { (outcome: TrialOutcome) in outcome.outputs.mapValues { $0.mapValues { ($0 as NSString).lastPathComponent } } }
            XCTAssertEqual(names(cluster), names(here), "the same content hashes")
            XCTAssertEqual(cluster.computed, [], "the search process computes nothing of a trial itself")
        }
        XCTAssertNotEqual(onSlurm[0]?.metrics["evaluate"], onSlurm[3]?.metrics["evaluate"], "the trials differ")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: pipeline.workspace.cache.root + "/slurm/trials")
        XCTAssertFalse(leftovers.contains { $0.hasSuffix(".json") }, "the batch file is removed once the array ended: \(leftovers)")
    }

    func testALostTaskFailsOnlyItsTrialNamingTheTaskAndAFailingTrialQuotesItsError() throws {
        let pipeline = try bench.load()
        let slurm = InProcessArraySlurm(pipeline: pipeline, crash: [1])
        let session = SlurmTrialSession(pipeline: pipeline, stage: "tune", settings: SlurmTrialSettings(pollSeconds: 0.001),
                                        client: slurm, events: RecordingSink())
        // An l2 the trainer accepts at validation but a path to a data file that is not there fails at run time.
        let missing = [TrialOverride(stage: "data", path: ["path"], value: .string("gone.csv"))]
        let results = session.run(target: "evaluate", batch: [batch[0], batch[1], missing])
        XCTAssertNoThrow(try results[0].get())
        XCTAssertTrue(slurm.submissions[0].contains("--array=0-2"), "no throttle when trial_concurrency is not set")
        XCTAssertThrowsError(try results[1].get()) { error in
            XCTAssertTrue("\(error)".contains("Slurm task 900_1 ended NODE_FAIL"), "\(error)")
        }
        let local = TrialSession(pipeline: pipeline, parallel: 1)
        var localError = ""
        XCTAssertThrowsError(try local.run(target: "evaluate", overrides: missing)) { localError = "\($0)" }
        XCTAssertThrowsError(try results[2].get()) { error in
            XCTAssertEqual("\(error)", localError, "the trial's error is the one a local run gives")
        }
        XCTAssertTrue(localError.contains("gone.csv"), localError)
    }

    func testBatchFilesKeepEveryValueExactlyIncludingWholeDoubles() throws {
        let values: [ParamValue] = [.double(1.0), .int(1), .double(0.1 + 0.2), .string("x'y"), .null, .bool(false),
                                    .list([.double(2.0), .int(3)]), .map(["lr": .double(1e-3), "type": .string("adam")])]
        let batch = values.map { [TrialOverride(stage: "train", path: ["optimizer", "lr"], value: $0)] }
        let path = bench.path("batch.json")
        try TrialBatchFile(target: "evaluate", batch: batch).write(to: path)
        let read = try TrialBatchFile.read(path)
        XCTAssertEqual(read.target, "evaluate")
        for (index, value) in values.enumerated() {
            XCTAssertEqual(try read.overrides(index).first?.value, value)
        }
        if case .double(let d) = try read.overrides(0)[0].value { XCTAssertEqual(d, 1.0) } else { XCTFail("1.0 came back as another type") }
        XCTAssertThrowsError(try read.overrides(values.count))
    }

    func testTheFailureMessageIsEverythingAfterTheLastPrefixOfTheLog() throws {
        let log = bench.path("trial.log")
        try "progress\n\(TrialTask.failurePrefix)stage 'train' failed: line one\nline two\n".write(toFile: log, atomically: true, encoding: .utf8)
        XCTAssertEqual(SlurmTrialSession.failureMessage(log: log), "stage 'train' failed: line one\nline two")
        try "no failure printed\n".write(toFile: log, atomically: true, encoding: .utf8)
        XCTAssertNil(SlurmTrialSession.failureMessage(log: log))
        XCTAssertNil(SlurmTrialSession.failureMessage(log: bench.path("absent.log")))
    }
}
