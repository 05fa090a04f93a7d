import Foundation
import PipelineRun
import XCTest

/// An error whose description is its message, as stages' errors are.
struct JobError: Error, CustomStringConvertible {
    let description: String
}

/// A fake runner: sleeps per job, fails the jobs it is told to, and records every start and finish under a lock.
final class RecordingRunner: JobRunner, @unchecked Sendable {
    enum Event: Equatable { case start(String), finish(String) }

    private let lock = NSLock()
    private var _events: [Event] = []
    private var running = 0
    private var _maxConcurrent = 0
    private let delays: [String: Double]
    private let defaultDelay: Double
    private let failures: Set<String>

    init(delay: Double = 0.005, delays: [String: Double] = [:], failing: Set<String> = []) {
        self.defaultDelay = delay
        self.delays = delays
        self.failures = failing
    }

    var events: [Event] { lock.withLock { _events } }
    var maxConcurrent: Int { lock.withLock { _maxConcurrent } }
    var started: [String] { events.compactMap { if case .start(let j) = $0 { return j }; return nil } }

    func run(job: String) throws {
        lock.withLock {
            _events.append(.start(job))
            running += 1
            _maxConcurrent = max(_maxConcurrent, running)
        }
        Thread.sleep(forTimeInterval: delays[job] ?? defaultDelay)
        lock.withLock {
            running -= 1
            _events.append(.finish(job))
        }
        if failures.contains(job) { throw JobError(description: "boom in \(job)") }
    }

    func index(of event: Event) -> Int? { events.firstIndex(of: event) }
}

final class LocalExecutorTests: XCTestCase {
    /// load → (a, b) → join; b → c; c, join → report; plus an independent chain x → y.
    private let graph = JobGraph(
        jobs: ["load", "a", "b", "x", "c", "join", "y", "report"],
        dependencies: ["a": ["load"], "b": ["load"], "join": ["a", "b"], "c": ["b"], "report": ["c", "join"], "y": ["x"]])

    private func assertDependenciesFinishedFirst(_ runner: RecordingRunner, _ graph: JobGraph, file: StaticString = #filePath, line: UInt = #line) {
        for job in graph.jobs {
            guard let start = runner.index(of: .start(job)) else { continue }
            for dep in graph.dependencies[job] ?? [] {
                guard let finish = runner.index(of: .finish(dep)) else {
                    XCTFail("\(job) started but its dependency \(dep) never finished", file: file, line: line)
                    continue
                }
                XCTAssertLessThan(finish, start, "\(dep) must finish before \(job) starts", file: file, line: line)
            }
        }
    }

    func testDependenciesFinishBeforeDependentsStart() {
        for parallel in [1, 2, 4, 8] {
            // Uneven delays so that finishing order differs from priority order.
            let runner = RecordingRunner(delays: ["load": 0.01, "a": 0.03, "b": 0.002, "x": 0.02, "c": 0.001, "join": 0.005, "y": 0.001])
            let summary = LocalExecutor(maxParallel: parallel).execute(graph, runner: runner)
            XCTAssertTrue(summary.succeeded, "maxParallel \(parallel)")
            XCTAssertEqual(Set(summary.completionOrder), Set(graph.jobs))
            XCTAssertEqual(summary.completionOrder.count, graph.jobs.count)
            XCTAssertEqual(runner.started.count, graph.jobs.count, "every job runs exactly once")
            XCTAssertEqual(summary.outcomes, Dictionary(uniqueKeysWithValues: graph.jobs.map { ($0, JobOutcome.succeeded) }))
            assertDependenciesFinishedFirst(runner, graph)
            XCTAssertLessThanOrEqual(runner.maxConcurrent, parallel)
        }
    }

    func testCompletionOrderMatchesTheRunnersFinishOrder() {
        let runner = RecordingRunner(delay: 0.01)
        let summary = LocalExecutor(maxParallel: 1).execute(graph, runner: runner)
        let finishes = runner.events.compactMap { if case .finish(let j) = $0 { return j }; return nil }
        XCTAssertEqual(summary.completionOrder, finishes)
    }

    func testAtMostMaxParallelJobsRunAtOnce() {
        let jobs = (1...9).map { "job\($0)" }
        let runner = RecordingRunner(delay: 0.04)
        let summary = LocalExecutor(maxParallel: 3).execute(JobGraph(jobs: jobs, dependencies: [:]), runner: runner)
        XCTAssertTrue(summary.succeeded)
        XCTAssertEqual(runner.maxConcurrent, 3, "three independent 40 ms jobs should overlap, never four")
    }

