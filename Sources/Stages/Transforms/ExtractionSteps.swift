import Learn
import PipelineSpec
import PipelineStore

/// A fitted linear extractor (pca, lda, truncated_svd, random_projection): `y = ((x − center)·Wᵀ) ⊙ scale`,
/// stored as datasets `components` (k × features), optional `center` and `scale`, plus the method's
/// diagnostics (explained variance, eigenvalues, …) for `pipeline show`.
struct LinearExtraction: FittedTransform {
    let method: String
    let map: LinearMap
    /// Output column names (`pca0`, `pca1`, …).
    let names: [String]
    /// Extra per-component numbers written beside the map (name → values).
    let diagnostics: [(String, [Double])]

    func transform(_ data: Dataset) throws -> Dataset {
        try data.requireColumns(map.features, for: method)
        let x = data.floatFeatures()
        return data.replacingFeatures(x.withUnsafeBufferPointer { map.apply($0, rows: data.rows) }, names: names)
    }

    func write(to group: HDF5Group) throws {
        try group.setAttribute("formula", .string(map.center == nil ? "y = (x . components^T)" + (map.scale == nil ? "" : " * scale")
                                                                      : "y = ((x - center) . components^T)" + (map.scale == nil ? "" : " * scale")))
        try group.setAttribute("input_columns", .int(Int64(map.features)))
        try group.setAttribute("output_names", .strings(names))
        _ = try group.createDataset("components", shape: [map.k, map.features], data: map.weights)
        if let center = map.center { _ = try group.createDataset("center", shape: [map.features], data: center) }
        if let scale = map.scale { _ = try group.createDataset("scale", shape: [map.k], data: scale) }
        for (name, values) in diagnostics { _ = try group.createDataset(name, shape: [values.count], data: values) }
    }

    static func read(method: String, from group: HDF5Group) throws -> LinearExtraction {
        let components = try group.dataset("components")
        let shape = components.shape
        guard shape.count == 2 else { throw StageError("\(method): components are not a matrix") }
        let map = LinearMap(center: group.contains("center") ? try group.dataset("center").read(as: Float.self) : nil,
                            weights: try components.read(as: Float.self),
                            scale: group.contains("scale") ? try group.dataset("scale").read(as: Float.self) : nil, k: shape[0], features: shape[1])
        return LinearExtraction(method: method, map: map, names: try group.stringList("output_names"), diagnostics: [])
    }

    static func names(_ prefix: String, _ k: Int) -> [String] { (0..<k).map { "\(prefix)\($0)" } }
}

/// `pca`: principal components (scikit-learn's PCA; covariance + LAPACK dsyevd, svd_flip signs).
struct PCAStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("pca", fields: [
            ParamDecl("n_components", .oneOf([.int(min: 1), .number(min: 0, max: 1, exclusiveMin: true, exclusiveMax: true)]), required: true,
                      help: "Components to keep: a count, or a fraction in (0, 1) of the variance to explain."),
            ParamDecl("whiten", .bool, default: .bool(false), help: "Scale each component to unit variance."),
        ], primary: "n_components", help: "Project onto the leading principal components of the training rows.")
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let request: ComponentCount = params["n_components"]?.intValue.map { .count($0) }
            ?? .varianceFraction(params["n_components"]?.doubleValue ?? 0.95)
        let x = train.floatFeatures()
        let pca = try numeric(name) {
            try x.withUnsafeBufferPointer { try PCA.fit($0, rows: train.rows, cols: train.columns, components: request, whiten: params["whiten"]?.boolValue ?? false) }
        }
        let fitted = LinearExtraction(method: name, map: pca.map, names: LinearExtraction.names("pca", pca.componentCount),
                                      diagnostics: [("explained_variance", pca.explainedVariance), ("explained_variance_ratio", pca.explainedVarianceRatio)])
        context.report(.note(String(format: "pca: %d components explain %.1f %% of the variance", pca.componentCount,
                                    100 * pca.explainedVarianceRatio.reduce(0, +))))
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform { try LinearExtraction.read(method: name, from: group) }
}

/// `lda`: Fisher's linear discriminant projection (LinearDiscriminantAnalysis(solver="eigen").transform).
struct LDAStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("lda", fields: [
            ParamDecl("n_components", .int(min: 1), help: "Output columns (default and maximum: classes − 1, at most the feature count)."),
            ParamDecl("shrinkage", .number(min: 0, max: 1), default: .double(0),
                      help: "Shrink covariances towards a scaled identity (needed when features are collinear or constant)."),
        ], help: "Project onto the directions that best separate the classes (within- vs between-class scatter).")
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let labels = try train.requireLabels(for: name)
        let x = train.floatFeatures()
        let lda = try numeric(name) {
            try x.withUnsafeBufferPointer {
                try LinearDiscriminant.fit($0, rows: train.rows, cols: train.columns, labels: labels, classes: train.classCount,
                                           components: params["n_components"]?.intValue, shrinkage: params["shrinkage"]?.doubleValue ?? 0)
            }
        }
        let fitted = LinearExtraction(method: name, map: lda.map, names: LinearExtraction.names("lda", lda.componentCount),
                                      diagnostics: [("eigenvalues", lda.eigenvalues)])
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform { try LinearExtraction.read(method: name, from: group) }
}

