import Learn
import PipelineSpec
import PipelineStore

/// `decision_tree`: one CART tree (scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor).
///
/// Splits are searched over per-feature bins fitted on the training rows; with at most `max_bins`
/// distinct values in a feature (always so for 8-bit pixels) every bin is one value and the thresholds
/// are exactly scikit-learn's midpoints, so the tree is the exact-CART tree (see `FeatureBins`).
struct DecisionTreeFamily: ModelFamily {
    var version: Int { TreesParameters.binningVersion }
    var declaration: UnionVariant {
        UnionVariant("decision_tree", fields: TreesParameters.treeFields(maxFeaturesHelp: "Features examined per split: sqrt, log2, all (default), a count, or a fraction in (0, 1].")
                     + [TreesParameters.permutationField],
                     help: "A CART decision tree (gini/entropy classification, squared_error regression); node arrays and importances in the model file.")
    }

    var tasks: Set<ModelTask> { [.classification, .regression] }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let options = try TreesParameters.treeOptions(params, data: data, family: name, defaultMaxFeatures: .all)
        let binned = TreesParameters.binned(data, maxBins: params["max_bins"]?.intValue ?? 256)
        var importance = [Double](repeating: 0, count: data.columns)
        var rng = context.generator("tree")
        let tree = CARTBuilder(data: binned, options: options).grow(rows: (0..<data.rows).map { Int32($0) }, weights: nil, generator: &rng, importance: &importance)
        let total = importance.reduce(0, +)
        let model = FittedTrees(family: name, task: data.task, features: data.columns, outputs: binned.outputs, trees: [tree], combination: .mean,
                                importances: FeatureImportances(names: TreesParameters.featureNames(data), impurity: importance.map { total > 0 ? $0 / total : 0 }),
                                fitMetrics: ["nodes": Double(tree.nodeCount), "depth": Double(tree.depth), "leaves": Double(tree.leafCount)])
        return try TreesParameters.withPermutation(model, params: params, data: data, context: context)
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try FittedTrees.read(family: name, from: group) }
}
