// Permutation feature importance (Breiman 2001; scikit-learn's `permutation_importance`).

import Foundation

/// Drop in a score when one feature's column is shuffled, per feature, over seeded repeats.
public enum PermutationImportance {
    /// For each feature `f` and repeat, the rows of column `f` are permuted (a fresh permutation from
    /// `generator` each time, features in order, repeats inner) and `score` is taken on the result;
    /// importance = baseline score − permuted score. Returns the mean and population standard deviation
    /// over repeats, and the baseline.
    public static func compute(x: [Float], rows: Int, columns: Int, repeats: Int, generator: inout SeededGenerator,
                               score: ([Float]) throws -> Double) rethrows -> (mean: [Double], std: [Double], baseline: Double) {
        let baseline = try score(x)
        var mean = [Double](repeating: 0, count: columns), std = [Double](repeating: 0, count: columns)
        var shuffled = x
        for f in 0..<columns {
            var drops: [Double] = []
            for _ in 0..<repeats {
                let order = generator.permutation(n: rows)
                for r in 0..<rows { shuffled[r * columns + f] = x[order[r] * columns + f] }
                drops.append(baseline - (try score(shuffled)))
            }
            for r in 0..<rows { shuffled[r * columns + f] = x[r * columns + f] }
            let m = drops.reduce(0, +) / Double(max(1, repeats))
            mean[f] = m
            std[f] = (drops.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(1, repeats))).squareRoot()
        }
        return (mean, std, baseline)
    }

    /// Accuracy of the row-wise argmax of `probabilities` (`rows × classes`) against `labels`.
    public static func accuracy(_ probabilities: [Float], labels: [Int32], classes: Int) -> Double {
        var right = 0
        for (r, y) in labels.enumerated() {
            var best = 0
            for c in 1..<classes where probabilities[r * classes + c] > probabilities[r * classes + best] { best = c }
            right += best == Int(y) ? 1 : 0
        }
        return Double(right) / Double(max(1, labels.count))
    }

    /// R² of `predicted` against `targets`.
    public static func rSquared(_ predicted: [Float], targets: [Float]) -> Double {
        ForestModel.rSquared(targets.map(Double.init), predicted.map(Double.init))
    }
}
