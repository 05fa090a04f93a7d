import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `prune`: one-shot pruning of a network model — unstructured magnitude pruning (per-layer or global
/// threshold, to a target sparsity or below an absolute |w| threshold) that stores the pruned weights sparse
/// with their masks, or structured pruning that removes whole neurons / conv filters and shrinks the model.
/// Fine-tune the result with a `train` stage that takes it as its model input (masks are kept).
public struct PruneStage: StageKind {
    public init() {}

    static let sparsity: ParamType = .oneOf([.number(min: 0, max: 1), .list(of: .number(min: 0, max: 1), minCount: 1)])

    public var signature: StageSignature {
        StageSignature(
            kind: "prune", summary: "Prune a network model: zero the smallest weights (stored sparse) or remove whole neurons/filters.",
            params: [
                ParamDecl("sparsity", Self.sparsity,
                          help: "Fraction to remove: one number, or one per weight layer in order (structure: neurons: per layer but the output layer)."),
                ParamDecl("threshold", .number(min: 0, exclusiveMin: true),
                          help: "Instead of a sparsity: prune every weight with |w| below this (e.g. after l1 training)."),
                ParamDecl("scope", .choice(PruningScope.allCases.map(\.rawValue)), default: .string("layer"),
                          help: "layer: each layer reaches its sparsity; global: one magnitude threshold over all layers."),
                ParamDecl("structure", .choice(["unstructured", "neurons"]), default: .string("unstructured"),
                          help: "unstructured: individual weights; neurons: whole dense units and conv2d filters (the model shrinks)."),
                ParamDecl("norm", .choice(UnitNorm.allCases.map(\.rawValue)), default: .string("l1"),
                          help: "structure: neurons ranks units by the L1 or L2 norm of their incoming weights."),
            ],
            inputs: [InputRule(.model)],
            outputs: { _ in [OutputDecl("model", .model)] },
            check: { Self.check($0) })
    }

    static func check(_ context: KindCheckContext) -> [KindProblem] {
        var problems: [KindProblem] = []
        let hasSparsity = context.params["sparsity"] != nil, hasThreshold = context.params["threshold"] != nil
        if hasSparsity == hasThreshold {
            problems.append(KindProblem(.stage, "prune needs exactly one of 'sparsity' and 'threshold'",
                                        hint: "e.g. sparsity: 0.9, or sparsity: [0.92, 0.91, 0.74] per layer"))
        }
        let structured = context.params["structure"]?.stringValue == "neurons"
        if structured, hasThreshold {
            problems.append(KindProblem(.param("threshold"), "'threshold' applies to structure: unstructured; neurons are removed by 'sparsity'"))
        }
        if context.params["scope"]?.stringValue == "global" {
            if structured { problems.append(KindProblem(.param("scope"), "scope: global applies to unstructured pruning; neurons are ranked within each layer")) }
            if case .list? = context.params["sparsity"] {
                problems.append(KindProblem(.param("sparsity"), "scope: global takes one overall sparsity, not a list"))
            }
        }
        if let values = context.params["sparsity"].map(Self.numbers), values.contains(where: { $0 >= 1 }) {
            problems.append(KindProblem(.param("sparsity"), "sparsity must be below 1 (something must remain), found \(values.filter { $0 >= 1 })"))
        }
        return problems
    }

    static func numbers(_ value: ParamValue) -> [Double] {
        if case .list(let items) = value { return items.compactMap(\.doubleValue) }
        return value.doubleValue.map { [$0] } ?? []
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let input = context.inputs(of: .model)[0]
        let stored = try StoredModel.read(from: input.input.path)
        guard case .network(let snapshot) = stored.model else {
            throw StageError("prune works on network models (mlp, sequential); input '\(input.key)' is a \(stored.model.family) model")
        }
        let pruned: NetworkSnapshot
        if context.string("structure") == "neurons" {
            pruned = try StructuredPruning.prune(snapshot, fraction: Self.numbers(context.param("sparsity")),
                                                 norm: UnitNorm(rawValue: context.string("norm"))!)
        } else {
            pruned = try Self.unstructured(snapshot, context)
        }
        let stats = try pruned.layerSparsity()
        let weights = Self.weightCounts(pruned)
        let path = context.outputPath("model")
        try StoredModel(model: .network(pruned), classNames: stored.classNames, sampleShape: stored.sampleShape, history: stored.history)
            .write(to: path, provenance: context.provenance,
                   attributes: ["pruned_from": .string("\(input.input.stage) (input '\(input.key)')"),
                                "weight_sparsity": .double(1 - Double(weights.nonzero) / Double(max(1, weights.total)))])
        let parameters = stats.reduce(0) { $0 + $1.parameters }, nonzeros = stats.reduce(0) { $0 + $1.nonzeros }
        return StageResult(outputs: ["model": path], metrics: [
            "parameters": Double(parameters), "nonzeros": Double(nonzeros),
            "weight_sparsity": 1 - Double(weights.nonzero) / Double(max(1, weights.total)),
            "flops_per_sample": Double(stats.reduce(0) { $0 + $1.effectiveFLOPs }),
            "stored_bytes": Double(stats.reduce(0) { $0 + $1.storedBytes }),
        ])
    }

    /// Magnitude pruning of every weight tensor, keeping the masks the input already has.
    static func unstructured(_ snapshot: NetworkSnapshot, _ context: StageContext) throws -> NetworkSnapshot {
        let network = try snapshot.makeNetwork()
        var mask = snapshot.keepMask(for: network) ?? [Float](repeating: 1, count: network.parameterCount)
        let tensors = network.layout.filter { $0.spec.role == .weight }.map(\.range)
        if let threshold = context.params["threshold"]?.doubleValue {
            MagnitudePruning.prune(network.parameters, mask: &mask, tensors: tensors, threshold: Float(threshold))
        } else {
            var targets = numbers(context.param("sparsity"))
            let scope = PruningScope(rawValue: context.string("scope"))!
            if scope == .layer, targets.count == 1 { targets = Array(repeating: targets[0], count: tensors.count) }
            guard targets.count == (scope == .global ? 1 : tensors.count) else {
                throw StageError("prune: \(targets.count) sparsities given for a model with \(tensors.count) weight layers")
            }
            MagnitudePruning.prune(network.parameters, mask: &mask, tensors: tensors, sparsity: targets, scope: scope)
        }
        var result = NetworkSnapshot(network)
        result.recordMasks(mask, network: network)
        return result
    }

    /// Nonzero and total weights (role weight) of a snapshot.
    static func weightCounts(_ snapshot: NetworkSnapshot) -> (nonzero: Int, total: Int) {
        var nonzero = 0, total = 0
        for layer in snapshot.layers {
            for tensor in layer.parameters where tensor.name == "weight" {
                total += tensor.values.count
                nonzero += tensor.values.filter { $0 != 0 }.count
            }
        }
        return (nonzero, total)
    }
}
