// Limited-memory BFGS minimiser (Nocedal & Wright, "Numerical Optimization", 2nd ed., Alg. 7.4/7.5 with the
// strong-Wolfe line search of Alg. 3.5/3.6).

import COpenBLAS

/// A generic unconstrained L-BFGS minimiser over `Double` parameters.
///
/// Contract:
/// - The objective receives the parameters and a gradient buffer of the same length, writes ∇f into it and
///   returns f. It must be deterministic; then the whole run is deterministic.
/// - Directions come from the two-loop recursion over the last `memory` pairs `(s, y)`, with initial Hessian scale
///   `γ = sᵀy / yᵀy`; a pair is stored only when `sᵀy > 1e-10 · yᵀy` (positive curvature).
/// - Steps satisfy the strong Wolfe conditions (`c1 = 1e-4`, `c2 = 0.9`) found by bracketing + zoom with safeguarded
///   cubic interpolation; the first trial step is `1/‖g‖₂` on the first iteration and 1 afterwards.
/// - Convergence: `‖g‖∞ ≤ tolerance` (max-abs gradient, like SciPy's `gtol`). Optionally also stops when the relative
///   decrease `(f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ functionTolerance`.
/// - If the line search fails (e.g. the objective is only accurate to Float precision near the optimum) the run
///   stops with `.lineSearchFailed`, returning the last accepted iterate.
/// - Near the optimum, f cannot resolve the decrease any more; a trial step is then also accepted under the
///   approximate Wolfe rule of Hager & Zhang: `f(α) ≤ f(0) + functionPrecision·|f(0)|` together with the strong
///   curvature condition `|φ'(α)| ≤ c2·|φ'(0)|`.
public enum LBFGS {
    /// Why a run stopped.
    public enum Status: String, Sendable, Codable, Equatable {
        /// `‖g‖∞ ≤ tolerance`.
        case converged
        /// The relative function decrease fell below `functionTolerance`.
        case functionToleranceReached
        /// `maxIterations` iterations were taken.
        case maxIterations
        /// No step satisfying the line-search conditions was found.
        case lineSearchFailed
    }

    /// State after one completed iteration, passed to the progress callback.
    public struct Iteration: Sendable, Equatable {
        /// 1-based iteration number.
        public var iteration: Int
        /// Objective value at the new iterate.
        public var value: Double
        /// `‖g‖∞` at the new iterate.
        public var gradientNorm: Double
        /// Accepted step length along the search direction.
        public var step: Double
        /// Objective evaluations so far (including the initial one).
        public var evaluations: Int
    }

    /// Outcome of `minimize`.
    public struct Result: Sendable, Equatable {
        /// The final (best) parameters.
        public var x: [Double]
        /// Objective value at `x`.
        public var value: Double
        /// Gradient at `x`.
        public var gradient: [Double]
        /// `‖g‖∞` at `x`.
        public var gradientNorm: Double
        /// Completed iterations.
        public var iterations: Int
        /// Objective evaluations.
        public var evaluations: Int
        /// Why the run stopped.
        public var status: Status
    }

