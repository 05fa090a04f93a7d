// Wrapper and embedded feature selection with linear models: RFE over a ridge classifier, and L1 logistic regression.

import COpenBLAS
import Foundation

/// scikit-learn's `RidgeClassifier(alpha)` fitted on a subset of columns: targets ±1 (one column per class,
/// a single column for two classes), X and targets centred (intercept), `W = (XcᵀXc + αI)⁻¹ XcᵀYc`.
///
/// The centred Gram matrix and `XcᵀYc` are formed once for all columns; a fit on any subset solves the
/// sub-system (centring is per column, so this equals refitting on the subset). This makes recursive
/// elimination cost one d×d Cholesky solve per round instead of a pass over the data.
public struct RidgeGram: Sendable {
    /// Centred Gram matrix of all columns (`d × d`).
    let gram: [Double]
    /// Centred `XᵀY` (`d × t`).
    let xty: [Double]
    /// Columns.
    public let features: Int
    /// Target columns (1 for two classes, else the class count).
    public let targets: Int

    /// Forms the centred statistics of labelled rows.
    public init(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, labels: [Int32], classes: Int) {
        let t = classes == 2 ? 1 : classes
        let mean = columnMeans(x, rows: rows, cols: cols)
        gram = gram_(x, rows: rows, cols: cols, center: mean)
        var y = [Double](repeating: -1, count: rows * t)
        for i in 0..<rows {
            if t == 1 { y[i] = labels[i] == 1 ? 1 : -1 } else { y[i * t + Int(labels[i])] = 1 }
        }
        var yMean = [Double](repeating: 0, count: t)
        for i in 0..<rows { for c in 0..<t { yMean[c] += y[i * t + c] } }
        yMean = yMean.map { $0 / Double(rows) }
        var xty = [Double](repeating: 0, count: cols * t)
        for i in 0..<rows {
            let row = x.baseAddress! + i * cols
            for j in 0..<cols {
                let xc = Double(row[j]) - mean[j]
                for c in 0..<t { xty[j * t + c] += xc * (y[i * t + c] - yMean[c]) }
            }
        }
        self.xty = xty
        features = cols
        targets = t
    }

    /// Coefficients (`targets × subset.count`, row-major, as `coef_`) of a fit on the columns `subset`.
    public func coefficients(subset: [Int], alpha: Double) throws -> [Double] {
        let d = subset.count, t = targets
        var a = [Double](repeating: 0, count: d * d)
        var b = [Double](repeating: 0, count: d * t)
        for (p, i) in subset.enumerated() {
            for (q, j) in subset.enumerated() { a[p * d + q] = gram[i * features + j] }
            a[p * d + p] += alpha
            for c in 0..<t { b[p * t + c] = xty[i * t + c] }
        }
        let info = a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                LAPACKE_dposv(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(d), Int32(t), pa.baseAddress, Int32(d), pb.baseAddress, Int32(t))
            }
        }
        guard info == 0 else { throw FeatureError("ridge system is singular (dposv info \(info)); use alpha > 0") }
        var coef = [Double](repeating: 0, count: t * d)
        for p in 0..<d { for c in 0..<t { coef[c * d + p] = b[p * t + c] } }
        return coef
    }

    /// Recursive feature elimination (`RFE(RidgeClassifier(alpha), n_features_to_select, step)`): refit on the
    /// remaining columns, rank them by `Σ_class coef²`, drop the `step` lowest (stable ascending order), until
    /// `keep` remain. Returns the kept columns (ascending) and the ranking (1 = kept, larger = dropped earlier).
    public func eliminate(keep: Int, step: Int, alpha: Double) throws -> (selected: [Int], ranking: [Int]) {
        var remaining = Array(0..<features)
        var ranking = [Int](repeating: 1, count: features)
        var rounds: [[Int]] = []
        while remaining.count > keep {
            let coef = try coefficients(subset: remaining, alpha: alpha)
            let d = remaining.count
            let importance = (0..<d).map { p in (0..<targets).reduce(0.0) { $0 + coef[$1 * d + p] * coef[$1 * d + p] } }
            let order = importance.indices.sorted { importance[$0] < importance[$1] || (importance[$0] == importance[$1] && $0 < $1) }
            let drop = Set(order.prefix(min(step, d - keep)).map { remaining[$0] })
            rounds.append(Array(drop))
            remaining = remaining.filter { !drop.contains($0) }
        }
        for (round, dropped) in rounds.enumerated() { for j in dropped { ranking[j] = rounds.count - round + 1 } }
        return (remaining, ranking)
    }
}

private func gram_(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, center: [Double]) -> [Double] {
    // In double: the ridge solve is sensitive to the Gram matrix's rounding when alpha is small.
    var g = [Double](repeating: 0, count: cols * cols)
    var centered = [Double](repeating: 0, count: rows * cols)
    for i in 0..<rows { for j in 0..<cols { centered[i * cols + j] = Double(x[i * cols + j]) - center[j] } }
    centered.withUnsafeBufferPointer { c in
        g.withUnsafeMutableBufferPointer { pg in
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(cols), Int32(rows), 1, c.baseAddress, Int32(cols), 0, pg.baseAddress, Int32(cols))
        }
    }
    for i in 0..<cols { for j in 0..<i { g[i * cols + j] = g[j * cols + i] } }
    return g
}

