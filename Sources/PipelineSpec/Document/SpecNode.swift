/// A YAML node with its source location: the untyped tree the parser checks against declarations.
///
/// Scalars keep their text and whether they were quoted; typing (int, float, bool, null) follows the
/// YAML 1.2 core schema and happens only when a declaration asks, so `"1"` stays a string and `no` is
/// not a boolean.
public struct SpecNode: Sendable {
    /// What the node holds.
    public enum Content: Sendable {
        /// A scalar's text; `quoted` is true for single/double-quoted and block scalars.
        case scalar(String, quoted: Bool)
        /// A sequence.
        case list([SpecNode])
        /// A mapping, in file order.
        case map([SpecEntry])
    }

    /// The content.
    public let content: Content
    /// Where the node starts.
    public let location: SourceLocation

    /// Creates a node.
    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// The entries when this is a mapping.
    public var entries: [SpecEntry]? {
        if case .map(let e) = content { return e }
        return nil
    }

    /// The entry for `key` when this is a mapping holding it.
    public subscript(key: String) -> SpecEntry? {
        entries?.first { $0.key == key }
    }

    /// A short description of the node's YAML shape for "found …" messages.
    public var shapeDescription: String {
        switch content {
        case .list: return "a list"
        case .map: return "a mapping"
        case let .scalar(text, quoted):
            if quoted { return "the string \"\(text)\"" }
            switch ScalarValue.resolve(text) {
            case .null: return "null"
            case .bool(let b): return "the boolean \(b)"
            case .int(let i): return "the integer \(i)"
            case .double: return "the number \(text)"
            case .string: return "the string \"\(text)\""
            }
        }
    }
}

/// One key/value pair of a mapping, with the key's own location.
public struct SpecEntry: Sendable {
    /// The key text.
    public let key: String
    /// Where the key is written.
    public let keyLocation: SourceLocation
    /// The value.
    public let value: SpecNode

    /// Creates an entry.
    public init(key: String, keyLocation: SourceLocation, value: SpecNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// A plain scalar's typed value under the YAML 1.2 core schema.
public enum ScalarValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    /// Resolves plain (unquoted) scalar text.
    public static func resolve(_ text: String) -> ScalarValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if let i = parseInt(text) { return .int(i) }
        if looksNumeric(text), let d = Double(text) { return .double(d) }
        return .string(text)
    }

    private static func parseInt(_ text: String) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        let body = text.first == "+" ? String(text.dropFirst()) : text
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }),
              body.dropFirst().allSatisfy({ $0 != "-" }) else { return nil }
        return Int(body)
    }

    // Only YAML 1.2 float forms: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    private static func looksNumeric(_ text: String) -> Bool {
        var chars = Substring(text)
        if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
        let mantissaEnd = chars.firstIndex { $0 == "e" || $0 == "E" } ?? chars.endIndex
        let mantissa = chars[..<mantissaEnd]
        let digits = mantissa.filter { $0 != "." }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              mantissa.filter({ $0 == "." }).count <= 1 else { return false }
        guard mantissaEnd != chars.endIndex else { return true }
        var exponent = chars[chars.index(after: mantissaEnd)...]
        if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
