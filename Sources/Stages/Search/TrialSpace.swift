import Learn
import PipelineSpec

/// A search's `space:` as the samplers see it (`SearchSpace`) plus what it takes to turn an assignment back
/// into parameter overrides of the pipeline's stages.
struct TrialSpace: Sendable {
    /// The samplers' view: parents before children.
    let space: SearchSpace
    /// Candidate values of each `choice` dimension.
    let choices: [String: [ParamValue]]

    /// Builds the space from the validated `space:` mapping. Errors name the dimension (under `prefix`) and
    /// what is wrong.
    init(_ declared: [String: ParamValue], prefix: String = "space") throws {
        var choices: [String: [ParamValue]] = [:]
        var parameters: [String: SearchParameter] = [:]
        for name in declared.keys.sorted() {
            let fields = declared[name]!.mapValue ?? [:]
            guard name.split(separator: ".").count >= 2 else {
                throw StageError("\(prefix).\(name): expected STAGE.PARAMETER[.KEY…], e.g. train.optimizer.lr")
            }
            let dimension: SearchDimension
            switch fields["type"]?.stringValue {
            case "uniform", "log_uniform":
                dimension = .real(low: fields["low"]!.doubleValue!, high: fields["high"]!.doubleValue!, log: fields["type"]!.stringValue == "log_uniform")
            case "int":
                dimension = .integer(low: fields["low"]!.intValue!, high: fields["high"]!.intValue!, step: fields["step"]!.intValue!, log: fields["log"]!.boolValue!)
            default:
                let values = fields["values"]?.listValue ?? []
                choices[name] = values
                dimension = .categorical(count: values.count)
            }
            parameters[name] = SearchParameter(name: name, dimension: dimension)
        }
        // Conditions: `when: {parent: [values]}` with one parent, a choice dimension of the space.
        for name in declared.keys.sorted() {
            guard let when = declared[name]!.mapValue?["when"]?.mapValue else { continue }
            guard when.count == 1, let (parent, allowed) = when.first else {
                throw StageError("\(prefix).\(name).when: expected exactly one parent parameter, found \(when.count)")
            }
            guard let candidates = choices[parent] else {
                throw StageError("\(prefix).\(name).when: '\(parent)' is not a choice dimension of the space"
                                 + (declared[parent] == nil ? " (it is not in the space)" : ""))
            }
            var indices = Set<Int>()
            for value in allowed.listValue ?? [] {
                guard let index = candidates.firstIndex(where: { $0.sameValue(as: value) }) else {
                    throw StageError("\(prefix).\(name).when: \(value) is not one of \(parent)'s values \(ParamValue.list(candidates))")
                }
                indices.insert(index)
            }
            parameters[name]!.condition = SearchCondition(parent: parent, choices: indices)
        }
        // Parents before children, otherwise by name.
        var ordered: [SearchParameter] = []
        var placed = Set<String>()
        func place(_ name: String, _ path: [String]) throws {
            if placed.contains(name) { return }
            if path.contains(name) { throw StageError("\(prefix).\(name).when: conditions form a cycle: \((path + [name]).joined(separator: " → "))") }
            if let parent = parameters[name]!.condition?.parent { try place(parent, path + [name]) }
            placed.insert(name)
            ordered.append(parameters[name]!)
        }
        for name in parameters.keys.sorted() { try place(name, []) }
        do {
            space = try SearchSpace(ordered)
        } catch {
            throw StageError("\(prefix): \(error)")
        }
        self.choices = choices
    }

    /// The YAML value of one dimension's assignment.
    func value(_ name: String, _ value: SearchValue) -> ParamValue {
        switch value {
        case .real(let x): return .double(x)
        case .integer(let n): return .int(n)
        case .choice(let index): return choices[name]![index]
        }
    }

    /// The overrides an assignment sets (active parameters only), in space order.
    func overrides(_ assignment: SearchAssignment) -> [TrialOverride] {
        space.parameters.compactMap { parameter in
            guard let assigned = assignment[parameter.name] else { return nil }
            let parts = parameter.name.split(separator: ".").map(String.init)
            return TrialOverride(stage: parts[0], path: Array(parts.dropFirst()), value: value(parameter.name, assigned))
        }
    }

    /// The assignment as `name = value` text.
    func describe(_ assignment: SearchAssignment) -> String {
        space.parameters.compactMap { p in assignment[p.name].map { "\(p.name)=\(value(p.name, $0))" } }.joined(separator: " ")
    }
}
