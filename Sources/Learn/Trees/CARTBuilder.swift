// Depth-first CART growth (scikit-learn's DepthFirstTreeBuilder + BestSplitter semantics) over uint8 bin
// codes. All scratch memory is allocated once per tree; nodes partition one row-index buffer in place.

import CKernels
import Foundation

/// The split quality measure.
public enum SplitCriterion: String, Sendable, CaseIterable {
    /// Gini impurity 1 − Σ p².
    case gini
    /// Shannon entropy −Σ p log₂ p.
    case entropy
    /// Weighted variance of the target (regression).
    case squaredError = "squared_error"
}

/// Growth limits of one CART tree.
public struct TreeOptions: Sendable, Equatable {
    /// Split criterion.
    public var criterion: SplitCriterion
    /// Maximum depth (nil: grow until pure or another limit stops it).
    public var maxDepth: Int?
    /// Nodes with fewer training rows are not split.
    public var minSamplesSplit: Int
    /// Each child keeps at least this many training rows.
    public var minSamplesLeaf: Int
    /// Features examined per split (non-constant ones, drawn at random without replacement).
    public var maxFeatures: Int

    /// Creates options.
    public init(criterion: SplitCriterion, maxDepth: Int? = nil, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1, maxFeatures: Int) {
        self.criterion = criterion
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
    }
}

/// Training rows as bin codes, shared (read-only) by every tree grown on them.
public struct BinnedRows: Sendable {
    /// Column-major codes: `codes[f * rows + r]`.
    public let codes: [UInt8]
    /// Number of rows.
    public let rows: Int
    /// The bins the codes came from.
    public let bins: FeatureBins
    /// Class per row (classification), else nil.
    public let labels: [Int32]?
    /// Target per row (regression), else nil.
    public let targets: [Float]?
    /// Number of classes (classification) or 1.
    public let outputs: Int
    /// Optional row-major copy of `codes` (`rowCodes[r * features + f]`), made by `withRowMajorCodes()`: a node with
    /// few rows then reads its rows' codes from a few hundred kilobytes that stay in cache for its whole subtree.
    public private(set) var rowCodes: [UInt8]?

    /// Bins `x` (`rows × columns`, row-major) with bins fitted on it.
    public init(x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, labels: [Int32]?, targets: [Float]?, classes: Int, maxBins: Int = 256) {
        let bins = FeatureBins.fit(x, rows: rows, columns: columns, maxBins: maxBins)
        self.init(codes: bins.codes(x, rows: rows), rows: rows, bins: bins, labels: labels, targets: targets, classes: classes)
    }

    /// Wraps codes made with `bins`.
    public init(codes: [UInt8], rows: Int, bins: FeatureBins, labels: [Int32]?, targets: [Float]?, classes: Int) {
        self.codes = codes
        self.rows = rows
        self.bins = bins
        self.labels = labels
        self.targets = targets
        self.outputs = labels != nil ? classes : 1
    }

    /// Number of features.
    public var features: Int { bins.features }

    /// These rows with `rowCodes` filled in (a transposed copy of `codes`), as the forest's trees read small nodes.
    public func withRowMajorCodes() -> BinnedRows {
        guard rowCodes == nil else { return self }
        var copy = self
        let n = rows, f = features
        var out = [UInt8](repeating: 0, count: n * f)
        if n > 0, f > 0 {
            out.withUnsafeMutableBufferPointer { o in
                codes.withUnsafeBufferPointer { c in
                    let block = 64
                    for first in stride(from: 0, to: n, by: block) {
                        let size = min(block, n - first)
                        for feature in 0..<f {
                            let column = c.baseAddress! + feature * n + first
                            for j in 0..<size { o[(first + j) * f + feature] = column[j] }
                        }
                    }
                }
            }
        }
        copy.rowCodes = out
        return copy
    }
}

