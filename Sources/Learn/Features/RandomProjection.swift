// Seeded random projections (Johnson–Lindenstrauss): Gaussian and sparse (Achlioptas / Li et al.).

/// A random projection `y = x · Rᵀ` with `R` (`k × features`) drawn once from a seeded generator
/// (scikit-learn's `GaussianRandomProjection` / `SparseRandomProjection` distributions; the draws differ
/// from NumPy's, the distribution does not).
public struct RandomProjection: Sendable, Equatable {
    /// The projection matrix, `k × features`, row-major.
    public let matrix: [Float]
    /// Output dimension.
    public let k: Int
    /// Input dimension.
    public let features: Int

    /// Stored parameters.
    public init(matrix: [Float], k: Int, features: Int) {
        precondition(matrix.count == k * features, "matrix is not k × features")
        self.matrix = matrix
        self.k = k
        self.features = features
    }

    /// Entries i.i.d. N(0, 1/k).
    public static func gaussian(components k: Int, features: Int, generator: inout SeededGenerator) -> RandomProjection {
        let scale = 1 / Double(k).squareRoot()
        let values = (0..<(k * features)).map { _ in Float(generator.nextGaussian() * scale) }
        return RandomProjection(matrix: values, k: k, features: features)
    }

    /// Entries `+sqrt(1/(density·k))` and `−sqrt(1/(density·k))` with probability `density/2` each, else 0
    /// (Li, Hastie & Church 2006; density 1/3 is Achlioptas 2001). `density` nil means `1/sqrt(features)`.
    public static func sparse(components k: Int, features: Int, density: Double?, generator: inout SeededGenerator) -> RandomProjection {
        let s = density ?? 1 / Double(features).squareRoot()
        let magnitude = Float((1 / (s * Double(k))).squareRoot())
        let values = (0..<(k * features)).map { _ -> Float in
            let u = generator.nextDouble()
            return u < s / 2 ? -magnitude : (u < s ? magnitude : 0)
        }
        return RandomProjection(matrix: values, k: k, features: features)
    }

    /// The smallest k that keeps pairwise distances of `samples` points within (1 ± eps) with good
    /// probability: `4 ln(n) / (eps²/2 − eps³/3)` (scikit-learn's `johnson_lindenstrauss_min_dim`).
    public static func minimumDimension(samples: Int, eps: Double) -> Int {
        Int(4 * log(Double(samples)) / (eps * eps / 2 - eps * eps * eps / 3))
    }

    /// Projects rows.
    public func transform(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        project(x, rows: rows, cols: features, center: nil, weights: matrix, k: k)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
