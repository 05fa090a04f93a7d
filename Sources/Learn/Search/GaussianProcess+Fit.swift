// Type-II maximum a-posteriori fit of the GP hyperparameters: maximise log p(y | X, θ) + log p(θ) over
// θ = (log amplitude, log ℓ_1…ℓ_d, log(noise − minNoise)) by multi-start L-BFGS with the analytic gradient
// ∂/∂θ_j log p(y|X,θ) = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j)  (Rasmussen & Williams eq. 5.9).

import COpenBLAS
import Foundation

extension GaussianProcess {
    /// Independent normal priors on the log hyperparameters (they keep the fit well-posed with few points).
    public struct HyperparameterPrior: Sendable, Equatable {
        /// Mean and standard deviation of log ℓ (inputs live in the unit cube).
        public var logLengthScale: (mean: Double, std: Double) { (lengthScaleMean, lengthScaleStd) }
        var lengthScaleMean: Double
        var lengthScaleStd: Double
        /// Mean and standard deviation of log amplitude (targets are standardised).
        var amplitudeMean: Double
        var amplitudeStd: Double
        /// Mean and standard deviation of log(noise − minNoise).
        var noiseMean: Double
        var noiseStd: Double
        /// Lower bound on the noise variance.
        public var minNoise: Double

        /// Defaults for unit-cube inputs and standardised targets: log ℓ ~ N(log 0.5, 1), log amplitude ~ N(0, 1),
        /// log noise ~ N(log 1e-3, 2), noise ≥ 1e-6.
        public init(lengthScale: (mean: Double, std: Double) = (Foundation.log(0.5), 1.0),
                    amplitude: (mean: Double, std: Double) = (0, 1),
                    noise: (mean: Double, std: Double) = (Foundation.log(1e-3), 2),
                    minNoise: Double = 1e-6) {
            lengthScaleMean = lengthScale.mean; lengthScaleStd = lengthScale.std
            amplitudeMean = amplitude.mean; amplitudeStd = amplitude.std
            noiseMean = noise.mean; noiseStd = noise.std
            self.minNoise = minNoise
        }

        public static func == (a: Self, b: Self) -> Bool {
            a.lengthScaleMean == b.lengthScaleMean && a.lengthScaleStd == b.lengthScaleStd
                && a.amplitudeMean == b.amplitudeMean && a.amplitudeStd == b.amplitudeStd
                && a.noiseMean == b.noiseMean && a.noiseStd == b.noiseStd && a.minNoise == b.minNoise
        }

        func means(_ d: Int) -> [Double] { [amplitudeMean] + Array(repeating: lengthScaleMean, count: d) + [noiseMean] }
        func stds(_ d: Int) -> [Double] { [amplitudeStd] + Array(repeating: lengthScaleStd, count: d) + [noiseStd] }
    }

    /// Fits the hyperparameters by maximising the log posterior from `1 + restarts` starting points (the prior
    /// means, then `restarts` draws from the prior using `generator`) with L-BFGS (≤ `maxIterations` each), keeps the
    /// best, and returns the posterior built with it. Deterministic given the generator state.
    public static func fit(inputs: [[Double]], targets: [Double], prior: HyperparameterPrior = .init(),
                           restarts: Int = 1, maxIterations: Int = 60,
                           generator: inout SeededGenerator) throws -> GaussianProcess {
        guard !inputs.isEmpty, inputs.count == targets.count, let d = inputs.first?.count,
              inputs.allSatisfy({ $0.count == d }) else {
            throw GaussianProcessError.badShape("need equally long inputs, one per target")
        }
        return try fit(flat: inputs.flatMap { $0 }, count: inputs.count, dimension: d, targets: targets, prior: prior,
                       restarts: restarts, maxIterations: maxIterations, generator: &generator)
    }

    static func fit(flat x: [Double], count n: Int, dimension d: Int, targets y: [Double], prior: HyperparameterPrior,
                    restarts: Int, maxIterations: Int, generator: inout SeededGenerator) throws -> GaussianProcess {
        let means = prior.means(d), stds = prior.stds(d)
        var starts = [means]
        for _ in 0..<max(restarts, 0) {
            starts.append(zip(means, stds).map { $0 + $1 * generator.nextGaussian() })
        }
        var best: (value: Double, theta: [Double])?
        var work = FitWorkspace(n: n, d: d)
        for start in starts {
            let r = LBFGS.minimize(x0: start, maxIterations: maxIterations, tolerance: 1e-5, functionTolerance: 1e-9) { t, g in
                negativeLogPosterior(theta: t, gradient: g, x: x, n: n, d: d, y: y, prior: prior, means: means, stds: stds,
                                     work: &work)
            }
            if r.value.isFinite, best == nil || r.value < best!.value { best = (r.value, r.x) }
        }
        let theta = best?.theta ?? means
        return try GaussianProcess(flat: x, count: n, targets: y, hyperparameters: hyperparameters(theta, d: d, prior: prior))
    }

    static func hyperparameters(_ t: [Double], d: Int, prior: HyperparameterPrior) -> Hyperparameters {
        Hyperparameters(amplitude: Foundation.exp(t[0]), lengthScales: (0..<d).map { Foundation.exp(t[1 + $0]) },
                        noise: prior.minNoise + Foundation.exp(t[d + 1]))
    }

    /// Buffers reused by every evaluation of one fit (the objective is called ~100 times).
    struct FitWorkspace {
        var z: [Double], sq: [Double], ex: [Double], l: [Double], kinv: [Double], alpha: [Double], gLen: [Double]
        init(n: Int, d: Int) {
            z = [Double](repeating: 0, count: n * d)
            sq = [Double](repeating: 0, count: n * n)
            ex = sq; l = sq; kinv = sq
            alpha = [Double](repeating: 0, count: n)
            gLen = [Double](repeating: 0, count: d)
        }
    }

