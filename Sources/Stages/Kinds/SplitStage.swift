import Learn
import PipelineSpec
import PipelineStore

/// `split`: divides one dataset for training and evaluation.
///
/// - `holdout` (default): a seeded split into train / validation / test, stratified by label when asked
///   (per class, largest-remainder rounding so totals match the requested fractions).
/// - `kfold` / `stratified_kfold`: after holding out the optional `test` fraction, assigns every remaining row to
///   one of `folds` folds (stratified: class proportions kept per fold, scikit-learn's allocation). Output `folds`
///   is a dataset artifact of those rows (in their original order) with an extra int32 dataset `/folds` giving each
///   row's fold (0..<k) and the root attribute `n_folds`: fold f's validation rows are those with `/folds == f`,
///   its training rows the rest. Any stage that reads datasets reads it as the whole cross-validation set.
/// - `bootstrap`: `train` is a bootstrap sample (as many draws with replacement as rows), `test` the out-of-bag rows.
public struct SplitStage: StageKind {
    public init() {}

    static let methods = ["holdout", "kfold", "stratified_kfold", "bootstrap"]

    public var signature: StageSignature {
        StageSignature(
            kind: "split", summary: "Hold-out, k-fold / stratified k-fold, or bootstrap (out-of-bag) split of a dataset.",
            params: [
                ParamDecl("method", .choice(Self.methods), default: .string("holdout"),
                          help: "holdout: train/validation/test; kfold, stratified_kfold: output 'folds' (+ 'test'); bootstrap: train = bootstrap sample, test = out-of-bag rows."),
                ParamDecl("validation", .number(min: 0, max: 1, exclusiveMax: true), default: .double(0.1), help: "holdout: fraction of rows for validation."),
                ParamDecl("test", .number(min: 0, max: 1, exclusiveMax: true), default: .double(0.0), help: "holdout / kfold: fraction of rows for test (k-fold: held out before the folds)."),
                ParamDecl("stratify", .bool, default: .bool(true), help: "Keep class proportions in every part (needs labels); stratified_kfold always does."),
                ParamDecl("folds", .int(min: 2), default: .int(5), help: "kfold / stratified_kfold: number of folds."),
                ParamDecl("shuffle", .bool, default: .bool(true), help: "kfold / stratified_kfold: shuffle (seeded) before assigning folds; false keeps scikit-learn's unshuffled order."),
            ],
            inputs: [InputRule(.dataset)],
            outputs: { context in
                let test = (context.params["test"]?.doubleValue ?? 0) > 0
                switch context.params["method"]?.stringValue ?? "holdout" {
                case "kfold", "stratified_kfold": return [OutputDecl("folds", .dataset)] + (test ? [OutputDecl("test", .dataset)] : [])
                case "bootstrap": return [OutputDecl("train", .dataset), OutputDecl("test", .dataset)]
                default:
                    var outputs = [OutputDecl("train", .dataset)]
                    if (context.params["validation"]?.doubleValue ?? 0) > 0 { outputs.append(OutputDecl("validation", .dataset)) }
                    if test { outputs.append(OutputDecl("test", .dataset)) }
                    return outputs
                }
            },
            check: { context in
                let v = context.params["validation"]?.doubleValue ?? 0, t = context.params["test"]?.doubleValue ?? 0
                let method = context.params["method"]?.stringValue ?? "holdout"
                if method == "holdout" {
                    return v + t < 1 ? [] : [KindProblem(.param("test"), "validation + test must leave rows for training; found \(v) + \(t) ≥ 1")]
                }
                return []
            })
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let key = context.inputs(of: .dataset)[0].key
        let source = try Dataset.read(from: context.inputs(of: .dataset)[0].input.path)
        let method = context.string("method")
        // `stratify` matters for hold-out parts only: the hold-out split itself, or k-fold's held-out test part.
        let holdsOut = method == "holdout" || (method == "kfold" && context.double("test") > 0)
        let stratify = method == "stratified_kfold" || (holdsOut && context.bool("stratify"))
        if stratify, source.labels == nil {
            let fix = method == "stratified_kfold" ? "use method: kfold" : "set stratify: false"
            throw StageError("\(method == "stratified_kfold" ? "stratified_kfold" : "stratify: true") needs labels, but input '\(key)' has none; \(fix)")
        }
        var generator = context.generator()
        switch method {
        case "kfold", "stratified_kfold": return try crossValidation(source, stratified: method == "stratified_kfold", context, &generator)
        case "bootstrap": return try bootstrap(source, context, &generator)
        default: break
        }
        let parts = holdoutSplit(labels: stratify ? source.labels : nil, count: source.rows,
                                 validation: context.double("validation"), test: context.double("test"),
                                 stratify: stratify, generator: &generator)
        var outputs: [String: String] = [:]
        var metrics: [String: Double] = [:]
        for (name, indices) in [("train", parts.train), ("validation", parts.validation), ("test", parts.test)] {
            guard name == "train" || context.double(name) > 0 else { continue }
            if indices.isEmpty { throw StageError("the \(name) part would be empty (\(source.rows) rows); adjust the fractions") }
            try write(source.subset(indices), as: name, context, &outputs, &metrics)
        }
        return StageResult(outputs: outputs, metrics: metrics)
    }

