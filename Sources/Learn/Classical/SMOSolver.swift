/// Sequential minimal optimisation for the SVM dual, as libsvm's `Solver` (Fan, Chen & Lin 2005, working-set
/// selection WSS2 with second-order information):
///
///     min ½·αᵀQα + pᵀα   subject to  yᵀα = const,  0 ≤ αₜ ≤ Cₜ,   Q_ts = y_t·y_s·K(x_t, x_s)
///
/// The variables map onto kernel rows by `t mod rows` (so ε-SVR's 2n variables share n rows). Q rows come from
/// an LRU cache. Unlike libsvm there is no shrinking (documented; the result is the same optimum). Stops when
/// the maximal KKT violation `m(α) − M(α)` is below `eps`.
public enum SMOSolver {
    /// The solution: dual variables, the offset ρ (decision = Σ αₜ·yₜ·K − ρ), iterations, kernel rows computed.
    public struct Solution: Sendable {
        public var alpha: [Double]
        public var rho: Double
        public var iterations: Int
        public var kernelEvaluations: Int
    }

    static let tau = 1e-12

    /// Solves the dual for `y` (±1), linear term `p`, bounds `upper` (one per variable), from α = `start`.
    public static func solve(rows: KernelRows, kernel: Kernel, y: [Double], p: [Double], upper: [Double], start: [Double]? = nil,
                             eps: Double, cacheMegabytes: Double, maxIterations: Int) -> Solution {
        let l = y.count, n = rows.count
        var alpha = start ?? [Double](repeating: 0, count: l)
        var cache = KernelRowCache(rows: l, megabytes: cacheMegabytes)
        var kernelRow = [Double](repeating: 0, count: n)
        let qd: [Double] = (0..<l).map { t in
            let r = t % n
            return kernel.value(dot: rows.squaredNorms[r], normA: rows.squaredNorms[r], normB: rows.squaredNorms[r])
        }
        func qRow(_ t: Int) -> Int {
            cache.slot(t) { out in
                kernelRow.withUnsafeMutableBufferPointer { rows.kernelRow(t % n, kernel: kernel, into: $0) }
                let yt = y[t]
                for s in 0..<l { out[s] = yt * y[s] * kernelRow[s % n] }
            }
        }
        // G = Qα + p.
        var gradient = p
        for t in 0..<l where alpha[t] != 0 {
            let slot = qRow(t)
            for s in 0..<l { gradient[s] += alpha[t] * cache.storage[slot * l + s] }
        }
        @inline(__always) func isUpper(_ t: Int) -> Bool { alpha[t] >= upper[t] }
        @inline(__always) func isLower(_ t: Int) -> Bool { alpha[t] <= 0 }

        var iterations = 0
        while iterations < maxIterations {
            // Select i: maximal violating index among I_up.
            var gMax = -Double.infinity, i = -1
            for t in 0..<l {
                if y[t] == 1 {
                    if !isUpper(t), -gradient[t] >= gMax { gMax = -gradient[t]; i = t }
                } else if !isLower(t), gradient[t] >= gMax { gMax = gradient[t]; i = t }
            }
            guard i >= 0 else { break }
            let slotI = qRow(i)
            // Select j by the second-order gain.
            var gMax2 = -Double.infinity, j = -1, bestGain = Double.infinity
            cache.storage.withUnsafeBufferPointer { storage in
                let qi = storage.baseAddress! + slotI * l
                for t in 0..<l {
                    if y[t] == 1 {
                        guard !isLower(t) else { continue }
                        let diff = gMax + gradient[t]
                        if gradient[t] >= gMax2 { gMax2 = gradient[t] }
                        if diff > 0 {
                            let quad = qd[i] + qd[t] - 2 * y[i] * qi[t]
                            let gain = -(diff * diff) / (quad > 0 ? quad : tau)
                            if gain <= bestGain { j = t; bestGain = gain }
                        }
                    } else {
                        guard !isUpper(t) else { continue }
                        let diff = gMax - gradient[t]
                        if -gradient[t] >= gMax2 { gMax2 = -gradient[t] }
                        if diff > 0 {
                            let quad = qd[i] + qd[t] + 2 * y[i] * qi[t]
                            let gain = -(diff * diff) / (quad > 0 ? quad : tau)
                            if gain <= bestGain { j = t; bestGain = gain }
                        }
                    }
                }
            }
            if gMax + gMax2 < eps || j < 0 { break }
            iterations += 1
            let slotJ = qRow(j)
            // qRow(j) may have evicted row i: fetch it again (a hit unless capacity is 1 row, which init forbids).
            let slotI2 = qRow(i)
            let qij = cache.storage[slotI2 * l + j]
            let ci = upper[i], cj = upper[j]
            let oldI = alpha[i], oldJ = alpha[j]
            if y[i] != y[j] {
                var quad = qd[i] + qd[j] + 2 * qij
                if quad <= 0 { quad = tau }
                let delta = (-gradient[i] - gradient[j]) / quad
                let diff = alpha[i] - alpha[j]
                alpha[i] += delta
                alpha[j] += delta
                if diff > 0 {
                    if alpha[j] < 0 { alpha[j] = 0; alpha[i] = diff }
                } else if alpha[i] < 0 { alpha[i] = 0; alpha[j] = -diff }
                if diff > ci - cj {
                    if alpha[i] > ci { alpha[i] = ci; alpha[j] = ci - diff }
                } else if alpha[j] > cj { alpha[j] = cj; alpha[i] = cj + diff }
            } else {
                var quad = qd[i] + qd[j] - 2 * qij
                if quad <= 0 { quad = tau }
                let delta = (gradient[i] - gradient[j]) / quad
                let sum = alpha[i] + alpha[j]
                alpha[i] -= delta
                alpha[j] += delta
                if sum > ci {
                    if alpha[i] > ci { alpha[i] = ci; alpha[j] = sum - ci }
                } else if alpha[j] < 0 { alpha[j] = 0; alpha[i] = sum }
                if sum > cj {
                    if alpha[j] > cj { alpha[j] = cj; alpha[i] = sum - cj }
                } else if alpha[i] < 0 { alpha[i] = 0; alpha[j] = sum }
            }
            let deltaI = alpha[i] - oldI, deltaJ = alpha[j] - oldJ
            cache.storage.withUnsafeBufferPointer { storage in
                let qi = storage.baseAddress! + slotI2 * l, qj = storage.baseAddress! + slotJ * l
                gradient.withUnsafeMutableBufferPointer { g in
                    for t in 0..<l { g[t] += qi[t] * deltaI + qj[t] * deltaJ }
                }
            }
        }
        // ρ: mean of y·G over free variables, else the midpoint of the feasible interval.
        var free = 0, sumFree = 0.0, ub = Double.infinity, lb = -Double.infinity
        for t in 0..<l {
            let yg = y[t] * gradient[t]
            if isUpper(t) {
                if y[t] == -1 { ub = min(ub, yg) } else { lb = max(lb, yg) }
            } else if isLower(t) {
                if y[t] == 1 { ub = min(ub, yg) } else { lb = max(lb, yg) }
            } else {
                free += 1
                sumFree += yg
            }
        }
        let rho = free > 0 ? sumFree / Double(free) : (ub + lb) / 2
        return Solution(alpha: alpha, rho: rho, iterations: iterations, kernelEvaluations: cache.misses)
    }
}
