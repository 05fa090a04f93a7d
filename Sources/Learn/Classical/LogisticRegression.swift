import COpenBLAS
import Foundation

/// Logistic regression as scikit-learn's `LogisticRegression`: binary (sigmoid, one weight vector) for two
/// classes, multinomial (softmax, one vector per class) for more, with the objective
///
///     C·Σᵢ loss(xᵢ, yᵢ) + (1 − ρ)/2·||W||² + ρ·||W||₁        (intercepts not penalised; ρ = l1_ratio)
///
/// minimised in the equivalent mean form `mean loss + (1 − ρ)/(2Cn)·||W||² + ρ/(Cn)·||W||₁`.
/// Smooth problems (ρ = 0, or no penalty) use L-BFGS with scikit-learn's stopping rule (‖g‖∞ ≤ tol,
/// relative decrease ≤ 64·eps); problems with an L1 part use FISTA (accelerated proximal gradient with
/// backtracking and adaptive restart), whose soft-thresholding step yields exact zeros.
public struct LogisticProblem: Sendable {
    /// Features, row-major Double (small problems; empty when `xFloat` is used).
    let x: [Double]
    /// Features, row-major Float (problems of at least `floatThreshold` values: half the memory traffic, sgemm).
    let xFloat: [Float]
    let rows: Int
    let columns: Int
    /// One-hot targets (multinomial) or 0/1 (binary), `rows × outputs`.
    let targets: [Double]
    /// 1 for binary problems, else the number of classes.
    public let outputs: Int
    let fitIntercept: Bool

    /// Prepares the problem from float features and class labels in `0..<classes`.
    /// `floatThreshold`: from how many feature values on the float32 path is used.
    public init(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, labels: [Int32], classes: Int, fitIntercept: Bool,
                floatThreshold: Int = LogisticProblem.floatThreshold) {
        let useFloat = rows * columns >= floatThreshold
        self.x = useFloat ? [] : x.map(Double.init)
        xFloat = useFloat ? Array(x) : []
        self.rows = rows
        self.columns = columns
        outputs = classes == 2 ? 1 : classes
        var t = [Double](repeating: 0, count: rows * outputs)
        for (r, label) in labels.enumerated() {
            if outputs == 1 { t[r] = label == 1 ? 1 : 0 } else { t[r * outputs + Int(label)] = 1 }
        }
        targets = t
        self.fitIntercept = fitIntercept
    }

    /// Problems with at least this many feature values evaluate the loss with float32 products (sgemm);
    /// smaller ones in Double, where the tests compare with scikit-learn to 1e-5.
    public static let floatThreshold = 1_000_000

    /// Whether the float32 path is used.
    public var usesFloat: Bool { !xFloat.isEmpty }

    /// Number of parameters: `columns × outputs` weights (row-major, feature first) then `outputs` intercepts.
    public var parameterCount: Int { columns * outputs + outputs }

