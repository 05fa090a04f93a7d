import Foundation
import PipelineRun
import XCTest

/// A fake Slurm: numbers submitted jobs 100, 101, ...; each job reports PENDING on its first poll, then its
/// scripted end state (COMPLETED unless told otherwise). Records every sbatch argument list and cancel.
final class FakeSlurm: SlurmClient, @unchecked Sendable {
    private let lock = NSLock()
    private var next = 100
    private var polls: [String: Int] = [:]
    private(set) var submissions: [[String]] = []
    private(set) var cancelled: [String] = []
    private var names: [String: String] = [:]
    let endStates: [String: String]

    init(endStates: [String: String] = [:]) { self.endStates = endStates }

    func submit(_ arguments: [String]) throws -> String {
        lock.withLock {
            submissions.append(arguments)
            let id = "\(next)"
            next += 1
            names[id] = arguments.first { $0.hasPrefix("--job-name=") }.map { String($0.dropFirst("--job-name=".count)) }
            return id
        }
    }

    func states(of ids: [String]) throws -> [String: SlurmJobState] {
        lock.withLock {
            var result: [String: SlurmJobState] = [:]
            for id in ids where !cancelled.contains(id) {
                polls[id, default: 0] += 1
                result[id] = polls[id]! == 1 ? SlurmJobState("PENDING", reason: "Dependency") : SlurmJobState(endStates[names[id]!] ?? "COMPLETED")
            }
            for id in ids where cancelled.contains(id) { result[id] = SlurmJobState("CANCELLED") }
            return result
        }
    }

    func cancel(_ ids: [String]) { lock.withLock { cancelled += ids } }
}

/// A runner whose `settle` answers from a set of cached jobs and whose `collect` records what was taken up.
final class ClusterRunner: JobRunner, @unchecked Sendable {
    private let lock = NSLock()
    let cached: Set<String>
    private(set) var collected: [String] = []

    init(cached: Set<String> = []) { self.cached = cached }

    func run(job: String) throws { XCTFail("a cluster executor never runs jobs in-process") }
    func settle(job: String) throws -> Bool { cached.contains(job) }
    func collect(job: String) throws { lock.withLock { collected.append(job) } }
}

final class SlurmExecutorLoopTests: XCTestCase {
    /// a → b → d, a → c → d.
    let diamond = JobGraph(jobs: ["a", "b", "c", "d"], dependencies: ["b": ["a"], "c": ["a"], "d": ["b", "c"]])

    private func executor(_ slurm: FakeSlurm, policy: FailurePolicy = .stopOnFirstFailure, logs: String = "/nonexistent") -> SlurmExecutor {
        SlurmExecutor(client: slurm, pollSeconds: 0.001, policy: policy, cancelOnInterrupt: false) { job in
            SlurmJobRequest(name: job, command: ["/bin/tool", "exec-stage", "p.yaml", job], logPath: "\(logs)/\(job)-%j.log", workingDirectory: "/w")
        }
    }

    func testResourcesMapToSbatchOptionsAndTheCommandIsOneQuotedShellLine() {
        let request = SlurmJobRequest(name: "p-train", command: ["/opt/my tools/pipeline", "exec-stage", "/data/it's.yaml", "train"],
                                      logPath: "/c/slurm/train-%j.log", workingDirectory: "/data", cpus: 4, memory: "8G", time: "1:30:00",
                                      partition: "gpu", gpus: 2)
        XCTAssertEqual(request.sbatchArguments(dependencies: ["17", "18"]), [
            "--parsable", "--job-name=p-train", "--output=/c/slurm/train-%j.log", "--chdir=/data", "--partition=gpu",
            "--cpus-per-task=4", "--mem=8G", "--time=1:30:00", "--gres=gpu:2",
            "--dependency=afterok:17:18", "--kill-on-invalid-dep=yes",
            "--wrap=exec '/opt/my tools/pipeline' 'exec-stage' '/data/it'\\''s.yaml' 'train'",
        ])
    }

    func testAMultiProcessJobAsksForItsTasks() {
        let request = SlurmJobRequest(name: "p-train", command: ["mpirun", "-np", "4", "t"], logPath: "/l", workingDirectory: "/w", cpus: 1, tasks: 4)
        XCTAssertEqual(request.sbatchArguments(dependencies: []), [
            "--parsable", "--job-name=p-train", "--output=/l", "--chdir=/w", "--ntasks=4", "--cpus-per-task=1", "--wrap=exec 'mpirun' '-np' '4' 't'",
        ])
    }

