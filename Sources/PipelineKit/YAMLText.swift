import PipelineSpec

/// A small deterministic YAML emitter for files the tool writes (the lockfile): block mappings with
/// sorted keys, numbers in their shortest round-tripping form (`0.837`, not `8.37e-1`), strings quoted
/// only when plain YAML would read them as something else.
enum YAMLText {
    /// The document text for `value` (a mapping at the top level).
    static func document(_ value: ParamValue) -> String {
        var lines: [String] = []
        emit(value, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func emit(_ value: ParamValue, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: "  ", count: indent)
        guard case .map(let fields) = value else { lines.append(pad + inline(value)); return }
        for key in fields.keys.sorted() {
            let child = fields[key]!
            switch child {
            case .map(let m) where !m.isEmpty:
                lines.append("\(pad)\(scalar(key)):")
                emit(child, indent: indent + 1, into: &lines)
            default:
                lines.append("\(pad)\(scalar(key)): \(inline(child))")
            }
        }
    }

    /// Flow-style rendering for scalars, lists and empty maps.
    private static func inline(_ value: ParamValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return ".nan" }
            if d.isInfinite { return d > 0 ? ".inf" : "-.inf" }
            return "\(d)"
        case .string(let s): return scalar(s)
        case .list(let items): return "[" + items.map(inline).joined(separator: ", ") + "]"
        case .map(let fields): return "{" + fields.keys.sorted().map { "\(scalar($0)): \(inline(fields[$0]!))" }.joined(separator: ", ") + "}"
        }
    }

    /// A string, quoted (JSON-style, which YAML reads) unless it is safe as a plain scalar.
    private static func scalar(_ s: String) -> String {
        // `Double(s) == nil` also quotes "NaN", "inf" and "infinity", which the lockfile reader takes for numbers.
        let safe = !s.isEmpty && ScalarValue.resolve(s) == .string(s) && Double(s) == nil
            && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-./".unicodeScalars.contains($0)) }
            && !["-", "."].contains(s.first!) && !["yes", "no", "on", "off", "y", "n"].contains(s.lowercased())
        return safe ? s : ParamValue.quote(s)
    }
}
