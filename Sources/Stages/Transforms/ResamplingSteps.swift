import Learn
import PipelineSpec
import PipelineStore

/// The labels of a training set a resampling step needs, or an error naming the step.
private func requireLabels(_ train: Dataset, step: String) throws -> [Int32] {
    guard let labels = train.labels else { throw StageError("\(step): resampling balances classes and needs labels; the training input has none") }
    return labels
}

/// What a resampling step records: the class counts before and after.
private func classCountAttributes(before: [Int32], after: [Int32]) -> [String: HDF5AttributeValue] {
    func counts(_ labels: [Int32]) -> [Int64] {
        let top = Int(labels.max() ?? -1)
        var c = [Int64](repeating: 0, count: top + 1)
        for y in labels { c[Int(y)] += 1 }
        return c
    }
    return ["class_counts_before": .ints(counts(before)), "class_counts_after": .ints(counts(after))]
}

/// `oversample`: random over-sampling of the training rows until every class has as many rows as the largest
/// (rows drawn with replacement within the class, seeded). Other splits pass unchanged.
struct RandomOverSampling: TransformStep {
    var declaration: UnionVariant { UnionVariant("oversample", help: "Balance classes by repeating random training rows of the smaller classes.") }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let labels = try requireLabels(train, step: name)
        var generator = context.generator("oversample")
        let resampled = train.subset(randomOverSample(labels: labels, generator: &generator))
        return (PassThrough(method: name, inputColumns: train.columns, attributes: classCountAttributes(before: labels, after: resampled.labels!)), resampled)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        PassThrough(method: name, inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0))
    }
}

/// `undersample`: random under-sampling of the training rows until every class has as many rows as the smallest
/// (drawn without replacement, seeded; kept rows stay in their original order). Other splits pass unchanged.
struct RandomUnderSampling: TransformStep {
    var declaration: UnionVariant { UnionVariant("undersample", help: "Balance classes by keeping a random subset of the larger classes' training rows.") }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let labels = try requireLabels(train, step: name)
        var generator = context.generator("undersample")
        let resampled = train.subset(randomUnderSample(labels: labels, generator: &generator))
        return (PassThrough(method: name, inputColumns: train.columns, attributes: classCountAttributes(before: labels, after: resampled.labels!)), resampled)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        PassThrough(method: name, inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0))
    }
}

/// `smote`: SMOTE over-sampling — synthetic training rows interpolated between a row of a smaller class and one
/// of its `k_neighbors` nearest same-class rows, until every class has as many rows as the largest; appended
/// after the original rows. Needs numeric features without missing values. Other splits pass unchanged.
struct SMOTESampling: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("smote", fields: [
            ParamDecl("k_neighbors", .int(min: 1), default: .int(5), help: "Nearest same-class neighbours to interpolate towards."),
        ], primary: "k_neighbors", help: "Balance classes with synthetic rows interpolated between near neighbours of the smaller classes (SMOTE).")
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let labels = try requireLabels(train, step: name)
        let x = train.floatFeatures()
        if x.contains(where: \.isNaN) { throw StageError("smote: the training rows have missing values; impute first") }
        var generator = context.generator("smote")
        let synthetic = smoteSamples(x: x, columns: train.columns, labels: labels, k: params["k_neighbors"]?.intValue ?? 5, generator: &generator)
        var result = train
        result.features = .float32(x + synthetic.features)
        result.rows = train.rows + synthetic.labels.count
        result.labels = labels + synthetic.labels
        // Synthetic rows have no regression target; SMOTE is for classification.
        result.targets = nil
        return (PassThrough(method: name, inputColumns: train.columns, attributes: classCountAttributes(before: labels, after: result.labels!)), result)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        PassThrough(method: name, inputColumns: Int(try group.attribute("input_columns")?.intValue ?? 0))
    }
}
