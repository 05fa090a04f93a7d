// Classification metrics with scikit-learn's conventions.

import Foundation

/// Per-class and averaged classification metrics, matching scikit-learn's `accuracy_score`,
/// `precision_recall_fscore_support(labels=range(k), zero_division="warn")` (micro, macro, weighted),
/// `balanced_accuracy_score`, `confusion_matrix` and `log_loss`.
///
/// Conventions:
/// - Classes are `0..<classes`; a class absent from both the truth and the predictions still gets a row/column
///   and zeros.
/// - Zero division (no predictions of a class for precision, no true members for recall, precision + recall = 0
///   for F1) yields 0, like scikit-learn's default (which also warns).
/// - Macro averages are unweighted means over all `classes`; `weightedF1` weights by support.
/// - `logLoss` (only when probabilities are given) is `mean(−log clip(p[i, yᵢ], ε, 1 − ε))` with
///   `ε = Float.ulpOfOne` (1.1920929e-7, machine epsilon of the Float probabilities — what scikit-learn uses for a
///   float32 `y_proba`), computed in Double. Probabilities are not renormalised (scikit-learn only warns).
public struct ClassificationReport: Sendable, Equatable, Codable {
    /// Number of classes `k`.
    public var classes: Int
    /// Fraction of correct predictions (0 for an empty input).
    public var accuracy: Double
    /// Per-class precision `TP / (TP + FP)`.
    public var precision: [Double]
    /// Per-class recall `TP / (TP + FN)`.
    public var recall: [Double]
    /// Per-class F1 `2·P·R / (P + R)`.
    public var f1: [Double]
    /// Per-class number of true samples.
    public var support: [Int]
    /// Unweighted mean of `precision`.
    public var macroPrecision: Double
    /// Unweighted mean of `recall`.
    public var macroRecall: Double
    /// Unweighted mean of `f1`.
    public var macroF1: Double
    /// Support-weighted mean of `f1` (0 when there are no samples).
    public var weightedF1: Double
    /// Support-weighted mean of `precision`.
    public var weightedPrecision: Double
    /// Support-weighted mean of `recall`.
    public var weightedRecall: Double
    /// Micro-averaged precision `ΣTP / Σ(TP + FP)` (equals accuracy for single-label data over all classes).
    public var microPrecision: Double
    /// Micro-averaged recall `ΣTP / Σ(TP + FN)`.
    public var microRecall: Double
    /// Micro-averaged F1.
    public var microF1: Double
    /// Mean recall over the classes present in the truth (scikit-learn's `balanced_accuracy_score`).
    public var balancedAccuracy: Double
    /// `confusion[t][p]`: number of samples with true class `t` predicted as `p`.
    public var confusion: [[Int]]
    /// Mean clipped cross-entropy of the probabilities, or nil when none were given.
    public var logLoss: Double?

    /// Computes the report.
    ///
    /// Preconditions: `trueLabels.count == predicted.count`; all labels in `0..<classes`; `probabilities`, when
    /// given, is row-major `count × classes`.
    public init(trueLabels: [Int32], predicted: [Int32], probabilities: [Float]? = nil, classes: Int) {
        precondition(classes >= 1, "classes must be ≥ 1")
        precondition(trueLabels.count == predicted.count, "label arrays differ in length")
        let n = trueLabels.count
        var cm = [Int](repeating: 0, count: classes * classes)
        var correct = 0
        trueLabels.withUnsafeBufferPointer { t in
            predicted.withUnsafeBufferPointer { p in
                cm.withUnsafeMutableBufferPointer { c in
                    for i in 0..<n {
                        let ti = Int(t[i]), pi = Int(p[i])
                        precondition(ti >= 0 && ti < classes && pi >= 0 && pi < classes, "label out of range")
                        c[ti * classes + pi] += 1
                        if ti == pi { correct += 1 }
                    }
                }
            }
        }
        var precision = [Double](repeating: 0, count: classes)
        var recall = [Double](repeating: 0, count: classes)
        var f1 = [Double](repeating: 0, count: classes)
        var support = [Int](repeating: 0, count: classes)
        for c in 0..<classes {
            let tp = cm[c * classes + c]
            var predictedCount = 0, trueCount = 0
            for o in 0..<classes {
                predictedCount += cm[o * classes + c]
                trueCount += cm[c * classes + o]
            }
            support[c] = trueCount
            precision[c] = predictedCount == 0 ? 0 : Double(tp) / Double(predictedCount)
            recall[c] = trueCount == 0 ? 0 : Double(tp) / Double(trueCount)
            // scikit-learn computes F1 as 2·TP / (2·TP + FP + FN), which equals 2PR/(P+R) and is 0 when TP = 0.
            let denom = 2 * tp + (predictedCount - tp) + (trueCount - tp)
            f1[c] = denom == 0 ? 0 : Double(2 * tp) / Double(denom)
        }
        self.classes = classes
        self.accuracy = n == 0 ? 0 : Double(correct) / Double(n)
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
        self.macroPrecision = precision.reduce(0, +) / Double(classes)
        self.macroRecall = recall.reduce(0, +) / Double(classes)
        self.macroF1 = f1.reduce(0, +) / Double(classes)
        let totalSupport = support.reduce(0, +)
        func weighted(_ values: [Double]) -> Double {
            totalSupport == 0 ? 0 : zip(values, support).reduce(0.0) { $0 + $1.0 * Double($1.1) } / Double(totalSupport)
        }
        self.weightedF1 = weighted(f1)
        self.weightedPrecision = weighted(precision)
        self.weightedRecall = weighted(recall)
        // Every sample has exactly one prediction, so Σ(TP + FP) = Σ(TP + FN) = n over all classes.
        self.microPrecision = n == 0 ? 0 : Double(correct) / Double(n)
        self.microRecall = self.microPrecision
        self.microF1 = self.microPrecision
        let present = (0..<classes).filter { support[$0] > 0 }
        self.balancedAccuracy = present.isEmpty ? 0 : present.reduce(0.0) { $0 + recall[$1] } / Double(present.count)
        self.confusion = (0..<classes).map { Array(cm[($0 * classes)..<(($0 + 1) * classes)]) }
        if let probabilities {
            precondition(probabilities.count == n * classes, "probabilities must be count × classes")
            self.logLoss = ClassificationReport.logLoss(trueLabels: trueLabels, probabilities: probabilities,
                                                        classes: classes)
        } else {
            self.logLoss = nil
        }
    }

    /// Mean negative log-likelihood of the true class with scikit-learn's clipping to `[ε, 1 − ε]`,
    /// `ε = Float.ulpOfOne`, accumulated in Double. Returns 0 for an empty input.
    public static func logLoss(trueLabels: [Int32], probabilities: [Float], classes: Int) -> Double {
        let n = trueLabels.count
        precondition(probabilities.count == n * classes, "probabilities must be count × classes")
        guard n > 0 else { return 0 }
        let eps = Double(Float.ulpOfOne)
        var total = 0.0
        trueLabels.withUnsafeBufferPointer { t in
            probabilities.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    let v = Double(p[i * classes + Int(t[i])])
                    total -= log(min(max(v, eps), 1 - eps))
                }
            }
        }
        return total / Double(n)
    }
}
