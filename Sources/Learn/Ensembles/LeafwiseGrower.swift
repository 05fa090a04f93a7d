// Leaf-wise (best-first) growth of one gradient-boosting tree over gradient/hessian histograms.

import CKernels
import Dispatch
import Foundation

/// Grows boosting trees on binned rows; reuses its buffers across trees. Not thread-safe itself (it
/// parallelises internally over fixed feature chunks).
final class LeafwiseGrower {
    let data: BinnedRows
    let options: BoostingOptions
    let features: Int
    let histStride = 256 * 3          // per feature: (Σg, Σh, count) per bin
    let index: UnsafeMutableBufferPointer<Int32>
    let scratch: UnsafeMutableBufferPointer<Int32>
    let orderedGH: UnsafeMutableBufferPointer<Float>   // the leaf's (g, h) pairs in index order
    let binCounts: [Int]
    var pool: [UnsafeMutableBufferPointer<Double>] = []
    var free: [Int] = []
    let chunks: Int
    let minHessian = 1e-3

    init(data: BinnedRows, options: BoostingOptions) {
        self.data = data.withRowMajorCodes()
        self.options = options
        self.features = data.features
        index = .allocate(capacity: max(1, data.rows))
        scratch = .allocate(capacity: max(1, data.rows))
        orderedGH = .allocate(capacity: max(1, 2 * data.rows))
        chunks = min(max(1, data.features), 16)
        binCounts = (0..<data.features).map { data.bins.bins($0) }
        for _ in 0...(options.maxLeafNodes + 1) {
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, features * histStride))
            buffer.initialize(repeating: 0)
            pool.append(buffer)
        }
    }

    deinit {
        index.deallocate(); scratch.deallocate(); orderedGH.deallocate()
        for buffer in pool { buffer.deallocate() }
    }

    struct Leaf {
        var node: Int, start: Int, end: Int, depth: Int
        var g: Double, h: Double
        var hist: Int
        var feature = -1, bin = 0, gain = 0.0
        var leftG = 0.0, leftH = 0.0, leftCount = 0
    }

    /// Where each leaf's training rows ended up: `rows(of:)` of a leaf range lists them.
    struct LeafRange { var node: Int, start: Int, end: Int }

    /// The final leaves of the last grown tree, with their positions in `index`.
    private(set) var leafRanges: [LeafRange] = []

    /// The training rows of a leaf range of the last grown tree.
    func rows(of range: LeafRange) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(rebasing: UnsafeBufferPointer(index)[range.start..<range.end])
    }

    /// Grows one tree on `rows` (ascending) with per-row gradients and hessians; adds split gains to `gains`.
    /// `root`, when given, is the root's histogram (`features × 256 × (Σg, Σh, count)` over `rows`), already built.
    func grow(rows: [Int32], gradients: [Float], hessians: [Float], root rootHistogram: UnsafePointer<Double>? = nil,
              gains: inout [Double]) -> TreeModel {
        free = Array(0..<pool.count)
        leafRanges.removeAll(keepingCapacity: true)
        var tree = TreeModel(outputs: 1)
        for (i, r) in rows.enumerated() { index[i] = r }
        var g = 0.0, h = 0.0
        for r in rows { g += Double(gradients[Int(r)]); h += Double(hessians[Int(r)]) }
        let root = leafValue(g, h).withUnsafeBufferPointer { tree.appendNode(value: $0, impurity: 0, samples: rows.count) }
        var rootLeaf = Leaf(node: root, start: 0, end: rows.count, depth: 0, g: g, h: h, hist: free.removeLast())
        if let rootHistogram {
            pool[rootLeaf.hist].baseAddress!.update(from: rootHistogram, count: features * histStride)
        } else {
            gradients.withUnsafeBufferPointer { gp in
                hessians.withUnsafeBufferPointer { hp in buildHistogram(rootLeaf, gp, hp) }
            }
        }
        findSplit(&rootLeaf)
        var open = [rootLeaf]
        var leaves = 1
        while leaves < options.maxLeafNodes {
            // Best gain first; ties go to the earlier-created leaf.
            guard let pick = open.indices.filter({ open[$0].feature >= 0 }).max(by: { open[$0].gain < open[$1].gain || (open[$0].gain == open[$1].gain && $0 > $1) })
            else { break }
            let parent = open.remove(at: pick)
            gains[parent.feature] += parent.gain
            let mid = partition(parent)
            let threshold = data.bins.edges[parent.feature].isEmpty ? 0 : data.bins.edges[parent.feature][parent.bin]
            let rightG = parent.g - parent.leftG, rightH = parent.h - parent.leftH
            let l = leafValue(parent.leftG, parent.leftH).withUnsafeBufferPointer { tree.appendNode(value: $0, impurity: 0, samples: mid - parent.start) }
            let r = leafValue(rightG, rightH).withUnsafeBufferPointer { tree.appendNode(value: $0, impurity: 0, samples: parent.end - mid) }
            tree.setSplit(parent.node, feature: parent.feature, threshold: threshold, bin: UInt8(parent.bin), left: l, right: r)
            leaves += 1
            var left = Leaf(node: l, start: parent.start, end: mid, depth: parent.depth + 1, g: parent.leftG, h: parent.leftH, hist: -1)
            var right = Leaf(node: r, start: mid, end: parent.end, depth: parent.depth + 1, g: rightG, h: rightH, hist: -1)
            let canSplit = leaves < options.maxLeafNodes && (options.maxDepth.map { parent.depth + 1 < $0 } ?? true)
            if canSplit {
                // Build the smaller child's histogram; the larger one is the parent's minus it.
                let smallIsLeft = mid - parent.start <= parent.end - mid
                var small = smallIsLeft ? left : right
                small.hist = free.removeLast()
                gradients.withUnsafeBufferPointer { gp in
                    hessians.withUnsafeBufferPointer { hp in buildHistogram(small, gp, hp) }
                }
                subtract(pool[small.hist], from: pool[parent.hist])
                if smallIsLeft { left.hist = small.hist; right.hist = parent.hist } else { right.hist = small.hist; left.hist = parent.hist }
                findSplit(&left)
                findSplit(&right)
                open.append(left)
                open.append(right)
            } else {
                free.append(parent.hist)
                leafRanges.append(LeafRange(node: l, start: left.start, end: left.end))
                leafRanges.append(LeafRange(node: r, start: right.start, end: right.end))
            }
        }
        for leaf in open { leafRanges.append(LeafRange(node: leaf.node, start: leaf.start, end: leaf.end)) }
        return tree
    }

    private func leafValue(_ g: Double, _ h: Double) -> [Float] {
        [Float(-options.learningRate * g / (h + options.l2))]
    }

    /// Fills the leaf's histogram: per feature, per bin, Σg, Σh and the row count, rows added in index order.
    /// Row-wise (LightGBM's row-wise mode): each worker owns a fixed range of features and reads every row's codes
    /// for that range from the row-major copy — one short contiguous read per row instead of one scattered read per
    /// feature, and consecutive adds go to different features' histograms, so they do not wait on each other. Only
    /// each feature's bins are written; entries past them stay zero in every pool buffer.
    private func buildHistogram(_ leaf: Leaf, _ g: UnsafeBufferPointer<Float>, _ h: UnsafeBufferPointer<Float>) {
        let start = leaf.start, count = leaf.end - leaf.start
        for i in 0..<count {
            let r = Int(index[start + i])
            orderedGH[2 * i] = g[r]; orderedGH[2 * i + 1] = h[r]
        }
        let hist = SharedPointer(pool[leaf.hist].baseAddress!)
        let f = features, stride = histStride, chunkCount = chunks
        let idx = SharedPointer(index.baseAddress! + start), gh = SharedPointer(orderedGH.baseAddress!)
        binCounts.withUnsafeBufferPointer { binCountBuffer in
            data.rowCodes!.withUnsafeBufferPointer { codes in
                let codesBase = SharedPointer(codes.baseAddress!), binCounts = SharedPointer(binCountBuffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                    let first = chunk * f / chunkCount, end = (chunk + 1) * f / chunkCount
                    for feature in first..<end {
                        let hb = hist.base + feature * stride
                        for j in 0..<(3 * binCounts[feature]) { hb[j] = 0 }
                    }
                    pipeline_histogram_rows(codesBase.base, f, idx.base, gh.base, count, first, end - first, hist.base, stride)
                }
            }
        }
    }

    /// Root histograms of `k` trees over the same `rows` (one per class of a softmax iteration) in one pass over
    /// the codes: per row, the bin is read once and the `k` classes' (g, h) are added side by side. Output layout:
    /// `out[(c * features + f) * 768 + 3 * bin + (0: Σg, 1: Σh, 2: count)]`, only each feature's bins written (the
    /// caller zero-fills `out` once). Per class and bin, rows are added in `rows` order, as `buildHistogram`
    /// does.
    static func rootHistograms(_ data: BinnedRows, rows: [Int32], gradients: [Float], hessians: [Float], perIteration k: Int,
                               into out: UnsafeMutablePointer<Double>) {
        let m = rows.count, f = data.features, n = data.rows, stride = 256 * 3, width = 2 * k
        var gh = [Float](repeating: 0, count: m * width)
        for (i, r) in rows.enumerated() {
            for c in 0..<k {
                gh[i * width + 2 * c] = gradients[Int(r) * k + c]
                gh[i * width + 2 * c + 1] = hessians[Int(r) * k + c]
            }
        }
        let chunkCount = min(max(1, f), 16)
        let output = SharedPointer(out)
        gh.withUnsafeBufferPointer { ghBuffer in
            rows.withUnsafeBufferPointer { rowBuffer in
                data.codes.withUnsafeBufferPointer { codes in
                    let source = SharedPointer(ghBuffer.baseAddress!), idx = SharedPointer(rowBuffer.baseAddress!)
                    let codesBase = SharedPointer(codes.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                        let sums = UnsafeMutablePointer<Double>.allocate(capacity: 256 * width)
                        let counts = UnsafeMutablePointer<Double>.allocate(capacity: 256)
                        defer { sums.deallocate(); counts.deallocate() }
                        for feature in (chunk * f / chunkCount)..<((chunk + 1) * f / chunkCount) {
                            let bins = data.bins.bins(feature)
                            sums.initialize(repeating: 0, count: bins * width)
                            counts.initialize(repeating: 0, count: bins)
                            let column = codesBase.base + feature * n
                            for i in 0..<m {
                                let bin = Int(column[Int(idx[i])])
                                let target = sums + bin * width, values = source.base + i * width
                                for j in 0..<width { target[j] += Double(values[j]) }
                                counts[bin] += 1
                            }
                            for c in 0..<k {
                                let hb = output.base + (c * f + feature) * stride
                                for bin in 0..<bins {
                                    hb[3 * bin] = sums[bin * width + 2 * c]
                                    hb[3 * bin + 1] = sums[bin * width + 2 * c + 1]
                                    hb[3 * bin + 2] = counts[bin]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private func subtract(_ small: UnsafeMutableBufferPointer<Double>, from parent: UnsafeMutableBufferPointer<Double>) {
        for j in 0..<(features * histStride) { parent[j] -= small[j] }
    }

    /// Best split of the leaf over every feature (gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) > 0).
    private func findSplit(_ leaf: inout Leaf) {
        let count = leaf.end - leaf.start
        leaf.feature = -1
        guard count >= 2 * options.minSamplesLeaf, count >= 2 else { return }
        if let maxDepth = options.maxDepth, leaf.depth >= maxDepth { return }
        let hist = SharedPointer(pool[leaf.hist].baseAddress!)
        let lambda = options.l2, msl = Double(options.minSamplesLeaf), minH = minHessian
        let G = leaf.g, H = leaf.h, total = Double(count)
        let parentScore = G * G / (H + lambda)
        var bestGain = [Double](repeating: 0, count: features), bestBin = [Int](repeating: -1, count: features)
        let stride = histStride, binCounts = self.binCounts
        bestGain.withUnsafeMutableBufferPointer { gainBuffer in
            bestBin.withUnsafeMutableBufferPointer { binBuffer in
                let gainOut = SharedPointer(gainBuffer.baseAddress!), binOut = SharedPointer(binBuffer.baseAddress!)
                let f = features, chunkCount = chunks
                DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                    for feature in (chunk * f / chunkCount)..<((chunk + 1) * f / chunkCount) {
                        let hb = hist.base + feature * stride
                        var gl = 0.0, hl = 0.0, nl = 0.0
                        var best = 0.0, bin = -1
                        for b in 0..<(binCounts[feature] - 1) {
                            gl += hb[3 * b]; hl += hb[3 * b + 1]; nl += hb[3 * b + 2]
                            if nl < msl { continue }
                            if total - nl < msl { break }
                            let hr = H - hl
                            if hl < minH || hr < minH { continue }
                            let gr = G - gl
                            let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentScore
                            if gain > best { best = gain; bin = b }
                        }
                        gainOut[feature] = best
                        binOut[feature] = bin
                    }
                }
            }
        }
        var best = 0.0
        for feature in 0..<features where bestBin[feature] >= 0 && bestGain[feature] > best {
            best = bestGain[feature]
            leaf.feature = feature
            leaf.bin = bestBin[feature]
        }
        guard leaf.feature >= 0 else { return }
        leaf.gain = best
        let hb = hist.base + leaf.feature * histStride
        leaf.leftG = 0; leaf.leftH = 0; leaf.leftCount = 0
        for b in 0...leaf.bin { leaf.leftG += hb[3 * b]; leaf.leftH += hb[3 * b + 1]; leaf.leftCount += Int(hb[3 * b + 2]) }
    }

    /// Stable partition of the leaf's rows by its split; returns the first right position.
    private func partition(_ leaf: Leaf) -> Int {
        var l = leaf.start, r = 0
        data.codes.withUnsafeBufferPointer { codes in
            let column = codes.baseAddress! + leaf.feature * data.rows
            let bin = UInt8(leaf.bin)
            for i in leaf.start..<leaf.end {
                let row = index[i]
                if column[Int(row)] <= bin { index[l] = row; l += 1 } else { scratch[r] = row; r += 1 }
            }
        }
        for j in 0..<r { index[l + j] = scratch[j] }
        return l
    }
}
