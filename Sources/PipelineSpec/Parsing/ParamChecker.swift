/// Checks a YAML node against a declared `ParamType`, producing the typed value or located diagnostics.
struct ParamChecker {
    /// Named pipeline parameters for `${params.NAME}`.
    let pipelineParams: [String: ParamValue]

    /// The typed value of `node` under `type`, or nil after appending diagnostics.
    func check(_ node: SpecNode, as type: ParamType, keyPath: String, into diagnostics: inout [Diagnostic]) -> ParamValue? {
        guard let value = untyped(node, keyPath: keyPath, into: &diagnostics) else { return nil }
        return conform(value, node: node, to: type, keyPath: keyPath, into: &diagnostics)
    }

    /// Converts a node to a value with default YAML 1.2 typing and interpolation, without a declared type.
    func untyped(_ node: SpecNode, keyPath: String, into diagnostics: inout [Diagnostic]) -> ParamValue? {
        switch node.content {
        case let .scalar(text, quoted):
            if text.contains("${params.") { return interpolate(text, node: node, keyPath: keyPath, into: &diagnostics) }
            if quoted { return .string(text) }
            switch ScalarValue.resolve(text) {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            case .string(let s): return .string(s)
            }
        case .list(let items):
            var values: [ParamValue] = []
            var ok = true
            for (i, item) in items.enumerated() {
                if let v = untyped(item, keyPath: "\(keyPath)[\(i)]", into: &diagnostics) { values.append(v) } else { ok = false }
            }
            return ok ? .list(values) : nil
        case .map(let entries):
            var values: [String: ParamValue] = [:]
            var ok = true
            for entry in entries {
                if let v = untyped(entry.value, keyPath: "\(keyPath).\(entry.key)", into: &diagnostics) { values[entry.key] = v } else { ok = false }
            }
            return ok ? .map(values) : nil
        }
    }

