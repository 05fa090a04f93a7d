// Seeded percentile-bootstrap confidence intervals of metrics computed from per-row predictions.

import Foundation

/// A confidence interval with its point estimate.
public struct ConfidenceInterval: Sendable, Equatable {
    /// The metric on the full data.
    public var estimate: Double
    /// Lower bound.
    public var lower: Double
    /// Upper bound.
    public var upper: Double
    /// Confidence level, e.g. 0.95.
    public var confidence: Double
}

/// Percentile bootstrap (Efron): `samples` resamples of the rows with replacement drawn from a seeded
/// generator; the interval is the `(1 − confidence)/2` and `(1 + confidence)/2` percentiles of the resampled
/// metric, with numpy's default linear interpolation (`np.percentile(..., method="linear")`).
public enum Bootstrap {
    /// Intervals of several metrics over the same resamples. `metrics` maps a name to a function of
    /// the resampled row indices; the point estimate uses `0..<rows`.
    public static func intervals(rows: Int, samples: Int, confidence: Double, generator: inout SeededGenerator,
                                 metrics: [(name: String, compute: ([Int]) -> Double)]) -> [String: ConfidenceInterval] {
        precondition(rows > 0 && samples >= 1 && confidence > 0 && confidence < 1, "need rows, samples ≥ 1 and confidence in (0, 1)")
        var values = [[Double]](repeating: [], count: metrics.count)
        var indices = [Int](repeating: 0, count: rows)
        for _ in 0..<samples {
            for i in 0..<rows { indices[i] = generator.nextInt(below: rows) }
            for (m, metric) in metrics.enumerated() { values[m].append(metric.compute(indices)) }
        }
        let all = Array(0..<rows)
        var result: [String: ConfidenceInterval] = [:]
        for (m, metric) in metrics.enumerated() {
            let sorted = values[m].sorted()
            result[metric.name] = ConfidenceInterval(estimate: metric.compute(all), lower: percentile(sorted, (1 - confidence) / 2),
                                                     upper: percentile(sorted, (1 + confidence) / 2), confidence: confidence)
        }
        return result
    }

    /// The `q`-quantile (0…1) of ascending `sorted` values, linearly interpolated like `np.percentile`.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "no values")
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// Accuracy of the rows at `indices`.
    public static func accuracy(_ truth: [Int32], _ predicted: [Int32], _ indices: [Int]) -> Double {
        var correct = 0
        for i in indices where truth[i] == predicted[i] { correct += 1 }
        return Double(correct) / Double(indices.count)
    }

    /// Macro F1 (over all `classes`, zero division → 0) of the rows at `indices`.
    public static func macroF1(_ truth: [Int32], _ predicted: [Int32], _ indices: [Int], classes: Int) -> Double {
        var tp = [Int](repeating: 0, count: classes), predictedCount = tp, trueCount = tp
        for i in indices {
            let t = Int(truth[i]), p = Int(predicted[i])
            trueCount[t] += 1
            predictedCount[p] += 1
            if t == p { tp[t] += 1 }
        }
        var total = 0.0
        for c in 0..<classes {
            let denominator = predictedCount[c] + trueCount[c]  // 2·TP + FP + FN
            if denominator > 0 { total += Double(2 * tp[c]) / Double(denominator) }
        }
        return total / Double(classes)
    }
}