/// Grows one CART tree. Not thread-safe: each thread uses its own builder (they share the `BinnedRows`).
public final class CARTBuilder {
    let data: BinnedRows
    let options: TreeOptions
    let classes: Int
    let isRegression: Bool
    let hasRowCodes: Bool
    // Scratch, allocated once.
    let index: UnsafeMutableBufferPointer<Int32>
    let scratch: UnsafeMutableBufferPointer<Int32>
    let keys: UnsafeMutableBufferPointer<UInt32>
    let binCount: UnsafeMutableBufferPointer<Int32>
    let binWeight: UnsafeMutableBufferPointer<Double>   // classification: 256 × classes; regression: 256 × 2 (w, w·y)
    let leftStat: UnsafeMutableBufferPointer<Double>
    let nodeStat: UnsafeMutableBufferPointer<Double>
    let nodeValue: UnsafeMutableBufferPointer<Float>
    var featureOrder: [Int]
    var nodeWeight = 0.0

    /// Small nodes sort their codes instead of filling a 256-bin histogram.
    static let sortBelow = 96
    /// Nodes with fewer rows read codes from the row-major copy when there is one (their rows' codes then fit in
    /// L2 and serve the node's whole subtree); larger nodes read columns, which their many rows traverse nearly in order.
    static let rowMajorBelow = 2048

    /// A builder for trees on `data`.
    public init(data: BinnedRows, options: TreeOptions) {
        self.data = data
        self.options = options
        self.isRegression = data.labels == nil
        self.hasRowCodes = data.rowCodes != nil
        self.classes = data.outputs
        let stride = isRegression ? 2 : classes
        index = .allocate(capacity: max(1, data.rows))
        scratch = .allocate(capacity: max(1, data.rows))
        keys = .allocate(capacity: max(1, data.rows))
        binCount = .allocate(capacity: 256)
        binCount.initialize(repeating: 0)
        binWeight = .allocate(capacity: 256 * stride)
        binWeight.initialize(repeating: 0)
        leftStat = .allocate(capacity: max(stride, 3))
        nodeStat = .allocate(capacity: max(stride, 3))
        nodeValue = .allocate(capacity: classes)
        featureOrder = Array(0..<data.features)
    }

    deinit {
        index.deallocate(); scratch.deallocate(); keys.deallocate(); binCount.deallocate()
        binWeight.deallocate(); leftStat.deallocate(); nodeStat.deallocate(); nodeValue.deallocate()
    }

    private struct Pending {
        var start: Int, end: Int, depth: Int, parent: Int, isLeft: Bool
    }

    private struct Split {
        var feature = -1
        var cost = Double.infinity
        var leftBin = 0
        var rightBin = 0
    }

