import Learn
import PipelineSpec

/// The `train` kind's `pruning:` option: gradual magnitude pruning on Zhu & Gupta's cubic schedule.
enum PruningParameters {
    /// `pruning:`.
    static let gradual: ParamType = .object([
        ParamDecl("final_sparsity", PruneStage.sparsity, required: true,
                  help: "Target fraction of zero weights: one number, or one per weight layer in order (scope: layer)."),
        ParamDecl("initial_sparsity", .number(min: 0, max: 1), default: .double(0), help: "Sparsity at the first pruning step (s_i)."),
        ParamDecl("start_epoch", .int(min: 1), default: .int(1), help: "Pruning starts at the beginning of this epoch (1-based; t0)."),
        ParamDecl("end_epoch", .int(min: 1), required: true,
                  help: "The final sparsity is reached at the end of this epoch; later epochs fine-tune with the masks fixed."),
        ParamDecl("frequency", .int(min: 1), help: "Optimizer steps between pruning updates (Δt; default: one epoch)."),
        ParamDecl("scope", .choice(PruningScope.allCases.map(\.rawValue)), default: .string("layer"),
                  help: "layer: every layer reaches the sparsity; global: one magnitude threshold over all weights."),
    ])

    /// Problems `pruning:` has on its own (before the network is known).
    static func check(_ value: ParamValue?) -> [KindProblem] {
        guard let map = value?.mapValue else { return [] }
        var problems: [KindProblem] = []
        let finals = map["final_sparsity"].map(PruneStage.numbers) ?? []
        if finals.contains(where: { $0 >= 1 }) { problems.append(KindProblem(.param("pruning"), "final_sparsity must be below 1, found \(finals.filter { $0 >= 1 })")) }
        if let initial = map["initial_sparsity"]?.doubleValue, initial >= 1 || finals.contains(where: { $0 < initial }) {
            problems.append(KindProblem(.param("pruning"), "initial_sparsity \(initial) must be below 1 and not above final_sparsity"))
        }
        if let start = map["start_epoch"]?.intValue, let end = map["end_epoch"]?.intValue, end < start {
            problems.append(KindProblem(.param("pruning"), "end_epoch \(end) comes before start_epoch \(start)"))
        }
        if map["scope"]?.stringValue == "global", finals.count > 1 {
            problems.append(KindProblem(.param("pruning"), "scope: global takes one overall final_sparsity, not a list"))
        }
        return problems
    }

    /// The schedule in optimizer steps for `weightTensors` pruned tensors and `stepsPerEpoch`.
    static func schedule(_ map: [String: ParamValue], weightTensors: Int, stepsPerEpoch: Int) throws -> GradualPruning {
        let finals = PruneStage.numbers(map["final_sparsity"]!)
        let scope = PruningScope(rawValue: map["scope"]?.stringValue ?? "layer")!
        guard finals.count == 1 || finals.count == weightTensors else {
            throw StageError("pruning: \(finals.count) final sparsities given for a network with \(weightTensors) weight layers")
        }
        let start = map["start_epoch"]?.intValue ?? 1, end = map["end_epoch"]!.intValue!
        return GradualPruning(initialSparsity: map["initial_sparsity"]?.doubleValue ?? 0, finalSparsity: finals, scope: scope,
                              startStep: (start - 1) * stepsPerEpoch, endStep: end * stepsPerEpoch,
                              frequency: map["frequency"]?.intValue ?? stepsPerEpoch)
    }
}
