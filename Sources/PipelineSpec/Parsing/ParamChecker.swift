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
