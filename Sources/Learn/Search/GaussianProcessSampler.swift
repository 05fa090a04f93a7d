// Bayesian optimisation with a Gaussian-process surrogate (Snoek, Larochelle & Adams 2012) on the unit-cube
// encoding of the search space.

import Foundation

/// GP-based Bayesian optimisation.
///
/// Per suggested trial `i` (randomness from `SeededGenerator(seed: seed, stream: "trial/i")`):
/// 1. While fewer than `startupTrials` successful observations exist (default `max(10, 2·parameters)`), a prior
///    sample (as `RandomSampler`, same stream) is returned.
/// 2. Otherwise the model data are the successful observations at the highest budget with enough of them (a
///    nil budget = full); failed trials are ignored. Inputs are GP features (numeric parameters as unit-cube values
///    — log dimensions in log space, integers at their lattice cell — categoricals one-hot, inactive parameters
///    fixed); losses are standardised.
/// 3. A Matérn 5/2 ARD GP is fitted by maximising the log marginal likelihood plus log-normal hyperparameter priors
///    (L-BFGS from the prior mean and `restarts` prior draws).
/// 4. Pending trials, and earlier suggestions of the same call, enter as "constant liar" observations whose loss is
///    the mean observed loss (with the fitted hyperparameters), so a batch spreads out.
/// 5. The acquisition (expected improvement below the best standardised loss, or the lower confidence bound
///    `μ − κσ`) is maximised over `candidates` points — half uniform, half Gaussian perturbations (σ = 0.1) of the
///    five best observations — then refined around the five best candidates by `refinementRounds` rounds of 32
///    perturbations with halving scale. Every candidate is decoded to a legal assignment (integers rounded, one
///    choice per categorical, children only under their parent) before it is scored, so the acquisition is
///    maximised over realisable points only.
public struct GaussianProcessSampler: SearchSampler, Equatable {
    /// The acquisition function (for a minimised loss).
    public enum Acquisition: Sendable, Equatable {
        /// Expected improvement below the best standardised loss by at least `xi`.
        case expectedImprovement(xi: Double)
        /// Confidence bound `μ − κσ` (maximised as `κσ − μ`).
        case upperConfidenceBound(kappa: Double)
    }

    /// The acquisition function (default EI with ξ = 0).
    public var acquisition: Acquisition
    /// Random trials before the GP is used; nil = `max(10, 2 · parameter count)`.
    public var startupTrials: Int?
    /// Candidate points scored per suggestion before local refinement.
    public var candidates: Int
    /// Local refinement rounds around the best candidates.
    public var refinementRounds: Int
    /// Extra random restarts of the hyperparameter fit.
    public var restarts: Int
    /// Hyperparameter priors.
    public var prior: GaussianProcess.HyperparameterPrior

    /// Creates a GP sampler.
    public init(acquisition: Acquisition = .expectedImprovement(xi: 0), startupTrials: Int? = nil,
                candidates: Int = 1024, refinementRounds: Int = 4, restarts: Int = 0,
                prior: GaussianProcess.HyperparameterPrior = .init()) {
        self.acquisition = acquisition
        self.startupTrials = startupTrials
        self.candidates = max(candidates, 2)
        self.refinementRounds = max(refinementRounds, 0)
        self.restarts = max(restarts, 0)
        self.prior = prior
    }

    /// The startup count used for `space`.
    public func startupCount(_ space: SearchSpace) -> Int { startupTrials ?? max(10, 2 * space.parameters.count) }

    /// `count` suggestions; see the type's documentation for the algorithm.
    public func suggest(space: SearchSpace, observations: [SearchObservation], pending: [SearchAssignment],
                        count: Int, firstIndex: Int, seed: UInt64) throws -> [SearchAssignment] {
        guard count > 0 else { return [] }
        let startup = startupCount(space)
        let data = observations.modelObservations(minimum: startup)
        guard data.count >= startup else { return try RandomSampler().suggest(
            space: space, observations: observations, pending: pending, count: count, firstIndex: firstIndex, seed: seed) }

        let d = space.featureCount
        var x = [Double](repeating: 0, count: data.count * d)
        x.withUnsafeMutableBufferPointer { X in
            for (i, o) in data.enumerated() { space.writeFeatures(of: o.assignment, into: X.baseAddress! + i * d) }
        }
        let losses = data.map { $0.loss! }
        let mean = losses.reduce(0, +) / Double(losses.count)
        let variance = losses.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(losses.count)
        let scale = variance > 0 ? variance.squareRoot() : 1
        let y = losses.map { ($0 - mean) / scale }

        var fitGenerator = SeededGenerator(seed: seed, stream: "trial/\(firstIndex)/gp-fit")
        let model = try GaussianProcess.fit(flat: x, count: data.count, dimension: d, targets: y, prior: prior,
                                            restarts: restarts, maxIterations: 60, generator: &fitGenerator)
        let ranked = data.indices.sorted { (losses[$0], $0) < (losses[$1], $1) }
        let incumbents = ranked.prefix(5).map { data[$0].assignment }
        let bestY = y.min()!

        var lies = pending
        var out: [SearchAssignment] = []
        for k in 0..<count {
            var g = SeededGenerator(seed: seed, stream: "trial/\(firstIndex + k)")
            let posterior: GaussianProcess
            if lies.isEmpty {
                posterior = model
            } else {
                var xl = x + [Double](repeating: 0, count: lies.count * d)
                xl.withUnsafeMutableBufferPointer { X in
                    for (i, a) in lies.enumerated() { space.writeFeatures(of: a, into: X.baseAddress! + (data.count + i) * d) }
                }
                // Constant liar: the lie is the mean loss, i.e. 0 after standardisation.
                posterior = try GaussianProcess(flat: xl, count: data.count + lies.count,
                                                targets: y + [Double](repeating: 0, count: lies.count),
                                                hyperparameters: model.hyperparameters)
            }
            let next = maximiseAcquisition(space: space, model: posterior, best: bestY, incumbents: incumbents, &g)
            out.append(next)
            lies.append(next)
        }
        return out
    }