/// `truncated_svd`: top right singular vectors without centring (scikit-learn's TruncatedSVD).
struct TruncatedSVDStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("truncated_svd", fields: [
            ParamDecl("n_components", .int(min: 1), required: true, help: "Singular vectors to keep."),
        ], primary: "n_components", help: "Project onto the leading right singular vectors of the (uncentred) training matrix.")
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let x = train.floatFeatures()
        let svd = try numeric(name) {
            try x.withUnsafeBufferPointer { try TruncatedSVD.fit($0, rows: train.rows, cols: train.columns, components: params["n_components"]?.intValue ?? 2) }
        }
        let fitted = LinearExtraction(method: name, map: svd.map, names: LinearExtraction.names("svd", svd.singularValues.count),
                                      diagnostics: [("singular_values", svd.singularValues)])
        return try fitThenTransform(train, fitted)
    }

    func read(from group: HDF5Group) throws -> any FittedTransform { try LinearExtraction.read(method: name, from: group) }
}

/// `random_projection`: seeded Gaussian or sparse (Achlioptas / Li) random projection.
struct RandomProjectionStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("random_projection", fields: [
            ParamDecl("n_components", .int(min: 1), required: true, help: "Output columns."),
            ParamDecl("kind", .choice(["gaussian", "sparse"]), default: .string("gaussian"),
                      help: "gaussian: N(0, 1/k) entries; sparse: ±sqrt(1/(density·k)) with probability density/2 each, else 0."),
            ParamDecl("density", .number(min: 0, max: 1, exclusiveMin: true), help: "sparse only: non-zero share (default 1/sqrt(features); 1/3 is Achlioptas)."),
        ], primary: "n_components", help: "Multiply by a random matrix drawn from the pipeline seed (Johnson–Lindenstrauss).")
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let k = params["n_components"]?.intValue ?? 2
        var generator = context.generator("random_projection")
        let projection = params["kind"]?.stringValue == "sparse"
            ? RandomProjection.sparse(components: k, features: train.columns, density: params["density"]?.doubleValue, generator: &generator)
            : RandomProjection.gaussian(components: k, features: train.columns, generator: &generator)
        return try fitThenTransform(train, LinearExtraction(method: name, map: projection.map, names: LinearExtraction.names("rp", k), diagnostics: []))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform { try LinearExtraction.read(method: name, from: group) }
}

/// `polynomial`: products of columns up to `degree` (scikit-learn's PolynomialFeatures, same order and names).
struct PolynomialStep: TransformStep {
    var declaration: UnionVariant {
        UnionVariant("polynomial", fields: [
            ParamDecl("degree", .int(min: 1, max: 5), default: .int(2), help: "Highest total degree."),
            ParamDecl("interaction_only", .bool, default: .bool(false), help: "Only products of distinct columns (no a^2)."),
            ParamDecl("include_bias", .bool, default: .bool(true), help: "Start with a constant column named '1'."),
        ], primary: "degree", help: "Add products of columns up to a degree, named like scikit-learn (a^2, a b).")
    }

    struct Fitted: FittedTransform {
        let expansion: PolynomialFeatures
        let names: [String]
        var method: String { "polynomial" }
        func transform(_ data: Dataset) throws -> Dataset {
            try data.requireColumns(expansion.features, for: method)
            let x = data.floatFeatures()
            return data.replacingFeatures(x.withUnsafeBufferPointer { expansion.transform($0, rows: data.rows) }, names: names)
        }
        func write(to group: HDF5Group) throws {
            try group.setAttribute("input_columns", .int(Int64(expansion.features)))
            try group.setAttribute("output_names", .strings(names))
            // Powers: one row per output term, one column per input (the exponent of that input).
            var powers = [Int32](repeating: 0, count: expansion.terms.count * expansion.features)
            for (t, term) in expansion.terms.enumerated() { for j in term { powers[t * expansion.features + j] += 1 } }
            _ = try group.createDataset("powers", shape: [expansion.terms.count, expansion.features], data: powers)
        }
    }

    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset) {
        let expansion = PolynomialFeatures(features: train.columns, degree: params["degree"]?.intValue ?? 2,
                                           interactionOnly: params["interaction_only"]?.boolValue ?? false,
                                           includeBias: params["include_bias"]?.boolValue ?? true)
        guard expansion.terms.count <= 100_000 else { throw StageError("polynomial: \(expansion.terms.count) output columns is too many; lower degree") }
        return try fitThenTransform(train, Fitted(expansion: expansion, names: expansion.names(train.columnNames)))
    }

    func read(from group: HDF5Group) throws -> any FittedTransform {
        let powers = try group.dataset("powers")
        let shape = powers.shape, values = try powers.read(as: Int32.self)
        let terms = (0..<shape[0]).map { t in (0..<shape[1]).flatMap { j in [Int](repeating: j, count: Int(values[t * shape[1] + j])) } }
        return Fitted(expansion: PolynomialFeatures(terms: terms, features: shape[1]), names: try group.stringList("output_names"))
    }
}
