/// Values set in code after parsing (a search trial's parameters): placed at a key path and checked
/// against the same declarations as YAML, so an override is exactly as valid as the file would be.
extension ParamValue {
    /// The value at `path` (keys of nested mappings), or nil when a step is missing or not a mapping.
    public func value(at path: [String]) -> ParamValue? {
        guard let first = path.first else { return self }
        return mapValue?[first]?.value(at: Array(path.dropFirst()))
    }

    /// A copy with `path` set to `newValue`; intermediate mappings must exist (a missing leaf is added).
    /// Throws `OverrideError` naming the first step that is not a mapping.
    public func setting(_ path: [String], to newValue: ParamValue, prefix: String = "") throws -> ParamValue {
        guard let first = path.first else { return newValue }
        guard var fields = mapValue else {
            throw OverrideError(description: "'\(prefix)' is \(ParamChecker.describe(self)), not a mapping, so '\(prefix).\(first)' cannot be set")
        }
        let here = prefix.isEmpty ? first : "\(prefix).\(first)"
        if path.count == 1 {
            fields[first] = newValue
        } else {
            guard let child = fields[first] else {
                throw OverrideError(description: "'\(here)' is not set, so '\(([here] + path.dropFirst()).joined(separator: "."))' cannot be set; write '\(here)' in the stage")
            }
            fields[first] = try child.setting(Array(path.dropFirst()), to: newValue, prefix: here)
        }
        return .map(fields)
    }
}

/// A key path that cannot be set.
public struct OverrideError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let description: String
}

extension ParamType {
    /// Checks and normalises a value built in code (defaults of unions and objects filled in, ints widened
    /// to numbers), reporting problems at `location` under `keyPath` as the parser would.
    public func conform(_ value: ParamValue, keyPath: String, location: SourceLocation) -> (value: ParamValue?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let node = SpecNode(.scalar(value.description, quoted: false), at: location)
        let result = ParamChecker(pipelineParams: [:]).conform(value, node: node, to: self, keyPath: keyPath, into: &diagnostics)
        return (result, diagnostics)
    }
}
