// Principal component analysis and truncated SVD through the eigen-decomposition of XᵀX.

/// How many components to keep.
public enum ComponentCount: Sendable, Equatable {
    /// Exactly this many (1 … features).
    case count(Int)
    /// The fewest components whose explained-variance ratios sum past this fraction in (0, 1)
    /// (scikit-learn: `searchsorted(cumsum(ratio), fraction, side="right") + 1`).
    case varianceFraction(Double)
}

/// A fitted PCA (scikit-learn's `PCA`): `y = (x − mean) · componentsᵀ`, divided by `sqrt(explained_variance)` when whitening.
///
/// Fitting forms the covariance `(X − mean)ᵀ(X − mean)` with one `ssyrk` and takes its k leading eigenpairs with
/// LAPACK `dsyevr` (the same route as scikit-learn's `svd_solver="covariance_eigh"`, which its "auto" picks for
/// tall data with ≤ 1000 features). For n ≫ d this costs n·d² FLOPs in one BLAS-3 call plus an O(d³) eigen-solve
/// of a small matrix, instead of the far less cache-friendly Householder work of an SVD of the n × d data
/// (`sgesdd` would be ~2× the FLOPs, mostly in BLAS-2). The total variance is the covariance's trace; a variance
/// fraction first takes all eigenvalues (no vectors) to choose k.
/// Signs follow `svd_flip(u_based_decision=False)`: each component's largest-magnitude entry is positive.
public struct PCA: Sendable, Equatable {
    /// Training mean per feature.
    public let mean: [Float]
    /// Components as rows, `k × features`.
    public let components: [Float]
    /// Variance along each component (eigenvalue / (n − 1)).
    public let explainedVariance: [Double]
    /// Share of the total variance along each component.
    public let explainedVarianceRatio: [Double]
    /// Whether outputs are scaled to unit variance.
    public let whiten: Bool

    /// Number of kept components.
    public var componentCount: Int { explainedVariance.count }
    /// Number of input features.
    public var features: Int { mean.count }

    /// A PCA from stored parameters.
    public init(mean: [Float], components: [Float], explainedVariance: [Double], explainedVarianceRatio: [Double], whiten: Bool) {
        precondition(components.count == explainedVariance.count * mean.count, "components are not k × features")
        self.mean = mean
        self.components = components
        self.explainedVariance = explainedVariance
        self.explainedVarianceRatio = explainedVarianceRatio
        self.whiten = whiten
    }

    /// Fits on a row-major `rows × cols` matrix (rows ≥ 2).
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, components: ComponentCount, whiten: Bool = false) throws -> PCA {
        guard rows >= 2 else { throw FeatureError("pca needs at least 2 rows, got \(rows)") }
        let mean = columnMeans(x, rows: rows, cols: cols)
        let covariance = gram(x, rows: rows, cols: cols, center: mean)
        // The total variance is the trace; only a variance fraction needs every eigenvalue to choose k.
        var trace = 0.0
        for j in 0..<cols { trace += covariance[j * cols + j] }
        let total = trace / Double(rows - 1)
        let k: Int
        switch components {
        case .count: k = try Self.count(components, ratios: [], limit: min(rows, cols))
        case .varianceFraction:
            let all = try SymmetricEigen.eigenvalues(covariance, n: cols).map { max(0, $0) / Double(rows - 1) / max(total, Double.leastNormalMagnitude) }
            k = try Self.count(components, ratios: all, limit: min(rows, cols))
        }
        let eigen = try SymmetricEigen.decompose(covariance, n: cols, largest: k)
        let variance = eigen.values.map { max(0, $0) / Double(rows - 1) }
        let ratio = variance.map { total > 0 ? $0 / total : 0 }
        var vectors = eigen.vectors
        SymmetricEigen.flipSigns(&vectors, count: k, n: cols)
        return PCA(mean: mean.map(Float.init), components: vectors.map(Float.init), explainedVariance: variance,
                   explainedVarianceRatio: ratio, whiten: whiten)
    }

    static func count(_ request: ComponentCount, ratios: [Double], limit: Int) throws -> Int {
        switch request {
        case .count(let k):
            guard k >= 1, k <= limit else { throw FeatureError("n_components \(k) must be between 1 and min(rows, features) = \(limit)") }
            return k
        case .varianceFraction(let fraction):
            var cumulative = 0.0
            for (i, r) in ratios.enumerated() {
                cumulative += r
                if cumulative > fraction { return min(i + 1, limit) }
            }
            return min(ratios.count, limit)
        }
    }

    /// Projects `rows` rows of `x` (row-major, `features` columns) onto the components (whitened if asked).
    public func transform(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Float] { map.apply(x, rows: rows) }
}

/// A fitted truncated SVD (scikit-learn's `TruncatedSVD`, no centring): `y = x · Vₖᵀ` with the top-k right singular
/// vectors of X, found as eigenvectors of `XᵀX` (one `ssyrk` + `dsyevr` for the k largest); signs as `svd_flip(u_based_decision=False)`.
public struct TruncatedSVD: Sendable, Equatable {
    /// Right singular vectors as rows, `k × features`.
    public let components: [Float]
    /// The top-k singular values of the training matrix.
    public let singularValues: [Double]
    /// Number of input features.
    public let features: Int

    /// Stored parameters.
    public init(components: [Float], singularValues: [Double], features: Int) {
        self.components = components
        self.singularValues = singularValues
        self.features = features
    }

    /// Fits `k` components on a row-major `rows × cols` matrix.
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, components k: Int) throws -> TruncatedSVD {
        guard k >= 1, k <= cols else { throw FeatureError("n_components \(k) must be between 1 and the feature count \(cols)") }
        let eigen = try SymmetricEigen.decompose(gram(x, rows: rows, cols: cols, center: nil), n: cols, largest: k)
        var vectors = eigen.vectors
        SymmetricEigen.flipSigns(&vectors, count: k, n: cols)
        return TruncatedSVD(components: vectors.map(Float.init), singularValues: eigen.values[0..<k].map { max(0, $0).squareRoot() }, features: cols)
    }

    /// Projects rows onto the components.
    public func transform(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        project(x, rows: rows, cols: features, center: nil, weights: components, k: singularValues.count)
    }
}