    /// Grows a tree on the rows `rows` (distinct indices) with per-row `weights` (indexed by row; nil = 1),
    /// adding each split's weighted impurity decrease to `importance[feature]`.
    public func grow(rows: [Int32], weights: UnsafeBufferPointer<Double>?, generator: inout SeededGenerator,
                     importance: inout [Double]) -> TreeModel {
        var tree = TreeModel(outputs: classes)
        let n = rows.count
        guard n > 0 else { return tree }
        for (i, r) in rows.enumerated() { index[i] = r }
        // Every tree starts from the same feature order, so a tree depends only on its generator.
        for f in 0..<featureOrder.count { featureOrder[f] = f }
        var stack = [Pending(start: 0, end: n, depth: 0, parent: -1, isLeft: true)]
        let features = data.features
        let msl = options.minSamplesLeaf
        let rowCodes = data.rowCodes ?? []
        data.codes.withUnsafeBufferPointer { codes in
          rowCodes.withUnsafeBufferPointer { rowMajor in
            while let job = stack.popLast() {
                let count = job.end - job.start
                let (w, impurity) = nodeStatistics(job.start, job.end, weights)
                let node = tree.appendNode(value: UnsafeBufferPointer(nodeValue), impurity: impurity, samples: count)
                if job.parent >= 0 {
                    if job.isLeft { tree.left[job.parent] = Int32(node) } else { tree.right[job.parent] = Int32(node) }
                }
                var isLeaf = count < options.minSamplesSplit || count < 2 * msl || impurity <= Double.ulpOfOne
                if let maxDepth = options.maxDepth, job.depth >= maxDepth { isLeaf = true }
                if isLeaf { continue }

                // Draw features without replacement until maxFeatures non-constant ones were examined.
                var best = Split()
                var examined = 0, drawn = 0
                while examined < options.maxFeatures, drawn < features {
                    let pick = drawn + (features - drawn > 1 ? generator.nextInt(below: features - drawn) : 0)
                    featureOrder.swapAt(drawn, pick)
                    let f = featureOrder[drawn]
                    drawn += 1
                    let (column, step) = codeColumn(f, count: count, codes, rowMajor)
                    if evaluate(feature: f, column: column, step: step, job.start, job.end, weights, total: w, best: &best) { examined += 1 }
                }
                guard best.feature >= 0 else { continue }

                let (threshold, binThreshold) = splitPoint(best)
                let (column, step) = codeColumn(best.feature, count: count, codes, rowMajor)
                let mid = partition(job.start, job.end, column: column, step: step, bin: binThreshold)
                // Weighted impurity decrease: W·imp − (W_L·imp_L + W_R·imp_R), in the criterion's units.
                let decrease = w * impurity - childWeightedImpurity(best.cost)
                importance[best.feature] += max(0, decrease)
                tree.setSplit(node, feature: best.feature, threshold: threshold, bin: binThreshold, left: -1, right: -1)
                // Right pushed first so the left child is numbered next (pre-order, as scikit-learn).
                stack.append(Pending(start: mid, end: job.end, depth: job.depth + 1, parent: node, isLeft: false))
                stack.append(Pending(start: job.start, end: mid, depth: job.depth + 1, parent: node, isLeft: true))
            }
          }
        }
        return tree
    }

    /// Where feature `f`'s code of row `r` is: `column[r * step]`, in the row-major copy for small nodes.
    @inline(__always)
    private func codeColumn(_ f: Int, count: Int, _ codes: UnsafeBufferPointer<UInt8>,
                            _ rowMajor: UnsafeBufferPointer<UInt8>) -> (UnsafePointer<UInt8>, Int) {
        // An empty buffer (no copy) may still have a base address, so the copy's presence is asked of `data`.
        if count < Self.rowMajorBelow, hasRowCodes, let base = rowMajor.baseAddress { return (base + f, data.features) }
        return (codes.baseAddress! + f * data.rows, 1)
    }

    /// The split's cost is `Σ_children W·imp` up to a criterion constant; turn it back into impurity units.
    private func childWeightedImpurity(_ cost: Double) -> Double {
        switch options.criterion {
        case .gini: return cost
        case .entropy: return cost / M_LN2
        case .squaredError: return nodeStat[2] + cost  // Σw·y² − Σ_children S²/W
        }
    }

    /// Fills `nodeValue` and `nodeStat` (class weights, or W, S, Σw·y²) and returns (W, impurity).
    private func nodeStatistics(_ start: Int, _ end: Int, _ weights: UnsafeBufferPointer<Double>?) -> (Double, Double) {
        if isRegression {
            var sw = 0.0, sy = 0.0, syy = 0.0
            data.targets!.withUnsafeBufferPointer { y in
                for i in start..<end {
                    let r = Int(index[i]), wr = (weights?[r] ?? 1), v = Double(y[r])
                    sw += wr; sy += wr * v; syy += wr * v * v
                }
            }
            nodeStat[0] = sw; nodeStat[1] = sy; nodeStat[2] = syy
            nodeWeight = sw
            nodeValue[0] = Float(sy / sw)
            return (sw, max(0, syy / sw - (sy / sw) * (sy / sw)))
        }
        for k in 0..<classes { nodeStat[k] = 0 }
        data.labels!.withUnsafeBufferPointer { y in
            for i in start..<end {
                let r = Int(index[i])
                nodeStat[Int(y[r])] += (weights?[r] ?? 1)
            }
        }
        var w = 0.0
        for k in 0..<classes { w += nodeStat[k] }
        nodeWeight = w
        var impurity = 0.0
        switch options.criterion {
        case .entropy:
            for k in 0..<classes where nodeStat[k] > 0 { let p = nodeStat[k] / w; impurity -= p * log2(p) }
        default:
            var sq = 0.0
            for k in 0..<classes { sq += nodeStat[k] * nodeStat[k] }
            impurity = 1 - sq / (w * w)
        }
        for k in 0..<classes { nodeValue[k] = Float(nodeStat[k] / w) }
        return (w, impurity)
    }

