// Histogram-based gradient boosting (LightGBM's algorithm, as scikit-learn's HistGradientBoosting*):
// features binned into ≤ 255 quantile bins on the training rows, one tree per class per iteration grown
// leaf-wise (best gain first) up to `maxLeafNodes`, histograms of the smaller child built and the larger
// one obtained by subtraction. Histograms are built in parallel over fixed feature chunks, so results do
// not depend on thread timing.

import Dispatch
import Foundation

/// Options of histogram gradient boosting.
public struct BoostingOptions: Sendable {
    /// Boosting iterations (upper bound with early stopping).
    public var maxIterations: Int
    /// Shrinkage of every leaf value.
    public var learningRate: Double
    /// Leaves per tree.
    public var maxLeafNodes: Int
    /// Depth limit (nil: none).
    public var maxDepth: Int?
    /// Rows per leaf at least.
    public var minSamplesLeaf: Int
    /// L2 penalty λ on leaf values: value = −G / (H + λ).
    public var l2: Double
    /// Fraction of rows drawn (without replacement) for each iteration's trees.
    public var subsample: Double
    /// Stop when the validation loss has not improved by `tolerance` for this many iterations (nil: never).
    public var patience: Int?
    /// Minimum improvement of the validation loss.
    public var tolerance: Double

    /// Creates options.
    public init(maxIterations: Int, learningRate: Double, maxLeafNodes: Int = 31, maxDepth: Int? = nil, minSamplesLeaf: Int = 20,
                l2: Double = 0, subsample: Double = 1, patience: Int? = nil, tolerance: Double = 1e-7) {
        self.maxIterations = maxIterations
        self.learningRate = learningRate
        self.maxLeafNodes = maxLeafNodes
        self.maxDepth = maxDepth
        self.minSamplesLeaf = minSamplesLeaf
        self.l2 = l2
        self.subsample = subsample
        self.patience = patience
        self.tolerance = tolerance
    }
}

/// A fitted boosted model: `raw = baseline + Σ trees`, then softmax/sigmoid (classification).
public struct BoostedTrees: Sendable {
    /// Trees in order; tree `i` adds to output `i mod perIteration`.
    public var trees: [TreeModel]
    /// Raw score before any tree.
    public var baseline: [Double]
    /// Trees per iteration (classes for softmax, else 1).
    public var perIteration: Int
    /// Iterations kept.
    public var iterations: Int { trees.count / max(1, perIteration) }
    /// Split-gain importances per feature, normalised to sum 1.
    public var importances: [Double]
    /// Validation loss per iteration (empty without early stopping).
    public var validationLoss: [Double]

    /// Probabilities (`rows × classes`) or values (`rows`) for row-major `x`.
    public static func predict(trees: [TreeModel], baseline: [Double], perIteration: Int, x: UnsafeBufferPointer<Float>, rows: Int,
                               features: Int, classification: Bool, classes: Int) -> [Float] {
        var raw = [Double](repeating: 0, count: rows * perIteration)
        for r in 0..<rows {
            let row = x.baseAddress! + r * features
            for k in 0..<perIteration { raw[r * perIteration + k] = baseline[k] }
            for (i, tree) in trees.enumerated() {
                raw[r * perIteration + i % perIteration] += Double(tree.value[tree.leaf(row)])
            }
        }
        return probabilities(raw, rows: rows, perIteration: perIteration, classification: classification, classes: classes)
    }

    static func probabilities(_ raw: [Double], rows: Int, perIteration: Int, classification: Bool, classes: Int) -> [Float] {
        guard classification else { return raw.map(Float.init) }
        var out = [Float](repeating: 0, count: rows * classes)
        for r in 0..<rows {
            if perIteration == 1 {
                let p = 1 / (1 + exp(-raw[r]))
                out[r * 2] = Float(1 - p); out[r * 2 + 1] = Float(p)
                continue
            }
            var top = -Double.infinity
            for k in 0..<classes { top = max(top, raw[r * classes + k]) }
            var sum = 0.0
            for k in 0..<classes { sum += exp(raw[r * classes + k] - top) }
            for k in 0..<classes { out[r * classes + k] = Float(exp(raw[r * classes + k] - top) / sum) }
        }
        return out
    }
}

