// Fisher's linear discriminant as a supervised projection (scikit-learn's LinearDiscriminantAnalysis, solver "eigen").

/// A fitted LDA projection: `y = x · Wᵀ` where the rows of `W` are the leading generalized eigenvectors of
/// `S_b v = λ S_w v`, with `S_w = Σ_k p_k · Cov_k` (class covariances divided by n_k, priors p_k = class
/// frequencies), `S_t` the covariance of all rows (divided by n) and `S_b = S_t − S_w`; vectors are
/// `S_w`-normalised (`vᵀ S_w v = 1`) as `scipy.linalg.eigh(S_b, S_w)` returns them. This is
/// `LinearDiscriminantAnalysis(solver="eigen", shrinkage=s).transform`, which does not centre X.
/// With shrinkage s, each covariance C becomes `(1 − s)·C + s·(trace(C)/d)·I` (`shrunk_covariance`).
/// Eigenvector signs are not fixed by LAPACK; here each row's largest-magnitude entry is made positive.
public struct LinearDiscriminant: Sendable, Equatable {
    /// Projection rows, `k × features`.
    public let scalings: [Float]
    /// Generalized eigenvalues (descending) of the kept directions.
    public let eigenvalues: [Double]
    /// Input dimension.
    public let features: Int

    /// Stored parameters.
    public init(scalings: [Float], eigenvalues: [Double], features: Int) {
        self.scalings = scalings
        self.eigenvalues = eigenvalues
        self.features = features
    }

    /// Output dimension.
    public var componentCount: Int { eigenvalues.count }

    /// Fits on labelled rows; `components` nil means `min(classes − 1, features)`.
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, labels: [Int32], classes: Int,
                           components: Int?, shrinkage: Double = 0) throws -> LinearDiscriminant {
        let present = Set(labels).count
        let limit = min(present - 1, cols)
        guard limit >= 1 else { throw FeatureError("lda needs at least 2 classes in the training rows") }
        let k = components ?? limit
        guard k >= 1, k <= limit else { throw FeatureError("lda n_components \(k) must be between 1 and min(classes − 1, features) = \(limit)") }
        let total = covariance(x, rows: Array(0..<rows), cols: cols, shrinkage: shrinkage)
        var within = [Double](repeating: 0, count: cols * cols)
        for c in 0..<classes {
            let members = labels.indices.filter { labels[$0] == Int32(c) }
            guard !members.isEmpty else { continue }
            let prior = Double(members.count) / Double(rows)
            let cov = covariance(x, rows: members, cols: cols, shrinkage: shrinkage)
            for i in 0..<(cols * cols) { within[i] += prior * cov[i] }
        }
        let between = zip(total, within).map { $0 - $1 }
        let eigen = try SymmetricEigen.decompose(between, within, n: cols)
        var vectors = Array(eigen.vectors[0..<(k * cols)])
        SymmetricEigen.flipSigns(&vectors, count: k, n: cols)
        return LinearDiscriminant(scalings: vectors.map(Float.init), eigenvalues: Array(eigen.values[0..<k]), features: cols)
    }

    /// Biased covariance (divided by the row count) of the selected rows, optionally shrunk.
    static func covariance(_ x: UnsafeBufferPointer<Float>, rows selected: [Int], cols: Int, shrinkage: Double) -> [Double] {
        var subset = [Float](repeating: 0, count: selected.count * cols)
        subset.withUnsafeMutableBufferPointer { s in
            for (r, i) in selected.enumerated() { (s.baseAddress! + r * cols).update(from: x.baseAddress! + i * cols, count: cols) }
        }
        return subset.withUnsafeBufferPointer { s in
            let mean = columnMeans(s, rows: selected.count, cols: cols)
            var cov = gram(s, rows: selected.count, cols: cols, center: mean).map { $0 / Double(selected.count) }
            if shrinkage > 0 {
                var trace = 0.0
                for j in 0..<cols { trace += cov[j * cols + j] }
                let mu = trace / Double(cols)
                for i in 0..<(cols * cols) { cov[i] *= (1 - shrinkage) }
                for j in 0..<cols { cov[j * cols + j] += shrinkage * mu }
            }
            return cov
        }
    }

    /// Projects rows.
    public func transform(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        project(x, rows: rows, cols: features, center: nil, weights: scalings, k: componentCount)
    }
}