    /// Best split of `feature` for the node's rows; updates `best` when strictly better. Returns false
    /// when the feature is constant in the node.
    private func evaluate(feature: Int, column: UnsafePointer<UInt8>, step: Int, _ start: Int, _ end: Int,
                          _ weights: UnsafeBufferPointer<Double>?, total: Double, best: inout Split) -> Bool {
        let n = end - start
        if n < Self.sortBelow { return evaluateSorted(feature: feature, column: column, step: step, start, end, weights, best: &best) }
        let stride = isRegression ? 2 : classes
        var lo = 255, hi = 0
        if isRegression {
            data.targets!.withUnsafeBufferPointer { y in
                for i in start..<end {
                    let r = Int(index[i]), c = Int(column[r * step]), wr = (weights?[r] ?? 1)
                    binCount[c] += 1
                    binWeight[2 * c] += wr
                    binWeight[2 * c + 1] += wr * Double(y[r])
                    if c < lo { lo = c }
                    if c > hi { hi = c }
                }
            }
        } else {
            var range: (Int32, Int32) = (255, 0)
            data.labels!.withUnsafeBufferPointer { y in
                withUnsafeMutableBytes(of: &range) { bounds in
                    pipeline_class_histogram(column, step, index.baseAddress! + start, n, y.baseAddress!, weights?.baseAddress, stride,
                                             binCount.baseAddress!, binWeight.baseAddress!, bounds.baseAddress!.assumingMemoryBound(to: Int32.self))
                }
            }
            lo = Int(range.0); hi = Int(range.1)
        }
        defer {
            for b in lo...hi { binCount[b] = 0 }
            for j in (lo * stride)..<((hi + 1) * stride) { binWeight[j] = 0 }
        }
        if lo == hi { return false }
        var scan = Scan(builder: self)
        var prev = lo
        scan.add(bin: lo)
        for b in (lo + 1)...hi where binCount[b] > 0 {
            scan.candidate(feature: feature, leftBin: prev, rightBin: b, n: n, best: &best)
            scan.add(bin: b)
            prev = b
        }
        return true
    }

    /// The small-node path: sort (code, position) keys and scan rows in code order.
    private func evaluateSorted(feature: Int, column: UnsafePointer<UInt8>, step: Int, _ start: Int, _ end: Int,
                                _ weights: UnsafeBufferPointer<Double>?, best: inout Split) -> Bool {
        let n = end - start
        var lo = 255, hi = 0
        for i in 0..<n {
            let c = UInt32(column[Int(index[start + i]) * step])
            keys[i] = c << 24 | UInt32(i)
            lo = min(lo, Int(c)); hi = max(hi, Int(c))
        }
        if lo == hi { return false }
        var sorted = UnsafeMutableBufferPointer(rebasing: keys[0..<n])
        sorted.sort()
        var scan = Scan(builder: self)
        var prev = Int(sorted[0] >> 24)
        for j in 0..<n {
            let code = Int(sorted[j] >> 24)
            if code != prev {
                scan.candidate(feature: feature, leftBin: prev, rightBin: code, n: n, best: &best)
                prev = code
            }
            let r = Int(index[start + Int(sorted[j] & 0xFF_FFFF)])
            scan.add(row: r, weight: (weights?[r] ?? 1))
        }
        return true
    }

