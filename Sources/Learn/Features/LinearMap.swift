// The shape every fitted linear extractor reduces to: y = ((x − center) · Wᵀ) ⊙ scale.

/// A fitted linear feature map `y = ((x − center) · Wᵀ) ⊙ scale` (PCA, whitened PCA, LDA, truncated SVD,
/// random projections): what is persisted and applied at inference, whichever method produced it.
public struct LinearMap: Sendable, Equatable {
    /// Subtracted from every row first, when present (`features` values).
    public let center: [Float]?
    /// `k × features`, row-major.
    public let weights: [Float]
    /// Multiplies each output column, when present (`k` values).
    public let scale: [Float]?
    /// Output columns.
    public let k: Int
    /// Input columns.
    public let features: Int

    /// Creates a map; shapes must agree.
    public init(center: [Float]?, weights: [Float], scale: [Float]?, k: Int, features: Int) {
        precondition(weights.count == k * features, "weights are not k × features")
        precondition(center.map { $0.count == features } ?? true, "center length differs from features")
        precondition(scale.map { $0.count == k } ?? true, "scale length differs from k")
        self.center = center
        self.weights = weights
        self.scale = scale
        self.k = k
        self.features = features
    }

    /// Maps `rows` rows (row-major, `features` columns) to `rows × k` values: blocked centring and one GEMM per block.
    public func apply(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        var out = project(x, rows: rows, cols: features, center: center, weights: weights, k: k)
        if let scale {
            let k = self.k
            out.withUnsafeMutableBufferPointer { o in
                scale.withUnsafeBufferPointer { s in for i in 0..<rows { for r in 0..<k { o[i * k + r] *= s[r] } } }
            }
        }
        return out
    }
}

extension PCA {
    /// The map `transform` applies.
    public var map: LinearMap {
        LinearMap(center: mean, weights: components, scale: whiten ? explainedVariance.map { Float(1 / max($0, Double.leastNormalMagnitude).squareRoot()) } : nil,
                  k: componentCount, features: features)
    }
}

extension TruncatedSVD {
    /// The map `transform` applies.
    public var map: LinearMap { LinearMap(center: nil, weights: components, scale: nil, k: singularValues.count, features: features) }
}

extension LinearDiscriminant {
    /// The map `transform` applies.
    public var map: LinearMap { LinearMap(center: nil, weights: scalings, scale: nil, k: componentCount, features: features) }
}

extension RandomProjection {
    /// The map `transform` applies.
    public var map: LinearMap { LinearMap(center: nil, weights: matrix, scale: nil, k: k, features: features) }
}
