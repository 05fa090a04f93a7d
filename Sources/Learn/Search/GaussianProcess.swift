// Gaussian-process regression with a Matérn 5/2 ARD kernel (Rasmussen & Williams 2006, §2.2 Alg. 2.1, §4.2,
// §5.4.1): Cholesky via LAPACK, posterior mean/variance, log marginal likelihood with its analytic gradient.

import COpenBLAS
import Foundation

/// Why a Gaussian process could not be built.
public enum GaussianProcessError: Error, Sendable, Equatable {
    /// Inputs and targets disagree in shape, or there are no observations.
    case badShape(String)
    /// The kernel matrix stayed non-positive-definite even after adding jitter.
    case notPositiveDefinite
}

/// A zero-mean GP posterior `f | X, y` with kernel `k(x, x') = amplitude · m(r)`,
/// `m(r) = (1 + √5 r + 5r²/3) exp(−√5 r)`, `r² = Σ_d (x_d − x'_d)² / ℓ_d²`, and Gaussian observation noise.
///
/// Contract: `predict` returns the posterior mean `k*ᵀ(K + σ²I)⁻¹y` and the latent (noise-free) variance
/// `k(x*, x*) − k*ᵀ(K + σ²I)⁻¹k*`, clamped at ≥ 0. Inputs are used as given (the samplers pass unit-cube
/// features); targets are not centred (callers standardise).
public struct GaussianProcess: Sendable {
    /// Kernel and noise hyperparameters.
    public struct Hyperparameters: Sendable, Equatable {
        /// Signal variance (> 0).
        public var amplitude: Double
        /// One length scale per input dimension (> 0).
        public var lengthScales: [Double]
        /// Observation-noise variance σ² (≥ 0) added to the kernel diagonal.
        public var noise: Double

        /// Creates hyperparameters.
        public init(amplitude: Double, lengthScales: [Double], noise: Double) {
            self.amplitude = amplitude
            self.lengthScales = lengthScales
            self.noise = noise
        }
    }

    /// Number of observations.
    public let count: Int
    /// Input dimension.
    public let dimension: Int
    /// The hyperparameters the posterior was built with (noise includes any jitter that had to be added).
    public let hyperparameters: Hyperparameters
    /// Inputs divided by the length scales, row-major `count × dimension`.
    let scaledInputs: [Double]
    /// Lower Cholesky factor of `K + σ²I`, row-major `count × count`.
    let cholesky: [Double]
    /// `(K + σ²I)⁻¹ y`.
    let alpha: [Double]
    /// `log p(y | X, θ)`.
    public let logMarginalLikelihood: Double

    /// Matérn 5/2 correlation at scaled distance `r`.
    @inline(__always)
    public static func matern52(_ r: Double) -> Double {
        let s = 5.0.squareRoot() * r
        return (1 + s + s * s / 3) * Foundation.exp(-s)
    }

    /// Builds the posterior for `inputs` (each of length `dimension`) and `targets` with fixed hyperparameters.
    public init(inputs: [[Double]], targets: [Double], hyperparameters: Hyperparameters) throws {
        guard !inputs.isEmpty, inputs.count == targets.count else {
            throw GaussianProcessError.badShape("need as many targets as inputs (≥ 1), got \(inputs.count) and \(targets.count)")
        }
        let d = hyperparameters.lengthScales.count
        guard inputs.allSatisfy({ $0.count == d }) else {
            throw GaussianProcessError.badShape("every input needs \(d) coordinates (one per length scale)")
        }
        try self.init(flat: inputs.flatMap { $0 }, count: inputs.count, targets: targets,
                      hyperparameters: hyperparameters)
    }

    /// Builds the posterior from row-major inputs `count × lengthScales.count`.
    init(flat x: [Double], count n: Int, targets y: [Double], hyperparameters hp: Hyperparameters) throws {
        let d = hp.lengthScales.count
        var z = x
        for i in 0..<n { for k in 0..<d { z[i * d + k] /= hp.lengthScales[k] } }
        var noise = hp.noise
        var jitter = 0.0
        while true {
            var kmat = Self.kernelMatrix(z, n: n, d: d, amplitude: hp.amplitude, diagonal: noise + jitter)
            if Self.choleskyInPlace(&kmat, n: n) {
                noise += jitter
                var a = y
                Self.solve(kmat, n: n, &a)
                var logDet = 0.0
                for i in 0..<n { logDet += Foundation.log(kmat[i * n + i]) }
                var fit = 0.0
                for i in 0..<n { fit += y[i] * a[i] }
                self.count = n
                self.dimension = d
                self.hyperparameters = Hyperparameters(amplitude: hp.amplitude, lengthScales: hp.lengthScales, noise: noise)
                self.scaledInputs = z
                self.cholesky = kmat
                self.alpha = a
                self.logMarginalLikelihood = -0.5 * fit - logDet - 0.5 * Double(n) * Foundation.log(2 * Double.pi)
                return
            }
            jitter = jitter == 0 ? 1e-10 * max(hp.amplitude, 1e-12) : jitter * 10
            if jitter > 1e-2 * max(hp.amplitude, 1e-12) { throw GaussianProcessError.notPositiveDefinite }
        }
    }

