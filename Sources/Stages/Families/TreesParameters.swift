import Learn
import PipelineSpec

/// YAML options shared by the tree families, and their translation into `TreeOptions`.
enum TreesParameters {
    /// The implementation version of every family that bins features with `FeatureBins` (their `version`).
    /// 2: features with more distinct values than bins are cut at scikit-learn 1.9's quantiles
    /// (averaged_inverted_cdf), not midpoint percentiles.
    static let binningVersion = 2

    static let maxFeatures: ParamType = .oneOf([.choice(["sqrt", "log2", "all"]), .int(min: 1), .number(min: 0, max: 1, exclusiveMin: true)])

    /// Options of one CART tree (decision_tree, and the trees of random_forest / bagging / adaboost).
    static func treeFields(maxFeaturesHelp: String, maxDepthHelp: String = "Maximum depth (default: none, grow until pure).") -> [ParamDecl] {
        [
            ParamDecl("criterion", .choice(SplitCriterion.allCases.map(\.rawValue)),
                      help: "Split quality: gini or entropy (classification, default gini), squared_error (regression, the default there)."),
            ParamDecl("max_depth", .int(min: 1), help: maxDepthHelp),
            ParamDecl("min_samples_split", .int(min: 2), default: .int(2), help: "Nodes with fewer training rows become leaves."),
            ParamDecl("min_samples_leaf", .int(min: 1), default: .int(1), help: "Each child keeps at least this many training rows."),
            ParamDecl("max_features", maxFeatures, help: maxFeaturesHelp),
            ParamDecl("max_bins", .int(min: 2, max: 256), default: .int(256),
                      help: "Bins per feature; splits are exact (scikit-learn's thresholds) for features with at most this many distinct values, quantile-binned otherwise."),
        ]
    }

    static let permutationField = ParamDecl("permutation_repeats", .int(min: 0), default: .int(0),
                                            help: "Permutation importances: shuffles per feature, scored on the validation input (else the training rows); 0 = off.")

    /// The `TreeOptions` of validated parameters for a fit on `data`.
    static func treeOptions(_ params: [String: ParamValue], data: FitData, family: String, defaultMaxFeatures: MaxFeatures) throws -> TreeOptions {
        let criterion: SplitCriterion
        if let name = params["criterion"]?.stringValue {
            criterion = SplitCriterion(rawValue: name)!
            let regression = criterion == .squaredError
            if regression != (data.task == .regression) {
                throw StageError("\(family): criterion '\(name)' is for \(regression ? "regression" : "classification"); the training input holds a \(data.task.rawValue) problem"
                                 + (regression ? " (use gini or entropy)" : " (use squared_error)"))
            }
        } else {
            criterion = data.task == .classification ? .gini : .squaredError
        }
        return TreeOptions(criterion: criterion, maxDepth: params["max_depth"]?.intValue, minSamplesSplit: params["min_samples_split"]?.intValue ?? 2,
                           minSamplesLeaf: params["min_samples_leaf"]?.intValue ?? 1,
                           maxFeatures: maxFeatures(params["max_features"], default: defaultMaxFeatures).resolve(data.columns))
    }

    static func maxFeatures(_ value: ParamValue?, default fallback: MaxFeatures) -> MaxFeatures {
        switch value {
        case .string("sqrt")?: return .sqrt
        case .string("log2")?: return .log2
        case .string("all")?: return .all
        case .int(let k)?: return .count(k)
        case .double(let f)?: return .fraction(f)
        default: return fallback
        }
    }

    /// Bins the fit data (bins fitted on these rows).
    static func binned(_ data: FitData, maxBins: Int) -> BinnedRows {
        data.x.withUnsafeBufferPointer {
            BinnedRows(x: $0, rows: data.rows, columns: data.columns, labels: data.labels, targets: data.targets, classes: data.classes, maxBins: maxBins)
        }
    }

    /// Rows binned with bins fitted elsewhere.
    static func binned(_ data: FitData, bins: FeatureBins) -> BinnedRows {
        data.x.withUnsafeBufferPointer {
            BinnedRows(codes: bins.codes($0, rows: data.rows), rows: data.rows, bins: bins, labels: data.labels, targets: data.targets, classes: data.classes)
        }
    }

    /// Adds permutation importances (when `permutation_repeats` > 0) computed on the validation rows, else the training rows.
    static func withPermutation(_ model: FittedTrees, params: [String: ParamValue], data: FitData, context: FitContext) throws -> FittedTrees {
        let repeats = params["permutation_repeats"]?.intValue ?? 0
        guard repeats > 0 else { return model }
        var out = model
        let on = context.validation ?? data
        var rng = context.generator("permutation")
        let result = try PermutationImportance.compute(x: on.x, rows: on.rows, columns: on.columns, repeats: repeats, generator: &rng) { x in
            let predicted = try x.withUnsafeBufferPointer { try model.predict($0, rows: on.rows) }
            return on.labels.map { PermutationImportance.accuracy(predicted, labels: $0, classes: model.outputs) }
                ?? PermutationImportance.rSquared(predicted, targets: on.targets!)
        }
        out.importances.permutationMean = result.mean
        out.importances.permutationStd = result.std
        out.importances.permutationOn = context.validation != nil ? "the validation input (\(on.rows) rows)" : "the training rows (\(on.rows))"
        return out
    }

    /// Feature names, or f0, f1, … when the data has none.
    static func featureNames(_ data: FitData) -> [String] {
        data.featureNames.count == data.columns ? data.featureNames : (0..<data.columns).map { "f\($0)" }
    }
}
