// One-dimensional Parzen estimators in the form Optuna's TPESampler uses them (consider_prior,
// consider_magic_clip, no consider_endpoints; optuna/samplers/_tpe/parzen_estimator.py, Optuna 5.0): truncated-Gaussian mixtures for numeric dimensions and
// smoothed histograms for categoricals.

import Foundation

/// A univariate Parzen estimator over one search dimension, in its internal coordinate (log for log scales).
struct ParzenEstimator {
    /// Mixture weights (sum 1), one per kernel (observations, then the prior).
    var weights: [Double]
    /// Numeric kernels: means and standard deviations in the internal coordinate.
    var mus: [Double] = []
    var sigmas: [Double] = []
    /// Internal bounds (integers widened by half a step).
    var low = 0.0, high = 1.0
    /// Categorical kernels: per-kernel choice probabilities.
    var choiceProbabilities: [[Double]] = []
    let dimension: SearchDimension

    /// Optuna's `default_weights`: 1 for n < 25, else a linear ramp from 1/n to 1 over the oldest n − 25
    /// observations followed by 25 ones (observations in trial order).
    static func observationWeights(_ n: Int) -> [Double] {
        guard n >= 25 else { return Array(repeating: 1, count: n) }
        let m = n - 25
        let ramp: [Double] = m == 1 ? [1.0 / Double(n)]
            : (0..<m).map { 1.0 / Double(n) + (1 - 1.0 / Double(n)) * Double($0) / Double(m - 1) }
        return ramp + Array(repeating: 1, count: 25)
    }

    /// The internal coordinate of a value (log for log scales).
    static func internalValue(_ v: SearchValue) -> Double {
        switch v {
        case .real(let x): return x
        case .integer(let x): return Double(x)
        case .choice(let c): return Double(c)
        }
    }

    /// Builds the estimator from observed values (in trial order) with Optuna's bandwidth rule: each kernel's
    /// σ is the larger gap to its sorted neighbours (bounds count as neighbours), except that the smallest and
    /// largest use the gap on their inner side when there are ≥ 2 observations; σ is clipped to
    /// `[(high − low) / min(100, 1 + kernels), high − low]`; the prior kernel is N((low + high)/2, (high − low)²).
    init(values: [SearchValue], dimension: SearchDimension, priorWeight: Double) {
        self.dimension = dimension
        var w = Self.observationWeights(values.count) + [priorWeight]
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        weights = w
        switch dimension {
        case .categorical(let count):
            let kernels = values.count + 1
            choiceProbabilities = values.map { v in
                var row = [Double](repeating: priorWeight / Double(kernels), count: count)
                if case .choice(let c) = v, c >= 0, c < count { row[c] += 1 }
                let s = row.reduce(0, +)
                return row.map { $0 / s }
            } + [[Double](repeating: 1 / Double(count), count: count)]
        case .real(let lo, let hi, let log):
            (low, high) = log ? (Foundation.log(lo), Foundation.log(hi)) : (lo, hi)
            setKernels(values.map { v in log ? Foundation.log(Self.internalValue(v)) : Self.internalValue(v) })
        case .integer(let lo, let hi, let step, let log):
            if log {
                (low, high) = (Foundation.log(Double(lo) - 0.5), Foundation.log(Double(hi) + 0.5))
                setKernels(values.map { Foundation.log(Self.internalValue($0)) })
            } else {
                (low, high) = (Double(lo) - Double(step) / 2, Double(hi) + Double(step) / 2)
                setKernels(values.map(Self.internalValue))
            }
        }
    }

