/// Runs one job; the executor calls it from worker threads, so it must be thread-safe.
public protocol JobRunner: Sendable {
    /// Runs the named job. Throwing marks it failed; the error's description is kept.
    func run(job: String) throws
}

/// What to do after a job fails.
public enum FailurePolicy: Sendable {
    /// Let running jobs finish, start nothing new (make's default).
    case stopOnFirstFailure
    /// Keep starting every job whose dependencies all succeeded (make -k).
    case keepGoing
}

/// Something that executes a job graph: local threads today, Slurm later.
public protocol Executor {
    /// Runs the graph to completion and reports every job's outcome.
    func execute(_ graph: JobGraph, runner: some JobRunner) -> ExecutionSummary
}
