// Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl 2011) with Optuna's defaults.

import Foundation

/// TPE as Optuna 5's `TPESampler()` runs it by default for one objective (multivariate TPE, Falkner et al. 2018 /
/// Optuna's `multivariate=True`, on the parameters every trial has).
///
/// Per suggested trial `i` (randomness from `SeededGenerator(seed: seed, stream: "trial/i")`): while fewer than
/// `startupTrials` successful observations exist the suggestion is a prior sample (as `RandomSampler`). Otherwise:
/// 1. Unconditional parameters are sampled jointly: the observations, in trial order, are split by loss into the
///    best `gamma(n) = min(⌈0.1 n⌉, 25)` ("below") and the rest; each group gives a mixture of product kernels — one
///    per observation plus the prior, with Optuna's weights, per-dimension bandwidth rule and magic clip
///    (`ParzenEstimator`) — and `candidates` points are drawn from the "below" mixture; the one maximising
///    `log l(x) − log g(x)` is kept (first on ties).
/// 2. Conditional parameters, in declaration order and only when active (so a child never appears without its
///    parent's activating choice), are sampled the same way univariately from the observations that hold them.
/// Failed trials are ignored; pending trials do not influence the suggestion (Optuna's constant liar is not
/// modelled).
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
            let joint = space.parameters.filter { $0.condition == nil }
            var a = sampleJointly(joint, data: data, &g)
            for (i, p) in space.parameters.enumerated() where p.condition != nil && space.isActive(i, in: a) {
                a[p.name] = sampleParameter(p, data: data, &g)
            }
            return a
        }
    }

    /// Multivariate TPE over `parameters` (all unconditional): product kernels sharing one mixture index.
    func sampleJointly(_ parameters: [SearchParameter], data: [SearchObservation],
                       _ g: inout SeededGenerator) -> SearchAssignment {
        guard !parameters.isEmpty else { return [:] }
        let holding = data.filter { o in parameters.allSatisfy { o.assignment[$0.name] != nil } }
        guard !holding.isEmpty else {
            return Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.dimension.value(atUnit: g.nextDouble())) })
        }
        let byLoss = holding.indices.sorted { (holding[$0].loss!, $0) < (holding[$1].loss!, $1) }
        let below = Set(byLoss.prefix(Self.gamma(holding.count)))
        let belowObs = holding.indices.filter { below.contains($0) }.map { holding[$0] }
        let aboveObs = holding.indices.filter { !below.contains($0) }.map { holding[$0] }
        let l = parameters.map { p in ParzenEstimator(values: belowObs.map { $0.assignment[p.name]! }, dimension: p.dimension, priorWeight: priorWeight) }
        let gEst = parameters.map { p in ParzenEstimator(values: aboveObs.map { $0.assignment[p.name]! }, dimension: p.dimension, priorWeight: priorWeight) }
        func logMixture(_ estimators: [ParzenEstimator], _ point: [SearchValue]) -> Double {
            var terms = estimators[0].weights.map { Foundation.log($0) }
            for (d, e) in estimators.enumerated() {
                for (k, v) in e.kernelLogDensities(point[d]).enumerated() { terms[k] += v }
            }
            return logSumExp(terms)
        }
        var best: (score: Double, point: [SearchValue])?
        for _ in 0..<candidates {
            let k = ParzenEstimator.pickKernel(l[0].weights, &g)
            let point = l.map { $0.sample(kernel: k, &g) }
            let s = logMixture(l, point) - logMixture(gEst, point)
            if best == nil || s > best!.score { best = (s, point) }
        }
        return Dictionary(uniqueKeysWithValues: zip(parameters.map(\.name), best!.point))
    }

    /// Univariate TPE for one (conditional) parameter from the observations that hold it.
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
