/// The declared type of a stage parameter; validation, defaults, help and JSON Schema all derive from it.
public indirect enum ParamType: Sendable {
    /// true/false.
    case bool
    /// An integer within optional inclusive bounds.
    case int(min: Int? = nil, max: Int? = nil)
    /// A number within optional bounds; `exclusiveMin`/`exclusiveMax` make a bound strict.
    case number(min: Double? = nil, max: Double? = nil, exclusiveMin: Bool = false, exclusiveMax: Bool = false)
    /// Any string.
    case string
    /// One of a fixed set of strings.
    case choice([String])
    /// A file path, relative to the pipeline file's directory; `mustExist` makes validation check it.
    case path(mustExist: Bool)
    /// A list whose elements all have one type, with an optional minimum length.
    case list(of: ParamType, minCount: Int = 0)
    /// A mapping from arbitrary string keys to values of one type (e.g. environment variables).
    case dictionary(of: ParamType)
    /// Any one of several types, tried in order (e.g. a number or a string).
    case oneOf([ParamType])
    /// A mapping with declared keys, each with its own type, default and required flag; unknown keys
    /// are errors. Normalised to a map with defaults filled in.
    case object([ParamDecl])
    /// One of several named variants, each with its own fields (an optimizer, a layer, a schedule).
    /// Written as the bare name (`adam`), as a mapping with the discriminator (`{type: adam, lr: 0.001}`),
    /// or as a one-key mapping (`{adam: {lr: 0.001}}`, or `{dense: 300}` for a variant's primary field).
    /// Normalised to a map holding the discriminator and every field, defaults filled in.
    case union(discriminator: String, variants: [UnionVariant])
    /// Any YAML value, unchecked (e.g. the candidate values of a search's `choice`, which are checked
    /// later against the parameter they are assigned to).
    case any

    /// What the type accepts, in words, for "expected …" messages.
    public var expectation: String {
        switch self {
        case .bool: return "true or false"
        case let .int(min, max): return "an integer" + Self.bounds(min.map(Double.init), max.map(Double.init), false, false, integer: true)
        case let .number(min, max, exMin, exMax): return "a number" + Self.bounds(min, max, exMin, exMax, integer: false)
        case .string: return "a string"
        case .choice(let options): return "one of " + options.map { "'\($0)'" }.joined(separator: ", ")
        case .path: return "a file path"
        case let .list(element, minCount):
            return "a list" + (minCount > 0 ? " of at least \(minCount)" : "") + " of \(element.pluralExpectation)"
        case .dictionary(let value): return "a mapping of names to \(value.pluralExpectation)"
        case .oneOf(let types): return types.map(\.expectation).joined(separator: " or ")
        case .object(let fields): return "a mapping with keys " + fields.map(\.name).joined(separator: ", ")
        case let .union(discriminator, variants):
            return "one of " + variants.map { "'\($0.name)'" }.joined(separator: ", ") + " (a name, or a mapping with \(discriminator): NAME and its options)"
        case .any: return "any value"
        }
    }

    private var pluralExpectation: String {
        switch self {
        case .int: return "integers"
        case .number: return "numbers"
        case .string: return "strings"
        case .path: return "file paths"
        case .bool: return "booleans"
        default: return "(\(expectation))"
        }
    }

    private static func bounds(_ lo: Double?, _ hi: Double?, _ exLo: Bool, _ exHi: Bool, integer: Bool) -> String {
        func fmt(_ v: Double) -> String { integer || v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }
        switch (lo, hi) {
        case let (l?, h?): return " in \(exLo ? "(" : "[")\(fmt(l)), \(fmt(h))\(exHi ? ")" : "]")"
        case let (l?, nil): return " \(exLo ? ">" : "≥") \(fmt(l))"
        case let (nil, h?): return " \(exHi ? "<" : "≤") \(fmt(h))"
        default: return ""
        }
    }
}

/// One variant of a `.union` parameter.
public struct UnionVariant: Sendable {
    /// The name users write.
    public let name: String
    /// Its fields.
    public let fields: [ParamDecl]
    /// The field a scalar shorthand sets: `{dense: 300}` means `{type: dense, units: 300}`.
    public let primary: String?
    /// One line of help.
    public let help: String

    /// Declares a variant.
    public init(_ name: String, fields: [ParamDecl] = [], primary: String? = nil, help: String = "") {
        self.name = name
        self.fields = fields
        self.primary = primary
        self.help = help
    }
}

/// One declared parameter of a stage kind.
public struct ParamDecl: Sendable {
    /// The key in YAML.
    public let name: String
    /// The accepted type.
    public let type: ParamType
    /// The value used when the key is absent; nil with `required == false` means "absent is allowed".
    public let defaultValue: ParamValue?
    /// Whether the key must be written.
    public let required: Bool
    /// One line of help, shown by `pipeline kinds` and in the JSON Schema.
    public let help: String

    /// Declares a parameter.
    public init(_ name: String, _ type: ParamType, default defaultValue: ParamValue? = nil,
                required: Bool = false, help: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.required = required
        self.help = help
    }
}
