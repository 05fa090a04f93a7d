import Foundation

/// A resolved parameter value: typed, location-free, and canonically encodable for fingerprints.
public indirect enum ParamValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ParamValue])
    case map([String: ParamValue])

    /// The value as an Int when it is one.
    public var intValue: Int? { if case .int(let i) = self { return i }; return nil }
    /// The value as a Double when it is a number (ints widen).
    public var doubleValue: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }
    /// The value as a String when it is one.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// The value as a Bool when it is one.
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    /// The elements when the value is a list.
    public var listValue: [ParamValue]? { if case .list(let l) = self { return l }; return nil }
    /// The fields when the value is a map.
    public var mapValue: [String: ParamValue]? { if case .map(let m) = self { return m }; return nil }

    /// Equality that treats an integer and a double of the same value as equal, as a value read back
    /// from a lockfile may come back as either.
    public func sameValue(as other: ParamValue?) -> Bool {
        guard let other else { return false }
        switch (self, other) {
        case let (.list(a), .list(b)): return a.count == b.count && zip(a, b).allSatisfy { $0.sameValue(as: $1) }
        case let (.map(a), .map(b)): return a.keys.sorted() == b.keys.sorted() && a.allSatisfy { $0.value.sameValue(as: b[$0.key]) }
        default:
            if let x = doubleValue, let y = other.doubleValue { return x == y }
            return self == other
        }
    }

    /// Canonical JSON: sorted keys, no whitespace, integers as integers, doubles in Swift's shortest
    /// round-tripping form. Two equal values always give the same text, which is what fingerprints hash.
    public var canonicalJSON: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return "\"nan\"" }
            if d.isInfinite { return d > 0 ? "\"inf\"" : "\"-inf\"" }
            return "\(d)"
        case .string(let s): return Self.quote(s)
        case .list(let l): return "[" + l.map(\.canonicalJSON).joined(separator: ",") + "]"
        case .map(let m):
            return "{" + m.keys.sorted().map { Self.quote($0) + ":" + m[$0]!.canonicalJSON }.joined(separator: ",") + "}"
        }
    }

    /// The value as a user would write it in YAML flow style.
    public var description: String {
        switch self {
        case .string(let s): return s
        case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.keys.sorted().map { "\($0): \(m[$0]!)" }.joined(separator: ", ") + "}"
        default: return canonicalJSON
        }
    }

    /// JSON string quoting with the escapes JSON requires.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
