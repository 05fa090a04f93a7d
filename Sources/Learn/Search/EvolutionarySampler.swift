// A steady, stateless genetic algorithm over the raw unit-cube encoding.

/// Genetic search: generation `g` is trials `g·populationSize ..< (g+1)·populationSize`.
///
/// While fewer than `populationSize` successful observations exist, suggestions are prior samples (as
/// `RandomSampler`). Afterwards the parent pool is the `elites` best successful observations of all time plus the
/// `populationSize` most recent successful ones (the last generation) — elitism without re-evaluating elites.
/// Each child: two parents by tournament selection (`tournamentSize` draws from the pool, lowest loss wins), uniform
/// crossover of their raw unit vectors (each gene from either parent with probability ½; a parameter a parent
/// lacks because it was inactive gets a fresh uniform gene), then mutation: each gene with probability
/// `mutationRate` gets N(0, `mutationScale`²) added (reflected into [0, 1]); categorical genes are redrawn uniformly
/// instead. The child is decoded in declaration order, so conditional parameters appear only under their parent.
/// Trial `i` uses `SeededGenerator(seed: seed, stream: "trial/i")`. Pending trials are ignored.
public struct EvolutionarySampler: SearchSampler, Equatable {
    /// Trials per generation (≥ 2).
    public var populationSize: Int
    /// Candidates per tournament (≥ 1).
    public var tournamentSize: Int
    /// Probability that a gene mutates.
    public var mutationRate: Double
    /// Standard deviation of a numeric mutation in unit-cube coordinates.
    public var mutationScale: Double
    /// Best observations always kept in the parent pool.
    public var elites: Int

    /// Creates a genetic sampler.
    public init(populationSize: Int = 20, tournamentSize: Int = 3, mutationRate: Double = 0.2,
                mutationScale: Double = 0.1, elites: Int = 2) {
        self.populationSize = max(populationSize, 2)
        self.tournamentSize = max(tournamentSize, 1)
        self.mutationRate = min(max(mutationRate, 0), 1)
        self.mutationScale = max(mutationScale, 0)
        self.elites = max(elites, 0)
    }

    /// `count` children; see the type's documentation.
    public func suggest(space: SearchSpace, observations: [SearchObservation], pending: [SearchAssignment],
                        count: Int, firstIndex: Int, seed: UInt64) throws -> [SearchAssignment] {
        let ok = observations.filter { $0.loss.map { $0.isFinite } ?? false }
        let ranked = ok.indices.sorted { (ok[$0].loss!, $0) < (ok[$1].loss!, $1) }
        var poolIndices = Array(ranked.prefix(elites))
        for i in ok.indices.suffix(populationSize) where !poolIndices.contains(i) { poolIndices.append(i) }
        let pool = poolIndices.map { ok[$0] }
        return (0..<max(count, 0)).map { k in
            var g = SeededGenerator(seed: seed, stream: "trial/\(firstIndex + k)")
            guard ok.count >= populationSize else { return space.randomAssignment(&g) }
            let a = tournament(pool, &g), b = tournament(pool, &g)
            var child: [Double] = []
            for p in space.parameters {
                let source = g.nextDouble() < 0.5 ? a : b
                var gene = source.assignment[p.name].map { p.dimension.unit(of: $0) } ?? g.nextDouble()
                if g.nextDouble() < mutationRate {
                    if case .categorical = p.dimension {
                        gene = g.nextDouble()
                    } else {
                        gene += mutationScale * g.nextGaussian()
                        if gene < 0 { gene = -gene }
                        if gene > 1 { gene = 2 - gene }
                        gene = min(max(gene, 0), 1)
                    }
                }
                child.append(gene)
            }
            return space.assignment(fromUnit: child)
        }
    }

    func tournament(_ pool: [SearchObservation], _ g: inout SeededGenerator) -> SearchObservation {
        var best = pool[g.nextInt(below: pool.count)]
        for _ in 1..<tournamentSize {
            let c = pool[g.nextInt(below: pool.count)]
            if c.loss! < best.loss! { best = c }
        }
        return best
    }
}
