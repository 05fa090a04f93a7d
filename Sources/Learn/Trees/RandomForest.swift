// Random forests (Breiman 2001): bootstrap rows per tree, random feature subsets per split, trees grown
// in parallel with bit-identical results (each tree's randomness comes only from its own seeded stream,
// each tree is written to its own slot, and every reduction runs afterwards in tree order).

import Dispatch
import Foundation

/// Options of a random forest.
public struct ForestOptions: Sendable {
    /// Number of trees.
    public var trees: Int
    /// Per-tree growth limits (`maxFeatures` already resolved).
    public var tree: TreeOptions
    /// Sample rows with replacement per tree (else every tree sees every row).
    public var bootstrap: Bool
    /// Rows drawn per tree as a fraction of the training rows (bootstrap only).
    public var maxSamples: Double

    /// Creates options.
    public init(trees: Int, tree: TreeOptions, bootstrap: Bool = true, maxSamples: Double = 1) {
        self.trees = trees
        self.tree = tree
        self.bootstrap = bootstrap
        self.maxSamples = maxSamples
    }
}

/// A fitted forest: the mean of its trees' leaf values.
public struct ForestModel: Sendable {
    /// The trees.
    public var trees: [TreeModel]
    /// Values per row (classes, or 1).
    public var outputs: Int
    /// Mean decrease in impurity per feature (each tree's normalised to sum 1, then averaged).
    public var importances: [Double]
    /// Out-of-bag accuracy (classification) or R² (regression), when bootstrapping left rows out.
    public var oobScore: Double?

    /// Creates a forest from its parts.
    public init(trees: [TreeModel], outputs: Int, importances: [Double], oobScore: Double?) {
        self.trees = trees
        self.outputs = outputs
        self.importances = importances
        self.oobScore = oobScore
    }

