// Per-feature bin edges fitted on training rows, and the uint8 codes every tree builder splits on.
//
// Why histograms for every tree here (single CART trees included): a split "x ≤ t" only matters through
// which training rows go left, so with one bin per distinct training value and edges at the midpoints
// between consecutive distinct values, the candidate splits — and the thresholds — are exactly those of
// exact, sort-based CART (scikit-learn's BestSplitter). Features with more distinct values than bins are
// cut at quantiles instead (an approximation, as in LightGBM / HistGradientBoosting). Split search then
// costs O(rows in node + bins) per feature instead of a sort, on one byte per value.

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

    /// Number of bins of `feature` (edges + 1).
    public func bins(_ feature: Int) -> Int { edges[feature].count + 1 }

    /// Fits edges on `rows × columns` row-major values: one bin per distinct value when a feature has at
    /// most `maxBins` of them (edges at midpoints computed like scikit-learn, `a/2 + b/2` in double), else
    /// `maxBins` quantile bins (midpoint percentiles of the values, as HistGradientBoosting's binner).
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, maxBins: Int = 256) -> FeatureBins {
        precondition(maxBins >= 2 && maxBins <= 256, "maxBins must be in 2…256")
        var all = [[Double]](repeating: [], count: columns)
        var exact = [[Float]](repeating: [], count: columns)
        var column = [Float](repeating: 0, count: rows)
        for f in 0..<columns {
            for r in 0..<rows { column[r] = x[r * columns + f] }
            column.sort()
            var distinct: [Float] = []
            distinct.reserveCapacity(min(rows, maxBins + 1))
            var distinctCount = 0
            for (i, v) in column.enumerated() where i == 0 || v != column[i - 1] {
                distinctCount += 1
                if distinctCount <= maxBins { distinct.append(v) }
            }
            var edges: [Double] = []
            if distinctCount <= maxBins {
                for i in 1..<max(1, distinct.count) { edges.append(midpoint(distinct[i - 1], distinct[i])) }
                exact[f] = distinct
            } else {
                // Quantile edges: numpy.percentile(values, linspace(0, 100, maxBins + 1)[1:-1], method="midpoint").
                for q in 1..<maxBins {
                    let position = Double(q) / Double(maxBins) * Double(rows - 1)
                    let lo = Int(position.rounded(.down)), hi = Int(position.rounded(.up))
                    let value = (Double(column[lo]) + Double(column[hi])) / 2
                    if edges.last.map({ value > $0 }) ?? true, value < Double(column[rows - 1]) { edges.append(value) }
                }
            }
            all[f] = edges
        }
        return FeatureBins(edges: all, values: exact)
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
    /// builders scan one feature at a time.
    public func codes(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [UInt8] {
        let columns = features
        var out = [UInt8](repeating: 0, count: rows * columns)
        out.withUnsafeMutableBufferPointer { o in
            for f in 0..<columns {
                edges[f].withUnsafeBufferPointer { e in
                    for r in 0..<rows { o[f * rows + r] = UInt8(Self.lowerBound(e, Double(x[r * columns + f]))) }
                }
            }
        }
        return out
    }
}
