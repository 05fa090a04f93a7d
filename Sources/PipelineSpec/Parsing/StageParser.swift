/// Parses one entry of `stages`: name, kind, inputs and the kind's parameters.
struct StageParser {
    let signatures: [String: StageSignature]
    let checker: ParamChecker
    let stageNames: [String]

    /// The stage, or nil when its kind is unknown or its shape is wrong. A stage is returned even with
    /// parameter or input errors (`valid` false) so the graph can still be checked around it.
    func parse(_ entry: SpecEntry, into diagnostics: inout [Diagnostic]) -> (stage: StageSpec, valid: Bool)? {
        let name = entry.key
        let path = "stages.\(name)"
        var ok = true
        if !Self.isValidName(name) {
            diagnostics.append(Diagnostic("invalid stage name '\(name)'; expected letters, digits, '_' or '-', starting with a letter or '_' (a '.' separates a stage from its output)",
                                          at: entry.keyLocation, keyPath: path))
            ok = false
        }
        guard let fields = entry.value.entries else {
            diagnostics.append(Diagnostic("expected a mapping with 'kind' and its parameters, found \(entry.value.shapeDescription)",
                                          at: entry.value.location, keyPath: path))
            return nil
        }
        guard let kindEntry = entry.value["kind"] else {
            diagnostics.append(Diagnostic("missing required key 'kind'; expected one of \(signatures.keys.sorted().joined(separator: ", "))",
                                          at: entry.keyLocation, keyPath: path))
            return nil
        }
        guard let kindName = checker.check(kindEntry.value, as: .string, keyPath: "\(path).kind", into: &diagnostics)?.stringValue else { return nil }
        guard let signature = signatures[kindName] else {
            diagnostics.append(Diagnostic("unknown stage kind '\(kindName)'; expected one of \(signatures.keys.sorted().joined(separator: ", "))",
                                          at: kindEntry.value.location, keyPath: "\(path).kind",
                                          hint: Suggestion.hint(for: kindName, among: signatures.keys)))
            return nil
        }

        var inputs: [InputRef] = []
        if let inputsEntry = entry.value["inputs"] {
            if let parsed = parseInputs(inputsEntry.value, keyPath: "\(path).inputs", into: &diagnostics) { inputs = parsed } else { ok = false }
        }
        if let description = entry.value["description"] {
            _ = checker.check(description.value, as: .string, keyPath: "\(path).description", into: &diagnostics)
        }

        let declared = Dictionary(signature.params.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var params: [String: ParamValue] = [:]
        var locations: [String: SourceLocation] = [:]
        for field in fields where !SpecParser.stageKeys.contains(field.key) {
            guard let decl = declared[field.key] else {
                let known = signature.params.map(\.name)
                diagnostics.append(Diagnostic("unknown key '\(field.key)' for a stage of kind '\(kindName)'; expected "
                                              + (known.isEmpty ? "only kind, inputs, description" : "one of \(known.joined(separator: ", "))"),
                                              at: field.keyLocation, keyPath: "\(path).\(field.key)",
                                              hint: Suggestion.hint(for: field.key, among: known + SpecParser.stageKeys)))
                ok = false
                continue
            }
            locations[field.key] = field.value.location
            if let value = checker.check(field.value, as: decl.type, keyPath: "\(path).\(field.key)", into: &diagnostics) {
                params[field.key] = value
            } else {
                ok = false
            }
        }
        for decl in signature.params where params[decl.name] == nil && locations[decl.name] == nil {
            if let value = decl.defaultValue {
                params[decl.name] = value
            } else if decl.required {
                diagnostics.append(Diagnostic("missing required parameter '\(decl.name)' for kind '\(kindName)'; expected \(decl.type.expectation)",
                                              at: entry.keyLocation, keyPath: "\(path).\(decl.name)"))
                ok = false
            }
        }
        var stage = StageSpec(name: name, kind: kindName, inputs: inputs, params: params, location: entry.keyLocation,
                              paramLocations: locations, inputsLocation: entry.value["inputs"]?.value.location)
        if let resources = entry.value["resources"] {
            if let parsed = parseResources(resources.value, keyPath: "\(path).resources", into: &diagnostics) { stage.resources = parsed } else { ok = false }
        }
        return (stage, ok)
    }

    /// `resources:` is a mapping of cluster requests; memory and time strings must be in Slurm's syntax.
    private func parseResources(_ node: SpecNode, keyPath: String, into diagnostics: inout [Diagnostic]) -> StageResources? {
        guard let value = checker.check(node, as: .object(StageResources.declaration), keyPath: keyPath, into: &diagnostics) else { return nil }
        let resources = StageResources.from(value.mapValue ?? [:])
        var ok = true
        for (key, text, valid, expected) in [("memory", resources.memory, StageResources.isMemory, "MB as a number, or a number with a K, M, G or T suffix such as '4G'"),
                                             ("time", resources.time, StageResources.isTime, "minutes, 'MM:SS', 'HH:MM:SS', 'D-HH', 'D-HH:MM' or 'D-HH:MM:SS'")] {
            guard let text, !valid(text) else { continue }
            diagnostics.append(Diagnostic("invalid \(key) '\(text)'; expected \(expected)", at: node[key]?.value.location ?? node.location,
                                          keyPath: "\(keyPath).\(key)"))
            ok = false
        }
        return ok ? resources : nil
    }

    /// `inputs:` is a list of `stage` / `stage.output`, or a mapping `key: stage.output`.
    private func parseInputs(_ node: SpecNode, keyPath: String, into diagnostics: inout [Diagnostic]) -> [InputRef]? {
        var refs: [InputRef] = []
        var ok = true
        func reference(_ item: SpecNode, key: String?, keyPath: String) {
            guard case let .scalar(text, _) = item.content, !text.isEmpty else {
                diagnostics.append(Diagnostic("expected a stage name or 'stage.output', found \(item.shapeDescription)", at: item.location, keyPath: keyPath))
                ok = false
                return
            }
            let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
            refs.append(InputRef(key: key, stage: parts[0], output: parts.count > 1 ? parts[1] : nil, location: item.location))
        }
        switch node.content {
        case .list(let items):
            for (i, item) in items.enumerated() { reference(item, key: nil, keyPath: "\(keyPath)[\(i)]") }
        case .map(let entries):
            for e in entries {
                if !Self.isValidName(e.key) {
                    diagnostics.append(Diagnostic("invalid input name '\(e.key)'; expected letters, digits, '_' or '-'", at: e.keyLocation, keyPath: "\(keyPath).\(e.key)"))
                    ok = false
                }
                reference(e.value, key: e.key, keyPath: "\(keyPath).\(e.key)")
            }
        case .scalar:
            // A single reference written without brackets is accepted as a one-element list.
            reference(node, key: nil, keyPath: keyPath)
        }
        return ok ? refs : nil
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }
}
