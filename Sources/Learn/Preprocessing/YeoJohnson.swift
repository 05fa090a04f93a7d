import Foundation

// The Yeo-Johnson power transform with its parameter fitted by maximum likelihood, as scikit-learn's
// `PowerTransformer(method="yeo-johnson")` does through `scipy.stats.yeojohnson_normmax`.

/// The Yeo-Johnson transform of one value for parameter `lambda`:
/// x ≥ 0: ((x + 1)^λ − 1) / λ (log1p(x) when λ = 0); x < 0: −((1 − x)^(2 − λ) − 1) / (2 − λ) (−log1p(−x) when λ = 2).
public func yeoJohnson(_ x: Double, lambda: Double) -> Double {
    let eps = Double.ulpOfOne
    if x >= 0 {
        return abs(lambda) < eps ? log1p(x) : expm1(lambda * log1p(x)) / lambda
    }
    return abs(lambda - 2) < eps ? -log1p(-x) : -expm1((2 - lambda) * log1p(-x)) / (2 - lambda)
}

/// The Yeo-Johnson log-likelihood of the (NaN-free) `values` under `lambda` (scipy's `yeojohnson_llf`):
/// `−n/2 · log(var(y)) + (λ − 1) · Σ sign(x) · log1p(|x|)`, with `var` the population variance of the transformed
/// values; −∞ when that variance is below the smallest normal double.
public func yeoJohnsonLogLikelihood(_ values: [Double], lambda: Double) -> Double {
    let n = Double(values.count)
    var sum = 0.0, logTerm = 0.0
    var transformed = [Double](repeating: 0, count: values.count)
    for (i, x) in values.enumerated() {
        let y = yeoJohnson(x, lambda: lambda)
        transformed[i] = y
        sum += y
        logTerm += (x < 0 ? -1 : (x > 0 ? 1 : 0)) * log1p(abs(x))
    }
    let mean = sum / n
    var squares = 0.0
    for y in transformed { squares += (y - mean) * (y - mean) }
    let variance = squares / n
    if variance < Double.leastNormalMagnitude { return -.infinity }
    return -n / 2 * log(variance) + (lambda - 1) * logTerm
}

/// The maximum-likelihood Yeo-Johnson parameter of the NaN-free `values` (scipy ≥ 1.12 `yeojohnson_normmax`):
/// bounded Brent minimisation of the negative log-likelihood on the interval scipy derives from the data's
/// magnitude so that the transform cannot overflow, to scipy's tolerance 1.48e-8. Returns 1 (identity) when
/// every value is 0 or there are fewer than two values.
public func yeoJohnsonLambda(_ values: [Double]) -> Double {
    guard values.count >= 2, values.contains(where: { $0 != 0 }) else { return 1 }
    let maxAbs = values.reduce(0) { max($0, abs($1)) }
    let log1pMax = log1p(20 * maxAbs)
    let logEps = log(Double.ulpOfOne)
    let logTiny = (log(Double.leastNormalMagnitude) - logEps) / 2
    let logMax = (log(Double.greatestFiniteMagnitude) + logEps) / 2
    var lower = logTiny / log1pMax, upper = logMax / log1pMax
    if values.allSatisfy({ $0 < 0 }) {
        (lower, upper) = (2 - upper, 2 - lower)
    } else if values.contains(where: { $0 < 0 }) {
        (lower, upper) = (max(2 - upper, lower), min(2 - lower, upper))
    }
    return boundedBrentMinimum(lower, upper, tolerance: 1.48e-8) { -yeoJohnsonLogLikelihood(values, lambda: $0) }
}

/// Minimises `f` on [a, b] by Brent's method (golden section with parabolic steps), a port of scipy's
/// `optimize.fminbound` (`_minimize_scalar_bounded`, xatol = `tolerance`, at most 500 evaluations).
public func boundedBrentMinimum(_ a: Double, _ b: Double, tolerance: Double, maxEvaluations: Int = 500,
                                _ f: (Double) -> Double) -> Double {
    let sqrtEps = (2.2e-16).squareRoot()   // as scipy writes it
    let goldenMean = 0.5 * (3.0 - 5.0.squareRoot())
    var a = a, b = b
    var fulc = a + goldenMean * (b - a)
    var nfc = fulc, xf = fulc
    var rat = 0.0, e = 0.0
    var x = xf
    var fx = f(x)
    var evaluations = 1
    var ffulc = fx, fnfc = fx
    var xm = 0.5 * (a + b)
    var tol1 = sqrtEps * abs(xf) + tolerance / 3.0
    var tol2 = 2.0 * tol1
    while abs(xf - xm) > (tol2 - 0.5 * (b - a)) {
        var golden = true
        if abs(e) > tol1 {
            golden = false
            var r = (xf - nfc) * (fx - ffulc)
            var q = (xf - fulc) * (fx - fnfc)
            var p = (xf - fulc) * q - (xf - nfc) * r
            q = 2.0 * (q - r)
            if q > 0.0 { p = -p }
            q = abs(q)
            r = e
            e = rat
            if abs(p) < abs(0.5 * q * r) && p > q * (a - xf) && p < q * (b - xf) {
                rat = p / q
                x = xf + rat
                if (x - a) < tol2 || (b - x) < tol2 {
                    let si = xm - xf >= 0 ? 1.0 : -1.0
                    rat = tol1 * si
                }
            } else {
                golden = true
            }
        }
        if golden {
            e = xf >= xm ? a - xf : b - xf
            rat = goldenMean * e
        }
        let si = rat >= 0 ? 1.0 : -1.0
        x = xf + si * max(abs(rat), tol1)
        let fu = f(x)
        evaluations += 1
        if fu <= fx {
            if x >= xf { a = xf } else { b = xf }
            fulc = nfc; ffulc = fnfc
            nfc = xf; fnfc = fx
            xf = x; fx = fu
        } else {
            if x < xf { a = x } else { b = x }
            if fu <= fnfc || nfc == xf {
                fulc = nfc; ffulc = fnfc
                nfc = x; fnfc = fu
            } else if fu <= ffulc || fulc == xf || fulc == nfc {
                fulc = x; ffulc = fu
            }
        }
        xm = 0.5 * (a + b)
        tol1 = sqrtEps * abs(xf) + tolerance / 3.0
        tol2 = 2.0 * tol1
        if evaluations >= maxEvaluations { break }
    }
    return xf
}
