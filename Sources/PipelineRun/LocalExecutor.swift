import Foundation

/// Runs jobs on up to `maxParallel` threads, starting each once all its dependencies succeeded.
///
/// One coordinator loop (like Ninja's): start every ready job up to the limit, wait for any to finish,
/// update the ready set, repeat. The runner's results never depend on how many threads ran.
public struct LocalExecutor: Executor, Sendable {
    /// Most jobs running at once (≥ 1).
    public let maxParallel: Int
    /// What to do after a failure.
    public let policy: FailurePolicy
    /// Starts jobs that want several processes (`JobGraph.processes`); nil fails such jobs.
    public let launcher: (any ProcessLauncher)?

    /// Creates an executor.
    public init(maxParallel: Int, policy: FailurePolicy = .stopOnFirstFailure, launcher: (any ProcessLauncher)? = nil) {
        self.maxParallel = max(1, maxParallel)
        self.policy = policy
        self.launcher = launcher
    }

    public func execute(_ graph: JobGraph, runner: some JobRunner) -> ExecutionSummary {
        let finished = FinishedQueue()
        var outcomes: [String: JobOutcome] = [:]
        var waitingOn: [String: Int] = [:]
        for job in graph.jobs { waitingOn[job] = Set(graph.dependencies[job] ?? []).count }
        let dependents = graph.dependents
        var ready = graph.jobs.filter { waitingOn[$0] == 0 }
        var running = 0
        var stopped = false
        var completionOrder: [String] = []

        while true {
            while !stopped, running < maxParallel, !ready.isEmpty {
                let job = ready.removeFirst()
                running += 1
                let processes = graph.processes[job] ?? 1, launcher = launcher
                let thread = Thread {
                    let result: JobOutcome
                    do {
                        if processes > 1 {
                            // Several processes: settle from the cache, else launch them and take up their result.
                            guard let launcher else { throw LaunchError("job '\(job)' wants \(processes) processes but the executor has no launcher") }
                            if try !runner.settle(job: job) {
                                try launcher.launch(job: job, processes: processes)
                                try runner.collect(job: job)
                            }
                        } else {
                            try runner.run(job: job)
                        }
                        result = .succeeded
                    } catch { result = .failed("\(error)") }
                    finished.push(job, result)
                }
                thread.stackSize = 16 << 20
                thread.start()
            }
            if running == 0 { break }
            let (job, outcome) = finished.pop()
            running -= 1
            outcomes[job] = outcome
            completionOrder.append(job)
            if outcome == .succeeded {
                for next in dependents[job] ?? [] {
                    waitingOn[next, default: 0] -= 1
                    if waitingOn[next] == 0, outcomes[next] == nil { ready.append(next) }
                }
                // Keep the deterministic priority order among ready jobs.
                let rank = Dictionary(uniqueKeysWithValues: graph.jobs.enumerated().map { ($1, $0) })
                ready.sort { rank[$0]! < rank[$1]! }
            } else {
                skipDependents(of: job, cause: job, dependents: dependents, outcomes: &outcomes)
                ready.removeAll { outcomes[$0] != nil }
                if policy == .stopOnFirstFailure { stopped = true }
            }
        }
        for job in graph.jobs where outcomes[job] == nil { outcomes[job] = .notStarted }
        return ExecutionSummary(outcomes: outcomes, completionOrder: completionOrder)
    }

    private func skipDependents(of job: String, cause: String, dependents: [String: [String]], outcomes: inout [String: JobOutcome]) {
        for next in dependents[job] ?? [] where outcomes[next] == nil {
            outcomes[next] = .skipped(becauseOf: cause)
            skipDependents(of: next, cause: cause, dependents: dependents, outcomes: &outcomes)
        }
    }
}

/// A blocking queue of finished jobs, filled by worker threads and drained by the coordinator.
private final class FinishedQueue: @unchecked Sendable {
    // NSCondition guards `items`; that is the whole reason for @unchecked.
    private let condition = NSCondition()
    private var items: [(String, JobOutcome)] = []

    func push(_ job: String, _ outcome: JobOutcome) {
        condition.lock()
        items.append((job, outcome))
        condition.signal()
        condition.unlock()
    }

    func pop() -> (String, JobOutcome) {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        return items.removeFirst()
    }
}