    /// Posterior mean and latent variance at each point.
    public func predict(_ points: [[Double]]) -> (mean: [Double], variance: [Double]) {
        precondition(points.allSatisfy { $0.count == dimension }, "points need \(dimension) coordinates")
        return predict(flat: points.flatMap { $0 }, count: points.count)
    }

    /// Posterior mean and latent variance at `m` row-major points (unscaled inputs).
    func predict(flat points: [Double], count m: Int) -> (mean: [Double], variance: [Double]) {
        let n = count, d = dimension
        guard m > 0 else { return ([], []) }
        var ks = [Double](repeating: 0, count: m * n)
        let amp = hyperparameters.amplitude
        let inv = hyperparameters.lengthScales.map { 1 / $0 }
        ks.withUnsafeMutableBufferPointer { K in
            points.withUnsafeBufferPointer { P in
                scaledInputs.withUnsafeBufferPointer { Z in
                    inv.withUnsafeBufferPointer { L in
                        for i in 0..<m {
                            for j in 0..<n {
                                var r2 = 0.0
                                for k in 0..<d {
                                    let t = P[i * d + k] * L[k] - Z[j * d + k]
                                    r2 += t * t
                                }
                                K[i * n + j] = amp * Self.matern52(r2.squareRoot())
                            }
                        }
                    }
                }
            }
        }
        var mean = [Double](repeating: 0, count: m)
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), 1, ks, Int32(n), alpha, 1, 0, &mean, 1)
        // V = K* L⁻ᵀ, so var = amp − ‖row of V‖².
        cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, Int32(m), Int32(n), 1,
                    cholesky, Int32(n), &ks, Int32(n))
        var variance = [Double](repeating: 0, count: m)
        ks.withUnsafeBufferPointer { V in
            for i in 0..<m {
                let row = V.baseAddress! + i * n
                variance[i] = max(amp - cblas_ddot(Int32(n), row, 1, row, 1), 0)
            }
        }
        return (mean, variance)
    }

    /// `amplitude · m(r_ij)` for scaled inputs, with `diagonal` added on the diagonal (full symmetric matrix).
    static func kernelMatrix(_ z: [Double], n: Int, d: Int, amplitude: Double, diagonal: Double) -> [Double] {
        var k = [Double](repeating: 0, count: n * n)
        k.withUnsafeMutableBufferPointer { K in
            z.withUnsafeBufferPointer { Z in
                for i in 0..<n {
                    K[i * n + i] = amplitude + diagonal
                    for j in 0..<i {
                        var r2 = 0.0
                        for c in 0..<d {
                            let t = Z[i * d + c] - Z[j * d + c]
                            r2 += t * t
                        }
                        let v = amplitude * matern52(r2.squareRoot())
                        K[i * n + j] = v
                        K[j * n + i] = v
                    }
                }
            }
        }
        return k
    }

    /// In-place lower Cholesky (row-major `L` with `A = LLᵀ`, LAPACKE_dpotrf); zeroes the strict upper triangle. False if not PD.
    static func choleskyInPlace(_ a: inout [Double], n: Int) -> Bool {
        // Row-major lower = column-major upper of the same (symmetric) matrix; the `_work` column-major entry
        // points skip LAPACKE's transposition copies and NaN scans.
        let info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), &a, Int32(n))
        guard info == 0 else { return false }
        for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { a[i * n + j] = 0 } }
        return true
    }

    /// Solves `(L Lᵀ) x = b` in place for the row-major lower factor `l` (LAPACKE_dpotrs).
    static func solve(_ l: [Double], n: Int, _ b: inout [Double]) {
        _ = LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), 1, l, Int32(n), &b, Int32(n))
    }
}
