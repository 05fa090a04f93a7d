import Foundation

/// Gaussian naive Bayes as scikit-learn's `GaussianNB`: per-class feature means and (population) variances,
/// each variance increased by `varSmoothing · max_j var(X[:, j])`, priors from class frequencies.
public struct GaussianNaiveBayes: Sendable, Equatable {
    /// Class priors, `classes`.
    public var prior: [Double]
    /// Per-class means, `classes × features`.
    public var theta: [Double]
    /// Per-class smoothed variances, `classes × features`.
    public var variance: [Double]
    /// Number of features.
    public var features: Int

    /// Creates a model from its parameters.
    public init(prior: [Double], theta: [Double], variance: [Double], features: Int) {
        self.prior = prior
        self.theta = theta
        self.variance = variance
        self.features = features
    }

    /// Fits on row-major features and labels in `0..<classes`; classes absent from the data get prior 0.
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows: Int, columns d: Int, labels: [Int32], classes: Int, varSmoothing: Double) -> GaussianNaiveBayes {
        var counts = [Double](repeating: 0, count: classes)
        var sum = [Double](repeating: 0, count: classes * d)
        var overallMean = [Double](repeating: 0, count: d)
        for r in 0..<rows {
            let k = Int(labels[r])
            counts[k] += 1
            for j in 0..<d {
                let v = Double(x[r * d + j])
                sum[k * d + j] += v
                overallMean[j] += v
            }
        }
        let theta = (0..<(classes * d)).map { i in counts[i / d] > 0 ? sum[i] / counts[i / d] : 0 }
        overallMean = overallMean.map { $0 / Double(max(rows, 1)) }
        var squares = [Double](repeating: 0, count: classes * d)
        var overallVariance = [Double](repeating: 0, count: d)
        for r in 0..<rows {
            let k = Int(labels[r])
            for j in 0..<d {
                let v = Double(x[r * d + j])
                squares[k * d + j] += (v - theta[k * d + j]) * (v - theta[k * d + j])
                overallVariance[j] += (v - overallMean[j]) * (v - overallMean[j])
            }
        }
        let epsilon = varSmoothing * (overallVariance.max() ?? 0) / Double(max(rows, 1))
        let variance = (0..<(classes * d)).map { i in (counts[i / d] > 0 ? squares[i] / counts[i / d] : 0) + epsilon }
        return GaussianNaiveBayes(prior: counts.map { $0 / Double(max(rows, 1)) }, theta: theta, variance: variance, features: d)
    }

    /// Joint log-likelihood `log P(c) + Σ_j log N(x_j; θ_cj, σ²_cj)`, `rows × classes`.
    public func jointLogLikelihood(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Double] {
        let classes = prior.count, d = features
        let logNorm = (0..<classes).map { k in (0..<d).reduce(0.0) { $0 + log(2 * Double.pi * variance[k * d + $1]) } }
        var out = [Double](repeating: 0, count: rows * classes)
        for r in 0..<rows {
            for k in 0..<classes {
                var s = 0.0
                for j in 0..<d {
                    let diff = Double(x[r * d + j]) - theta[k * d + j]
                    s += diff * diff / variance[k * d + j]
                }
                out[r * classes + k] = log(prior[k]) - 0.5 * logNorm[k] - 0.5 * s
            }
        }
        return out
    }
}

/// Multinomial naive Bayes as scikit-learn's `MultinomialNB`: `log P(x|c) = Σ_j x_j·log θ_cj` with
/// `θ_cj = (N_cj + α) / (N_c + α·d)` (additive smoothing) and priors from class frequencies.
public struct MultinomialNaiveBayes: Sendable, Equatable {
    /// `log P(c)`, `classes`.
    public var classLogPrior: [Double]
    /// `log θ_cj`, `classes × features`.
    public var featureLogProb: [Double]
    /// Number of features.
    public var features: Int

    /// Creates a model from its parameters.
    public init(classLogPrior: [Double], featureLogProb: [Double], features: Int) {
        self.classLogPrior = classLogPrior
        self.featureLogProb = featureLogProb
        self.features = features
    }

    /// Fits on non-negative row-major features (counts or frequencies).
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows: Int, columns d: Int, labels: [Int32], classes: Int, alpha: Double) throws -> MultinomialNaiveBayes {
        var counts = [Double](repeating: 0, count: classes)
        var featureCount = [Double](repeating: 0, count: classes * d)
        for r in 0..<rows {
            let k = Int(labels[r])
            counts[k] += 1
            for j in 0..<d {
                let v = Double(x[r * d + j])
                guard v >= 0 else { throw ClassicalModelError("multinomial naive Bayes needs non-negative features; row \(r), column \(j) is \(v)") }
                featureCount[k * d + j] += v
            }
        }
        var logProb = [Double](repeating: 0, count: classes * d)
        for k in 0..<classes {
            let total = (0..<d).reduce(0.0) { $0 + featureCount[k * d + $1] } + alpha * Double(d)
            for j in 0..<d { logProb[k * d + j] = log(featureCount[k * d + j] + alpha) - log(total) }
        }
        return MultinomialNaiveBayes(classLogPrior: counts.map { log($0 / Double(max(rows, 1))) }, featureLogProb: logProb, features: d)
    }

    /// Joint log-likelihood `log P(c) + x · log θ_c`, `rows × classes`.
    public func jointLogLikelihood(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Double] {
        let classes = classLogPrior.count, d = features
        var out = [Double](repeating: 0, count: rows * classes)
        for r in 0..<rows {
            for k in 0..<classes {
                var s = classLogPrior[k]
                for j in 0..<d { s += Double(x[r * d + j]) * featureLogProb[k * d + j] }
                out[r * classes + k] = s
            }
        }
        return out
    }
}

/// Row-wise softmax of log-likelihoods (`exp(jll − logsumexp(jll))`), as Float probabilities.
public func normalizedProbabilities(_ jll: [Double], rows: Int, classes: Int) -> [Float] {
    var out = [Float](repeating: 0, count: rows * classes)
    for r in 0..<rows {
        var top = -Double.infinity
        for k in 0..<classes { top = max(top, jll[r * classes + k]) }
        var total = 0.0
        for k in 0..<classes { total += exp(jll[r * classes + k] - top) }
        let logTotal = top + log(total)
        for k in 0..<classes { out[r * classes + k] = Float(exp(jll[r * classes + k] - logTotal)) }
    }
    return out
}
