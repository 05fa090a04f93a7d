import PipelineSpec

/// The one place that turns any error into text for stderr and an exit code:
/// 2 for invalid input (the pipeline file, a flag naming no stage), 1 for a failure while running.
public enum ErrorReport {
    /// Exit code for invalid input.
    public static let invalidInput: Int32 = 2
    /// Exit code for a failure while running.
    public static let runFailure: Int32 = 1

    /// The message and exit code for `error`.
    public static func render(_ error: Error) -> (text: String, exitCode: Int32) {
        switch error {
        case let failure as ValidationFailure: return (failure.description, invalidInput)
        case let unknown as UnknownStageError: return ("error: \(unknown.description)", invalidInput)
        default: return ("error: \(error)", runFailure)
        }
    }
}
