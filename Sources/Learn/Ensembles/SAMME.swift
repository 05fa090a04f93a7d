// AdaBoost with the SAMME rule (Zhu, Zou, Rosset & Hastie 2009), as scikit-learn's AdaBoostClassifier.

import Foundation

/// SAMME boosting of CART trees.
public enum SAMME {
    /// Options of a SAMME fit.
    public struct Options: Sendable {
        /// Boosting rounds (fewer when a tree fits perfectly or is no better than chance).
        public var rounds: Int
        /// Shrinks each tree's weight.
        public var learningRate: Double
        /// The base tree (depth 1: stumps).
        public var tree: TreeOptions

        /// Creates options.
        public init(rounds: Int, learningRate: Double, tree: TreeOptions) {
            self.rounds = rounds
            self.learningRate = learningRate
            self.tree = tree
        }
    }

    /// Fits trees and their vote weights. Rules (scikit-learn `_boost_discrete`): start with uniform row
    /// weights; each round fits a tree on the weighted rows, `err` = weighted share misclassified; stop
    /// with weight 1 when `err` = 0; drop the tree and stop when `err ≥ 1 − 1/K`; else the tree's weight is
    /// `α = lr·(ln((1−err)/err) + ln(K−1))` and misclassified rows' weights are multiplied by `e^α`
    /// (then normalised). Returns the trees, weights, and impurity importances (per-tree normalised,
    /// averaged with the tree weights).
    public static func fit(_ data: BinnedRows, options: Options, generator: inout SeededGenerator) -> (trees: [TreeModel], weights: [Double], importances: [Double]) {
        let n = data.rows, k = data.outputs
        let labels = data.labels!
        var w = [Double](repeating: 1 / Double(n), count: n)
        var trees: [TreeModel] = [], weights: [Double] = []
        var importances = [Double](repeating: 0, count: data.features)
        let builder = CARTBuilder(data: data, options: options.tree)
        var wrong = [Bool](repeating: false, count: n)
        for round in 0..<options.rounds {
            let rows = (0..<n).filter { w[$0] > 0 }.map { Int32($0) }
            var importance = [Double](repeating: 0, count: data.features)
            let tree = w.withUnsafeBufferPointer { builder.grow(rows: rows, weights: $0, generator: &generator, importance: &importance) }
            var err = 0.0, total = 0.0
            data.codes.withUnsafeBufferPointer { codes in
                for r in 0..<n {
                    let leaf = tree.leaf(codes: codes, row: r, rows: n)
                    var best = 0
                    for c in 1..<k where tree.value[leaf * k + c] > tree.value[leaf * k + best] { best = c }
                    wrong[r] = best != Int(labels[r])
                    total += w[r]
                    if wrong[r] { err += w[r] }
                }
            }
            err /= total
            if err <= 0 {
                trees.append(tree); weights.append(1); add(importance, into: &importances, weight: 1)
                break
            }
            if err >= 1 - 1 / Double(k) { break }
            let alpha = options.learningRate * (log((1 - err) / err) + log(Double(k - 1)))
            trees.append(tree); weights.append(alpha); add(importance, into: &importances, weight: alpha)
            if round == options.rounds - 1 { break }
            var sum = 0.0
            for r in 0..<n {
                if wrong[r], w[r] > 0 { w[r] = exp(log(w[r]) + alpha) }
                sum += w[r]
            }
            for r in 0..<n { w[r] /= sum }
        }
        let total = weights.reduce(0, +)
        if total > 0 { for f in importances.indices { importances[f] /= total } }
        return (trees, weights, importances)
    }

    private static func add(_ importance: [Double], into sum: inout [Double], weight: Double) {
        let total = importance.reduce(0, +)
        guard total > 0 else { return }
        for f in sum.indices { sum[f] += weight * importance[f] / total }
    }

    /// Class probabilities: `decision = Σ_m w_m·onehot(argmax tree_m(x)) / Σ w`, then softmax(decision / (K − 1)).
    public static func probabilities(trees: [TreeModel], weights: [Double], x: UnsafeBufferPointer<Float>, rows: Int, features: Int,
                                     classes k: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * k)
        let total = weights.reduce(0, +)
        var decision = [Double](repeating: 0, count: k)
        for r in 0..<rows {
            for c in 0..<k { decision[c] = 0 }
            let row = x.baseAddress! + r * features
            for (tree, weight) in zip(trees, weights) {
                let leaf = tree.leaf(row)
                var best = 0
                for c in 1..<k where tree.value[leaf * k + c] > tree.value[leaf * k + best] { best = c }
                decision[best] += weight
            }
            var top = -Double.infinity
            for c in 0..<k { decision[c] = decision[c] / total / Double(k - 1); top = max(top, decision[c]) }
            var sum = 0.0
            for c in 0..<k { decision[c] = exp(decision[c] - top); sum += decision[c] }
            for c in 0..<k { out[r * k + c] = Float(decision[c] / sum) }
        }
        return out
    }
}
