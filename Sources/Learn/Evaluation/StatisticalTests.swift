// Paired significance tests between models, and the distributions they need.

import Foundation

/// Result of a paired test between two models.
public struct PairedTestResult: Sendable, Equatable {
    /// The test's name and variant, e.g. `mcnemar_exact`, `mcnemar_chi2_cc`, `corrected_resampled_t`.
    public var method: String
    /// The test statistic (McNemar exact: the smaller discordant count).
    public var statistic: Double
    /// Two-sided p-value.
    public var pValue: Double
}

/// McNemar's test and the corrected resampled t-test, plus the distribution functions they use.
public enum StatisticalTests {
    /// Discordant counts at or above which McNemar uses the χ² approximation (the common rule, as in
    /// statsmodels' advice: the exact binomial test for small `b + c`).
    public static let mcnemarExactBelow = 25

    /// McNemar's test on paired correctness: `b` = rows only model A got right, `c` = rows only model B got right.
    ///
    /// For `b + c < 25` the exact two-sided binomial test `min(1, 2·P[X ≤ min(b, c)])`, `X ~ Bin(b + c, ½)`
    /// (statsmodels `mcnemar(exact=True)`); otherwise χ² with continuity correction `(|b − c| − 1)² / (b + c)`
    /// on one degree of freedom (`mcnemar(exact=False, correction=True)`). `b + c = 0` gives p = 1.
    public static func mcnemar(b: Int, c: Int) -> PairedTestResult {
        let n = b + c
        if n < mcnemarExactBelow {
            let k = min(b, c)
            var tail = 0.0
            for i in 0...k { tail += exp(logChoose(n, i) - Double(n) * log(2.0)) }
            return PairedTestResult(method: "mcnemar_exact", statistic: Double(k), pValue: min(1, 2 * tail))
        }
        let d = max(0, Double(abs(b - c)) - 1)
        let chi2 = d * d / Double(n)
        return PairedTestResult(method: "mcnemar_chi2_cc", statistic: chi2, pValue: chiSquare1Survival(chi2))
    }

    /// Nadeau & Bengio's corrected resampled t-test over per-fold score differences `d` (k folds × r repeats):
    /// `t = mean(d) / sqrt((1/J + n_test/n_train)·s²)`, `J = d.count`, `s²` the sample variance (ddof 1),
    /// two-sided p from Student's t with `J − 1` degrees of freedom. Identical differences give t = 0, p = 1
    /// when they are all zero, else t = ±∞, p = 0.
    public static func correctedResampledT(differences d: [Double], testFraction: Double) -> PairedTestResult {
        let j = d.count
        precondition(j >= 2 && testFraction > 0 && testFraction < 1, "need ≥ 2 differences and a test fraction in (0, 1)")
        let mean = d.reduce(0, +) / Double(j)
        let variance = d.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(j - 1)
        let ratio = testFraction / (1 - testFraction)
        let denominator = ((1 / Double(j) + ratio) * variance).squareRoot()
        guard denominator > 0 else {
            return PairedTestResult(method: "corrected_resampled_t", statistic: mean == 0 ? 0 : (mean > 0 ? .infinity : -.infinity),
                                    pValue: mean == 0 ? 1 : 0)
        }
        let t = mean / denominator
        return PairedTestResult(method: "corrected_resampled_t", statistic: t, pValue: studentTTwoSided(t, degrees: Double(j - 1)))
    }

    /// `log C(n, k)`.
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    /// `P[χ²₁ > x] = erfc(√(x/2))`.
    public static func chiSquare1Survival(_ x: Double) -> Double { x <= 0 ? 1 : erfc((x / 2).squareRoot()) }

    /// Two-sided tail `P[|T| > |t|]` of Student's t with `degrees` degrees of freedom: `I_{ν/(ν+t²)}(ν/2, ½)`.
    public static func studentTTwoSided(_ t: Double, degrees nu: Double) -> Double {
        guard t.isFinite else { return 0 }
        return regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
    }

    /// The regularised incomplete beta function `I_x(a, b)` by Lentz's continued fraction (Numerical Recipes §6.4),
    /// relative accuracy ~1e-14.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logGammas + logPowers)
        if x < (a + 1) / (a + b + 2) { return front * betaContinuedFraction(x, a: a, b: b) / a }
        return 1 - front * betaContinuedFraction(1 - x, a: b, b: a) / b
    }

    static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }
}
