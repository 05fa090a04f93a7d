/// A problem reading an input data file: which file, where in it, and what was wrong.
public struct DataLoadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file being read (or `<memory>`).
    public let path: String
    /// What was expected and what was found.
    public let message: String

    /// Creates an error for `path`.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}
