// ROC and precision–recall curves and their areas, with scikit-learn's conventions.

import Foundation

/// A binary ROC curve: false- and true-positive rates at each distinct score threshold (descending).
public struct ROCCurve: Sendable, Equatable {
    /// False-positive rate per point, starting at 0.
    public var fpr: [Double]
    /// True-positive rate per point, starting at 0.
    public var tpr: [Double]
    /// Area under the curve by the trapezoidal rule (tied scores count half, as in `roc_auc_score`).
    public var auc: Double
}

/// A binary precision–recall curve at each distinct score threshold, from the highest threshold down.
public struct PRCurve: Sendable, Equatable {
    /// Precision per threshold.
    public var precision: [Double]
    /// Recall per threshold.
    public var recall: [Double]
    /// Average precision `Σₙ (Rₙ − Rₙ₋₁)·Pₙ` (scikit-learn's `average_precision_score`, no interpolation).
    public var averagePrecision: Double
}

/// Binary ranking metrics of scores against 0/1 truth.
public enum RankingMetrics {
    /// Cumulative (false positives, true positives) at each distinct score, scores sorted descending —
    /// the `_binary_clf_curve` of scikit-learn. Nil when `positive` is empty.
    static func cumulativeCounts(scores: [Double], positive: [Bool]) -> (fps: [Double], tps: [Double]) {
        let n = scores.count
        let order = (0..<n).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var fps: [Double] = [], tps: [Double] = []
        var tp = 0.0, fp = 0.0
        for (rank, index) in order.enumerated() {
            if positive[index] { tp += 1 } else { fp += 1 }
            // A threshold ends where the next score differs (ties form one step).
            if rank == n - 1 || scores[order[rank + 1]] != scores[index] {
                fps.append(fp)
                tps.append(tp)
            }
        }
        return (fps, tps)
    }

    /// The ROC curve, or nil when the truth has no positives or no negatives (AUC undefined).
    ///
    /// `dropIntermediate` removes collinear points exactly as `roc_curve(drop_intermediate=True)` does
    /// (the area is unchanged); the AUC is computed on every threshold.
    public static func roc(scores: [Double], positive: [Bool], dropIntermediate: Bool = true) -> ROCCurve? {
        precondition(scores.count == positive.count, "scores and truth differ in length")
        let (fps, tps) = cumulativeCounts(scores: scores, positive: positive)
        guard let p = tps.last, let negatives = fps.last, p > 0, negatives > 0 else { return nil }
        var fx = [0.0] + fps, tx = [0.0] + tps
        var area = 0.0
        for i in 1..<fx.count { area += (fx[i] - fx[i - 1]) * (tx[i] + tx[i - 1]) / 2 }
        if dropIntermediate, fx.count > 2 {
            var keep = [0]
            for i in 1..<(fx.count - 1) {
                let d2f = fx[i + 1] - 2 * fx[i] + fx[i - 1], d2t = tx[i + 1] - 2 * tx[i] + tx[i - 1]
                if d2f != 0 || d2t != 0 { keep.append(i) }
            }
            keep.append(fx.count - 1)
            fx = keep.map { fx[$0] }
            tx = keep.map { tx[$0] }
        }
        return ROCCurve(fpr: fx.map { $0 / negatives }, tpr: tx.map { $0 / p }, auc: area / (negatives * p))
    }

    /// The precision–recall curve and average precision, or nil when the truth has no positives.
    public static func precisionRecall(scores: [Double], positive: [Bool]) -> PRCurve? {
        precondition(scores.count == positive.count, "scores and truth differ in length")
        let (fps, tps) = cumulativeCounts(scores: scores, positive: positive)
        guard let p = tps.last, p > 0 else { return nil }
        var precision: [Double] = [], recall: [Double] = []
        var ap = 0.0, previousRecall = 0.0
        for i in 0..<tps.count {
            let pr = tps[i] / (tps[i] + fps[i]), rc = tps[i] / p
            precision.append(pr)
            recall.append(rc)
            ap += (rc - previousRecall) * pr
            previousRecall = rc
        }
        return PRCurve(precision: precision, recall: recall, averagePrecision: ap)
    }
}

/// One-vs-rest ROC and PR analysis of multi-class probabilities.
public struct OneVsRestReport: Sendable {
    /// ROC curve per class (nil for a class absent from, or covering all of, the truth).
    public var roc: [ROCCurve?]
    /// PR curve per class (nil for a class absent from the truth).
    public var pr: [PRCurve?]
    /// Unweighted mean ROC AUC over the classes where it is defined (`roc_auc_score(multi_class="ovr",
    /// average="macro")`; for two classes, the AUC of class 1 as `roc_auc_score` reports it).
    public var rocAUCMacro: Double?
    /// Prevalence-weighted mean ROC AUC (`average="weighted"`).
    public var rocAUCWeighted: Double?
    /// Unweighted mean average precision (`average_precision_score(label_binarize(y), p, average="macro")`).
    public var averagePrecisionMacro: Double?
    /// Prevalence-weighted mean average precision.
    public var averagePrecisionWeighted: Double?

    /// Computes the report from row-major `rows × classes` probabilities.
    public init(trueLabels: [Int32], probabilities: [Float], classes: Int) {
        let n = trueLabels.count
        precondition(probabilities.count == n * classes, "probabilities must be count × classes")
        var roc: [ROCCurve?] = [], pr: [PRCurve?] = []
        var support = [Double](repeating: 0, count: classes)
        for c in 0..<classes {
            let scores = (0..<n).map { Double(probabilities[$0 * classes + c]) }
            let positive = trueLabels.map { Int($0) == c }
            support[c] = Double(positive.lazy.filter { $0 }.count)
            roc.append(RankingMetrics.roc(scores: scores, positive: positive))
            pr.append(RankingMetrics.precisionRecall(scores: scores, positive: positive))
        }
        self.roc = roc
        self.pr = pr
        func averages(_ values: [Double?]) -> (Double?, Double?) {
            let defined = (0..<classes).filter { values[$0] != nil }
            guard !defined.isEmpty else { return (nil, nil) }
            let macro = defined.reduce(0.0) { $0 + values[$1]! } / Double(defined.count)
            let weight = defined.reduce(0.0) { $0 + support[$1] }
            let weighted = weight == 0 ? nil : defined.reduce(0.0) { $0 + values[$1]! * support[$1] } / weight
            return (macro, weighted)
        }
        if classes == 2 {
            rocAUCMacro = roc[1]?.auc
            rocAUCWeighted = roc[1]?.auc
        } else {
            (rocAUCMacro, rocAUCWeighted) = averages(roc.map { $0?.auc })
        }
        (averagePrecisionMacro, averagePrecisionWeighted) = averages(pr.map { $0?.averagePrecision })
    }
}
