import PipelineSpec

/// One stage wired into the graph: its declaration, kind, bound inputs and declared outputs.
public struct StageNode: Sendable {
    /// The declared stage.
    public let spec: StageSpec
    /// Its kind's signature.
    public let signature: StageSignature
    /// Inputs as the stage will see them.
    public let inputs: [BoundInput]
    /// Outputs it will produce.
    public let outputs: [OutputDecl]

    /// The stage's name.
    public var name: String { spec.name }
    /// Distinct upstream stages, sorted.
    public var upstream: [String] { Array(Set(inputs.map(\.stage))).sorted() }

    /// The node with other parameter values (a search trial's variant); inputs and outputs as declared.
    public func with(params: [String: ParamValue]) -> StageNode {
        StageNode(spec: StageSpec(name: spec.name, kind: spec.kind, inputs: spec.inputs, params: params, location: spec.location,
                                  paramLocations: spec.paramLocations, inputsLocation: spec.inputsLocation),
                  signature: signature, inputs: inputs, outputs: outputs)
    }
}

/// The immutable, validated DAG of a pipeline: stages wired by their inputs, in topological order.
public struct StageGraph: Sendable {
    /// The pipeline it came from.
    public let spec: PipelineSpec
    /// Nodes by stage name.
    public let nodes: [String: StageNode]
    /// A topological order; among stages ready at the same time, file order decides.
    public let order: [String]

    /// Builds and checks the graph: unknown references, cycles (with the whole path), outputs that do not
    /// exist, input types a kind does not take, and each kind's own checks. Throws `ValidationFailure`
    /// with every problem found.
    ///
    /// For a partially parsed file, `invalidStages` (stages with their own errors) skip kind checks and
    /// references to `unreadableStages` (left out of the spec, already reported) are not reported again.
    public static func build(_ spec: PipelineSpec, signatures: [StageSignature], invalidStages: Set<String> = [],
                             unreadableStages: Set<String> = []) throws -> StageGraph {
        try GraphBuilder(spec: spec, signatures: signatures, invalid: invalidStages, unreadable: unreadableStages).build()
    }

    /// The named stages plus everything upstream of them.
    public func withUpstream(_ names: some Sequence<String>) -> Set<String> {
        var result = Set<String>()
        var stack = Array(names)
        while let name = stack.popLast() {
            guard result.insert(name).inserted, let node = nodes[name] else { continue }
            stack.append(contentsOf: node.upstream)
        }
        return result
    }

    /// The named stages plus everything downstream of them.
    public func withDownstream(_ names: some Sequence<String>) -> Set<String> {
        var result = Set(names)
        for name in order where nodes[name]!.upstream.contains(where: result.contains) { result.insert(name) }
        return result
    }

    /// Stages that read the named stage's outputs, in run (topological) order.
    public func dependents(of name: String) -> [String] {
        order.filter { nodes[$0]!.upstream.contains(name) }
    }
}
