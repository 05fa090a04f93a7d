// Per-feature bin edges fitted on training rows, and the uint8 codes every tree builder splits on.
//
// Why histograms for every tree here (single CART trees included): a split "x ≤ t" only matters through
// which training rows go left, so with one bin per distinct training value and edges at the midpoints
// between consecutive distinct values, the candidate splits — and the thresholds — are exactly those of
// exact, sort-based CART (scikit-learn's BestSplitter). Features with more distinct values than bins are
// cut at quantiles instead (an approximation, as in LightGBM / HistGradientBoosting). Split search then
// costs O(rows in node + bins) per feature instead of a sort, on one byte per value.

import Dispatch
import Foundation

/// Bin edges per feature: code `c` holds the values `x` with `edges[c-1] < x ≤ edges[c]`.
public struct FeatureBins: Sendable, Equatable {
    /// Per feature, ascending split thresholds (at most `maxBins - 1`); a feature with one value has none.
    public let edges: [[Double]]
    /// Per feature, the training value of each bin when the feature has one bin per distinct value
    /// (empty for quantile-binned features); exact CART thresholds are midpoints of these.
    public let values: [[Float]]

    /// Creates bins from explicit edges (and per-bin values for exactly binned features).
    public init(edges: [[Double]], values: [[Float]]) {
        self.edges = edges
        self.values = values
    }

    /// Number of features.
    public var features: Int { edges.count }

    /// Fitting and coding split the features into this many contiguous ranges, run in parallel; each pass reads
    /// a row's slice of its range contiguously, so wide ranges stream the row-major input.
    static let featureChunks = 8

    /// Number of bins of `feature` (edges + 1).
    public func bins(_ feature: Int) -> Int { edges[feature].count + 1 }