    private mutating func setKernels(_ observed: [Double]) {
        let n = observed.count
        let order = observed.indices.sorted { (observed[$0], $0) < (observed[$1], $1) }
        let sorted = order.map { observed[$0] }
        let ends = [low] + sorted + [high]
        var sortedSigma = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let left: Double = ends[i + 1] - ends[i]
            let right: Double = ends[i + 2] - ends[i + 1]
            sortedSigma[i] = max(left, right)
        }
        if ends.count >= 4 {
            sortedSigma[0] = ends[2] - ends[1]
            sortedSigma[n - 1] = ends[n] - ends[n - 1]
        }
        var sigma = [Double](repeating: 0, count: n)
        for (k, i) in order.enumerated() { sigma[i] = sortedSigma[k] }
        let width = high - low
        let minSigma = width / min(100, 1 + Double(n + 1))
        mus = observed + [0.5 * (low + high)]
        sigmas = sigma.map { min(max($0, minSigma), width) } + [width]
    }

    /// Draws a value: a kernel by weight, then a draw from that kernel.
    func sample(_ g: inout SeededGenerator) -> SearchValue {
        sample(kernel: Self.pickKernel(weights, &g), &g)
    }

    /// A kernel index drawn with probabilities `weights`.
    static func pickKernel(_ weights: [Double], _ g: inout SeededGenerator) -> Int {
        var u = g.nextDouble()
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.count - 1
    }

    /// Draws from kernel `k`: a truncated normal (rejection, ≤ 100 tries, else clamped) or a choice.
    func sample(kernel k: Int, _ g: inout SeededGenerator) -> SearchValue {
        if case .categorical(let count) = dimension {
            var v = g.nextDouble()
            for (c, p) in choiceProbabilities[k].enumerated() {
                if v < p { return .choice(c) }
                v -= p
            }
            return .choice(count - 1)
        }
        var x = mus[k]
        for _ in 0..<100 {
            let t = mus[k] + sigmas[k] * g.nextGaussian()
            if t >= low && t <= high { x = t; break }
        }
        return decode(min(max(x, low), high))
    }

    /// Maps an internal coordinate to a legal value (integers rounded onto the lattice).
    func decode(_ x: Double) -> SearchValue {
        switch dimension {
        case .real(let lo, let hi, let log):
            return .real(min(max(log ? Foundation.exp(x) : x, lo), hi))
        case .integer(let lo, let hi, let step, let log):
            if log { return .integer(min(max(Int(Foundation.exp(x).rounded()), lo), hi)) }
            let j = ((x - Double(lo)) / Double(step)).rounded()
            return .integer(min(max(lo + Int(j) * step, lo), hi))
        case .categorical:
            return .choice(Int(x))
        }
    }

    /// Log density (reals) or log probability mass (integers: the mixture mass of the value's cell; choices).
    func logDensity(_ v: SearchValue) -> Double {
        logSumExp(kernelLogDensities(v).enumerated().map { Foundation.log(weights[$0.offset]) + $0.element })
    }

    /// Each kernel's log density / log mass at `v` (without the mixture weight).
    func kernelLogDensities(_ v: SearchValue) -> [Double] {
        switch (dimension, v) {
        case (.categorical, .choice(let c)):
            return weights.indices.map { Foundation.log(max(choiceProbabilities[$0][c], 1e-300)) }
        case (.real(_, _, let log), .real(let x)):
            let t = log ? Foundation.log(x) : x
            return weights.indices.map { i in
                let z = (t - mus[i]) / sigmas[i]
                return -0.5 * z * z - Foundation.log(sigmas[i] * (2 * Double.pi).squareRoot() * truncationMass(i))
            }
        case (.integer(_, _, let step, let log), .integer(let x)):
            let (a, b) = log ? (Foundation.log(Double(x) - 0.5), Foundation.log(Double(x) + 0.5))
                             : (Double(x) - Double(step) / 2, Double(x) + Double(step) / 2)
            return weights.indices.map { i in
                let cell = normalCDF((b - mus[i]) / sigmas[i]) - normalCDF((a - mus[i]) / sigmas[i])
                return Foundation.log(max(cell / truncationMass(i), 1e-300))
            }
        default:
            return weights.map { _ in -Double.infinity }
        }
    }

    private func truncationMass(_ i: Int) -> Double {
        max(normalCDF((high - mus[i]) / sigmas[i]) - normalCDF((low - mus[i]) / sigmas[i]), 1e-300)
    }
}

/// `log Σ exp(tᵢ)` computed stably.
func logSumExp(_ terms: [Double]) -> Double {
    guard let m = terms.max(), m.isFinite else { return terms.max() ?? -Double.infinity }
    return m + Foundation.log(terms.reduce(0) { $0 + Foundation.exp($1 - m) })
}