    /// Mean leaf values, `rows × outputs`.
    public func predict(_ x: UnsafeBufferPointer<Float>, rows: Int, features: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outputs)
        let scale = 1 / Float(max(1, trees.count))
        out.withUnsafeMutableBufferPointer { o in
            for tree in trees { tree.accumulate(x, rows: rows, features: features, weight: scale, into: o) }
        }
        return out
    }

    /// Fits a forest on binned rows. `generator(i)` gives tree `i`'s random stream.
    /// `workers` threads (default: one per core) take trees `w, w + workers, …`; the result does not depend on it.
    public static func fit(_ data: BinnedRows, options: ForestOptions, workers requested: Int? = nil,
                           generator: @Sendable (Int) -> SeededGenerator) -> ForestModel {
        let data = data.withRowMajorCodes()
        let n = data.rows, count = options.trees
        let drawn = options.bootstrap ? max(1, Int((options.maxSamples * Double(n)).rounded(.down))) : n
        let slots = UnsafeMutableBufferPointer<(TreeModel, [Double], [Double])?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        let box = SharedPointer(slots.baseAddress!)
        // One builder per worker chunk; each tree depends only on its own index and stream.
        let workers = min(count, max(1, requested ?? ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let builder = CARTBuilder(data: data, options: options.tree)
            var tree = worker
            while tree < count {
                var rng = generator(tree)
                var weights = [Double](repeating: options.bootstrap ? 0 : 1, count: n)
                if options.bootstrap { for _ in 0..<drawn { weights[rng.nextInt(below: n)] += 1 } }
                var rows: [Int32] = []
                rows.reserveCapacity(n)
                for r in 0..<n where weights[r] > 0 { rows.append(Int32(r)) }
                var importance = [Double](repeating: 0, count: data.features)
                let model = weights.withUnsafeBufferPointer { w in
                    builder.grow(rows: rows, weights: options.bootstrap ? w : nil, generator: &rng, importance: &importance)
                }
                box[tree] = (model, importance, weights)
                tree += workers
            }
        }
        var trees: [TreeModel] = []
        var importances = [Double](repeating: 0, count: data.features)
        var bags: [[Double]] = []
        for i in 0..<count {
            let (tree, importance, weights) = slots[i]!
            trees.append(tree)
            bags.append(weights)
            let total = importance.reduce(0, +)
            if total > 0 { for f in 0..<importances.count { importances[f] += importance[f] / total / Double(count) } }
        }
        var oobSum = [Double](repeating: 0, count: options.bootstrap ? n * data.outputs : 0)
        var oobVotes = [Int](repeating: 0, count: options.bootstrap ? n : 0)
        if options.bootstrap { outOfBag(data, trees: trees, bags: bags, workers: workers, sums: &oobSum, votes: &oobVotes) }
        var oob: Double?
        if options.bootstrap, oobVotes.contains(where: { $0 > 0 }) { oob = oobScore(data, sums: oobSum, votes: oobVotes) }
        return ForestModel(trees: trees, outputs: data.outputs, importances: importances, oobScore: oob)
    }

    /// Adds each tree's leaf values to the rows it did not draw (`bags[tree][row] == 0`) and counts those votes.
    /// Workers take fixed blocks of rows and add trees in tree order, so the sums equal a serial loop's.
    /// Descents read the row-major codes, so a row's path reads one short slice instead of columns far apart.
    static func outOfBag(_ data: BinnedRows, trees: [TreeModel], bags: [[Double]], workers: Int,
                         sums: inout [Double], votes: inout [Int]) {
        let n = data.rows, features = data.features, k = data.outputs
        let block = 128, blocks = (n + block - 1) / block
        sums.withUnsafeMutableBufferPointer { sumBuffer in
            votes.withUnsafeMutableBufferPointer { voteBuffer in
                let rowCodes = data.rowCodes ?? data.withRowMajorCodes().rowCodes!
                rowCodes.withUnsafeBufferPointer { codeBuffer in
                    let sumOut = SharedPointer(sumBuffer.baseAddress!), voteOut = SharedPointer(voteBuffer.baseAddress!)
                    let codes = SharedPointer(codeBuffer.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        var b = worker
                        while b < blocks {
                            let first = b * block, size = min(block, n - first)
                            for (t, tree) in trees.enumerated() {
                                bags[t].withUnsafeBufferPointer { bag in
                                    tree.value.withUnsafeBufferPointer { value in
                                        for j in 0..<size where bag[first + j] == 0 {
                                            let r = first + j, leaf = tree.leaf(rowCodes: codes.base + r * features)
                                            for c in 0..<k { sumOut[r * k + c] += Double(value[leaf * k + c]) }
                                            voteOut[r] += 1
                                        }
                                    }
                                }
                            }
                            b += workers
                        }
                    }
                }
            }
        }
    }

    /// Accuracy (classification) or R² (regression) of the out-of-bag predictions, over rows left out at least once.
    static func oobScore(_ data: BinnedRows, sums: [Double], votes: [Int]) -> Double {
        let k = data.outputs
        if let labels = data.labels {
            var right = 0, seen = 0
            for r in 0..<data.rows where votes[r] > 0 {
                var best = 0
                for c in 1..<k where sums[r * k + c] > sums[r * k + best] { best = c }
                right += best == Int(labels[r]) ? 1 : 0
                seen += 1
            }
            return Double(right) / Double(seen)
        }
        let y = data.targets!
        var predicted: [Double] = [], actual: [Double] = []
        for r in 0..<data.rows where votes[r] > 0 {
            predicted.append(sums[r] / Double(votes[r]))
            actual.append(Double(y[r]))
        }
        return rSquared(actual, predicted)
    }

    /// Coefficient of determination 1 − SS_res / SS_tot.
    public static func rSquared(_ actual: [Double], _ predicted: [Double]) -> Double {
        let mean = actual.reduce(0, +) / Double(max(1, actual.count))
        var res = 0.0, tot = 0.0
        for (a, p) in zip(actual, predicted) { res += (a - p) * (a - p); tot += (a - mean) * (a - mean) }
        return tot > 0 ? 1 - res / tot : 0
    }
}