    func testOneWorkerRunsJobsStrictlyOneAfterAnotherInPriorityOrder() {
        let jobs = ["e", "d", "c", "b", "a"]
        let runner = RecordingRunner(delay: 0.002)
        _ = LocalExecutor(maxParallel: 1).execute(JobGraph(jobs: jobs, dependencies: [:]), runner: runner)
        XCTAssertEqual(runner.events, jobs.flatMap { [RecordingRunner.Event.start($0), .finish($0)] })
        XCTAssertEqual(runner.maxConcurrent, 1)
    }

    func testNonPositiveParallelismMeansOne() {
        XCTAssertEqual(LocalExecutor(maxParallel: 0).maxParallel, 1)
        XCTAssertEqual(LocalExecutor(maxParallel: -3).maxParallel, 1)
        let runner = RecordingRunner(delay: 0.01)
        _ = LocalExecutor(maxParallel: 0).execute(JobGraph(jobs: ["a", "b", "c"], dependencies: [:]), runner: runner)
        XCTAssertEqual(runner.maxConcurrent, 1)
    }

    func testReadyJobsStartInPriorityOrder() {
        // After 'root' finishes, 'p1' … 'p3' become ready together and must start in the graph's order.
        let g = JobGraph(jobs: ["root", "p3", "p1", "p2"], dependencies: ["p1": ["root"], "p2": ["root"], "p3": ["root"]])
        let runner = RecordingRunner()
        _ = LocalExecutor(maxParallel: 1).execute(g, runner: runner)
        XCTAssertEqual(runner.started, ["root", "p3", "p1", "p2"])
    }

    func testFailedJobKeepsItsMessageAndItsDependentsAreSkipped() {
        let runner = RecordingRunner(failing: ["b"])
        let summary = LocalExecutor(maxParallel: 2, policy: .keepGoing).execute(graph, runner: runner)
        XCTAssertEqual(summary.outcomes["b"], .failed("boom in b"))
        // Direct and transitive dependents name the job that failed, not the one in between.
        XCTAssertEqual(summary.outcomes["c"], .skipped(becauseOf: "b"))
        XCTAssertEqual(summary.outcomes["join"], .skipped(becauseOf: "b"))
        XCTAssertEqual(summary.outcomes["report"], .skipped(becauseOf: "b"))
        for job in ["load", "a", "x", "y"] { XCTAssertEqual(summary.outcomes[job], .succeeded, job) }
        XCTAssertFalse(runner.started.contains("c"))
        XCTAssertFalse(runner.started.contains("join"))
        XCTAssertFalse(runner.started.contains("report"))
        XCTAssertFalse(summary.succeeded)
        XCTAssertEqual(summary.failed, ["b"])
        XCTAssertFalse(summary.completionOrder.contains("c"))
    }

    func testDependentOfAFailedAndASucceedingJobIsSkippedEvenWhenTheOtherFinishesLater() {
        let g = JobGraph(jobs: ["fast", "slow", "both"], dependencies: ["both": ["fast", "slow"]])
        let runner = RecordingRunner(delays: ["fast": 0.001, "slow": 0.05], failing: ["fast"])
        let summary = LocalExecutor(maxParallel: 2, policy: .keepGoing).execute(g, runner: runner)
        XCTAssertEqual(summary.outcomes, ["fast": .failed("boom in fast"), "slow": .succeeded, "both": .skipped(becauseOf: "fast")])
        XCTAssertEqual(runner.started.sorted(), ["fast", "slow"])
    }

    func testStopOnFirstFailureStartsNothingNew() {
        let g = JobGraph(jobs: ["bad", "x", "y", "z"], dependencies: ["z": ["bad"]])
        let runner = RecordingRunner(failing: ["bad"])
        let summary = LocalExecutor(maxParallel: 1, policy: .stopOnFirstFailure).execute(g, runner: runner)
        XCTAssertEqual(runner.started, ["bad"])
        XCTAssertEqual(summary.outcomes, ["bad": .failed("boom in bad"), "x": .notStarted, "y": .notStarted, "z": .skipped(becauseOf: "bad")])
        XCTAssertEqual(summary.completionOrder, ["bad"])
    }

