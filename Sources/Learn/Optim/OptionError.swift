/// A problem with a named optimizer, schedule or loss and its options: an unknown name, an unknown option,
/// or a value out of range.
public struct OptionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, naming the offending name or option and what is accepted.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// Reads numeric options for one factory product, checking names and ranges.
struct OptionReader {
    let context: String
    let options: [String: Double]

    /// Fails when `options` holds a key not in `allowed`.
    init(_ context: String, _ options: [String: Double], allowed: [String]) throws {
        self.context = context
        self.options = options
        let unknown = options.keys.filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            let list = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
            throw OptionError("\(context): unknown option\(unknown.count > 1 ? "s" : "") "
                + unknown.map { "'\($0)'" }.joined(separator: ", ") + " (accepted: \(list))")
        }
    }

    /// The value of `key`, or `fallback`; `valid` states the accepted range for the error message.
    func number(_ key: String, _ fallback: Double, _ valid: String = "a finite number",
                _ accept: (Double) -> Bool = { _ in true }) throws -> Double {
        guard let value = options[key] else { return fallback }
        guard value.isFinite, accept(value) else {
            throw OptionError("\(context): option '\(key)' must be \(valid), got \(value)")
        }
        return value
    }

    /// A non-negative integer option.
    func count(_ key: String, _ fallback: Int, minimum: Int = 0) throws -> Int {
        guard let value = options[key] else { return fallback }
        guard value.isFinite, value == value.rounded(), value >= Double(minimum), value < 1e15 else {
            throw OptionError("\(context): option '\(key)' must be an integer ≥ \(minimum), got \(value)")
        }
        return Int(value)
    }

    /// A required integer option.
    func requiredCount(_ key: String, minimum: Int) throws -> Int {
        guard options[key] != nil else { throw OptionError("\(context): option '\(key)' is required") }
        return try count(key, 0, minimum: minimum)
    }

    /// A boolean option written as 0 or 1.
    func flag(_ key: String, _ fallback: Bool) throws -> Bool {
        guard let value = options[key] else { return fallback }
        guard value == 0 || value == 1 else {
            throw OptionError("\(context): option '\(key)' must be 0 or 1, got \(value)")
        }
        return value == 1
    }
}
