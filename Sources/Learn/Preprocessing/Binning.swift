// Bin edges and bin lookup for discretisation (scikit-learn's KBinsDiscretizer).

/// Bin edges of one column's NaN-free training `values` (scikit-learn `KBinsDiscretizer`):
/// - `uniform`: `bins + 1` equally spaced edges from min to max (`numpy.linspace`);
/// - `quantile`: the linear-interpolation percentiles at `linspace(0, 100, bins + 1)` (`quantile_method="linear"`),
///   with edges closer than 1e-8 to the previous one removed (fewer bins).
/// A constant column gets the edges [−∞, +∞] (one bin). Precondition: `values` not empty, `bins ≥ 1`.
public func binEdges(_ values: [Double], bins: Int, quantile: Bool) -> [Double] {
    let sorted = values.sorted()
    let lo = sorted.first!, hi = sorted.last!
    if lo == hi { return [-.infinity, .infinity] }
    if !quantile {
        // numpy.linspace: start + i·step, with the last value exactly `stop`.
        let step = (hi - lo) / Double(bins)
        return (0...bins).map { $0 == bins ? hi : lo + Double($0) * step }
    }
    let levels = (0...bins).map { $0 == bins ? 100.0 : Double($0) * (100.0 / Double(bins)) }
    var edges: [Double] = []
    for level in levels {
        let edge = linearPercentile(sorted: sorted, level)
        if let last = edges.last, edge - last <= 1e-8 { continue }
        edges.append(edge)
    }
    return edges
}

/// The bin of `x` for `edges` (`numpy.searchsorted(edges[1:-1], x, side="right")`): the number of inner edges
/// ≤ x, so values below the first edge fall in bin 0 and above the last in the last bin. NaN stays NaN.
public func binIndex(_ x: Double, edges: [Double]) -> Double {
    if x.isNaN { return .nan }
    var count = 0
    if edges.count > 2 {
        for edge in edges[1..<(edges.count - 1)] where edge <= x { count += 1 }
    }
    return Double(count)
}