    /// Scores decoded candidates and refines the best ones; returns the best assignment found.
    func maximiseAcquisition(space: SearchSpace, model: GaussianProcess, best: Double,
                             incumbents: [SearchAssignment], _ g: inout SeededGenerator) -> SearchAssignment {
        let p = space.parameters.count
        var raws: [[Double]] = []
        raws.reserveCapacity(candidates)
        let local = incumbents.isEmpty ? 0 : candidates / 2
        for _ in 0..<(candidates - local) { raws.append((0..<p).map { _ in g.nextDouble() }) }
        for c in 0..<local {
            let base = space.unitVector(of: incumbents[c % incumbents.count]) { _ in g.nextDouble() }
            raws.append(perturb(base, scale: 0.1, &g))
        }
        let scored = score(space: space, model: model, best: best, raws: raws)
        // Local refinement: keep the best five, perturb each with a shrinking scale, keep improvements.
        var order = scored.values.indices.sorted { (scored.values[$0], $1) > (scored.values[$1], $0) }
        var starts = order.prefix(5).map { (raw: scored.raws[$0], value: scored.values[$0]) }
        var stepScale = 0.05
        for _ in 0..<refinementRounds {
            for s in starts.indices {
                let trial = (0..<32).map { _ in perturb(starts[s].raw, scale: stepScale, &g) }
                let r = score(space: space, model: model, best: best, raws: trial)
                if let i = r.values.indices.max(by: { (r.values[$0], $1) < (r.values[$1], $0) }),
                   r.values[i] > starts[s].value {
                    starts[s] = (r.raws[i], r.values[i])
                }
            }
            stepScale *= 0.5
        }
        order = starts.indices.sorted { (starts[$0].value, $1) > (starts[$1].value, $0) }
        return space.assignment(fromUnit: starts[order[0]].raw)
    }

    /// Scores raw unit vectors with the acquisition (higher is better) at the legal points they decode to
    /// (`space.assignment(fromUnit:)`), writing the decoded features directly (no dictionaries in the hot path).
    func score(space: SearchSpace, model: GaussianProcess, best: Double, raws: [[Double]])
        -> (raws: [[Double]], values: [Double]) {
        let d = space.featureCount
        let params = space.parameters
        let parents: [Int?] = params.map { p in p.condition.flatMap { c in params.firstIndex { $0.name == c.parent } } }
        var decoded = [SearchValue?](repeating: nil, count: params.count)
        var f = [Double](repeating: 0, count: raws.count * d)
        f.withUnsafeMutableBufferPointer { F in
            for (i, raw) in raws.enumerated() {
                let out = F.baseAddress! + i * d
                var col = 0
                for (j, p) in params.enumerated() {
                    var active = true
                    if let pj = parents[j], let c = p.condition {
                        if case .choice(let k)? = decoded[pj] { active = c.choices.contains(k) } else { active = false }
                    }
                    decoded[j] = active ? p.dimension.value(atUnit: raw[j]) : nil
                    if case .categorical(let count) = p.dimension {
                        for k in 0..<count { out[col + k] = 0 }
                        if case .choice(let k)? = decoded[j] { out[col + k] = 1 }
                        col += count
                    } else {
                        out[col] = decoded[j].map { p.dimension.unit(of: $0) } ?? 0.5
                        col += 1
                    }
                }
            }
        }
        let (mu, v) = model.predict(flat: f, count: raws.count)
        let values: [Double] = zip(mu, v).map { m, vv in
            let s = vv.squareRoot()
            switch acquisition {
            case .expectedImprovement(let xi): return expectedImprovement(mean: m, std: s, best: best, xi: xi)
            case .upperConfidenceBound(let kappa): return kappa * s - m
            }
        }
        return (raws, values)
    }

    /// Adds N(0, scale²) to every coordinate and reflects into [0, 1].
    func perturb(_ raw: [Double], scale: Double, _ g: inout SeededGenerator) -> [Double] {
        raw.map { u in
            var v = u + scale * g.nextGaussian()
            if v < 0 { v = -v }
            if v > 1 { v = 2 - v }
            return min(max(v, 0), 1)
        }
    }
}