    /// Fits edges on `rows × columns` row-major values: one bin per distinct value when a feature has at
    /// most `maxBins` of them (edges at midpoints computed like scikit-learn, `a/2 + b/2` in double), else
    /// `maxBins` quantile bins (percentiles of the values, as HistGradientBoosting's binner).
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, maxBins: Int = 256) -> FeatureBins {
        precondition(maxBins >= 2 && maxBins <= 256, "maxBins must be in 2…256")
        var all = [[Double]](repeating: [], count: columns)
        var exact = [[Float]](repeating: [], count: columns)
        guard rows > 0, columns > 0 else { return FeatureBins(edges: all, values: exact) }
        // Features are independent: fixed feature chunks in parallel, each writing only its own slots.
        all.withUnsafeMutableBufferPointer { allOut in
            exact.withUnsafeMutableBufferPointer { exactOut in
                let edgesOut = SharedPointer(allOut.baseAddress!), valuesOut = SharedPointer(exactOut.baseAddress!)
                let input = SharedPointer(x.baseAddress!)
                let chunks = min(columns, Self.featureChunks)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let first = chunk * columns / chunks, end = (chunk + 1) * columns / chunks
                    let x = UnsafeBufferPointer(start: input.base, count: rows * columns)
                    let counts = smallIntegerCounts(x, rows: rows, columns: columns, features: first..<end)
                    var column: [Float] = []
                    for f in first..<end {
                        let bins: ([Double], [Float])
                        if let count = counts[f - first] {
                            bins = smallIntegerBins(count, rows: rows, maxBins: maxBins)
                        } else {
                            if column.isEmpty { column = [Float](repeating: 0, count: rows) }
                            bins = sortedBins(x, feature: f, rows: rows, columns: columns, maxBins: maxBins, column: &column)
                        }
                        edgesOut[f] = bins.0
                        valuesOut[f] = bins.1
                    }
                }
            }
        }
        return FeatureBins(edges: all, values: exact)
    }

    /// Edges and exact values of one feature from its sorted training values.
    private static func sortedBins(_ x: UnsafeBufferPointer<Float>, feature f: Int, rows: Int, columns: Int, maxBins: Int,
                                   column: inout [Float]) -> ([Double], [Float]) {
        for r in 0..<rows { column[r] = x[r * columns + f] }
        column.sort()
        var distinct: [Float] = []
        distinct.reserveCapacity(min(rows, maxBins + 1))
        var distinctCount = 0
        for (i, v) in column.enumerated() where i == 0 || v != column[i - 1] {
            distinctCount += 1
            if distinctCount <= maxBins { distinct.append(v) }
        }
        if distinctCount <= maxBins { return (exactEdges(distinct), distinct) }
        return (quantileEdges(rows: rows, maxBins: maxBins) { column[$0] }, [])
    }

    /// Per feature in `range`, how often each value 0…255 occurs, when every value of the feature is such a whole
    /// number (uint8 pixels), else nil. One pass over the rows reads each row's slice of the range contiguously.
    private static func smallIntegerCounts(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, features range: Range<Int>) -> [[Int]?] {
        let width = range.count
        var counts = [Int32](repeating: 0, count: width * 256)
        var valid = [Bool](repeating: rows > 0, count: width)
        counts.withUnsafeMutableBufferPointer { c in
            for r in 0..<rows {
                let row = x.baseAddress! + r * columns + range.lowerBound
                for j in 0..<width {
                    let v = row[j]
                    // Rejects NaN, negatives (and −0, whose sign a sort would keep) and fractions.
                    if v >= 0, v <= 255, v.sign == .plus, Float(Int(v)) == v { c[j * 256 + Int(v)] += 1 } else { valid[j] = false }
                }
            }
        }
        return (0..<width).map { j in valid[j] ? counts[(j * 256)..<((j + 1) * 256)].map { Int($0) } : nil }
    }

    /// The same bins as `sortedBins`, from a feature's value counts: the distinct values are the non-zero counts and
    /// the `i`-th smallest value is the first whose cumulative count exceeds `i`.
    private static func smallIntegerBins(_ counts: [Int], rows: Int, maxBins: Int) -> ([Double], [Float]) {
        var distinct: [Float] = []
        for v in 0..<256 where counts[v] > 0 { distinct.append(Float(v)) }
        if distinct.count <= maxBins { return (exactEdges(distinct), distinct) }
        var cumulative = [Int](repeating: 0, count: 256)
        var running = 0
        for v in 0..<256 { running += counts[v]; cumulative[v] = running }
        let sortedValue: (Int) -> Float = { i in
            var lo = 0, hi = 255
            while lo < hi { let mid = (lo + hi) >> 1; if cumulative[mid] > i { hi = mid } else { lo = mid + 1 } }
            return Float(lo)
        }
        return (quantileEdges(rows: rows, maxBins: maxBins, sortedValue), [])
    }

    /// Midpoints between consecutive distinct values.
    private static func exactEdges(_ distinct: [Float]) -> [Double] {
        var edges: [Double] = []
        for i in 1..<max(1, distinct.count) { edges.append(midpoint(distinct[i - 1], distinct[i])) }
        return edges
    }

    /// Quantile edges as scikit-learn's HistGradientBoosting binner (1.9): numpy.percentile(values,
    /// linspace(0, 100, maxBins + 1)[1:-1], method="averaged_inverted_cdf"), given the `i`-th smallest value, with
    /// numpy's arithmetic step for step (virtual index n·q − 1; on a whole index the two neighbours are averaged,
    /// otherwise the upper one is taken). Edges that do not increase or reach the maximum are dropped.
    ///
    /// The method matters beyond matching thresholds: with the older "midpoint" percentiles, 100 iterations of
    /// softmax boosting on Fashion-MNIST grow 20-row leaves of near-zero hessian whose Newton steps diverge, ending
    /// at 0.81 test accuracy instead of 0.90 — ours, and scikit-learn's own fit with those edges patched in.
    private static func quantileEdges(rows: Int, maxBins: Int, _ sorted: (Int) -> Float) -> [Double] {
        var edges: [Double] = []
        let top = Double(sorted(rows - 1))
        let step = 100.0 / Double(maxBins)
        for q in 1..<maxBins {
            let virtual = Double(rows) * (Double(q) * step / 100) - 1
            let floor = virtual.rounded(.down)
            let below = min(max(Int(floor), 0), rows - 1), above = min(max(Int(floor) + 1, 0), rows - 1)
            let a = Double(sorted(below)), b = Double(sorted(above))
            // numpy's lerp at t = 0.5 and t = 1: b − (b − a)·(1 − t).
            let value = virtual == floor ? b - (b - a) * 0.5 : b
            if edges.last.map({ value > $0 }) ?? true, value < top { edges.append(value) }
        }
        return edges
    }

    /// scikit-learn's threshold between two consecutive sorted values: `a/2 + b/2` in double, falling back to
    /// `a` when rounding lands on `b` (so `a` goes left and `b` right).
    public static func midpoint(_ a: Float, _ b: Float) -> Double {
        let t = Double(a) / 2 + Double(b) / 2
        return t == Double(b) || t.isInfinite ? Double(a) : t
    }

    /// The bin of `value` in `feature`: the number of edges below it.
    @inline(__always)
    public func code(_ value: Float, feature: Int) -> UInt8 {
        edges[feature].withUnsafeBufferPointer { e in UInt8(Self.lowerBound(e, Double(value))) }
    }

    @inline(__always)
    static func lowerBound(_ e: UnsafeBufferPointer<Double>, _ v: Double) -> Int {
        var lo = 0, hi = e.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if v <= e[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Codes of `rows × columns` row-major values, column-major (`codes[f * rows + r]`), the layout the
    /// builders scan one feature at a time. Features are coded in parallel (each writes its own column); values that
    /// are whole numbers in 0…255 are looked up in a table of their codes instead of searched.
    public func codes(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [UInt8] {
        let columns = features
        var out = [UInt8](repeating: 0, count: rows * columns)
        guard rows > 0, columns > 0 else { return out }
        out.withUnsafeMutableBufferPointer { o in
            let output = SharedPointer(o.baseAddress!), input = SharedPointer(x.baseAddress!)
            let chunks = min(columns, Self.featureChunks)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let first = chunk * columns / chunks, end = (chunk + 1) * columns / chunks, width = end - first
                var tables = [UInt8](repeating: 0, count: width * 256)
                for f in first..<end {
                    edges[f].withUnsafeBufferPointer { e in
                        for v in 0..<256 { tables[(f - first) * 256 + v] = UInt8(Self.lowerBound(e, Double(v))) }
                    }
                }
                tables.withUnsafeBufferPointer { t in
                    for r in 0..<rows {
                        let row = input.base + r * columns + first
                        for j in 0..<width {
                            let v = row[j]
                            output[(first + j) * rows + r] = v >= 0 && v <= 255 && Float(Int(v)) == v
                                ? t[j * 256 + Int(v)]
                                : edges[first + j].withUnsafeBufferPointer { UInt8(Self.lowerBound($0, Double(v))) }
                        }
                    }
                }
            }
        }
        return out
    }
}
