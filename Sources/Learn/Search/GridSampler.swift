// Exhaustive grid search over the product of per-dimension grids, conditionals expanded only under their parent.

import Foundation

/// Grid search: trial `i` is the `i`-th point of a fixed enumeration of the grid (wrapping around after
/// `size(space)` points, so asking for more trials than the grid has repeats it from the start).
///
/// Per-dimension grids: `real` → `pointsPerDimension` evenly spaced values from `low` to `high` inclusive
/// (geometrically spaced when `log`; the midpoint when `pointsPerDimension == 1`); `integer` → every lattice value
/// `low, low+step, …, ≤ high`; `categorical` → every choice. A conditional parameter is expanded only under
/// the parent choices that activate it, so the grid is the union over parent choices of the products of the
/// active parameters' grids. Enumeration order is lexicographic in declaration order (the first parameter
/// varies slowest). Observations and the seed are ignored.
public struct GridSampler: SearchSampler, Equatable {
    /// Number of values of each `real` dimension (≥ 1).
    public var pointsPerDimension: Int

    /// Creates a grid sampler.
    public init(pointsPerDimension: Int = 5) {
        precondition(pointsPerDimension >= 1, "pointsPerDimension must be ≥ 1")
        self.pointsPerDimension = pointsPerDimension
    }

    /// The values of one dimension on this grid.
    public func values(of dimension: SearchDimension) -> [SearchValue] {
        switch dimension {
        case .real(let lo, let hi, let log):
            let m = pointsPerDimension
            if m == 1 { return [.real(log ? (lo * hi).squareRoot() : (lo + hi) / 2)] }
            return (0..<m).map { i in
                if i == m - 1 { return .real(hi) }
                let t = Double(i) / Double(m - 1)
                return .real(log ? Foundation.exp(Foundation.log(lo) + t * (Foundation.log(hi) - Foundation.log(lo)))
                                 : lo + t * (hi - lo))
            }
        case .integer(let lo, let hi, let step, _):
            return stride(from: lo, through: hi, by: step).map { .integer($0) }
        case .categorical(let count):
            return (0..<count).map { .choice($0) }
        }
    }

    /// Number of distinct grid points of `space` (the trial count that covers the grid once).
    public func size(_ space: SearchSpace) -> Int {
        let counts = space.parameters.map { values(of: $0.dimension).count }
        func count(_ i: Int, _ partial: SearchAssignment) -> Int {
            if i == space.parameters.count { return 1 }
            guard space.isActive(i, in: partial) else { return count(i + 1, partial) }
            let p = space.parameters[i]
            if case .categorical(let c) = p.dimension {
                var total = 0
                for k in 0..<c {
                    var next = partial
                    next[p.name] = .choice(k)
                    total += count(i + 1, next)
                }
                return total
            }
            return counts[i] * count(i + 1, partial)  // numeric values never change which children are active
        }
        return count(0, [:])
    }

    /// Number of distinct grid points of `space` with `pointsPerDimension` values per real dimension.
    public static func size(_ space: SearchSpace, pointsPerDimension: Int = 5) -> Int {
        GridSampler(pointsPerDimension: pointsPerDimension).size(space)
    }

    /// Every grid point in enumeration order.
    public func points(_ space: SearchSpace) -> [SearchAssignment] {
        let grids = space.parameters.map { values(of: $0.dimension) }
        var out: [SearchAssignment] = []
        func expand(_ i: Int, _ partial: SearchAssignment) {
            if i == space.parameters.count { out.append(partial); return }
            guard space.isActive(i, in: partial) else { expand(i + 1, partial); return }
            for v in grids[i] {
                var next = partial
                next[space.parameters[i].name] = v
                expand(i + 1, next)
            }
        }
        expand(0, [:])
        return out
    }

    /// Grid points `firstIndex ..< firstIndex + count` (modulo the grid size).
    public func suggest(space: SearchSpace, observations: [SearchObservation], pending: [SearchAssignment],
                        count: Int, firstIndex: Int, seed: UInt64) throws -> [SearchAssignment] {
        guard count > 0 else { return [] }
        let all = points(space)
        return (0..<count).map { all[(firstIndex + $0) % all.count] }
    }
}

/// Random search: each parameter drawn from its prior (uniform, log-uniform, uniform over the integer lattice,
/// uniform choice; log integers log-uniform on `[low − ½, high + ½]` then rounded), inactive ones omitted.
/// Trial `i` uses `SeededGenerator(seed: seed, stream: "trial/i")` only, so it is independent of observations.
public struct RandomSampler: SearchSampler, Equatable {
    /// Creates a random sampler.
    public init() {}

    /// `count` independent prior samples.
    public func suggest(space: SearchSpace, observations: [SearchObservation], pending: [SearchAssignment],
                        count: Int, firstIndex: Int, seed: UInt64) throws -> [SearchAssignment] {
        (0..<max(count, 0)).map { k in
            var g = SeededGenerator(seed: seed, stream: "trial/\(firstIndex + k)")
            return space.randomAssignment(&g)
        }
    }
}
