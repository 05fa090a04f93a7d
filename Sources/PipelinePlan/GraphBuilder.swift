import Foundation
import PipelineSpec

/// Wires stages together and collects every wiring problem (see `StageGraph.build`).
struct GraphBuilder {
    let spec: PipelineSpec
    let signatures: [String: StageSignature]
    let invalid: Set<String>
    let unreadable: Set<String>
    private var diagnostics: [Diagnostic] = []

    init(spec: PipelineSpec, signatures: [StageSignature], invalid: Set<String>, unreadable: Set<String>) {
        self.spec = spec
        self.invalid = invalid
        self.unreadable = unreadable
        self.signatures = Dictionary(signatures.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func build() throws -> StageGraph {
        var builder = self
        return try builder.run()
    }

    private mutating func run() throws -> StageGraph {
        let names = Set(spec.stages.map(\.name))
        for stage in spec.stages {
            for ref in stage.inputs where !names.contains(ref.stage) && !unreadable.contains(ref.stage) {
                diagnostics.append(Diagnostic("input '\(ref.text)' names no stage of this pipeline; expected one of \(names.sorted().joined(separator: ", "))",
                                              at: ref.location, keyPath: "stages.\(stage.name).inputs",
                                              hint: Suggestion.hint(for: ref.stage, among: names.subtracting([stage.name]))))
            }
        }
        let cycles = findCycles()
        for cycle in cycles {
            let reader = spec.stage(cycle[1])!
            let edge = reader.inputs.first { $0.stage == cycle[0] }
            diagnostics.append(Diagnostic("dependency cycle: \(cycle.joined(separator: " -> "))",
                                          at: edge?.location ?? reader.location, keyPath: "stages.\(reader.name).inputs",
                                          hint: "a stage cannot depend, directly or through others, on its own output"))
        }
        guard cycles.isEmpty else { throw ValidationFailure(diagnostics) }
        let order = topologicalOrder()
        var nodes: [String: StageNode] = [:]
        for name in order {
            let stage = spec.stage(name)!
            guard let signature = signatures[stage.kind] else { continue }
            guard stage.inputs.allSatisfy({ nodes[$0.stage] != nil || !names.contains($0.stage) }),
                  stage.inputs.allSatisfy({ names.contains($0.stage) }) else { continue }
            guard let inputs = bind(stage, nodes: nodes), checkTypes(stage, signature: signature, inputs: inputs) else { continue }
            let context = KindCheckContext(params: stage.params, inputs: inputs, baseDirectory: spec.baseDirectory)
            let problems = invalid.contains(name) ? []
                : Self.missingFiles(stage, signature: signature, baseDirectory: spec.baseDirectory) + signature.check(context)
            for problem in problems { diagnostics.append(diagnostic(for: problem, stage: stage)) }
            guard problems.isEmpty else { continue }
            nodes[name] = StageNode(spec: stage, signature: signature, inputs: inputs, outputs: signature.outputs(context))
        }
        if !diagnostics.isEmpty { throw ValidationFailure(diagnostics) }
        return StageGraph(spec: spec, nodes: nodes, order: order)
    }

    /// Files named by `.path(mustExist: true)` parameters that are missing or unreadable.
    static func missingFiles(_ stage: StageSpec, signature: StageSignature, baseDirectory: String) -> [KindProblem] {
        var problems: [KindProblem] = []
        for decl in signature.params {
            let paths: [String]
            switch decl.type {
            case .path(mustExist: true): paths = stage.params[decl.name]?.stringValue.map { [$0] } ?? []
            case .list(of: .path(mustExist: true), _): paths = stage.params[decl.name]?.listValue?.compactMap(\.stringValue) ?? []
            default: continue
            }
            for path in paths {
                let resolved = PathResolution.resolve(path, against: baseDirectory)
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) {
                    problems.append(KindProblem(.param(decl.name), "input file '\(path)' does not exist (looked for \(resolved))"))
                } else if isDirectory.boolValue {
                    problems.append(KindProblem(.param(decl.name), "expected a file, but '\(path)' is a directory"))
                } else if !FileManager.default.isReadableFile(atPath: resolved) {
                    problems.append(KindProblem(.param(decl.name), "input file '\(path)' is not readable"))
                }
            }
        }
        return problems
    }

    private func diagnostic(for problem: KindProblem, stage: StageSpec) -> Diagnostic {
        switch problem.subject {
        case .param(let key):
            return Diagnostic(problem.message, at: stage.paramLocations[key] ?? stage.location,
                              keyPath: "stages.\(stage.name).\(key)", hint: problem.hint)
        case .inputs:
            return Diagnostic(problem.message, at: stage.inputsLocation ?? stage.location,
                              keyPath: "stages.\(stage.name).inputs", hint: problem.hint)
        case .stage:
            return Diagnostic(problem.message, at: stage.location, keyPath: "stages.\(stage.name)", hint: problem.hint)
        }
    }

    /// Resolves references into named, typed inputs.
    private mutating func bind(_ stage: StageSpec, nodes: [String: StageNode]) -> [BoundInput]? {
        var inputs: [BoundInput] = []
        var ok = true
        let keyPath = "stages.\(stage.name).inputs"
        for ref in stage.inputs {
            let upstream = nodes[ref.stage]!
            let chosen: [OutputDecl]
            if let output = ref.output {
                guard let decl = upstream.outputs.first(where: { $0.name == output }) else {
                    let available = upstream.outputs.map(\.name)
                    diagnostics.append(Diagnostic("stage '\(ref.stage)' has no output '\(output)'; it has \(available.joined(separator: ", "))",
                                                  at: ref.location, keyPath: keyPath, hint: Suggestion.hint(for: output, among: available)))
                    ok = false
                    continue
                }
                chosen = [decl]
            } else {
                chosen = upstream.outputs
            }
            if ref.key != nil, chosen.count > 1 {
                diagnostics.append(Diagnostic("'\(ref.text)' has \(chosen.count) outputs (\(chosen.map(\.name).joined(separator: ", "))) but a named input takes one; write '\(ref.stage).OUTPUT'",
                                              at: ref.location, keyPath: keyPath))
                ok = false
                continue
            }
            for decl in chosen {
                let key = ref.key ?? (upstream.outputs.count == 1 ? ref.stage : decl.name)
                if let clash = inputs.first(where: { $0.key == key }) {
                    diagnostics.append(Diagnostic("two inputs are both named '\(key)' ('\(clash.stage).\(clash.output)' and '\(ref.stage).\(decl.name)')",
                                                  at: ref.location, keyPath: keyPath,
                                                  hint: "name them with the mapping form, e.g. inputs: {a: \(clash.stage).\(clash.output), b: \(ref.stage).\(decl.name)}"))
                    ok = false
                    continue
                }
                inputs.append(BoundInput(key: key, type: decl.type, stage: ref.stage, output: decl.name))
            }
        }
        return ok ? inputs : nil
    }

    /// Checks input types and counts against the kind's rules.
    private mutating func checkTypes(_ stage: StageSpec, signature: StageSignature, inputs: [BoundInput]) -> Bool {
        let keyPath = "stages.\(stage.name).inputs"
        let accepted = signature.inputs.map(\.type)
        var ok = true
        for input in inputs where !accepted.contains(input.type) {
            let ref = stage.inputs.first { $0.stage == input.stage && ($0.output == nil || $0.output == input.output) }
            let takes = accepted.isEmpty ? "takes no inputs" : "takes \(accepted.map(\.rawValue).joined(separator: " and ")) inputs"
            diagnostics.append(Diagnostic("input '\(input.key)' (from stage '\(input.stage)') is a \(input.type.rawValue), but kind '\(stage.kind)' \(takes)",
                                          at: ref?.location ?? stage.inputsLocation ?? stage.location, keyPath: keyPath))
            ok = false
        }
        for rule in signature.inputs {
            let count = inputs.filter { $0.type == rule.type }.count
            let bound = rule.max.map { $0 == rule.min ? "exactly \($0)" : "\(rule.min) to \($0)" } ?? "at least \(rule.min)"
            if count < rule.min || (rule.max.map { count > $0 } ?? false) {
                diagnostics.append(Diagnostic("kind '\(stage.kind)' takes \(bound) \(rule.type.rawValue) input\((rule.max ?? 2) == 1 || (rule.max == nil && rule.min == 1) ? "" : "s"), found \(count)",
                                              at: stage.inputsLocation ?? stage.location, keyPath: keyPath))
                ok = false
            }
        }
        return ok
    }

    /// Every elementary cycle reachable by DFS, each reported once, as a closed path `a -> b -> a`.
    private func findCycles() -> [[String]] {
        var state: [String: Int] = [:]  // 1 = on stack, 2 = done
        var stack: [String] = []
        var cycles: [[String]] = []
        var seen = Set<Set<String>>()
        func visit(_ name: String) {
            state[name] = 1
            stack.append(name)
            for next in Array(Set(spec.stage(name)!.inputs.map(\.stage))).sorted() where spec.stage(next) != nil {
                if state[next] == 1 {
                    let start = stack.lastIndex(of: next)!
                    let members = Array(stack[start...])
                    if seen.insert(Set(members)).inserted {
                        // Written in data-flow direction: upstream first.
                        let path = members.reversed() + [members.last!]
                        cycles.append(Array(path))
                    }
                } else if state[next] == nil {
                    visit(next)
                }
            }
            stack.removeLast()
            state[name] = 2
        }
        for stage in spec.stages where state[stage.name] == nil { visit(stage.name) }
        return cycles
    }

    /// Kahn's algorithm with file order breaking ties, so the order is stable.
    private func topologicalOrder() -> [String] {
        let names = spec.stages.map(\.name)
        var remaining = Dictionary(uniqueKeysWithValues: spec.stages.map { ($0.name, Set($0.inputs.map(\.stage)).filter(names.contains).count) })
        var order: [String] = []
        while order.count < names.count {
            guard let next = names.first(where: { remaining[$0] == 0 }) else { break }
            remaining[next] = nil
            order.append(next)
            for stage in spec.stages where Set(stage.inputs.map(\.stage)).contains(next) { remaining[stage.name]! -= 1 }
        }
        return order
    }
}