/// L1-penalised logistic regression fitted by FISTA (accelerated proximal gradient), minimising
/// `C · Σ_i logloss_i + ‖W‖₁` with an unpenalised intercept — the objective of scikit-learn's
/// `LogisticRegression(penalty="l1", C=C)`: binary (sigmoid, one weight row) for two classes, multinomial
/// (softmax, one row per class) otherwise. Step 1/L with L bounding the Lipschitz constant of the mean loss
/// (`‖[X 1]‖₂² / n`, times ½ for softmax, ¼ for sigmoid); stops when no coefficient moves more than `tolerance`.
public struct L1Logistic: Sendable, Equatable {
    /// Weights, `rowsOfW × features` (1 row for two classes).
    public let coefficients: [Double]
    /// Intercepts per weight row.
    public let intercepts: [Double]
    /// Columns.
    public let features: Int
    /// Iterations run.
    public let iterations: Int

    /// `‖column‖₁` of the coefficient matrix per feature (SelectFromModel's importance for 2-D `coef_`, plain |w| for 1-D).
    public var importance: [Double] {
        let t = intercepts.count
        return (0..<features).map { j in (0..<t).reduce(0.0) { $0 + abs(coefficients[$1 * features + j]) } }
    }

    /// Fits on labelled rows.
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows n: Int, cols d: Int, labels: [Int32], classes: Int, c: Double,
                           maxIterations: Int = 5000, tolerance: Double = 1e-7) -> L1Logistic {
        let binary = classes == 2
        let t = binary ? 1 : classes
        let xd = (0..<(n * d)).map { Double(x[$0]) }
        // Largest eigenvalue of [X 1]ᵀ[X 1] by power iteration (Gram of size (d+1)², 100 rounds).
        let lipschitzRaw = largestEigenvalue(xd, rows: n, cols: d)
        let lipschitz = lipschitzRaw / Double(n) * (binary ? 0.25 : 0.5)
        let stepSize = 1 / max(lipschitz, 1e-12)
        let lambda = 1 / (c * Double(n))  // per-sample scaling of the penalty
        var w = [Double](repeating: 0, count: t * (d + 1))  // last column per row is the intercept
        var z = w, previous = w
        var momentum = 1.0
        var gradient = [Double](repeating: 0, count: t * (d + 1))
        var scores = [Double](repeating: 0, count: t)
        var iterations = 0
        for iteration in 1...maxIterations {
            iterations = iteration
            for i in 0..<gradient.count { gradient[i] = 0 }
            for i in 0..<n {
                let row = i * d
                for r in 0..<t {
                    var s = z[r * (d + 1) + d]
                    for j in 0..<d { s += z[r * (d + 1) + j] * xd[row + j] }
                    scores[r] = s
                }
                let y = Int(labels[i])
                if binary {
                    let p = 1 / (1 + Foundation.exp(-scores[0]))
                    let g = p - (y == 1 ? 1 : 0)
                    for j in 0..<d { gradient[j] += g * xd[row + j] }
                    gradient[d] += g
                } else {
                    let m = scores.max()!
                    var sum = 0.0
                    for r in 0..<t { scores[r] = Foundation.exp(scores[r] - m); sum += scores[r] }
                    for r in 0..<t {
                        let g = scores[r] / sum - (r == y ? 1 : 0)
                        for j in 0..<d { gradient[r * (d + 1) + j] += g * xd[row + j] }
                        gradient[r * (d + 1) + d] += g
                    }
                }
            }
            previous = w
            var change = 0.0
            for r in 0..<t {
                for j in 0...d {
                    let index = r * (d + 1) + j
                    var v = z[index] - stepSize * gradient[index] / Double(n)
                    if j < d { v = v > 0 ? max(0, v - stepSize * lambda) : min(0, v + stepSize * lambda) }
                    w[index] = v
                    change = max(change, abs(v - previous[index]))
                }
            }
            let nextMomentum = (1 + (1 + 4 * momentum * momentum).squareRoot()) / 2
            for i in 0..<w.count { z[i] = w[i] + (momentum - 1) / nextMomentum * (w[i] - previous[i]) }
            momentum = nextMomentum
            if change < tolerance { break }
        }
        var coefficients = [Double](repeating: 0, count: t * d)
        var intercepts = [Double](repeating: 0, count: t)
        for r in 0..<t {
            for j in 0..<d { coefficients[r * d + j] = w[r * (d + 1) + j] }
            intercepts[r] = w[r * (d + 1) + d]
        }
        return L1Logistic(coefficients: coefficients, intercepts: intercepts, features: d, iterations: iterations)
    }

    static func largestEigenvalue(_ x: [Double], rows n: Int, cols d: Int) -> Double {
        let m = d + 1
        var g = [Double](repeating: 0, count: m * m)
        for i in 0..<n {
            for a in 0..<m {
                let va = a < d ? x[i * d + a] : 1
                for b in a..<m { g[a * m + b] += va * (b < d ? x[i * d + b] : 1) }
            }
        }
        for a in 0..<m { for b in 0..<a { g[a * m + b] = g[b * m + a] } }
        var v = [Double](repeating: 1, count: m)
        var lambda = 0.0
        for _ in 0..<200 {
            var next = [Double](repeating: 0, count: m)
            for a in 0..<m { for b in 0..<m { next[a] += g[a * m + b] * v[b] } }
            let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { return 0 }
            lambda = norm / v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            v = next.map { $0 / norm }
        }
        return lambda * 1.01  // power iteration approaches from below; a 1 % margin keeps the step safe
    }
}
