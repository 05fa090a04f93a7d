#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file-system call: which operation, on which path, and the OS error.
public struct FileSystemError: Error, CustomStringConvertible, Sendable {
    /// The call or step that failed, e.g. `open` or `rename`.
    public let operation: String
    /// The path it was applied to.
    public let path: String
    /// The `errno` value, or 0 when the failure was not an OS error.
    public let code: Int32
    /// Extra explanation when `code` alone does not say enough.
    public let detail: String?

    /// Creates an error; `code` defaults to the current `errno`.
    public init(_ operation: String, path: String, code: Int32 = errno, detail: String? = nil) {
        self.operation = operation
        self.path = path
        self.code = code
        self.detail = detail
    }

    /// One line naming operation, path and the OS's message.
    public var description: String {
        var text = "\(operation) failed on '\(path)'"
        if code != 0 { text += ": " + String(cString: strerror(code)) }
        if let detail { text += " (\(detail))" }
        return text
    }
}