    private func write(_ data: Dataset, as name: String, _ context: StageContext, _ outputs: inout [String: String], _ metrics: inout [String: Double]) throws {
        let path = context.outputPath(name)
        try data.write(to: path, provenance: context.provenance)
        outputs[name] = path
        metrics["\(name)_rows"] = Double(data.rows)
    }

    private func crossValidation(_ source: Dataset, stratified: Bool, _ context: StageContext, _ generator: inout SeededGenerator) throws -> StageResult {
        var outputs: [String: String] = [:], metrics: [String: Double] = [:]
        var pool = Array(0..<source.rows)
        let testFraction = context.double("test")
        if testFraction > 0 {
            let stratify = (context.bool("stratify") || stratified) && source.labels != nil
            let parts = holdoutSplit(labels: stratify ? source.labels : nil, count: source.rows, validation: 0,
                                     test: testFraction, stratify: stratify, generator: &generator)
            if parts.test.isEmpty { throw StageError("the test part would be empty (\(source.rows) rows); raise 'test'") }
            try write(source.subset(parts.test), as: "test", context, &outputs, &metrics)
            pool = parts.train
        }
        let data = source.subset(pool)
        let k = context.int("folds")
        guard k <= data.rows else { throw StageError("folds: \(k) folds need at least \(k) rows, but only \(data.rows) remain") }
        let folds = stratified
            ? stratifiedKFoldAssignment(labels: data.labels!, folds: k, shuffle: context.bool("shuffle"), generator: &generator)
            : kFoldAssignment(count: data.rows, folds: k, shuffle: context.bool("shuffle"), generator: &generator)
        try write(data, as: "folds", context, &outputs, &metrics)
        let file = try HDF5File.open(outputs["folds"]!, writable: true)
        let dataset = try file.root.createDataset("folds", shape: [data.rows], data: folds)
        try dataset.setAttribute("meaning", .string("fold (0..n_folds-1) of each row of /features: fold f validates on rows with folds == f and trains on the rest"))
        try file.root.setAttribute("n_folds", .int(Int64(k)))
        try file.root.setAttribute("fold_method", .string(stratified ? "stratified_kfold" : "kfold"))
        try file.close()
        metrics["folds"] = Double(k)
        return StageResult(outputs: outputs, metrics: metrics)
    }

    private func bootstrap(_ source: Dataset, _ context: StageContext, _ generator: inout SeededGenerator) throws -> StageResult {
        let (sample, outOfBag) = bootstrapSample(count: source.rows, generator: &generator)
        if outOfBag.isEmpty { throw StageError("bootstrap: every row was drawn, so there are no out-of-bag rows for 'test' (\(source.rows) rows)") }
        var outputs: [String: String] = [:], metrics: [String: Double] = [:]
        try write(source.subset(sample), as: "train", context, &outputs, &metrics)
        try write(source.subset(outOfBag), as: "test", context, &outputs, &metrics)
        metrics["distinct_train_rows"] = Double(source.rows - outOfBag.count)
        return StageResult(outputs: outputs, metrics: metrics)
    }
}

/// The fold assignment of a `folds` artifact written by `split` (`method: kfold | stratified_kfold`).
public struct FoldAssignment: Sendable, Equatable {
    /// Fold of each row, 0..<count.
    public let folds: [Int32]
    /// Number of folds.
    public let count: Int

    /// Reads `/folds` and `n_folds` from the dataset artifact at `path`.
    public static func read(from path: String) throws -> FoldAssignment {
        let file = try ArtifactFile.open(path, type: "dataset", requirement: "a dataset with /folds")
        defer { try? file.close() }
        guard file.root.contains("folds") else { throw StageError("'\(path)' has no /folds (write it with split method: kfold or stratified_kfold)") }
        return FoldAssignment(folds: try file.root.dataset("folds").read(as: Int32.self), count: Int(try file.root.attribute("n_folds")?.intValue ?? 0))
    }

    /// Row indices (training, validation) of fold `fold`.
    public func indices(of fold: Int) -> (train: [Int], validation: [Int]) {
        (folds.indices.filter { folds[$0] != Int32(fold) }, folds.indices.filter { folds[$0] == Int32(fold) })
    }
}