    /// Threshold and bin threshold for a chosen split between non-empty bins `leftBin` < `rightBin`.
    private func splitPoint(_ split: Split) -> (Double, UInt8) {
        let values = data.bins.values[split.feature]
        if values.isEmpty { return (data.bins.edges[split.feature][split.leftBin], UInt8(split.leftBin)) }
        let t = FeatureBins.midpoint(values[split.leftBin], values[split.rightBin])
        var bin = split.leftBin
        while bin + 1 < split.rightBin, Double(values[bin + 1]) <= t { bin += 1 }
        return (t, UInt8(bin))
    }

    /// Stable partition of `index[start..<end]`: codes ≤ `bin` first. Returns the first right position.
    private func partition(_ start: Int, _ end: Int, column: UnsafePointer<UInt8>, step: Int, bin: UInt8) -> Int {
        var l = start, r = 0
        for i in start..<end {
            let row = index[i]
            if column[Int(row) * step] <= bin { index[l] = row; l += 1 } else { scratch[r] = row; r += 1 }
        }
        for j in 0..<r { index[l + j] = scratch[j] }
        return l
    }

    /// Running left-side statistics while scanning candidate thresholds of one feature.
    private struct Scan {
        let b: CARTBuilder
        var leftW = 0.0, leftN = 0
        var leftSq = 0.0, rightSq = 0.0       // gini: Σ c², per side
        var leftXlogX = 0.0, rightXlogX = 0.0 // entropy: Σ c ln c, per side
        var leftS = 0.0                        // regression: Σ w·y on the left

        init(builder: CARTBuilder) {
            b = builder
            for k in 0..<max(builder.classes, 2) { builder.leftStat[k] = 0 }
            if !builder.isRegression {
                for k in 0..<builder.classes {
                    let c = builder.nodeStat[k]
                    rightSq += c * c
                    if c > 0 { rightXlogX += c * log(c) }
                }
            }
        }

        @inline(__always) mutating func move(classIndex k: Int, weight w: Double) {
            let l = b.leftStat[k], r = b.nodeStat[k] - l
            switch b.options.criterion {
            case .entropy:
                let nl = l + w, nr = max(0, r - w)
                leftXlogX += nl * log(nl) - (l > 0 ? l * log(l) : 0)
                rightXlogX += (nr > 0 ? nr * log(nr) : 0) - (r > 0 ? r * log(r) : 0)
            default:
                leftSq += 2 * l * w + w * w
                rightSq += -2 * r * w + w * w
            }
            b.leftStat[k] = l + w
        }

        mutating func add(bin: Int) {
            leftN += Int(b.binCount[bin])
            if b.isRegression {
                leftW += b.binWeight[2 * bin]
                leftS += b.binWeight[2 * bin + 1]
                return
            }
            let base = bin * b.classes
            for k in 0..<b.classes {
                let w = b.binWeight[base + k]
                if w != 0 { leftW += w; move(classIndex: k, weight: w) }
            }
        }

        mutating func add(row: Int, weight: Double) {
            leftN += 1
            leftW += weight
            if b.isRegression {
                leftS += weight * Double(b.data.targets![row])
            } else {
                move(classIndex: Int(b.data.labels![row]), weight: weight)
            }
        }

        @inline(__always) mutating func candidate(feature: Int, leftBin: Int, rightBin: Int, n: Int, best: inout Split) {
            let msl = b.options.minSamplesLeaf
            guard leftN >= msl, n - leftN >= msl else { return }
            let rightW = b.nodeWeight - leftW
            guard leftW > 0, rightW > 0 else { return }
            let cost: Double
            switch b.options.criterion {
            case .gini: cost = (leftW - leftSq / leftW) + (rightW - rightSq / rightW)
            case .entropy: cost = (leftW * log(leftW) - leftXlogX) + (rightW * log(rightW) - rightXlogX)
            case .squaredError:
                let rightS = b.nodeStat[1] - leftS
                cost = -(leftS * leftS / leftW + rightS * rightS / rightW)
            }
            if cost < best.cost {
                best = Split(feature: feature, cost: cost, leftBin: leftBin, rightBin: rightBin)
            }
        }
    }
}
