// Leaf-wise (best-first) growth of one gradient-boosting tree over gradient/hessian histograms.

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
    let orderedG: UnsafeMutableBufferPointer<Float>
    let orderedH: UnsafeMutableBufferPointer<Float>
    var pool: [UnsafeMutableBufferPointer<Double>] = []
    var free: [Int] = []
    let chunks: Int
    let minHessian = 1e-3

    init(data: BinnedRows, options: BoostingOptions) {
        self.data = data
        self.options = options
        self.features = data.features
        index = .allocate(capacity: max(1, data.rows))
        scratch = .allocate(capacity: max(1, data.rows))
        orderedG = .allocate(capacity: max(1, data.rows))
        orderedH = .allocate(capacity: max(1, data.rows))
        chunks = min(max(1, data.features), 16)
        for _ in 0...(options.maxLeafNodes + 1) {
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, features * histStride))
            buffer.initialize(repeating: 0)
            pool.append(buffer)
        }
    }

    deinit {
        index.deallocate(); scratch.deallocate(); orderedG.deallocate(); orderedH.deallocate()
        for buffer in pool { buffer.deallocate() }
    }

    struct Leaf {
        var node: Int, start: Int, end: Int, depth: Int
        var g: Double, h: Double
        var hist: Int
        var feature = -1, bin = 0, gain = 0.0
        var leftG = 0.0, leftH = 0.0, leftCount = 0
    }

    /// Grows one tree on `rows` (ascending) with per-row gradients and hessians; adds split gains to `gains`.
    func grow(rows: [Int32], gradients: [Float], hessians: [Float], gains: inout [Double]) -> TreeModel {
        free = Array(0..<pool.count)
        var tree = TreeModel(outputs: 1)
        for (i, r) in rows.enumerated() { index[i] = r }
        var g = 0.0, h = 0.0
        for r in rows { g += Double(gradients[Int(r)]); h += Double(hessians[Int(r)]) }
        let root = leafValue(g, h).withUnsafeBufferPointer { tree.appendNode(value: $0, impurity: 0, samples: rows.count) }
        var rootLeaf = Leaf(node: root, start: 0, end: rows.count, depth: 0, g: g, h: h, hist: free.removeLast())
        gradients.withUnsafeBufferPointer { gp in
            hessians.withUnsafeBufferPointer { hp in buildHistogram(rootLeaf, gp, hp) }
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
            }
        }
        return tree
    }

    private func leafValue(_ g: Double, _ h: Double) -> [Float] {
        [Float(-options.learningRate * g / (h + options.l2))]
    }

    /// Fills the leaf's histogram: per feature, per bin, Σg, Σh and the row count.
    private func buildHistogram(_ leaf: Leaf, _ g: UnsafeBufferPointer<Float>, _ h: UnsafeBufferPointer<Float>) {
        let start = leaf.start, count = leaf.end - leaf.start
        for i in 0..<count {
            let r = Int(index[start + i])
            orderedG[i] = g[r]; orderedH[i] = h[r]
        }
        let hist = SharedPointer(pool[leaf.hist].baseAddress!)
        let n = data.rows, f = features, stride = histStride, chunkCount = chunks
        let idx = SharedPointer(index.baseAddress! + start)
        let og = SharedPointer(orderedG.baseAddress!), oh = SharedPointer(orderedH.baseAddress!)
        data.codes.withUnsafeBufferPointer { codes in
            let codesBase = SharedPointer(codes.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                for feature in (chunk * f / chunkCount)..<((chunk + 1) * f / chunkCount) {
                    let column = codesBase.base + feature * n
                    let hb = hist.base + feature * stride
                    for j in 0..<stride { hb[j] = 0 }
                    for i in 0..<count {
                        let b = Int(column[Int(idx[i])]) * 3
                        hb[b] += Double(og[i])
                        hb[b + 1] += Double(oh[i])
                        hb[b + 2] += 1
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
        let binCounts = (0..<features).map { data.bins.bins($0) }
        let stride = histStride
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