    /// `${params.NAME}` alone keeps the parameter's type; embedded in text it is substituted as text.
    /// Other `${…}` forms (shell variables in a command) are left as written; `$${params.X}` escapes.
    private func interpolate(_ text: String, node: SpecNode, keyPath: String, into diagnostics: inout [Diagnostic]) -> ParamValue? {
        let marker = "${params."
        var result = ""
        var rest = Substring(text)
        var whole: ParamValue?
        while let open = rest.range(of: marker) {
            if open.lowerBound > rest.startIndex, rest[rest.index(before: open.lowerBound)] == "$" {
                result += rest[..<rest.index(before: open.lowerBound)] + marker
                rest = rest[open.upperBound...]
                continue
            }
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                diagnostics.append(Diagnostic("unclosed '${params.' in \"\(text)\"; expected ${params.NAME}", at: node.location, keyPath: keyPath))
                return nil
            }
            let name = String(rest[open.upperBound..<close])
            guard let value = pipelineParams[name] else {
                diagnostics.append(Diagnostic("'${params.\(name)}' names no entry of the top-level 'params'", at: node.location, keyPath: keyPath,
                                              hint: Suggestion.hint(for: name, among: pipelineParams.keys)
                                                ?? (pipelineParams.isEmpty ? "declare it under a top-level 'params:' mapping" : nil)))
                return nil
            }
            if result.isEmpty, open.lowerBound == text.startIndex, close == text.index(before: text.endIndex) {
                whole = value
            }
            result += value.description
            rest = rest[rest.index(after: close)...]
        }
        return whole ?? .string(result + rest)
    }

    /// Checks a typed value against a declared type; ints widen to numbers, nothing else converts.
    func conform(_ value: ParamValue, node: SpecNode, to type: ParamType, keyPath: String,
                 into diagnostics: inout [Diagnostic]) -> ParamValue? {
        func fail(_ hint: String? = nil) -> ParamValue? {
            diagnostics.append(Diagnostic("expected \(type.expectation), found \(Self.describe(value))",
                                          at: node.location, keyPath: keyPath, hint: hint))
            return nil
        }
        switch type {
        case .bool:
            return value.boolValue != nil ? value : fail()
        case let .int(lo, hi):
            guard let i = value.intValue else {
                if let d = value.doubleValue, let whole = Int(exactly: d) { return fail("write it without a decimal point: \(whole)") }
                return fail()
            }
            if let lo, i < lo { return fail() }
            if let hi, i > hi { return fail() }
            return value
        case let .number(lo, hi, exLo, exHi):
            guard let d = value.doubleValue else { return fail() }
            if let lo, exLo ? d <= lo : d < lo { return fail() }
            if let hi, exHi ? d >= hi : d > hi { return fail() }
            if d.isNaN { return fail() }
            return .double(d)
        case .string, .path:
            guard case .string(let s) = value else { return fail() }
            if case .path = type, s.isEmpty { return fail() }
            return value
        case .choice(let options):
            guard let s = value.stringValue else { return fail() }
            return options.contains(s) ? value : fail(Suggestion.hint(for: s, among: options))
        case let .list(element, minCount):
            guard case .list(let items) = value else { return fail() }
            if items.count < minCount { return fail() }
            var out: [ParamValue] = []
            for (i, item) in items.enumerated() {
                let itemNode = Self.child(node, i) ?? node
                guard let v = conform(item, node: itemNode, to: element, keyPath: "\(keyPath)[\(i)]", into: &diagnostics) else { return nil }
                out.append(v)
            }
            return .list(out)
        case .dictionary(let element):
            guard case .map(let fields) = value else { return fail() }
            var out: [String: ParamValue] = [:]
            for key in fields.keys.sorted() {
                let fieldNode = node[key]?.value ?? node
                guard let v = conform(fields[key]!, node: fieldNode, to: element, keyPath: "\(keyPath).\(key)", into: &diagnostics) else { return nil }
                out[key] = v
            }
            return .map(out)
        case .oneOf(let types):
            for candidate in types {
                var scratch: [Diagnostic] = []
                if let v = conform(value, node: node, to: candidate, keyPath: keyPath, into: &scratch) { return v }
            }
            return fail()
        case .object(let fields):
            guard case .map(let given) = value else { return fail() }
            return conformFields(given, fields: fields, node: node, keyPath: keyPath, owner: nil, into: &diagnostics)
        case .any:
            return value
        case let .union(discriminator, variants):
            return conformUnion(value, node: node, discriminator: discriminator, variants: variants, keyPath: keyPath, into: &diagnostics)
        }
    }

    /// Checks a mapping's keys against declared fields: unknown keys (with a suggestion), wrong types,
    /// missing required keys; fills defaults.
    private func conformFields(_ given: [String: ParamValue], fields: [ParamDecl], node: SpecNode, keyPath: String, owner: String?,
                               skipping skipped: Set<String> = [], into diagnostics: inout [Diagnostic]) -> ParamValue? {
        var out: [String: ParamValue] = [:]
        var ok = true
        let declared = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let what = owner.map { " for '\($0)'" } ?? ""
        for key in given.keys.sorted() where !skipped.contains(key) {
            let fieldNode = node[key]
            guard let decl = declared[key] else {
                let known = fields.map(\.name)
                diagnostics.append(Diagnostic("unknown key '\(key)'\(what); expected " + (known.isEmpty ? "no options" : "one of \(known.joined(separator: ", "))"),
                                              at: fieldNode?.keyLocation ?? node.location, keyPath: "\(keyPath).\(key)",
                                              hint: Suggestion.hint(for: key, among: known)))
                ok = false
                continue
            }
            if let v = conform(given[key]!, node: fieldNode?.value ?? node, to: decl.type, keyPath: "\(keyPath).\(key)", into: &diagnostics) {
                out[key] = v
            } else {
                ok = false
            }
        }
        for decl in fields where given[decl.name] == nil {
            if let value = decl.defaultValue {
                out[decl.name] = value
            } else if decl.required {
                diagnostics.append(Diagnostic("missing required key '\(decl.name)'\(what); expected \(decl.type.expectation)",
                                              at: node.location, keyPath: "\(keyPath).\(decl.name)"))
                ok = false
            }
        }
        return ok ? .map(out) : nil
    }

    private func conformUnion(_ value: ParamValue, node: SpecNode, discriminator: String, variants: [UnionVariant], keyPath: String,
                              into diagnostics: inout [Diagnostic]) -> ParamValue? {
        let names = variants.map(\.name)
        func variant(_ name: String, at location: SourceLocation) -> UnionVariant? {
            if let found = variants.first(where: { $0.name == name }) { return found }
            diagnostics.append(Diagnostic("unknown '\(name)'; expected one of \(names.map { "'\($0)'" }.joined(separator: ", "))",
                                          at: location, keyPath: keyPath, hint: Suggestion.hint(for: name, among: names)))
            return nil
        }
        func normalised(_ fields: ParamValue?, of chosen: UnionVariant, node fieldsNode: SpecNode) -> ParamValue? {
            guard case .map(let checked)? = conformFields(fields?.mapValue ?? [:], fields: chosen.fields, node: fieldsNode,
                                                          keyPath: keyPath, owner: chosen.name, skipping: [discriminator], into: &diagnostics)
            else { return nil }
            return .map(checked.merging([discriminator: .string(chosen.name)]) { a, _ in a })
        }
        switch value {
        case .string(let name):
            guard let chosen = variant(name, at: node.location) else { return nil }
            return normalised(nil, of: chosen, node: node)
        case .map(let fields) where fields[discriminator] != nil:
            guard case .string(let name)? = fields[discriminator] else {
                diagnostics.append(Diagnostic("'\(discriminator)' must name one of \(names.joined(separator: ", "))",
                                              at: node[discriminator]?.value.location ?? node.location, keyPath: "\(keyPath).\(discriminator)"))
                return nil
            }
            guard let chosen = variant(name, at: node[discriminator]?.value.location ?? node.location) else { return nil }
            return normalised(value, of: chosen, node: node)
        case .map(let fields) where fields.count == 1:
            let (name, inner) = fields.first!
            let innerNode = node[name]?.value ?? node
            guard let chosen = variant(name, at: node[name]?.keyLocation ?? node.location) else { return nil }
            switch inner {
            case .map, .null: return normalised(inner == .null ? nil : inner, of: chosen, node: innerNode)
            default:
                guard let primary = chosen.primary else {
                    diagnostics.append(Diagnostic("'\(name)' takes a mapping of options, found \(Self.describe(inner))",
                                                  at: innerNode.location, keyPath: "\(keyPath).\(name)"))
                    return nil
                }
                return normalised(.map([primary: inner]), of: chosen, node: innerNode)
            }
        default:
            diagnostics.append(Diagnostic("expected \(ParamType.union(discriminator: discriminator, variants: variants).expectation), found \(Self.describe(value))",
                                          at: node.location, keyPath: keyPath))
            return nil
        }
    }

    private static func child(_ node: SpecNode, _ index: Int) -> SpecNode? {
        if case .list(let items) = node.content, index < items.count { return items[index] }
        return nil
    }

    /// "the integer 3", "the string "x"", "a list" — for "found …".
    static func describe(_ value: ParamValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "the boolean \(b)"
        case .int(let i): return "the integer \(i)"
        case .double(let d): return "the number \(d)"
        case .string(let s): return "the string \"\(s)\""
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }
}
