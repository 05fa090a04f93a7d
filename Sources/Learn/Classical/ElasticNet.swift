import Foundation

/// Lasso and elastic net by cyclic coordinate descent, as scikit-learn's `ElasticNet` / `Lasso`
/// (`enet_coordinate_descent`): minimises
///
///     1/(2n)·||y − Xw − b||² + α·ρ·||w||₁ + α·(1 − ρ)/2·||w||²      (ρ = l1_ratio)
///
/// with the intercept fitted by centring, stopping when the duality gap falls below `tol·||y||²`
/// (checked whenever the largest coordinate change is below `tol·max|w|`), or after `maxIterations` sweeps.
public struct ElasticNetProblem: Sendable {
    let design: DesignMatrix
    let y: [Double]
    let yMean: Double
    let columnNorms: [Double]

    /// Prepares centred columns and their squared norms.
    public init(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, y: [Double], fitIntercept: Bool) {
        let design = DesignMatrix(x, rows: rows, columns: columns, center: fitIntercept)
        self.design = design
        let offset = fitIntercept ? mean(y) : 0
        yMean = offset
        self.y = y.map { $0 - offset }
        var norms = [Double](repeating: 0, count: columns)
        design.values.withUnsafeBufferPointer { v in
            for j in 0..<columns {
                var s = 0.0
                for r in 0..<rows { s += v[j * rows + r] * v[j * rows + r] }
                norms[j] = s
            }
        }
        columnNorms = norms
    }

    /// The largest α worth fitting: every coefficient is zero at and above it (`max|Xᵀy| / (n·ρ)`).
    public func alphaMax(l1Ratio: Double) -> Double {
        let n = design.rows
        var best = 0.0
        design.values.withUnsafeBufferPointer { v in
            for j in 0..<design.columns {
                var s = 0.0
                for r in 0..<n { s += v[j * n + r] * y[r] }
                best = max(best, abs(s))
            }
        }
        return best / (Double(n) * max(l1Ratio, 1e-3))
    }

    /// scikit-learn's default path: `count` values from `alphaMax` down to `eps·alphaMax`, log-spaced, descending.
    public func defaultAlphas(l1Ratio: Double, count: Int, eps: Double = 1e-3) -> [Double] {
        let top = alphaMax(l1Ratio: l1Ratio)
        guard count > 1, top > 0 else { return [top] }
        let lo = log10(top * eps), hi = log10(top)
        return (0..<count).map { pow(10, hi - (hi - lo) * Double($0) / Double(count - 1)) }
    }

    /// Fits one α, starting from `warmStart` coefficients (zeros when nil).
    public func fit(alpha: Double, l1Ratio: Double, tol: Double, maxIterations: Int, warmStart: [Double]? = nil) -> LinearFit {
        let n = design.rows, p = design.columns
        let l1 = alpha * l1Ratio * Double(n), l2 = alpha * (1 - l1Ratio) * Double(n)
        var w = warmStart ?? [Double](repeating: 0, count: p)
        var residual = y
        let yNorm2 = y.reduce(0) { $0 + $1 * $1 }
        let tolerance = tol * yNorm2
        var sweeps = 0
        design.values.withUnsafeBufferPointer { v in
            residual.withUnsafeMutableBufferPointer { res in
                // R = y − Xw for the warm start.
                for j in 0..<p where w[j] != 0 {
                    for r in 0..<n { res[r] -= v[j * n + r] * w[j] }
                }
                while sweeps < maxIterations {
                    sweeps += 1
                    var maxChange = 0.0, maxWeight = 0.0
                    for j in 0..<p where columnNorms[j] != 0 {
                        let old = w[j]
                        let column = v.baseAddress! + j * n
                        var dot = 0.0
                        for r in 0..<n { dot += column[r] * res[r] }
                        let tmp = dot + old * columnNorms[j]
                        let new = tmp.sign == .minus ? -max(-tmp - l1, 0) / (columnNorms[j] + l2) : max(tmp - l1, 0) / (columnNorms[j] + l2)
                        if new != old {
                            let delta = new - old
                            for r in 0..<n { res[r] -= column[r] * delta }
                            w[j] = new
                        }
                        maxChange = max(maxChange, abs(new - old))
                        maxWeight = max(maxWeight, abs(new))
                    }
                    if maxWeight == 0 || maxChange / maxWeight < tol || sweeps == maxIterations {
                        if dualityGap(w: w, residual: UnsafeBufferPointer(res), l1: l1, l2: l2, v: v) < tolerance { break }
                    }
                }
            }
        }
        return LinearFit(coef: w, intercept: yMean - zip(design.means, w).map(*).reduce(0, +), iterations: sweeps)
    }

    private func dualityGap(w: [Double], residual: UnsafeBufferPointer<Double>, l1: Double, l2: Double, v: UnsafeBufferPointer<Double>) -> Double {
        let n = design.rows
        var dualNorm = 0.0
        for j in 0..<design.columns {
            var s = 0.0
            for r in 0..<n { s += v[j * n + r] * residual[r] }
            dualNorm = max(dualNorm, abs(s - l2 * w[j]))
        }
        var rNorm2 = 0.0, ry = 0.0
        for r in 0..<n { rNorm2 += residual[r] * residual[r]; ry += residual[r] * y[r] }
        let wNorm2 = w.reduce(0) { $0 + $1 * $1 }, l1Norm = w.reduce(0) { $0 + abs($1) }
        var gap: Double, scale: Double
        if dualNorm > l1 {
            scale = l1 / dualNorm
            gap = 0.5 * (rNorm2 + rNorm2 * scale * scale)
        } else {
            scale = 1
            gap = rNorm2
        }
        gap += l1 * l1Norm - scale * ry + 0.5 * l2 * (1 + scale * scale) * wNorm2
        return gap
    }
}

/// Mean squared error of a linear fit on row-major float features.
public func meanSquaredError(_ fit: LinearFit, _ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, y: [Double]) -> Double {
    guard rows > 0 else { return 0 }
    var total = 0.0
    for r in 0..<rows {
        var prediction = fit.intercept
        for c in 0..<columns { prediction += Double(x[r * columns + c]) * fit.coef[c] }
        total += (y[r] - prediction) * (y[r] - prediction)
    }
    return total / Double(rows)
}
