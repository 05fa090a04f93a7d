/// What happens during a run, as the progress printer and `--json` see it.
public enum RunEvent: Sendable {
    /// The plan: stages selected, in order.
    case planned(stages: [String], jobs: Int)
    /// A stage started computing.
    case started(stage: String, kind: String)
    /// A stage reported progress.
    case progress(stage: String, step: Int, total: Int, message: String)
    /// A stage logged a line.
    case note(stage: String, message: String)
    /// A stage finished computing.
    case finished(stage: String, seconds: Double, metrics: [String: Double])
    /// A stage's fingerprint matched the lockfile and its outputs are cached: nothing to do.
    case upToDate(stage: String)
    /// A stage's result was found in the run cache (e.g. a parameter was switched back): restored.
    case restored(stage: String)
    /// A stage failed.
    case failed(stage: String, message: String)
    /// A stage was not run because an upstream stage failed.
    case skipped(stage: String, because: String)
    /// The run ended.
    case completed(succeeded: Bool, seconds: Double, counts: [String: Int])
}

/// Receives run events from any thread.
public protocol RunEventSink: Sendable {
    /// Handles one event; must be thread-safe.
    func emit(_ event: RunEvent)
}
