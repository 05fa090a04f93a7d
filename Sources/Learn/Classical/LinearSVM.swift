import COpenBLAS

/// Linear SVM by dual coordinate descent (Hsieh et al. 2008; liblinear's `solve_l2r_l1l2_svc`, which
/// scikit-learn's `LinearSVC(dual=True)` calls): minimises `½||w||² + C·Σ loss(yᵢ·wᵀxᵢ)` with the hinge or
/// squared hinge loss. As in liblinear, the intercept is a weight on a constant feature of value
/// `interceptScaling` (so it is penalised). Coordinates are visited in a fresh random permutation each
/// sweep (from the given generator); the run stops when the projected-gradient spread is below `tol`.
public struct LinearSVMProblem: Sendable {
    /// Loss on the margin.
    public enum Loss: String, Sendable { case hinge, squaredHinge = "squared_hinge" }

    let x: [Double]
    let rows: Int
    let columns: Int
    let squaredNorms: [Double]
    let interceptScaling: Double?

    /// Prepares rows (Double copies) and their squared norms (including the constant feature).
    public init(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, interceptScaling: Double?) {
        self.x = x.map(Double.init)
        self.rows = rows
        self.columns = columns
        self.interceptScaling = interceptScaling
        let bias = interceptScaling.map { $0 * $0 } ?? 0
        squaredNorms = (0..<rows).map { r in
            var s = bias
            for c in 0..<columns { s += Double(x[r * columns + c]) * Double(x[r * columns + c]) }
            return s
        }
    }

    /// Solves the binary problem with labels `y` (±1). Returns weights (`columns`), the intercept
    /// (`w_bias·interceptScaling`, 0 without one), sweeps used and whether it converged.
    public func fit(y: [Double], c: Double, loss: Loss, tol: Double, maxIterations: Int,
                    generator: inout SeededGenerator) -> (coef: [Double], intercept: Double, iterations: Int, converged: Bool) {
        let n = rows, d = columns
        let upper = loss == .hinge ? c : Double.infinity
        let diagonal = loss == .hinge ? 0 : 1 / (2 * c)
        var alpha = [Double](repeating: 0, count: n)
        var w = [Double](repeating: 0, count: d)
        var bias = 0.0
        let scaling = interceptScaling ?? 0
        var order = Array(0..<n)
        var sweeps = 0, converged = false
        x.withUnsafeBufferPointer { xb in
            w.withUnsafeMutableBufferPointer { wb in
                while sweeps < maxIterations {
                    sweeps += 1
                    generator.shuffle(&order)
                    var pgMax = -Double.infinity, pgMin = Double.infinity
                    for i in order {
                        let row = xb.baseAddress! + i * d
                        let yi = y[i]
                        let g = yi * (cblas_ddot(Int32(d), row, 1, wb.baseAddress, 1) + bias * scaling) - 1 + diagonal * alpha[i]
                        var pg = 0.0
                        if alpha[i] == 0 { pg = min(g, 0) } else if alpha[i] == upper { pg = max(g, 0) } else { pg = g }
                        pgMax = max(pgMax, pg)
                        pgMin = min(pgMin, pg)
                        if abs(pg) > 1e-12 {
                            let old = alpha[i]
                            let q = squaredNorms[i] + diagonal
                            alpha[i] = min(max(old - g / q, 0), upper)
                            let delta = (alpha[i] - old) * yi
                            cblas_daxpy(Int32(d), delta, row, 1, wb.baseAddress, 1)
                            bias += delta * scaling
                        }
                    }
                    if pgMax - pgMin <= tol { converged = true; break }
                }
            }
        }
        return (w, bias * scaling, sweeps, converged)
    }
}
