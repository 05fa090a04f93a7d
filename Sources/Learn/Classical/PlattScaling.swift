import Foundation

/// Platt scaling and pairwise coupling exactly as libsvm: `sigmoid_train` (Newton with backtracking on the
/// regularised targets of Lin, Lin & Weng 2007), `sigmoid_predict`, and `multiclass_probability`
/// (Wu, Lin & Weng 2004, method 2).
public enum PlattScaling {
    /// Fits `P(y = +1 | f) = 1 / (1 + exp(A·f + B))` to decision values `f` and labels (`> 0` positive).
    public static func fit(decisions: [Double], positive: [Bool]) -> (a: Double, b: Double) {
        let prior1 = Double(positive.filter { $0 }.count), prior0 = Double(positive.count) - prior1
        let hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2)
        let t = positive.map { $0 ? hi : lo }
        var a = 0.0, b = log((prior0 + 1) / (prior1 + 1))
        func objective(_ a: Double, _ b: Double) -> Double {
            var f = 0.0
            for (i, d) in decisions.enumerated() {
                let v = d * a + b
                f += v >= 0 ? t[i] * v + log1p(exp(-v)) : (t[i] - 1) * v + log1p(exp(v))
            }
            return f
        }
        var value = objective(a, b)
        for _ in 0..<100 {
            var h11 = 1e-12, h22 = 1e-12, h21 = 0.0, g1 = 0.0, g2 = 0.0
            for (i, d) in decisions.enumerated() {
                let v = d * a + b
                let (p, q) = v >= 0 ? (exp(-v) / (1 + exp(-v)), 1 / (1 + exp(-v))) : (1 / (1 + exp(v)), exp(v) / (1 + exp(v)))
                let d2 = p * q
                h11 += d * d * d2
                h22 += d2
                h21 += d * d2
                let d1 = t[i] - p
                g1 += d * d1
                g2 += d1
            }
            if abs(g1) < 1e-5, abs(g2) < 1e-5 { break }
            let det = h11 * h22 - h21 * h21
            let dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det
            let gd = g1 * dA + g2 * dB
            var step = 1.0
            while step >= 1e-10 {
                let newA = a + step * dA, newB = b + step * dB
                let newValue = objective(newA, newB)
                if newValue < value + 1e-4 * step * gd {
                    a = newA
                    b = newB
                    value = newValue
                    break
                }
                step /= 2
            }
            if step < 1e-10 { break }
        }
        return (a, b)
    }

    /// `P(y = +1 | f)` for fitted `(a, b)`.
    public static func probability(_ f: Double, a: Double, b: Double) -> Double {
        let v = f * a + b
        return v >= 0 ? exp(-v) / (1 + exp(-v)) : 1 / (1 + exp(v))
    }

    /// Class probabilities from pairwise ones: `r[i*k + j]` = P(i beats j), `r[j*k + i] = 1 − r[i*k + j]`.
    public static func couple(_ r: [Double], classes k: Int) -> [Double] {
        var p = [Double](repeating: 1 / Double(k), count: k)
        var q = [Double](repeating: 0, count: k * k)
        for t in 0..<k {
            for j in 0..<k where j != t {
                q[t * k + t] += r[j * k + t] * r[j * k + t]
                q[t * k + j] = -r[j * k + t] * r[t * k + j]
            }
        }
        var qp = [Double](repeating: 0, count: k)
        let eps = 0.005 / Double(k)
        for _ in 0..<max(100, k) {
            var pQp = 0.0
            for t in 0..<k {
                qp[t] = (0..<k).reduce(0.0) { $0 + q[t * k + $1] * p[$1] }
                pQp += p[t] * qp[t]
            }
            var maxError = 0.0
            for t in 0..<k { maxError = max(maxError, abs(qp[t] - pQp)) }
            if maxError < eps { break }
            for t in 0..<k {
                let diff = (-qp[t] + pQp) / q[t * k + t]
                p[t] += diff
                pQp = (pQp + diff * (diff * q[t * k + t] + 2 * qp[t])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[t * k + j]) / (1 + diff)
                    p[j] /= (1 + diff)
                }
            }
        }
        return p
    }
}
