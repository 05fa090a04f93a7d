import Learn
import PipelineSpec
import PipelineStore

/// `variance_threshold`: drops columns whose training variance is ≤ `threshold` (scikit-learn's VarianceThreshold).
struct VarianceThresholdStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("variance_threshold", fields: [
            ParamDecl("threshold", .number(min: 0), default: .double(0), help: "Keep columns with (population) variance above this."),
        ], primary: "threshold", help: "Drop (near-)constant columns: keep those whose training variance exceeds threshold.")
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let threshold = params["threshold"]?.doubleValue ?? 0
        let x = train.floatFeatures()
        let variances = x.withUnsafeBufferPointer { UnivariateScores.variances($0, rows: train.rows, cols: train.columns) }
        let keep = variances.indices.filter { variances[$0] > threshold }
        return try fitThenTransform(train, try ColumnSelection.make(name, train, selected: keep, scores: variances, scoreName: "variance"))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform { try ColumnSelection.read(method: name, from: group) }
}

/// `select_best`: univariate filter on ANOVA F, χ² or mutual information, keeping the top `k` or a `percentile`
/// (scikit-learn's SelectKBest / SelectPercentile with f_classif, chi2, mutual_info_classif).
struct UnivariateSelectionStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("select_best", fields: [
            ParamDecl("score", .choice(["f_classif", "chi2", "mutual_info"]), default: .string("f_classif"),
                      help: "f_classif (ANOVA F), chi2 (non-negative features) or mutual_info (kNN estimator, 3 neighbours)."),
            ParamDecl("k", .int(min: 1), help: "Keep the k best columns (ties: later columns win, as SelectKBest)."),
            ParamDecl("percentile", .number(min: 0, max: 100, exclusiveMin: true), help: "Keep this percentage of columns instead of k."),
            ParamDecl("discrete", .bool, default: .bool(false), help: "mutual_info only: treat features as discrete values (plug-in estimate)."),
        ], help: "Keep the columns that score best against the labels on a univariate test.")
    }

    func check(_ params: [String: ParamValue]) -> [String] {
        (params["k"] == nil) == (params["percentile"] == nil) ? ["give exactly one of k and percentile"] : []
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let labels = try train.requireLabels(for: name)
        let score = params["score"]?.stringValue ?? "f_classif"
        let x = train.floatFeatures()
        let classes = train.classCount
        let scores: [Double] = try numeric(name) {
            try x.withUnsafeBufferPointer { p in
                switch score {
                case "chi2": return try UnivariateScores.chiSquared(p, rows: train.rows, cols: train.columns, labels: labels, classes: classes)
                case "mutual_info":
                    return UnivariateScores.mutualInformation(p, rows: train.rows, cols: train.columns, labels: labels, classes: classes,
                                                              discrete: params["discrete"]?.boolValue ?? false)
                default: return UnivariateScores.anovaF(p, rows: train.rows, cols: train.columns, labels: labels, classes: classes)
                }
            }
        }
        let keep: [Int]
        if let k = params["k"]?.intValue {
            guard k <= train.columns else { throw StageError("\(name): k = \(k) but the data has \(train.columns) columns") }
            keep = FeatureSelection.topK(scores, k: k)
        } else {
            keep = FeatureSelection.percentile(scores, percentile: params["percentile"]?.doubleValue ?? 10)
        }
        return try fitThenTransform(train, try ColumnSelection.make(name, train, selected: keep, scores: scores, scoreName: score))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform { try ColumnSelection.read(method: name, from: group) }
}

/// `rfe`: recursive feature elimination with a ridge classifier (scikit-learn's `RFE(RidgeClassifier(alpha))`).
struct RecursiveEliminationStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("rfe", fields: [
            ParamDecl("n_features", .int(min: 1), required: true, help: "Columns to keep."),
            ParamDecl("step", .int(min: 1), default: .int(1), help: "Columns dropped per round (the smallest Σ coef²)."),
            ParamDecl("alpha", .number(min: 0, exclusiveMin: true), default: .double(1), help: "Ridge penalty of the classifier refitted each round."),
        ], primary: "n_features", help: "Recursive feature elimination: refit a ridge classifier and drop the weakest columns until n_features remain.")
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let labels = try train.requireLabels(for: name)
        let keep = params["n_features"]?.intValue ?? 1
        guard keep <= train.columns else { throw StageError("\(name): n_features = \(keep) but the data has \(train.columns) columns") }
        let x = train.floatFeatures()
        let result = try numeric(name) {
            try x.withUnsafeBufferPointer {
                try RidgeGram($0, rows: train.rows, cols: train.columns, labels: labels, classes: max(2, train.classCount))
                    .eliminate(keep: keep, step: params["step"]?.intValue ?? 1, alpha: params["alpha"]?.doubleValue ?? 1)
            }
        }
        let fitted = try ColumnSelection.make(name, train, selected: result.selected, scores: result.ranking.map(Double.init),
                                              scoreName: "ranking (1 = selected; larger = eliminated earlier)")
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform { try ColumnSelection.read(method: name, from: group) }
}

/// `select_l1`: embedded selection by an L1-penalised logistic regression (scikit-learn's
/// `SelectFromModel(LogisticRegression(penalty="l1", C=C))`): keeps columns whose summed |coef| ≥ threshold.
struct L1SelectionStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("select_l1", fields: [
            ParamDecl("c", .number(min: 0, exclusiveMin: true), default: .double(1), help: "Inverse penalty strength C (smaller keeps fewer columns)."),
            ParamDecl("threshold", .number(min: 0), default: .double(1e-5), help: "Keep columns whose Σ_class |coef| is at least this."),
            ParamDecl("max_iter", .int(min: 1), default: .int(5000), help: "FISTA iterations at most."),
        ], help: "Keep the columns an L1-penalised logistic regression gives non-zero weight.")
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let labels = try train.requireLabels(for: name)
        let x = train.floatFeatures()
        let model = x.withUnsafeBufferPointer {
            L1Logistic.fit($0, rows: train.rows, cols: train.columns, labels: labels, classes: max(2, train.classCount),
                           c: params["c"]?.doubleValue ?? 1, maxIterations: params["max_iter"]?.intValue ?? 5000)
        }
        let threshold = params["threshold"]?.doubleValue ?? 1e-5
        let importance = model.importance
        let keep = importance.indices.filter { importance[$0] >= threshold }
        return try fitThenTransform(train, try ColumnSelection.make(name, train, selected: keep, scores: importance, scoreName: "sum over classes of |coef|"))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform { try ColumnSelection.read(method: name, from: group) }
}
