/// The executor's view of work: named jobs and which jobs each waits for. Nothing about ML.
public struct JobGraph: Sendable {
    /// Job names in a deterministic priority order (the executor starts ready jobs in this order).
    public let jobs: [String]
    /// For each job, the jobs it waits for.
    public let dependencies: [String: [String]]
    /// Jobs that run as several cooperating processes (MPI ranks), with their process count; absent means 1.
    public let processes: [String: Int]

    /// Creates a graph. Every dependency must itself be a job; the graph must be acyclic.
    public init(jobs: [String], dependencies: [String: [String]], processes: [String: Int] = [:]) {
        self.jobs = jobs
        self.dependencies = dependencies
        self.processes = processes.filter { $0.value > 1 }
    }

    /// Jobs that wait (directly) on each job.
    public var dependents: [String: [String]] {
        var result: [String: [String]] = [:]
        for job in jobs { for dep in dependencies[job] ?? [] { result[dep, default: []].append(job) } }
        return result
    }
}

/// How one job ended.
public enum JobOutcome: Sendable, Equatable {
    /// The job ran (or found its result cached) and succeeded.
    case succeeded
    /// The job failed with this message.
    case failed(String)
    /// The job was not started because a job it depends on failed (named).
    case skipped(becauseOf: String)
    /// The job was not started because the run stopped early (fail-fast or cancellation).
    case notStarted
}

/// What the executor did.
public struct ExecutionSummary: Sendable {
    /// Each job's outcome.
    public let outcomes: [String: JobOutcome]
    /// Jobs in the order they finished.
    public let completionOrder: [String]

    /// True when every job succeeded.
    public var succeeded: Bool { outcomes.values.allSatisfy { $0 == .succeeded } }
    /// Failed jobs, sorted.
    public var failed: [String] { outcomes.filter { if case .failed = $0.value { return true }; return false }.keys.sorted() }
}
