import Learn
import PipelineSpec
import PipelineStore

/// `random_forest`: bootstrap-aggregated CART trees with random feature subsets per split
/// (scikit-learn's RandomForestClassifier / RandomForestRegressor).
///
/// Trees are grown in parallel; tree `i` draws its bootstrap and feature subsets only from the stream
/// `tree/i` of the stage seed, so the forest is bit-identical however threads are scheduled. Splits use
/// the same uint8 histograms as `decision_tree` (exact for ≤ max_bins distinct values per feature).
/// The out-of-bag score (accuracy or R² on rows each tree did not draw) is a fit metric.
struct RandomForestFamily: ModelFamily {
    var version: Int { TreesParameters.binningVersion }
    var declaration: UnionVariant {
        UnionVariant("random_forest", fields: [
            ParamDecl("n_estimators", .int(min: 1), default: .int(100), help: "Number of trees."),
            ParamDecl("bootstrap", .bool, default: .bool(true), help: "Draw each tree's rows with replacement (else every tree sees every row)."),
            ParamDecl("max_samples", .number(min: 0, max: 1, exclusiveMin: true), default: .double(1), help: "Rows drawn per tree, as a fraction of the training rows (bootstrap only)."),
        ] + TreesParameters.treeFields(maxFeaturesHelp: "Features examined per split: sqrt (default for classification), log2, all (default for regression), a count, or a fraction.")
          + [TreesParameters.permutationField],
        help: "Random forest: bootstrap samples, random features per split, trees grown in parallel; out-of-bag score as a fit metric.")
    }

    var tasks: Set<ModelTask> { [.classification, .regression] }

    func check(_ params: [String: ParamValue]) -> [String] {
        if params["bootstrap"]?.boolValue == false, let fraction = params["max_samples"]?.doubleValue, fraction < 1 {
            return ["random_forest: max_samples \(fraction) needs bootstrap: true (without bootstrap every tree sees every row)"]
        }
        return []
    }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let tree = try TreesParameters.treeOptions(params, data: data, family: name, defaultMaxFeatures: data.task == .classification ? .sqrt : .all)
        let binned = TreesParameters.binned(data, maxBins: params["max_bins"]?.intValue ?? 256)
        let options = ForestOptions(trees: params["n_estimators"]?.intValue ?? 100, tree: tree, bootstrap: params["bootstrap"]?.boolValue ?? true,
                                    maxSamples: params["max_samples"]?.doubleValue ?? 1)
        let forest = ForestModel.fit(binned, options: options) { context.generator("tree/\($0)") }
        var metrics = ["trees": Double(forest.trees.count), "mean_depth": Double(forest.trees.reduce(0) { $0 + $1.depth }) / Double(forest.trees.count)]
        if let oob = forest.oobScore { metrics["oob_score"] = oob }
        let model = FittedTrees(family: name, task: data.task, features: data.columns, outputs: binned.outputs, trees: forest.trees, combination: .mean,
                                importances: FeatureImportances(names: TreesParameters.featureNames(data), impurity: forest.importances), fitMetrics: metrics)
        return try TreesParameters.withPermutation(model, params: params, data: data, context: context)
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try FittedTrees.read(family: name, from: group) }
}
