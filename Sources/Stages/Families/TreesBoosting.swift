import Learn
import PipelineSpec
import PipelineStore

/// `hist_gradient_boosting`: gradient-boosted trees on ≤ 255 quantile bins per feature, grown leaf-wise
/// (scikit-learn's HistGradientBoostingClassifier / HistGradientBoostingRegressor): softmax with one
/// tree per class per iteration, log loss with one tree for two classes, squared error for regression.
///
/// Early stopping scores the loss on the stage's `validation` input, or on `validation_fraction` of the
/// training rows held out by a seeded shuffle (not stratified), and keeps every tree fitted up to the stop.
struct HistGradientBoostingFamily: ModelFamily {
    var version: Int { TreesParameters.binningVersion }
    var declaration: UnionVariant {
        UnionVariant("hist_gradient_boosting", fields: [
            ParamDecl("max_iter", .int(min: 1), default: .int(100), help: "Boosting iterations (each fits one tree per class, or one)."),
            ParamDecl("learning_rate", .number(min: 0, exclusiveMin: true), default: .double(0.1), help: "Shrinkage of every leaf value."),
            ParamDecl("max_leaf_nodes", .int(min: 2), default: .int(31), help: "Leaves per tree (grown best-gain first)."),
            ParamDecl("max_depth", .int(min: 1), help: "Depth limit (default: none)."),
            ParamDecl("min_samples_leaf", .int(min: 1), default: .int(20), help: "Rows per leaf at least."),
            ParamDecl("l2_regularization", .number(min: 0), default: .double(0), help: "λ in leaf value −G/(H + λ) and in split gains."),
            ParamDecl("max_bins", .int(min: 2, max: 255), default: .int(255), help: "Quantile bins per feature, fitted on the training rows."),
            ParamDecl("subsample", .number(min: 0, max: 1, exclusiveMin: true), default: .double(1), help: "Fraction of rows drawn (without replacement) for each iteration."),
            ParamDecl("early_stopping", .bool, default: .bool(false), help: "Stop when the validation loss stops improving (validation input, else validation_fraction)."),
            ParamDecl("validation_fraction", .number(min: 0, max: 1, exclusiveMin: true, exclusiveMax: true), default: .double(0.1),
                      help: "Training rows held out for early stopping when the stage has no validation input."),
            ParamDecl("n_iter_no_change", .int(min: 1), default: .int(10), help: "Iterations without improvement before stopping."),
            ParamDecl("tol", .number(min: 0), default: .double(1e-7), help: "Smallest loss decrease that counts as an improvement."),
            TreesParameters.permutationField,
        ], help: "Histogram gradient boosting (LightGBM-style, like scikit-learn's HistGradientBoosting*), with early stopping.")
    }

    var tasks: Set<ModelTask> { [.classification, .regression] }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let options = BoostingOptions(
            maxIterations: params["max_iter"]?.intValue ?? 100, learningRate: params["learning_rate"]?.doubleValue ?? 0.1,
            maxLeafNodes: params["max_leaf_nodes"]?.intValue ?? 31, maxDepth: params["max_depth"]?.intValue,
            minSamplesLeaf: params["min_samples_leaf"]?.intValue ?? 20, l2: params["l2_regularization"]?.doubleValue ?? 0,
            subsample: params["subsample"]?.doubleValue ?? 1,
            patience: params["early_stopping"]?.boolValue == true ? params["n_iter_no_change"]?.intValue ?? 10 : nil,
            tolerance: params["tol"]?.doubleValue ?? 1e-7)
        var train = data
        var held: FitData?
        if options.patience != nil {
            if let validation = context.validation {
                held = validation
            } else {
                var rng = context.generator("validation_split")
                let order = rng.permutation(n: data.rows)
                let count = max(1, Int((Double(data.rows) * (params["validation_fraction"]?.doubleValue ?? 0.1)).rounded(.down)))
                guard count < data.rows else { throw StageError("\(name): validation_fraction leaves no training rows") }
                held = data.subset(Array(order.prefix(count)).sorted())
                train = data.subset(Array(order.dropFirst(count)).sorted())
            }
        }
        let binned = TreesParameters.binned(train, maxBins: params["max_bins"]?.intValue ?? 255)
        let validation = held.map { TreesParameters.binned($0, bins: binned.bins) }
        var rng = context.generator("boosting")
        let boosted = HistGradientBoosting.fit(binned, validation: validation, options: options, generator: &rng)
        var metrics = ["iterations": Double(boosted.iterations), "trees": Double(boosted.trees.count)]
        if let last = boosted.validationLoss.last { metrics["validation_loss"] = last }
        let model = FittedTrees(family: name, task: data.task, features: data.columns, outputs: binned.outputs, trees: boosted.trees,
                                combination: .boosted(baseline: boosted.baseline, perIteration: boosted.perIteration),
                                importances: FeatureImportances(names: TreesParameters.featureNames(data), impurity: boosted.importances),
                                fitMetrics: metrics)
        return try TreesParameters.withPermutation(model, params: params, data: data, context: context)
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try FittedTrees.read(family: name, from: group) }
}

/// `adaboost`: SAMME boosting of shallow CART trees (scikit-learn's AdaBoostClassifier(algorithm="SAMME")
/// with DecisionTreeClassifier(max_depth=d) as the base).
struct AdaBoostFamily: ModelFamily {
    var version: Int { TreesParameters.binningVersion }
    var declaration: UnionVariant {
        UnionVariant("adaboost", fields: [
            ParamDecl("n_estimators", .int(min: 1), default: .int(50), help: "Boosting rounds (fewer if a tree is perfect or no better than chance)."),
            ParamDecl("learning_rate", .number(min: 0, exclusiveMin: true), default: .double(1), help: "Shrinks each tree's vote weight."),
        ] + TreesParameters.treeFields(maxFeaturesHelp: "Features examined per split of the base trees (default all).",
                                       maxDepthHelp: "Depth of the base trees (default 1: decision stumps).")
          + [TreesParameters.permutationField],
        help: "AdaBoost (SAMME) over decision stumps or depth-d trees; classification.")
    }

    var tasks: Set<ModelTask> { [.classification] }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        var tree = try TreesParameters.treeOptions(params, data: data, family: name, defaultMaxFeatures: .all)
        tree.maxDepth = params["max_depth"]?.intValue ?? 1
        let binned = TreesParameters.binned(data, maxBins: params["max_bins"]?.intValue ?? 256)
        var rng = context.generator("adaboost")
        let fitted = SAMME.fit(binned, options: SAMME.Options(rounds: params["n_estimators"]?.intValue ?? 50,
                                                              learningRate: params["learning_rate"]?.doubleValue ?? 1, tree: tree), generator: &rng)
        guard !fitted.trees.isEmpty else {
            throw StageError("\(name): the first base tree is no better than chance (weighted error ≥ 1 − 1/classes); use deeper trees")
        }
        let model = FittedTrees(family: name, task: .classification, features: data.columns, outputs: binned.outputs, trees: fitted.trees,
                                combination: .samme(weights: fitted.weights),
                                importances: FeatureImportances(names: TreesParameters.featureNames(data), impurity: fitted.importances),
                                fitMetrics: ["rounds": Double(fitted.trees.count)])
        return try TreesParameters.withPermutation(model, params: params, data: data, context: context)
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try FittedTrees.read(family: name, from: group) }
}
