/// Runs one job; the executor calls it from worker threads, so it must be thread-safe.
public protocol JobRunner: Sendable {
    /// Runs the named job. Throwing marks it failed; the error's description is kept.
    func run(job: String) throws
    /// Finishes the job in this process without running it when its result is already known (a cache hit),
    /// returning true; false means it must run. Called once all its dependencies succeeded. Executors that
    /// run jobs in other processes call this instead of `run(job:)`.
    func settle(job: String) throws -> Bool
    /// Takes up the result of a job that ran in another process. Throwing marks it failed.
    func collect(job: String) throws
}

extension JobRunner {
    /// Nothing is known in advance: every job runs.
    public func settle(job: String) throws -> Bool { false }
    /// Nothing to take up.
    public func collect(job: String) throws {}
}

/// What to do after a job fails.
public enum FailurePolicy: Sendable {
    /// Let running jobs finish, start nothing new (make's default).
    case stopOnFirstFailure
    /// Keep starting every job whose dependencies all succeeded (make -k).
    case keepGoing
}

/// Something that executes a job graph: `LocalExecutor` (threads of this process) or `SlurmExecutor` (batch jobs).
public protocol Executor {
    /// Runs the graph to completion and reports every job's outcome.
    func execute(_ graph: JobGraph, runner: some JobRunner) -> ExecutionSummary
}
