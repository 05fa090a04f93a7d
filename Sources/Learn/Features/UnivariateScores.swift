// Per-feature scores for filter selection: variance, ANOVA F, chi², mutual information (scikit-learn semantics).

import Foundation

/// Univariate feature scores against class labels, each matching the scikit-learn function named.
///
/// All accumulate in `Double`. Inputs are row-major `rows × cols` float matrices and labels `0..<classes`.
public enum UnivariateScores {
    /// Population variance (ddof 0) per column (`VarianceThreshold.variances_`).
    public static func variances(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int) -> [Double] {
        let mean = columnMeans(x, rows: rows, cols: cols)
        var out = [Double](repeating: 0, count: cols)
        out.withUnsafeMutableBufferPointer { v in
            mean.withUnsafeBufferPointer { m in
                for i in 0..<rows {
                    let row = x.baseAddress! + i * cols
                    for j in 0..<cols { let d = Double(row[j]) - m[j]; v[j] += d * d }
                }
            }
            for j in 0..<cols { v[j] /= Double(max(rows, 1)) }
        }
        return out
    }

    /// Per-class sums of each column and class counts.
    static func classSums(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, labels: [Int32], classes: Int) -> (sums: [Double], squares: [Double], counts: [Int]) {
        var sums = [Double](repeating: 0, count: classes * cols)
        var squares = [Double](repeating: 0, count: cols)
        var counts = [Int](repeating: 0, count: classes)
        sums.withUnsafeMutableBufferPointer { s in
            squares.withUnsafeMutableBufferPointer { q in
                for i in 0..<rows {
                    let c = Int(labels[i])
                    counts[c] += 1
                    let row = x.baseAddress! + i * cols, target = s.baseAddress! + c * cols
                    for j in 0..<cols { let v = Double(row[j]); target[j] += v; q[j] += v * v }
                }
            }
        }
        return (sums, squares, counts)
    }

    /// ANOVA F statistic per column (`sklearn.feature_selection.f_classif(X, y)[0]`):
    /// `F = (SS_between / (K − 1)) / (SS_within / (n − K))`; NaN where both are 0, +inf where only SS_within is.
    public static func anovaF(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, labels: [Int32], classes: Int) -> [Double] {
        let (sums, squares, counts) = classSums(x, rows: rows, cols: cols, labels: labels, classes: classes)
        let present = counts.indices.filter { counts[$0] > 0 }
        let k = Double(present.count), n = Double(rows)
        return (0..<cols).map { j in
            var total = 0.0, between = 0.0
            for c in present { total += sums[c * cols + j]; between += sums[c * cols + j] * sums[c * cols + j] / Double(counts[c]) }
            let correction = total * total / n
            let ssTotal = squares[j] - correction
            let ssBetween = between - correction
            let ssWithin = ssTotal - ssBetween
            return (ssBetween / (k - 1)) / (ssWithin / (n - k))
        }
    }

    /// Chi-squared statistic per column of non-negative features (`sklearn.feature_selection.chi2(X, y)[0]`):
    /// observed = per-class column sums, expected = class frequency × column total.
    public static func chiSquared(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, labels: [Int32], classes: Int) throws -> [Double] {
        for i in 0..<(rows * cols) where x[i] < 0 { throw FeatureError("chi2 needs non-negative features; found \(x[i]) in row \(i / cols), column \(i % cols)") }
        let (sums, _, counts) = classSums(x, rows: rows, cols: cols, labels: labels, classes: classes)
        return (0..<cols).map { j in
            var total = 0.0
            for c in 0..<classes { total += sums[c * cols + j] }
            var chi = 0.0
            for c in 0..<classes where counts[c] > 0 {
                let expected = Double(counts[c]) / Double(rows) * total
                let d = sums[c * cols + j] - expected
                chi += d * d / expected
            }
            return chi
        }
    }

    /// Mutual information (nats) between each column and the labels (`mutual_info_classif`).
    ///
    /// Continuous columns use Ross's (2014) k-nearest-neighbour estimator exactly as scikit-learn's
    /// `_compute_mi_cd`: for each sample of a label seen more than once, `r` = distance to its k-th nearest
    /// neighbour of the same label (`k = min(nNeighbors, count − 1)`), `m` = samples of any label closer
    /// than `r`, and `MI = ψ(n) + ⟨ψ(k)⟩ − ⟨ψ(count)⟩ − ⟨ψ(m)⟩`, clipped at 0. scikit-learn first adds noise of
    /// relative size 1e-10 and scales columns to unit variance; neither changes the neighbour counts unless
    /// values tie, so this estimator leaves them out (deterministic; tied values count as at distance 0).
    /// `discrete` columns use the plug-in estimate `Σ p(x,y) ln(p(x,y) / (p(x) p(y)))` (`mutual_info_score`).
    public static func mutualInformation(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, labels: [Int32], classes: Int,
                                         discrete: Bool, neighbors: Int = 3) -> [Double] {
        (0..<cols).map { j in
            let column = (0..<rows).map { Double(x[$0 * cols + j]) }
            return discrete ? discreteMI(column, labels, classes: classes) : continuousMI(column, labels, classes: classes, neighbors: neighbors)
        }
    }

