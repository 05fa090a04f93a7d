import Foundation
import PipelineRun
import XCTest

/// A fake Slurm with one job array: task `i` is missing from the queue for `hidden[i]` polls (then, if
/// still unknown, stays missing), else PENDING for one poll, RUNNING for one, then its scripted end.
final class FakeArraySlurm: SlurmClient, @unchecked Sendable {
    private let lock = NSLock()
    private var polls = 0
    private(set) var submissions: [[String]] = []
    private(set) var cancelled: [String] = []
    let ends: [Int: String]
    let vanished: Set<Int>

    init(ends: [Int: String], vanished: Set<Int> = []) {
        self.ends = ends
        self.vanished = vanished
    }

    func submit(_ arguments: [String]) throws -> String { lock.withLock { submissions.append(arguments); return "700" } }
    func states(of ids: [String]) throws -> [String: SlurmJobState] { [:] }
    func cancel(_ ids: [String]) { lock.withLock { cancelled += ids } }

    func arrayStates(of id: String) throws -> [Int: SlurmJobState] {
        lock.withLock {
            polls += 1
            var states: [Int: SlurmJobState] = [:]
            for (task, end) in ends where !vanished.contains(task) {
                states[task] = polls == 1 ? SlurmJobState("PENDING") : polls == 2 ? SlurmJobState("RUNNING") : SlurmJobState(end, reason: end == "FAILED" ? "NonZeroExitCode" : nil)
            }
            return states
        }
    }
}

final class SlurmArrayRunTests: XCTestCase {
    func testAnArrayRequestAsksForOneTaskPerIndexWithItsThrottle() {
        let request = SlurmJobRequest(name: "p-search-trials", command: ["/bin/tool", "exec-trial", "p.yaml", "b.json"],
                                      logPath: "/logs/trial-%A_%a.log", workingDirectory: "/w", cpus: 2, array: "0-35%4")
        let arguments = request.sbatchArguments(dependencies: [])
        XCTAssertTrue(arguments.contains("--array=0-35%4"), "\(arguments)")
        XCTAssertTrue(arguments.contains("--cpus-per-task=2"), "\(arguments)")
        XCTAssertTrue(arguments.contains("--output=/logs/trial-%A_%a.log"), "\(arguments)")
        XCTAssertEqual(SlurmArrayRun.logPath("/logs/trial-%A_%a.log", id: "700", task: 12), "/logs/trial-700_12.log")
        XCTAssertFalse(SlurmJobRequest(name: "n", command: ["x"], logPath: "l", workingDirectory: "/").sbatchArguments(dependencies: [])
            .contains { $0.hasPrefix("--array") })
    }

    func testEveryTaskEndIsReportedInIndexOrderAndPendingOrRunningTasksAreWaitedFor() throws {
        let slurm = FakeArraySlurm(ends: [0: "COMPLETED", 1: "FAILED", 2: "COMPLETED", 3: "TIMEOUT"])
        var submittedID: String?
        let request = SlurmJobRequest(name: "t", command: ["x"], logPath: "l", workingDirectory: "/", array: "0-3")
        let ends = try SlurmArrayRun(client: slurm, pollSeconds: 0.001).run(request, count: 4) { submittedID = $0 }
        XCTAssertEqual(submittedID, "700")
        XCTAssertEqual(ends.count, 4)
        XCTAssertEqual(ends[0], .succeeded)
        XCTAssertEqual(ends[1], .failed("Slurm task 700_1 ended FAILED, NonZeroExitCode"))
        XCTAssertEqual(ends[2], .succeeded)
        XCTAssertEqual(ends[3], .failed("Slurm task 700_3 ended TIMEOUT"))
        XCTAssertEqual(slurm.submissions.count, 1, "one array, not one job per trial")
        XCTAssertEqual(slurm.cancelled, [])
    }

    func testATaskTheQueueNeverShowsFailsAfterTheLostLimitInsteadOfHangingTheSearch() throws {
        let slurm = FakeArraySlurm(ends: [0: "COMPLETED", 1: "COMPLETED"], vanished: [1])
        let request = SlurmJobRequest(name: "t", command: ["x"], logPath: "l", workingDirectory: "/", array: "0-1")
        let ends = try SlurmArrayRun(client: slurm, pollSeconds: 0.001).run(request, count: 2)
        XCTAssertEqual(ends[0], .succeeded)
        XCTAssertEqual(ends[1], .failed("Slurm task 700_1 is no longer known to squeue"))
    }
}
