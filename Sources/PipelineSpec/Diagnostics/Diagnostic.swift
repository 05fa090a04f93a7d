/// One problem found in a pipeline file: where, which key, what was expected and what was found.
///
/// Rendered compiler-style as `FILE:LINE:COL: error: KEY.PATH: MESSAGE` so editors can jump to it.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How serious the problem is.
    public enum Severity: String, Sendable { case error, warning, note }

    /// Severity; only errors make validation fail.
    public var severity: Severity
    /// Where the problem is, when it has a place in a file.
    public var location: SourceLocation?
    /// The dotted key path, e.g. `stages.train.epochs`, when the problem belongs to a key.
    public var keyPath: String?
    /// What is wrong, saying what was expected and what was found.
    public var message: String
    /// An optional hint shown on its own line (e.g. "did you mean 'epochs'?").
    public var hint: String?

    /// Creates an error diagnostic.
    public init(_ message: String, at location: SourceLocation?, keyPath: String? = nil,
                hint: String? = nil, severity: Severity = .error) {
        self.severity = severity
        self.location = location
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    /// The rendered text, one line (two with a hint).
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        let key = keyPath.map { "\($0): " } ?? ""
        var text = "\(prefix)\(severity.rawValue): \(key)\(message)"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

/// A failed validation: every diagnostic found, in file order.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    /// All problems, sorted by location.
    public let diagnostics: [Diagnostic]

    /// Wraps diagnostics, ordering them by position in the file (unlocated ones last, in given order).
    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case let (x?, y?): return x == y ? a.offset < b.offset : x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
    }

    /// All diagnostics, one per line, followed by a count.
    public var description: String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        return diagnostics.map(\.description).joined(separator: "\n")
            + "\n\(errors) error\(errors == 1 ? "" : "s") found"
    }
}