    /// Mean loss + `l2/2·||W||²` at `w`, writing its gradient into `grad`.
    func smooth(_ w: UnsafeBufferPointer<Double>, _ grad: UnsafeMutableBufferPointer<Double>, l2: Double) -> Double {
        if usesFloat { return smoothFloat(w, grad, l2: l2) }
        let n = rows, d = columns, m = outputs
        var z = [Double](repeating: 0, count: n * m)
        var loss = 0.0
        x.withUnsafeBufferPointer { xb in
            z.withUnsafeMutableBufferPointer { zb in
                if fitIntercept {
                    for r in 0..<n { for k in 0..<m { zb[r * m + k] = w[d * m + k] } }
                }
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(m), Int32(d), 1, xb.baseAddress, Int32(max(d, 1)),
                            w.baseAddress, Int32(m), fitIntercept ? 1 : 0, zb.baseAddress, Int32(m))
                targets.withUnsafeBufferPointer { t in
                    for r in 0..<n {
                        let row = zb.baseAddress! + r * m
                        if m == 1 {
                            let v = row[0]
                            // log(1 + e^v) − y·v, stably; the residual p − y replaces z.
                            loss += (v > 0 ? v + log1p(exp(-v)) : log1p(exp(v))) - t[r] * v
                            row[0] = 1 / (1 + exp(-v)) - t[r]
                        } else {
                            var top = row[0]
                            for k in 1..<m { top = max(top, row[k]) }
                            var sum = 0.0
                            for k in 0..<m { sum += exp(row[k] - top) }
                            let logSum = top + log(sum)
                            for k in 0..<m {
                                loss += t[r * m + k] * (logSum - row[k])
                                row[k] = exp(row[k] - logSum) - t[r * m + k]
                            }
                        }
                    }
                }
                let scale = 1 / Double(n)
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(m), Int32(n), scale, xb.baseAddress, Int32(max(d, 1)),
                            zb.baseAddress, Int32(m), 0, grad.baseAddress, Int32(m))
                for k in 0..<m {
                    var s = 0.0
                    if fitIntercept { for r in 0..<n { s += zb[r * m + k] } }
                    grad[d * m + k] = s * scale
                }
            }
        }
        var penalty = 0.0
        for i in 0..<(d * m) {
            penalty += w[i] * w[i]
            grad[i] += l2 * w[i]
        }
        return loss / Double(n) + 0.5 * l2 * penalty
    }

    /// `smooth` with float32 products: scores `X·W` and the gradient `Xᵀ·(P − Y)` by sgemm; per-row losses,
    /// the penalty and the sums in Double.
    func smoothFloat(_ w: UnsafeBufferPointer<Double>, _ grad: UnsafeMutableBufferPointer<Double>, l2: Double) -> Double {
        let n = rows, d = columns, m = outputs
        let weights = (0..<(d * m)).map { Float(w[$0]) }
        var z = [Float](repeating: 0, count: n * m)
        var g = [Float](repeating: 0, count: d * m)
        var loss = 0.0
        var interceptGradient = [Double](repeating: 0, count: m)
        xFloat.withUnsafeBufferPointer { xb in
            z.withUnsafeMutableBufferPointer { zb in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(m), Int32(d), 1, xb.baseAddress, Int32(max(d, 1)),
                            weights, Int32(m), 0, zb.baseAddress, Int32(m))
                var row = [Double](repeating: 0, count: m)
                targets.withUnsafeBufferPointer { t in
                    for r in 0..<n {
                        for k in 0..<m { row[k] = Double(zb[r * m + k]) + (fitIntercept ? w[d * m + k] : 0) }
                        if m == 1 {
                            let v = row[0]
                            loss += (v > 0 ? v + log1p(exp(-v)) : log1p(exp(v))) - t[r] * v
                            let residual = 1 / (1 + exp(-v)) - t[r]
                            zb[r] = Float(residual)
                            interceptGradient[0] += residual
                        } else {
                            var top = row[0]
                            for k in 1..<m { top = max(top, row[k]) }
                            var sum = 0.0
                            for k in 0..<m { sum += exp(row[k] - top) }
                            let logSum = top + log(sum)
                            for k in 0..<m {
                                loss += t[r * m + k] * (logSum - row[k])
                                let residual = exp(row[k] - logSum) - t[r * m + k]
                                zb[r * m + k] = Float(residual)
                                interceptGradient[k] += residual
                            }
                        }
                    }
                }
                g.withUnsafeMutableBufferPointer { gb in
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(m), Int32(n), 1 / Float(n), xb.baseAddress, Int32(max(d, 1)),
                                zb.baseAddress, Int32(m), 0, gb.baseAddress, Int32(m))
                }
            }
        }
        var penalty = 0.0
        for i in 0..<(d * m) {
            penalty += w[i] * w[i]
            grad[i] = Double(g[i]) + l2 * w[i]
        }
        for k in 0..<m { grad[d * m + k] = fitIntercept ? interceptGradient[k] / Double(n) : 0 }
        return loss / Double(n) + 0.5 * l2 * penalty
    }

    /// Fits with inverse regularisation `c`, L1 share `l1Ratio` (0 = L2, 1 = L1; nil = no penalty).
    public func fit(c: Double, l1Ratio: Double?, tol: Double, maxIterations: Int) -> (parameters: [Double], iterations: Int, converged: Bool) {
        let n = Double(rows)
        let l2 = l1Ratio.map { (1 - $0) / (c * n) } ?? 0
        let l1 = l1Ratio.map { $0 / (c * n) } ?? 0
        let start = [Double](repeating: 0, count: parameterCount)
        if l1 == 0 {
            let result = LBFGS.minimize(x0: start, maxIterations: maxIterations, tolerance: tol, functionTolerance: 64 * Double.ulpOfOne,
                                        functionPrecision: usesFloat ? 1e-6 : 1e-12) { w, g in
                smooth(w, g, l2: l2)
            }
            return (result.x, result.iterations, result.status == .converged || result.status == .functionToleranceReached)
        }
        return proximalGradient(start: start, l1: l1, l2: l2, tol: tol, maxIterations: maxIterations)
    }

    /// FISTA with backtracking on the Lipschitz estimate and restart when the objective rises (O'Donoghue &
    /// Candès); stops when the gradient mapping `L·(y − x⁺)` has max-abs ≤ tol.
    func proximalGradient(start: [Double], l1: Double, l2: Double, tol: Double, maxIterations: Int) -> (parameters: [Double], iterations: Int, converged: Bool) {
        let count = parameterCount, weights = columns * outputs
        var current = start, momentumPoint = start
        var gradient = [Double](repeating: 0, count: count), scratch = [Double](repeating: 0, count: count)
        var candidate = [Double](repeating: 0, count: count)
        var lipschitz = 1.0, t = 1.0
        func value(_ w: [Double], _ g: inout [Double]) -> Double {
            w.withUnsafeBufferPointer { wb in g.withUnsafeMutableBufferPointer { smooth(wb, $0, l2: l2) } }
        }
        func l1Norm(_ w: [Double]) -> Double { var s = 0.0; for i in 0..<weights { s += abs(w[i]) }; return s }
        var currentObjective = value(current, &scratch) + l1 * l1Norm(current)
        for iteration in 1...max(maxIterations, 1) {
            let f = value(momentumPoint, &gradient)
            var fCandidate = 0.0
            while true {
                let step = 1 / lipschitz, threshold = l1 / lipschitz
                for i in 0..<count {
                    let v = momentumPoint[i] - step * gradient[i]
                    candidate[i] = i < weights ? (v > threshold ? v - threshold : v < -threshold ? v + threshold : 0) : v
                }
                fCandidate = value(candidate, &scratch)
                var linear = 0.0, quadratic = 0.0
                for i in 0..<count {
                    let diff = candidate[i] - momentumPoint[i]
                    linear += gradient[i] * diff
                    quadratic += diff * diff
                }
                if fCandidate <= f + linear + 0.5 * lipschitz * quadratic + 1e-12 * abs(f) || lipschitz > 1e12 { break }
                lipschitz *= 2
            }
            var mapping = 0.0
            for i in 0..<count { mapping = max(mapping, abs(momentumPoint[i] - candidate[i])) }
            mapping *= lipschitz
            let candidateObjective = fCandidate + l1 * l1Norm(candidate)
            if candidateObjective > currentObjective {
                // Restart: drop the momentum and take a plain proximal step from the current point next time.
                momentumPoint = current
                t = 1
                if mapping <= tol { return (current, iteration, true) }
                continue
            }
            let tNext = (1 + (1 + 4 * t * t).squareRoot()) / 2
            let beta = (t - 1) / tNext
            for i in 0..<count { momentumPoint[i] = candidate[i] + beta * (candidate[i] - current[i]) }
            current = candidate
            currentObjective = candidateObjective
            t = tNext
            lipschitz *= 0.9
            if mapping <= tol { return (current, iteration, true) }
        }
        return (current, maxIterations, false)
    }
}
