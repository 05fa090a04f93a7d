// Metrics of predicted class probabilities: Brier score, top-k accuracy, reliability (calibration) bins.

import Foundation

/// Scores of probabilistic classifiers beyond log-loss.
public enum ProbabilityMetrics {
    /// Multi-class Brier score: mean over rows of `Σ_c (p[i, c] − [yᵢ = c])²` (scikit-learn's
    /// `brier_score_loss` for more than two classes; for two classes it halves that, see `scaleBinaryByHalf`).
    public static func brier(trueLabels: [Int32], probabilities: [Float], classes: Int, scaleBinaryByHalf: Bool = true) -> Double {
        let n = trueLabels.count
        precondition(probabilities.count == n * classes, "probabilities must be count × classes")
        guard n > 0 else { return 0 }
        var total = 0.0
        probabilities.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let t = Int(trueLabels[i])
                for c in 0..<classes {
                    let d = Double(p[i * classes + c]) - (c == t ? 1 : 0)
                    total += d * d
                }
            }
        }
        // scikit-learn's binary Brier score is the squared error of the positive class only, i.e. half the sum.
        let scale = classes == 2 && scaleBinaryByHalf ? 0.5 : 1
        return scale * total / Double(n)
    }

    /// Fraction of rows whose true class is among the `k` highest scores, ties broken like scikit-learn's
    /// `top_k_accuracy_score` (a stable ascending sort reversed: among equal scores the higher class index ranks first).
    public static func topK(_ k: Int, trueLabels: [Int32], probabilities: [Float], classes: Int) -> Double {
        let n = trueLabels.count
        precondition(probabilities.count == n * classes && k >= 1, "probabilities must be count × classes, k ≥ 1")
        guard n > 0 else { return 0 }
        var hits = 0
        probabilities.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let t = Int(trueLabels[i]), row = i * classes, s = p[row + t]
                var rank = 0
                for c in 0..<classes where p[row + c] > s || (p[row + c] == s && c > t) { rank += 1 }
                if rank < k { hits += 1 }
            }
        }
        return Double(hits) / Double(n)
    }
}

/// Reliability diagram of the top-label confidence: rows binned by their highest probability into `bins`
/// equal-width bins on [0, 1]; per bin the mean confidence and the accuracy.
///
/// Binning equals scikit-learn's `calibration_curve(y_true == y_pred, max_proba, n_bins=bins,
/// strategy="uniform")` (`np.searchsorted(edges[1:-1], p)`: a value on an inner edge falls in the lower bin),
/// which returns only the non-empty bins.
public struct CalibrationBins: Sendable, Equatable {
    /// Number of bins.
    public var bins: Int
    /// Rows per bin (all bins, including empty ones).
    public var counts: [Int]
    /// Mean top-label confidence per bin (0 for empty bins).
    public var meanConfidence: [Double]
    /// Fraction correct per bin (0 for empty bins).
    public var accuracy: [Double]
    /// Expected calibration error `Σ_b (n_b / n)·|acc_b − conf_b|`.
    public var expectedCalibrationError: Double

    /// Bins the predictions.
    public init(trueLabels: [Int32], probabilities: [Float], classes: Int, bins: Int = 10) {
        let n = trueLabels.count
        precondition(probabilities.count == n * classes && bins >= 1, "probabilities must be count × classes")
        let edges = (1..<bins).map { Double($0) / Double(bins) }
        var counts = [Int](repeating: 0, count: bins)
        var confidence = [Double](repeating: 0, count: bins)
        var correct = [Double](repeating: 0, count: bins)
        probabilities.withUnsafeBufferPointer { p in
            for i in 0..<n {
                var best = 0
                let row = i * classes
                for c in 1..<classes where p[row + c] > p[row + best] { best = c }
                let value = Double(p[row + best])
                var bin = 0
                while bin < edges.count, edges[bin] < value { bin += 1 }
                counts[bin] += 1
                confidence[bin] += value
                if best == Int(trueLabels[i]) { correct[bin] += 1 }
            }
        }
        self.bins = bins
        self.counts = counts
        let meanConfidence = (0..<bins).map { counts[$0] == 0 ? 0 : confidence[$0] / Double(counts[$0]) }
        let accuracy = (0..<bins).map { counts[$0] == 0 ? 0 : correct[$0] / Double(counts[$0]) }
        self.meanConfidence = meanConfidence
        self.accuracy = accuracy
        self.expectedCalibrationError = n == 0 ? 0
            : (0..<bins).reduce(0.0) { $0 + Double(counts[$1]) / Double(n) * abs(accuracy[$1] - meanConfidence[$1]) }
    }
}
