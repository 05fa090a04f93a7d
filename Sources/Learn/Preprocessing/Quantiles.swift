// Order statistics over one column, ignoring missing values (NaN), with numpy's default definitions.

/// The non-NaN values of `values`, sorted ascending.
public func sortedObserved(_ values: [Double]) -> [Double] {
    values.filter { !$0.isNaN }.sorted()
}

/// The `q`-th percentile (`q` in [0, 100]) of ascending `sorted` values by linear interpolation between the
/// closest ranks: `numpy.percentile(x, q)` (method "linear"): position `h = q/100 · (n − 1)`,
/// result `x[⌊h⌋] + (h − ⌊h⌋) · (x[⌊h⌋+1] − x[⌊h⌋])`. NaN for an empty list.
public func linearPercentile(sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let h = q / 100 * Double(sorted.count - 1)
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    let fraction = h - Double(lo)
    return sorted[lo] + fraction * (sorted[hi] - sorted[lo])
}

/// The median of ascending `sorted` values (`numpy.median`): the middle value, or the mean of the two middle ones.
public func median(sorted: [Double]) -> Double {
    linearPercentile(sorted: sorted, 50)
}

/// The most frequent value of the non-NaN `values`, ties going to the smallest value (scikit-learn's
/// `SimpleImputer(strategy="most_frequent")`); nil when there is none.
public func mostFrequent(_ values: [Double]) -> Double? {
    let sorted = sortedObserved(values)
    var best: Double?, bestCount = 0
    var index = 0
    while index < sorted.count {
        var end = index
        while end < sorted.count && sorted[end] == sorted[index] { end += 1 }
        if end - index > bestCount { best = sorted[index]; bestCount = end - index }
        index = end
    }
    return best
}

/// Mean and population variance (ddof 0) of the non-NaN values, two-pass in `Double`; nil when there is none.
public func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double)? {
    var sum = 0.0, count = 0
    for v in values where !v.isNaN { sum += v; count += 1 }
    guard count > 0 else { return nil }
    let mean = sum / Double(count)
    var squares = 0.0, deviations = 0.0
    for v in values where !v.isNaN { let d = v - mean; squares += d * d; deviations += d }
    return (mean, (squares - deviations * deviations / Double(count)) / Double(count))
}