    static func discreteMI(_ values: [Double], _ labels: [Int32], classes: Int) -> Double {
        var joint: [Double: [Int]] = [:]
        for (v, y) in zip(values, labels) { joint[v, default: [Int](repeating: 0, count: classes)][Int(y)] += 1 }
        var labelCounts = [Int](repeating: 0, count: classes)
        for y in labels { labelCounts[Int(y)] += 1 }
        let n = Double(values.count)
        var mi = 0.0
        for key in joint.keys.sorted() {
            let row = joint[key]!
            let px = Double(row.reduce(0, +)) / n
            for c in 0..<classes where row[c] > 0 {
                let pxy = Double(row[c]) / n
                mi += pxy * Foundation.log(pxy / (px * Double(labelCounts[c]) / n))
            }
        }
        return max(0, mi)
    }

    static func continuousMI(_ values: [Double], _ labels: [Int32], classes: Int, neighbors: Int) -> Double {
        var byClass = [[Double]](repeating: [], count: classes)
        for (v, y) in zip(values, labels) { byClass[Int(y)].append(v) }
        for c in 0..<classes { byClass[c].sort() }
        var kept: [Double] = []
        var sumDigammaK = 0.0, sumDigammaCount = 0.0
        var radii: [Double] = []
        for (v, y) in zip(values, labels) {
            let same = byClass[Int(y)]
            guard same.count > 1 else { continue }
            let k = min(neighbors, same.count - 1)
            radii.append(kthNeighborDistance(v, in: same, k: k))
            kept.append(v)
            sumDigammaK += digamma(Double(k))
            sumDigammaCount += digamma(Double(same.count))
        }
        let n = kept.count
        guard n > 0 else { return 0 }
        let sorted = kept.sorted()
        var sumDigammaM = 0.0
        for (v, r) in zip(kept, radii) {
            // Samples strictly closer than r (KDTree.query_radius with nextafter(r, 0)), the sample itself included.
            let lower = lowerBound(sorted, v - r, strict: true), upper = lowerBound(sorted, v + r, strict: false)
            sumDigammaM += digamma(Double(max(1, upper - lower)))
        }
        let nd = Double(n)
        return max(0, digamma(nd) + sumDigammaK / nd - sumDigammaCount / nd - sumDigammaM / nd)
    }

    /// Distance from `v` (one of `sorted`'s elements) to its k-th nearest other element.
    static func kthNeighborDistance(_ v: Double, in sorted: [Double], k: Int) -> Double {
        let position = lowerBound(sorted, v, strict: false)  // the first element equal to v
        var left = position - 1, right = position + 1
        var distance = 0.0
        for _ in 0..<k {
            let dl = left >= 0 ? v - sorted[left] : .infinity
            let dr = right < sorted.count ? sorted[right] - v : .infinity
            if dl <= dr { distance = dl; left -= 1 } else { distance = dr; right += 1 }
        }
        return distance
    }

    /// The number of elements of ascending `sorted` that are `≤ bound` (`strict`) or `< bound` (not `strict`),
    /// so the count inside the open interval (a, b) is `lowerBound(b, strict: false) − lowerBound(a, strict: true)`.
    static func lowerBound(_ sorted: [Double], _ bound: Double, strict: Bool) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if strict ? sorted[mid] <= bound : sorted[mid] < bound { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The digamma function ψ(x) for x > 0 (recurrence to x ≥ 10, then the asymptotic series to x⁻¹⁰; |error| < 1e-13).
    public static func digamma(_ x: Double) -> Double {
        var x = x, result = 0.0
        while x < 10 { result -= 1 / x; x += 1 }
        let f = 1 / (x * x)
        result += Foundation.log(x) - 0.5 / x
            - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
        return result
    }
}

/// Which features a filter keeps.
public enum FeatureSelection {
    /// The `k` best-scoring columns, as scikit-learn's `SelectKBest`: a stable ascending sort of the scores
    /// (NaN as the lowest) and the last `k` kept, so among equal scores later columns win. Sorted indices.
    public static func topK(_ scores: [Double], k: Int) -> [Int] {
        let clean = scores.map { $0.isNaN ? -Double.greatestFiniteMagnitude : $0 }
        let order = clean.indices.sorted { clean[$0] < clean[$1] || (clean[$0] == clean[$1] && $0 < $1) }
        return order.suffix(min(k, scores.count)).sorted()
    }

    /// Columns scoring above the `(100 − percentile)`-th percentile (linear interpolation), ties at the
    /// threshold added in column order up to `⌊n·percentile/100⌋` in all: scikit-learn's `SelectPercentile`.
    public static func percentile(_ scores: [Double], percentile: Double) -> [Int] {
        let clean = scores.map { $0.isNaN ? -Double.greatestFiniteMagnitude : $0 }
        if percentile >= 100 { return Array(clean.indices) }
        if percentile <= 0 { return [] }
        let sorted = clean.sorted()
        let position = (100 - percentile) / 100 * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(sorted.count - 1, low + 1)
        let threshold = sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
        var keep = clean.indices.filter { clean[$0] > threshold }
        let limit = Int(Double(scores.count) * percentile / 100)
        for j in clean.indices where clean[j] == threshold && keep.count < limit { keep.append(j) }
        return keep.sorted()
    }
}