    /// Minimises `objective` starting from `x0`.
    ///
    /// - Parameters:
    ///   - x0: starting point (non-empty).
    ///   - maxIterations: iteration cap (≥ 0); 0 evaluates the objective once and returns.
    ///   - tolerance: gradient tolerance on `‖g‖∞`.
    ///   - memory: number of correction pairs kept (default 10).
    ///   - functionTolerance: relative-decrease stop (default 0 = disabled).
    ///   - functionPrecision: relative accuracy of the objective value (default 1e-12 for Double-exact objectives;
    ///     use ~1e-6 for objectives evaluated in Float).
    ///   - progress: called after every iteration with the iteration summary and the new iterate.
    ///   - objective: `(x, gradientOut) -> f(x)`.
    public static func minimize(
        x0: [Double], maxIterations: Int, tolerance: Double, memory: Int = 10, functionTolerance: Double = 0,
        functionPrecision: Double = 1e-12,
        progress: (Iteration, UnsafeBufferPointer<Double>) -> Void = { _, _ in },
        objective: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Double
    ) -> Result {
        precondition(!x0.isEmpty, "x0 must not be empty")
        precondition(memory >= 1 && maxIterations >= 0, "memory ≥ 1 and maxIterations ≥ 0 required")
        let n = x0.count
        var x = x0
        var g = [Double](repeating: 0, count: n)
        var evaluations = 0
        func evaluate(_ point: [Double], _ grad: inout [Double]) -> Double {
            evaluations += 1
            return point.withUnsafeBufferPointer { p in grad.withUnsafeMutableBufferPointer { objective(p, $0) } }
        }
        var f = evaluate(x, &g)
        var gnorm = maxAbs(g)
        if gnorm <= tolerance || maxIterations == 0 || !f.isFinite {
            return Result(x: x, value: f, gradient: g, gradientNorm: gnorm, iterations: 0,
                          evaluations: evaluations, status: gnorm <= tolerance ? .converged : .maxIterations)
        }

        // Ring buffers of correction pairs, each row length n.
        var sMem = [Double](repeating: 0, count: memory * n)
        var yMem = [Double](repeating: 0, count: memory * n)
        var rho = [Double](repeating: 0, count: memory)
        var alphaTmp = [Double](repeating: 0, count: memory)
        var stored = 0, head = 0  // `head` = slot for the next pair
        var d = [Double](repeating: 0, count: n)
        var xNew = [Double](repeating: 0, count: n)
        var gNew = [Double](repeating: 0, count: n)
        var iteration = 0
        var status = Status.maxIterations

        while iteration < maxIterations {
            // Two-loop recursion: d = −H·g.
            d = g
            d.withUnsafeMutableBufferPointer { q in
                sMem.withUnsafeBufferPointer { S in
                    yMem.withUnsafeBufferPointer { Y in
                        let q = q.baseAddress!, S = S.baseAddress!, Y = Y.baseAddress!
                        let ni = Int32(n)
                        var idx = head
                        for _ in 0..<stored {
                            idx = (idx - 1 + memory) % memory
                            let a = rho[idx] * cblas_ddot(ni, S + idx * n, 1, q, 1)
                            alphaTmp[idx] = a
                            cblas_daxpy(ni, -a, Y + idx * n, 1, q, 1)
                        }
                        if stored > 0 {
                            let newest = (head - 1 + memory) % memory
                            let sy = cblas_ddot(ni, S + newest * n, 1, Y + newest * n, 1)
                            let yy = cblas_ddot(ni, Y + newest * n, 1, Y + newest * n, 1)
                            cblas_dscal(ni, sy / yy, q, 1)
                        }
                        idx = (head - stored + memory) % memory
                        for _ in 0..<stored {
                            let beta = rho[idx] * cblas_ddot(ni, Y + idx * n, 1, q, 1)
                            cblas_daxpy(ni, alphaTmp[idx] - beta, S + idx * n, 1, q, 1)
                            idx = (idx + 1) % memory
                        }
                        cblas_dscal(ni, -1, q, 1)
                    }
                }
            }
            var dphi0 = dot(g, d)
            if !(dphi0 < 0) {  // not a descent direction: restart from steepest descent
                stored = 0; head = 0
                for i in 0..<n { d[i] = -g[i] }
                dphi0 = dot(g, d)
            }
            let alpha0 = (iteration == 0 && stored == 0) ? min(1.0, 1.0 / max(norm2(g), 1e-300)) : 1.0

            // Strong-Wolfe line search along d.
            let slack = functionPrecision * abs(f)
            let ls = wolfeSearch(x: x, f0: f, dphi0: dphi0, d: d, alpha0: alpha0, slack: slack,
                                 xNew: &xNew, gNew: &gNew, evaluate: evaluate)
            guard let (alpha, fNew) = ls, fNew <= f + slack else {
                status = .lineSearchFailed
                break
            }
            iteration += 1

            // Correction pair s = xNew − x, y = gNew − g.
            var sy = 0.0, yy = 0.0
            sMem.withUnsafeMutableBufferPointer { S in
                yMem.withUnsafeMutableBufferPointer { Y in
                    let s = S.baseAddress! + head * n, y = Y.baseAddress! + head * n
                    for i in 0..<n {
                        s[i] = xNew[i] - x[i]
                        y[i] = gNew[i] - g[i]
                        sy += s[i] * y[i]
                        yy += y[i] * y[i]
                    }
                }
            }
            if sy > 1e-10 * yy && sy > 0 {
                rho[head] = 1 / sy
                head = (head + 1) % memory
                stored = min(stored + 1, memory)
            }
            let fOld = f
            swap(&x, &xNew)
            swap(&g, &gNew)
            f = fNew
            gnorm = maxAbs(g)
            x.withUnsafeBufferPointer { xp in
                progress(Iteration(iteration: iteration, value: f, gradientNorm: gnorm, step: alpha,
                                   evaluations: evaluations), xp)
            }
            if gnorm <= tolerance { status = .converged; break }
            if functionTolerance > 0,
               (fOld - f) / max(abs(fOld), abs(f), 1) <= functionTolerance {
                status = .functionToleranceReached
                break
            }
        }
        return Result(x: x, value: f, gradient: g, gradientNorm: gnorm, iterations: iteration,
                      evaluations: evaluations, status: status)
    }

