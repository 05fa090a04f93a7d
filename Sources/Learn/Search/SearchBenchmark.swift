// Standard global-optimisation test functions and a regret harness for comparing samplers
// (used by `pipeline bench search` and the tests).

import Foundation

/// A black-box test function on a search space with a known global minimum.
public struct SearchTestFunction: Sendable {
    /// Short name (`branin`, `hartmann6`).
    public var name: String
    /// The domain as a search space (real parameters `x1`, `x2`, …).
    public var space: SearchSpace
    /// The known global minimum value.
    public var minimum: Double
    /// Evaluates the function at an assignment of every parameter.
    public var evaluate: @Sendable (SearchAssignment) -> Double

    static func reals(_ a: SearchAssignment, _ n: Int) -> [Double] {
        (1...n).map { if case .real(let v)? = a["x\($0)"] { return v } else { return .nan } }
    }

    /// Branin–Hoo on [−5, 10] × [0, 15]; global minimum 0.397887 (three minimisers).
    public static let branin: SearchTestFunction = {
        let space = try! SearchSpace([
            SearchParameter(name: "x1", dimension: .real(low: -5, high: 10, log: false)),
            SearchParameter(name: "x2", dimension: .real(low: 0, high: 15, log: false)),
        ])
        return SearchTestFunction(name: "branin", space: space, minimum: 0.397887) { a in
            let x = reals(a, 2)
            return braninValue(x[0], x[1])
        }
    }()

    /// Branin–Hoo: `(x2 − 5.1/(4π²) x1² + 5/π x1 − 6)² + 10(1 − 1/(8π)) cos x1 + 10`.
    public static func braninValue(_ x1: Double, _ x2: Double) -> Double {
        let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        let u = x2 - b * x1 * x1 + c * x1 - 6
        return u * u + 10 * (1 - t) * Foundation.cos(x1) + 10
    }

    /// Hartmann-6 on [0, 1]⁶; global minimum −3.32237.
    public static let hartmann6: SearchTestFunction = {
        let space = try! SearchSpace((1...6).map {
            SearchParameter(name: "x\($0)", dimension: .real(low: 0, high: 1, log: false))
        })
        return SearchTestFunction(name: "hartmann6", space: space, minimum: -3.32237) { a in
            hartmann6Value(reals(a, 6))
        }
    }()

    /// Hartmann-6: `−Σᵢ αᵢ exp(−Σⱼ Aᵢⱼ (xⱼ − Pᵢⱼ)²)` with the standard α, A, P (Dixon & Szegő 1978).
    public static func hartmann6Value(_ x: [Double]) -> Double {
        let alpha = [1.0, 1.2, 3.0, 3.2]
        let a: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                             [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
        let p: [[Double]] = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                             [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
        var total = 0.0
        for i in 0..<4 {
            var s = 0.0
            for j in 0..<6 {
                let u = x[j] - p[i][j] * 1e-4
                s += a[i][j] * u * u
            }
            total -= alpha[i] * Foundation.exp(-s)
        }
        return total
    }

    /// Runs `trials` sequential trials of `sampler` (one suggestion at a time, seed `seed`) and returns the
    /// best-so-far regret `min_{j ≤ i} f(x_j) − minimum` after each trial.
    public func regretCurve(sampler: any SearchSampler, trials: Int, seed: UInt64) throws -> [Double] {
        var observations: [SearchObservation] = []
        var curve: [Double] = []
        var best = Double.infinity
        for i in 0..<trials {
            let a = try sampler.suggest(space: space, observations: observations, pending: [], count: 1,
                                        firstIndex: i, seed: seed)[0]
            let v = evaluate(a)
            observations.append(SearchObservation(assignment: a, loss: v))
            best = min(best, v)
            curve.append(best - minimum)
        }
        return curve
    }
}

/// Helpers for `pipeline bench search`.
public enum SearchBenchmark {
    /// Median of `values` (mean of the two middle values for an even count).
    public static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "median of nothing")
        let s = values.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m])
    }

    /// Median wall time and median process CPU time (ms, of 5 suggestions) of one `GaussianProcessSampler`
    /// suggestion on Hartmann-6 given `observations` random observed trials (GP fit and acquisition search included).
    /// CPU time is reported too because wall time on a loaded machine mostly measures waiting for a core.
    public static func gpSuggestionMilliseconds(observations n: Int) throws -> (wall: Double, cpu: Double) {
        let f = SearchTestFunction.hartmann6
        let points = try RandomSampler().suggest(space: f.space, observations: [], pending: [], count: n, firstIndex: 0, seed: 7)
        let obs = points.map { SearchObservation(assignment: $0, loss: f.evaluate($0)) }
        let sampler = GaussianProcessSampler()
        var wall: [Double] = [], cpu: [Double] = []
        for r in 0..<5 {
            let c0 = processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try sampler.suggest(space: f.space, observations: obs, pending: [], count: 1, firstIndex: n + r, seed: 7)
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            cpu.append((processCPUSeconds() - c0) * 1e3)
        }
        return (median(wall), median(cpu))
    }

    /// CPU seconds used by this process so far (all threads).
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
