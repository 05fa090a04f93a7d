import PipelineSpec

/// The `distributed:` option of `train`: data-parallel training of networks over MPI ranks. Declares the
/// parameter, checks it against the rest of the stage, and says how many processes the stage wants.
enum DistributedTraining {
    /// Largest rank count accepted (one node's worth of processes is the realistic use here).
    static let maxRanks = 1024

    /// `{backend: mpi, ranks: N}`.
    static let declaration = ParamType.object([
        ParamDecl("backend", .choice(["mpi"]), default: .string("mpi"), help: "How ranks exchange gradients: 'mpi' (OpenMPI; mpirun locally and inside a Slurm job)."),
        ParamDecl("ranks", .int(min: 1, max: maxRanks), required: true,
                  help: "Processes; each takes a contiguous share of every global batch and gradients are summed over them every step."),
    ])

    /// Ranks the stage runs with (1 without `distributed`).
    static func ranks(_ params: [String: ParamValue]) -> Int {
        params["distributed"]?.mapValue?["ranks"]?.intValue ?? 1
    }

    /// Cross-field rules: networks only, no batch normalisation or batch augmentation, and at most one rank per row of a batch.
    static func check(_ context: KindCheckContext) -> [KindProblem] {
        guard let setting = context.params["distributed"]?.mapValue else { return [] }
        var problems: [KindProblem] = []
        let model = context.params["model"]?.mapValue
        let family = model?["type"]?.stringValue
        let startsFromModel = context.inputs.contains { $0.type == .model && $0.key != "teacher" }
        if let family, !["mlp", "sequential"].contains(family) {
            problems.append(KindProblem(.param("distributed"), "distributed training applies to networks trained by mini-batches (mlp, sequential), not '\(family)'"))
        }
        if family == nil && !startsFromModel {
            problems.append(KindProblem(.param("distributed"), "distributed training applies to networks (mlp, sequential); the stage has no network model"))
        }
        let batchNorm = model?["batch_norm"]?.boolValue == true
            || (model?["layers"]?.listValue ?? []).contains { $0.mapValue?["type"]?.stringValue == "batch_norm" }
        if batchNorm {
            problems.append(KindProblem(.param("distributed"), "distributed training does not support batch normalisation: its statistics would cover one rank's rows only",
                                        hint: "remove batch_norm from the model, or train in one process"))
        }
        if context.params["augment"] != nil {
            problems.append(KindProblem(.param("distributed"), "distributed training does not support augment (its random draws depend on a row's position in the batch)",
                                        hint: "augment beforehand with a preprocess step {type: augment, ...}, or train in one process"))
        }
        if let ranks = setting["ranks"]?.intValue, let batch = context.params["batch_size"]?.intValue, ranks > batch {
            problems.append(KindProblem(.param("distributed"), "distributed.ranks is \(ranks) but batch_size is \(batch): every rank needs at least one row of each batch",
                                        hint: "ranks: \(min(batch, 2)) or a batch_size of at least \(ranks)"))
        }
        return problems
    }
}