    /// Nocedal & Wright Alg. 3.5 (bracketing) + 3.6 (zoom). On success `xNew`/`gNew` hold the accepted point and its
    /// gradient and the step and value are returned; returns nil when no acceptable (or at least decreasing) point
    /// was found.
    static func wolfeSearch(x: [Double], f0: Double, dphi0: Double, d: [Double], alpha0: Double, slack: Double,
                            xNew: inout [Double], gNew: inout [Double],
                            evaluate: (_ point: [Double], _ grad: inout [Double]) -> Double) -> (Double, Double)? {
        let c1 = 1e-4, c2 = 0.9
        let n = x.count
        let maxEvaluations = 40
        var evals = 0
        var lastAlpha = Double.nan
        // Evaluates φ(α) and φ'(α), leaving the point in xNew/gNew.
        func phi(_ alpha: Double) -> (Double, Double) {
            evals += 1
            lastAlpha = alpha
            for i in 0..<n { xNew[i] = x[i] + alpha * d[i] }
            var fv = evaluate(xNew, &gNew)
            if !fv.isFinite { fv = .infinity }
            return (fv, fv.isFinite ? dot(gNew, d) : .nan)
        }
        // Best Armijo-satisfying point seen, as a fallback when the curvature condition cannot be met.
        var bestAlpha = 0.0, bestF = f0

        func zoom(_ loIn: Double, _ hiIn: Double, _ floIn: Double, _ fhiIn: Double,
                  _ dloIn: Double, _ dhiIn: Double) -> (Double, Double)? {
            var lo = loIn, hi = hiIn, flo = floIn, fhi = fhiIn, dlo = dloIn, dhi = dhiIn
            while evals < maxEvaluations {
                var a = cubicMinimizer(lo, flo, dlo, hi, fhi, dhi)
                let left = min(lo, hi), right = max(lo, hi), width = right - left
                if !(a.isFinite) || a < left + 0.1 * width || a > right - 0.1 * width { a = 0.5 * (lo + hi) }
                if width <= 1e-16 * max(1, right) { break }
                let (fa, da) = phi(a)
                if fa <= f0 + slack && abs(da) <= -c2 * dphi0 { return (a, fa) }  // approximate Wolfe
                if fa > f0 + c1 * a * dphi0 || fa >= flo {
                    hi = a; fhi = fa; dhi = da
                } else {
                    if fa < bestF { bestF = fa; bestAlpha = a }
                    if abs(da) <= -c2 * dphi0 { return (a, fa) }
                    if da * (hi - lo) >= 0 { hi = lo; fhi = flo; dhi = dlo }
                    lo = a; flo = fa; dlo = da
                }
            }
            return nil
        }

        var aPrev = 0.0, fPrev = f0, dPrev = dphi0
        var a = alpha0
        var first = true
        var result: (Double, Double)? = nil
        while evals < maxEvaluations {
            let (fa, da) = phi(a)
            if fa <= f0 + slack && abs(da) <= -c2 * dphi0 { result = (a, fa); break }  // (approximate) Wolfe
            if fa > f0 + c1 * a * dphi0 || (!first && fa >= fPrev) {
                result = zoom(aPrev, a, fPrev, fa, dPrev, da)
                break
            }
            if fa < bestF { bestF = fa; bestAlpha = a }
            if abs(da) <= -c2 * dphi0 { result = (a, fa); break }
            if da >= 0 {
                result = zoom(a, aPrev, fa, fPrev, da, dPrev)
                break
            }
            aPrev = a; fPrev = fa; dPrev = da
            a = min(a * 2, 1e20)
            first = false
        }
        if let result {
            // The last evaluation is not necessarily at the returned step: re-evaluate if needed.
            if lastAlpha == result.0 { return result }
            let (fa, _) = phi(result.0)
            return (result.0, fa)
        }
        if bestAlpha > 0 && bestF < f0 {
            let (fa, _) = phi(bestAlpha)
            return (bestAlpha, fa)
        }
        return nil
    }

    /// Minimiser of the cubic interpolating (a, fa, da) and (b, fb, db) (N&W eq. 3.59); NaN when undefined.
    static func cubicMinimizer(_ a: Double, _ fa: Double, _ da: Double,
                               _ b: Double, _ fb: Double, _ db: Double) -> Double {
        guard fa.isFinite, fb.isFinite, da.isFinite, db.isFinite, a != b else { return .nan }
        let d1 = da + db - 3 * (fa - fb) / (a - b)
        let disc = d1 * d1 - da * db
        guard disc >= 0 else { return .nan }
        let d2 = (b > a ? 1.0 : -1.0) * disc.squareRoot()
        let denom = db - da + 2 * d2
        guard denom != 0 else { return .nan }
        return b - (b - a) * (db + d2 - d1) / denom
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in cblas_ddot(Int32(pa.count), pa.baseAddress, 1, pb.baseAddress, 1) }
        }
    }

    static func norm2(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { cblas_dnrm2(Int32($0.count), $0.baseAddress, 1) }
    }

    static func maxAbs(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { p in
            var m = 0.0
            for v in p { m = max(m, abs(v)) }
            return p.contains(where: { $0.isNaN }) ? .nan : m
        }
    }
}