    func testStopOnFirstFailureLetsRunningJobsFinish() {
        let g = JobGraph(jobs: ["slow", "bad", "later", "after-slow"], dependencies: ["after-slow": ["slow"]])
        let runner = RecordingRunner(delays: ["slow": 0.1, "bad": 0.001], failing: ["bad"])
        let summary = LocalExecutor(maxParallel: 2).execute(g, runner: runner)
        XCTAssertEqual(summary.outcomes["slow"], .succeeded)
        XCTAssertEqual(summary.outcomes["bad"], .failed("boom in bad"))
        XCTAssertEqual(summary.outcomes["later"], .notStarted)
        XCTAssertEqual(summary.outcomes["after-slow"], .notStarted)
        XCTAssertEqual(runner.started.sorted(), ["bad", "slow"])
        XCTAssertEqual(summary.completionOrder, ["bad", "slow"])
    }

    func testKeepGoingStillRunsIndependentJobs() {
        let g = JobGraph(jobs: ["bad", "x", "y", "z"], dependencies: ["z": ["bad"], "y": ["x"]])
        let runner = RecordingRunner(failing: ["bad"])
        let summary = LocalExecutor(maxParallel: 1, policy: .keepGoing).execute(g, runner: runner)
        XCTAssertEqual(runner.started, ["bad", "x", "y"])
        XCTAssertEqual(summary.outcomes, ["bad": .failed("boom in bad"), "x": .succeeded, "y": .succeeded, "z": .skipped(becauseOf: "bad")])
    }

    func testTwoIndependentFailuresUnderKeepGoing() {
        let g = JobGraph(jobs: ["a", "b", "after-a", "after-b", "after-both"],
                         dependencies: ["after-a": ["a"], "after-b": ["b"], "after-both": ["after-a", "after-b"]])
        let runner = RecordingRunner(failing: ["a", "b"])
        let summary = LocalExecutor(maxParallel: 1, policy: .keepGoing).execute(g, runner: runner)
        XCTAssertEqual(summary.failed, ["a", "b"])
        XCTAssertEqual(summary.outcomes["after-a"], .skipped(becauseOf: "a"))
        XCTAssertEqual(summary.outcomes["after-b"], .skipped(becauseOf: "b"))
        // 'a' fails first (priority order with one worker), so it is the cause recorded for the shared dependent.
        XCTAssertEqual(summary.outcomes["after-both"], .skipped(becauseOf: "a"))
    }

    func testThrownErrorDescriptionIsKeptVerbatim() {
        struct Runner: JobRunner {
            func run(job: String) throws { throw JobError(description: "disk full: /tmp/cache (28 bytes left)") }
        }
        let summary = LocalExecutor(maxParallel: 1).execute(JobGraph(jobs: ["j"], dependencies: [:]), runner: Runner())
        XCTAssertEqual(summary.outcomes["j"], .failed("disk full: /tmp/cache (28 bytes left)"))
    }

    func testEmptyGraph() {
        let summary = LocalExecutor(maxParallel: 2).execute(JobGraph(jobs: [], dependencies: [:]), runner: RecordingRunner())
        XCTAssertEqual(summary.outcomes, [:])
        XCTAssertEqual(summary.completionOrder, [])
        XCTAssertTrue(summary.succeeded)
    }

    func testRepeatedDependencyIsWaitedForOnce() {
        let g = JobGraph(jobs: ["a", "b"], dependencies: ["b": ["a", "a"]])
        let runner = RecordingRunner()
        let summary = LocalExecutor(maxParallel: 2).execute(g, runner: runner)
        XCTAssertTrue(summary.succeeded)
        XCTAssertEqual(runner.started, ["a", "b"])
    }

    func testDependentsOfEachJob() {
        XCTAssertEqual(graph.dependents["load"], ["a", "b"])
        XCTAssertEqual(graph.dependents["b"], ["c", "join"])
        XCTAssertEqual(graph.dependents["report"], nil)
        XCTAssertEqual(graph.dependents["x"], ["y"])
    }

    func testManyJobsUnderContention() {
        // 60 jobs in layers of 6, each depending on two jobs of the previous layer.
        var jobs: [String] = []
        var deps: [String: [String]] = [:]
        for layer in 0..<10 {
            for i in 0..<6 {
                let name = "L\(layer)-\(i)"
                jobs.append(name)
                if layer > 0 { deps[name] = ["L\(layer - 1)-\(i)", "L\(layer - 1)-\((i + 1) % 6)"] }
            }
        }
        let g = JobGraph(jobs: jobs, dependencies: deps)
        let runner = RecordingRunner(delay: 0.001)
        let summary = LocalExecutor(maxParallel: 4).execute(g, runner: runner)
        XCTAssertTrue(summary.succeeded)
        XCTAssertEqual(runner.started.count, 60)
        XCTAssertLessThanOrEqual(runner.maxConcurrent, 4)
        assertDependenciesFinishedFirst(runner, g)
    }
}