/// Fits `BoostedTrees`.
public enum HistGradientBoosting {
    /// Fits on binned training rows; `validation` (binned with the same bins) drives early stopping.
    public static func fit(_ data: BinnedRows, validation: BinnedRows?, options: BoostingOptions, generator: inout SeededGenerator) -> BoostedTrees {
        let n = data.rows
        let classification = data.labels != nil
        let k = classification ? (data.outputs == 2 ? 1 : data.outputs) : 1
        let baseline = initialScores(data, perIteration: k)
        var raw = [Double](repeating: 0, count: n * k)
        for r in 0..<n { for c in 0..<k { raw[r * k + c] = baseline[c] } }
        var validRaw: [Double] = []
        if let validation {
            validRaw = [Double](repeating: 0, count: validation.rows * k)
            for r in 0..<validation.rows { for c in 0..<k { validRaw[r * k + c] = baseline[c] } }
        }
        let grower = LeafwiseGrower(data: data, options: options)
        var gradients = [Float](repeating: 0, count: n * k), hessians = [Float](repeating: 0, count: n * k)
        var trees: [TreeModel] = []
        var gains = [Double](repeating: 0, count: data.features)
        var losses: [Double] = []
        let drawn = max(1, Int((options.subsample * Double(n)).rounded(.down)))
        // Softmax iterations build their k root histograms in one pass (zero-filled once: only bins are rewritten).
        let roots = UnsafeMutableBufferPointer<Double>.allocate(capacity: k > 1 ? k * data.features * grower.histStride : 0)
        roots.initialize(repeating: 0)
        defer { roots.deallocate() }
        for _ in 0..<options.maxIterations {
            computeGradients(data, raw: raw, perIteration: k, gradients: &gradients, hessians: &hessians)
            var rows: [Int32]
            if drawn < n {
                var order = generator.permutation(n: n)
                order.removeLast(n - drawn)
                order.sort()
                rows = order.map { Int32($0) }
            } else {
                rows = (0..<n).map { Int32($0) }
            }
            if k > 1 {
                LeafwiseGrower.rootHistograms(data, rows: rows, gradients: gradients, hessians: hessians, perIteration: k, into: roots.baseAddress!)
            }
            for c in 0..<k {
                var g = [Float](repeating: 0, count: n), h = [Float](repeating: 0, count: n)
                for r in 0..<n { g[r] = gradients[r * k + c]; h[r] = hessians[r * k + c] }
                let root = k > 1 ? UnsafePointer(roots.baseAddress! + c * data.features * grower.histStride) : nil
                let tree = grower.grow(rows: rows, gradients: g, hessians: h, root: root, gains: &gains)
                if drawn == n {
                    // Every training row sits in exactly one final leaf range: add that leaf's value, no descent.
                    for range in grower.leafRanges {
                        let value = Double(tree.value[range.node])
                        for r in grower.rows(of: range) { raw[Int(r) * k + c] += value }
                    }
                } else {
                    data.codes.withUnsafeBufferPointer { codes in
                        for r in 0..<n { raw[r * k + c] += Double(tree.value[tree.leaf(codes: codes, row: r, rows: n)]) }
                    }
                }
                if let validation {
                    validation.codes.withUnsafeBufferPointer { codes in
                        for r in 0..<validation.rows {
                            validRaw[r * k + c] += Double(tree.value[tree.leaf(codes: codes, row: r, rows: validation.rows)])
                        }
                    }
                }
                trees.append(tree)
            }
            if let validation, let patience = options.patience {
                losses.append(loss(validation, raw: validRaw, perIteration: k))
                // scikit-learn's rule: stop when none of the last `patience` losses beats the one before them by `tolerance`.
                if losses.count > patience {
                    let reference = losses[losses.count - patience - 1]
                    if !losses.suffix(patience).contains(where: { $0 < reference - options.tolerance }) { break }
                }
            }
        }
        let total = gains.reduce(0, +)
        return BoostedTrees(trees: trees, baseline: baseline, perIteration: k,
                            importances: total > 0 ? gains.map { $0 / total } : gains, validationLoss: losses)
    }

    /// Log prior odds / log class frequencies (classification) or the mean target (regression).
    static func initialScores(_ data: BinnedRows, perIteration k: Int) -> [Double] {
        guard let labels = data.labels else {
            return [data.targets!.reduce(0.0) { $0 + Double($1) } / Double(max(1, data.rows))]
        }
        var counts = [Double](repeating: 0, count: data.outputs)
        for y in labels { counts[Int(y)] += 1 }
        let p = counts.map { max($0 / Double(data.rows), 1e-15) }
        if k == 1 { return [log(p[1] / p[0])] }
        let logs = p.map(log)
        let mean = logs.reduce(0, +) / Double(logs.count)
        return logs.map { $0 - mean }
    }

    /// Gradients and hessians of the loss at `raw`: softmax cross-entropy (g = p − 1[y], h = p(1 − p)),
    /// binary log loss (same with the sigmoid), or half squared error (g = raw − y, h = 1).
    static func computeGradients(_ data: BinnedRows, raw: [Double], perIteration k: Int, gradients: inout [Float], hessians: inout [Float]) {
        let n = data.rows
        guard let labels = data.labels else {
            let y = data.targets!
            for r in 0..<n { gradients[r] = Float(raw[r] - Double(y[r])); hessians[r] = 1 }
            return
        }
        if k == 1 {
            for r in 0..<n {
                let p = 1 / (1 + exp(-raw[r]))
                gradients[r] = Float(p - (labels[r] == 1 ? 1 : 0)); hessians[r] = Float(max(p * (1 - p), 1e-16))
            }
            return
        }
        for r in 0..<n {
            var top = -Double.infinity
            for c in 0..<k { top = max(top, raw[r * k + c]) }
            var sum = 0.0
            for c in 0..<k { sum += exp(raw[r * k + c] - top) }
            for c in 0..<k {
                let p = exp(raw[r * k + c] - top) / sum
                gradients[r * k + c] = Float(p - (Int(labels[r]) == c ? 1 : 0))
                hessians[r * k + c] = Float(max(p * (1 - p), 1e-16))
            }
        }
    }

    /// Mean loss at `raw`: cross-entropy (classification) or half squared error.
    static func loss(_ data: BinnedRows, raw: [Double], perIteration k: Int) -> Double {
        var total = 0.0
        let n = data.rows
        if let labels = data.labels {
            for r in 0..<n {
                if k == 1 {
                    let z = raw[r], y = labels[r] == 1 ? 1.0 : 0.0
                    total += max(z, 0) - z * y + log1p(exp(-abs(z)))
                } else {
                    var top = -Double.infinity
                    for c in 0..<k { top = max(top, raw[r * k + c]) }
                    var sum = 0.0
                    for c in 0..<k { sum += exp(raw[r * k + c] - top) }
                    total += log(sum) + top - raw[r * k + Int(labels[r])]
                }
            }
        } else {
            let y = data.targets!
            for r in 0..<n { total += 0.5 * (raw[r] - Double(y[r])) * (raw[r] - Double(y[r])) }
        }
        return total / Double(max(1, n))
    }
}
