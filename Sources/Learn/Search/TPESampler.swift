// Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl 2011) with Optuna's defaults.

import Foundation

/// Univariate TPE as Optuna's `TPESampler()` runs it by default.
///
/// Per suggested trial `i` (randomness from `SeededGenerator(seed: seed, stream: "trial/i")`): while fewer than
/// `startupTrials` successful observations exist the suggestion is a prior sample (as `RandomSampler`). Otherwise
/// parameters are sampled in declaration order, each only when active (so conditional parameters only appear
/// under their parent's choices): the observations holding that parameter, in trial order, are split by loss into the
/// best `gamma(n) = min(⌈0.1 n⌉, 25)` ("below") and the rest; one Parzen estimator is built on each
/// (`ParzenEstimator`: Optuna's weights, bandwidth rule, magic clip and prior); `candidates` values are drawn from
/// the "below" estimator and the one maximising `log l(x) − log g(x)` is kept (first on ties). Failed trials are
/// ignored; pending trials do not influence the suggestion (Optuna's default, no constant liar).
public struct TPESampler: SearchSampler, Equatable {
    /// Random trials before the estimators are used.
    public var startupTrials: Int
    /// Candidates drawn from `l(x)` per parameter.
    public var candidates: Int
    /// Weight of the prior kernel.
    public var priorWeight: Double

    /// Creates a TPE sampler with Optuna's defaults.
    public init(startupTrials: Int = 10, candidates: Int = 24, priorWeight: Double = 1) {
        self.startupTrials = max(startupTrials, 1)
        self.candidates = max(candidates, 1)
        self.priorWeight = priorWeight
    }

    /// Optuna's default split size `min(⌈0.1 n⌉, 25)`.
    public static func gamma(_ n: Int) -> Int { min((n + 9) / 10, 25) }

    /// `count` suggestions; see the type's documentation.
    public func suggest(space: SearchSpace, observations: [SearchObservation], pending: [SearchAssignment],
                        count: Int, firstIndex: Int, seed: UInt64) throws -> [SearchAssignment] {
        let data = observations.modelObservations(minimum: startupTrials)
        return (0..<max(count, 0)).map { k in
            var g = SeededGenerator(seed: seed, stream: "trial/\(firstIndex + k)")
            guard data.count >= startupTrials else { return space.randomAssignment(&g) }
            var a = SearchAssignment()
            for (i, p) in space.parameters.enumerated() where space.isActive(i, in: a) {
                a[p.name] = sampleParameter(p, data: data, &g)
            }
            return a
        }
    }

    func sampleParameter(_ p: SearchParameter, data: [SearchObservation], _ g: inout SeededGenerator) -> SearchValue {
        let holding = data.filter { $0.assignment[p.name] != nil }
        guard !holding.isEmpty else { return p.dimension.value(atUnit: g.nextDouble()) }
        let byLoss = holding.indices.sorted { (holding[$0].loss!, $0) < (holding[$1].loss!, $1) }
        let below = Set(byLoss.prefix(Self.gamma(holding.count)))
        var belowValues: [SearchValue] = [], aboveValues: [SearchValue] = []
        for (i, o) in holding.enumerated() {
            if below.contains(i) { belowValues.append(o.assignment[p.name]!) } else { aboveValues.append(o.assignment[p.name]!) }
        }
        let l = ParzenEstimator(values: belowValues, dimension: p.dimension, priorWeight: priorWeight)
        let gEst = ParzenEstimator(values: aboveValues, dimension: p.dimension, priorWeight: priorWeight)
        var best: (score: Double, value: SearchValue)?
        for _ in 0..<candidates {
            let v = l.sample(&g)
            let s = l.logDensity(v) - gEst.logDensity(v)
            if best == nil || s > best!.score { best = (s, v) }
        }
        return best!.value
    }
}