    /// −log p(y|X,θ) − log p(θ) (up to a constant) and its gradient in θ.
    static func negativeLogPosterior(theta t: UnsafeBufferPointer<Double>, gradient g: UnsafeMutableBufferPointer<Double>,
                                     x: [Double], n: Int, d: Int, y: [Double], prior: HyperparameterPrior,
                                     means: [Double], stds: [Double]) -> Double {
        var work = FitWorkspace(n: n, d: d)
        return negativeLogPosterior(theta: t, gradient: g, x: x, n: n, d: d, y: y, prior: prior, means: means, stds: stds,
                                    work: &work)
    }

    static func negativeLogPosterior(theta t: UnsafeBufferPointer<Double>, gradient g: UnsafeMutableBufferPointer<Double>,
                                     x: [Double], n: Int, d: Int, y: [Double], prior: HyperparameterPrior,
                                     means: [Double], stds: [Double], work: inout FitWorkspace) -> Double {
        for i in 0..<g.count { g[i] = 0 }
        guard t.allSatisfy({ $0.isFinite && abs($0) < 25 }) else { return 1e30 }
        let amp = Foundation.exp(t[0])
        let noiseExp = Foundation.exp(t[d + 1])
        for c in 0..<d {
            let inv = Foundation.exp(-t[1 + c])
            for i in 0..<n { work.z[i * d + c] = x[i * d + c] * inv }
        }
        // Pairwise √5·r and e^{−√5 r} once; the kernel and every gradient term reuse them.
        let s5 = 5.0.squareRoot()
        work.z.withUnsafeBufferPointer { Z in
            work.sq.withUnsafeMutableBufferPointer { S in
                work.ex.withUnsafeMutableBufferPointer { E in
                    work.l.withUnsafeMutableBufferPointer { K in
                        for i in 0..<n {
                            K[i * n + i] = amp + prior.minNoise + noiseExp
                            for j in 0..<i {
                                var r2 = 0.0
                                for c in 0..<d {
                                    let u = Z[i * d + c] - Z[j * d + c]
                                    r2 += u * u
                                }
                                let s = s5 * r2.squareRoot()
                                let e = Foundation.exp(-s)
                                S[i * n + j] = s
                                E[i * n + j] = e
                                K[i * n + j] = amp * (1 + s + s * s / 3) * e
                            }
                        }
                    }
                }
            }
        }
        let info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), &work.l, Int32(n))
        guard info == 0 else { return 1e30 }
        for i in 0..<n { work.alpha[i] = y[i] }
        _ = LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), 1, work.l, Int32(n), &work.alpha, Int32(n))
        cblas_dcopy(Int32(n * n), work.l, 1, &work.kinv, 1)
        guard LAPACKE_dpotri_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), &work.kinv, Int32(n)) == 0 else { return 1e30 }
        var lml = -0.5 * Double(n) * Foundation.log(2 * Double.pi)
        for i in 0..<n { lml -= 0.5 * y[i] * work.alpha[i] + Foundation.log(work.l[i * n + i]) }

        // Gradient of the log marginal likelihood; off-diagonal pairs counted once (×2 × ½).
        var gAmp = 0.0, gNoise = 0.0
        for c in 0..<d { work.gLen[c] = 0 }
        work.z.withUnsafeBufferPointer { Z in
          work.sq.withUnsafeBufferPointer { S in
           work.ex.withUnsafeBufferPointer { E in
            work.kinv.withUnsafeBufferPointer { KI in
                work.alpha.withUnsafeBufferPointer { A in
                    work.gLen.withUnsafeMutableBufferPointer { GL in
                        for i in 0..<n {
                            let wii = A[i] * A[i] - KI[i * n + i]
                            gAmp += 0.5 * wii * amp
                            gNoise += 0.5 * wii * noiseExp
                            for j in 0..<i {
                                let w = A[i] * A[j] - KI[i * n + j]
                                let s = S[i * n + j], e = E[i * n + j]
                                gAmp += w * amp * (1 + s + s * s / 3) * e
                                let dfac = w * amp * (5.0 / 3.0) * (1 + s) * e
                                for c in 0..<d {
                                    let u = Z[i * d + c] - Z[j * d + c]
                                    GL[c] += dfac * u * u
                                }
                            }
                        }
                    }
                }
            }
           }
          }
        }
        var f = -lml
        g[0] = -gAmp
        for c in 0..<d { g[1 + c] = -work.gLen[c] }
        g[d + 1] = -gNoise
        for j in 0..<(d + 2) {
            let u = (t[j] - means[j]) / stds[j]
            f += 0.5 * u * u
            g[j] += u / stds[j]
        }
        return f
    }
}

/// Expected improvement of a minimisation objective below `best` by at least `xi`:
/// `(best − μ − ξ) Φ(z) + σ φ(z)` with `z = (best − μ − ξ) / σ`; `max(best − μ − ξ, 0)` when `σ = 0`.
public func expectedImprovement(mean: Double, std: Double, best: Double, xi: Double = 0) -> Double {
    let delta = best - mean - xi
    guard std > 0 else { return max(delta, 0) }
    let z = delta / std
    return delta * normalCDF(z) + std * normalPDF(z)
}

/// Standard normal cumulative distribution Φ(z) = ½ erfc(−z/√2).
@inline(__always)
public func normalCDF(_ z: Double) -> Double { 0.5 * Foundation.erfc(-z / 2.0.squareRoot()) }

/// Standard normal density φ(z).
@inline(__always)
public func normalPDF(_ z: Double) -> Double { Foundation.exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }
