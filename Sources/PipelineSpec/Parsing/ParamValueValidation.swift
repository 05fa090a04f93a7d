/// Validation of an already-parsed value against a declared type, for parameters whose type is only known
/// at check time (an ensemble's members name catalogue families, whose declarations cannot be nested in a
/// static declaration without recursion). Same rules and messages as the parser; no source locations.
extension ParamType {
    /// The value normalised under this type (defaults filled in, union shorthands expanded), or the
    /// problems found, each as "KEYPATH: message".
    public func validate(_ value: ParamValue, keyPath: String) -> (value: ParamValue?, problems: [String]) {
        var diagnostics: [Diagnostic] = []
        let placeholder = SpecNode(.scalar("", quoted: false), at: SourceLocation(file: "", line: 0, column: 0))
        let checked = ParamChecker(pipelineParams: [:]).conform(value, node: placeholder, to: self, keyPath: keyPath, into: &diagnostics)
        let problems = diagnostics.map { d in
            (d.keyPath.map { "\($0): " } ?? "") + d.message + (d.hint.map { " (\($0))" } ?? "")
        }
        return (problems.isEmpty ? checked : nil, problems)
    }

    /// Any YAML value nested at most `depth` levels (scalars, lists, mappings): the declared type of a
    /// value that is validated later against a declaration chosen at check time.
    public static func anyValue(depth: Int) -> ParamType {
        let scalars: [ParamType] = [.bool, .int(), .number(), .string]
        guard depth > 0 else { return .oneOf(scalars) }
        let inner = anyValue(depth: depth - 1)
        return .oneOf(scalars + [.list(of: inner), .dictionary(of: inner)])
    }
}