    func testNoResourcesAndNoDependenciesGiveOnlyTheBasicOptions() {
        let request = SlurmJobRequest(name: "p-a", command: ["t"], logPath: "/l", workingDirectory: "/w", gpus: 0)
        XCTAssertEqual(request.sbatchArguments(dependencies: []), ["--parsable", "--job-name=p-a", "--output=/l", "--chdir=/w", "--wrap=exec 't'"])
    }

    func testEveryJobIsSubmittedOnceAfterItsUpstreamJobsAndCollectedInGraphOrder() {
        let slurm = FakeSlurm(), runner = ClusterRunner()
        let summary = executor(slurm).execute(diamond, runner: runner)
        XCTAssertTrue(summary.succeeded)
        let dependencies = slurm.submissions.map { $0.first { $0.hasPrefix("--dependency=") } }
        XCTAssertEqual(dependencies, [nil, "--dependency=afterok:100", "--dependency=afterok:100", "--dependency=afterok:101:102"])
        XCTAssertEqual(runner.collected, ["a", "b", "c", "d"])
        XCTAssertEqual(summary.completionOrder, ["a", "b", "c", "d"])
    }

    func testCachedJobsAreSettledWithoutSubmittingAndAFullyCachedGraphSubmitsNothing() {
        let slurm = FakeSlurm()
        let summary = executor(slurm).execute(diamond, runner: ClusterRunner(cached: ["a", "b"]))
        XCTAssertTrue(summary.succeeded)
        // c's upstream is settled, so c is offered to settle too (not cached → submitted with no dependency); d waits for c only.
        XCTAssertEqual(slurm.submissions.map { $0.first { $0.hasPrefix("--job-name=") }! }, ["--job-name=c", "--job-name=d"])
        XCTAssertEqual(slurm.submissions[1].first { $0.hasPrefix("--dependency=") }, "--dependency=afterok:100")

        let none = FakeSlurm()
        XCTAssertTrue(executor(none).execute(diamond, runner: ClusterRunner(cached: ["a", "b", "c", "d"])).succeeded)
        XCTAssertTrue(none.submissions.isEmpty)
    }

    func testAFailedJobStopsTheRunCancelsTheRestAndQuotesItsLogTail() throws {
        let logs = NSTemporaryDirectory() + "slurm-exec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: logs) }
        // a is cached, so b is job 100, c job 101 (after 100), x job 102.
        let lines = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try lines.write(toFile: "\(logs)/b-100.log", atomically: true, encoding: .utf8)
        let slurm = FakeSlurm(endStates: ["b": "FAILED"])
        let chain = JobGraph(jobs: ["a", "b", "c", "x"], dependencies: ["b": ["a"], "c": ["b"]])
        let summary = executor(slurm, logs: logs).execute(chain, runner: ClusterRunner(cached: ["a"]))
        XCTAssertFalse(summary.succeeded)
        guard case .failed(let message) = summary.outcomes["b"] else { return XCTFail("b should fail: \(summary.outcomes)") }
        XCTAssertTrue(message.hasPrefix("Slurm job 100 ended FAILED; last lines of \(logs)/b-100.log:\nline 11\n"), message)
        XCTAssertTrue(message.hasSuffix("line 30"), message)
        XCTAssertEqual(summary.outcomes["c"], .skipped(becauseOf: "b"))
        XCTAssertEqual(summary.outcomes["a"], .succeeded)
        // x (independent) was still queued: fail-fast cancels it along with b's dependent c.
        XCTAssertEqual(Set(slurm.cancelled), ["101", "102"])
        XCTAssertEqual(summary.outcomes["x"], .notStarted)
    }

    func testKeepGoingCancelsOnlyTheFailedJobsDependents() {
        let slurm = FakeSlurm(endStates: ["b": "TIMEOUT"])
        let chain = JobGraph(jobs: ["a", "b", "c", "x"], dependencies: ["b": ["a"], "c": ["b"]])
        let summary = executor(slurm, policy: .keepGoing).execute(chain, runner: ClusterRunner())
        XCTAssertEqual(summary.outcomes["x"], .succeeded)
        XCTAssertEqual(summary.outcomes["a"], .succeeded)
        XCTAssertEqual(summary.outcomes["c"], .skipped(becauseOf: "b"))
        XCTAssertEqual(slurm.cancelled, ["102"])
    }
}
