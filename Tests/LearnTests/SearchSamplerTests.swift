import XCTest
@testable import Learn

final class SearchSamplerTests: XCTestCase {
    func testGridEnumeratesExactlyTheProductAndConditionalsOnlyUnderTheirParent() throws {
        let space = try SearchSpaceTests.conditionalSpace()
        let grid = GridSampler(pointsPerDimension: 4)
        let bs = [0, 1.0 / 3, 2.0 / 3, 1].map { SearchValue.real($0) }
        let cs = [1, 3, 5].map { SearchValue.integer($0) }
        let ds = [1e-3, 1e-2, 1e-1, 1].map { SearchValue.real($0) }
        // Hand-built: a ∈ {0, 2} → b × c (4 × 3); a = 1 → c × d (3 × 4).
        var expected: [SearchAssignment] = []
        for a in 0..<3 {
            if a == 1 {
                for c in cs { for d in ds { expected.append(["a": .choice(1), "c": c, "d": d]) } }
            } else {
                for b in bs { for c in cs { expected.append(["a": .choice(a), "b": b, "c": c]) } }
            }
        }
        XCTAssertEqual(grid.size(space), 36)
        XCTAssertEqual(GridSampler.size(space, pointsPerDimension: 4), 36)
        let points = try grid.suggest(space: space, observations: [], pending: [], count: 36, firstIndex: 0, seed: 1)
        XCTAssertEqual(points.count, expected.count)
        XCTAssertEqual(Set(points).count, 36)
        for (p, e) in zip(points, expected) {
            XCTAssertEqual(p.keys.sorted(), e.keys.sorted())
            for (k, v) in e {
                if case .real(let x) = v, case .real(let y)? = p[k] { XCTAssertEqual(x, y, accuracy: 1e-12 * max(1, abs(x))) }
                else { XCTAssertEqual(p[k], v) }
            }
        }
        // Later trial indices wrap around.
        let wrapped = try grid.suggest(space: space, observations: [], pending: [], count: 2, firstIndex: 35, seed: 9)
        XCTAssertEqual(wrapped, [points[35], points[0]])
    }

    func testRandomIsSeedDeterministicAndPerTrial() throws {
        let space = try SearchSpaceTests.conditionalSpace()
        let r = RandomSampler()
        let a = try r.suggest(space: space, observations: [], pending: [], count: 5, firstIndex: 3, seed: 42)
        let b = try r.suggest(space: space, observations: [], pending: [], count: 5, firstIndex: 3, seed: 42)
        XCTAssertEqual(a, b)
        // Trial 5 is the same whether asked alone or inside a batch (resumability).
        let alone = try r.suggest(space: space, observations: [], pending: [], count: 1, firstIndex: 5, seed: 42)
        XCTAssertEqual(alone[0], a[2])
        let other = try r.suggest(space: space, observations: [], pending: [], count: 5, firstIndex: 3, seed: 43)
        XCTAssertNotEqual(a, other)
    }

    func testLogRealsAreLogUniformAndIntegersCoverTheirLattice() throws {
        let space = try SearchSpace([
            SearchParameter(name: "lr", dimension: .real(low: 1e-5, high: 1e-1, log: true)),
            SearchParameter(name: "n", dimension: .integer(low: 2, high: 10, step: 4, log: false)),
        ])
        let s = try RandomSampler().suggest(space: space, observations: [], pending: [], count: 4000, firstIndex: 0, seed: 5)
        var below = 0
        var counts: [Int: Int] = [:]
        for a in s {
            guard case .real(let lr)? = a["lr"], case .integer(let n)? = a["n"] else { return XCTFail("missing value") }
            XCTAssertTrue(lr >= 1e-5 && lr <= 1e-1)
            if lr < 1e-3 { below += 1 }  // log-midpoint
            counts[n, default: 0] += 1
        }
        // Binomial(4000, ½): 5 standard deviations ≈ 158.
        XCTAssertEqual(Double(below), 2000, accuracy: 158)
        XCTAssertEqual(Set(counts.keys), [2, 6, 10])
        for c in counts.values { XCTAssertEqual(Double(c), 4000.0 / 3, accuracy: 150) }
    }

    /// Every sampler, over many sequential suggestions on a conditional space with log and stepped integer
    /// dimensions, returns only valid assignments: exactly the active parameters, values inside their bounds and
    /// on their lattice (so a child never appears without its parent's activating choice).
    func testConditionalParametersNeverAppearWithoutTheirParentForAllSamplers() throws {
        let space = try SearchSpace([
            SearchParameter(name: "model", dimension: .categorical(count: 3)),
            SearchParameter(name: "lr", dimension: .real(low: 1e-4, high: 1, log: true),
                            condition: SearchCondition(parent: "model", choices: [0, 1])),
            SearchParameter(name: "depth", dimension: .integer(low: 1, high: 64, step: 1, log: true),
                            condition: SearchCondition(parent: "model", choices: [2])),
            SearchParameter(name: "kernel", dimension: .categorical(count: 2),
                            condition: SearchCondition(parent: "model", choices: [1])),
            SearchParameter(name: "gamma", dimension: .real(low: -1, high: 1, log: false),
                            condition: SearchCondition(parent: "kernel", choices: [1])),
            SearchParameter(name: "width", dimension: .integer(low: 8, high: 128, step: 8, log: false)),
        ])
        func loss(_ a: SearchAssignment) -> Double {
            var v = 0.0
            if case .choice(let m)? = a["model"] { v += Double(m) * 0.3 }
            if case .real(let lr)? = a["lr"] { v += abs(log10(lr) + 2) }
            if case .integer(let d)? = a["depth"] { v += abs(Double(d) - 10) / 10 }
            if case .real(let g)? = a["gamma"] { v += g * g }
            if case .integer(let w)? = a["width"] { v += Double(w) / 128 }
            return v
        }
        let samplers: [(String, any SearchSampler)] = [
            ("grid", GridSampler(pointsPerDimension: 3)), ("random", RandomSampler()),
            ("gp", GaussianProcessSampler(candidates: 128, refinementRounds: 1)), ("tpe", TPESampler()),
            ("evolution", EvolutionarySampler(populationSize: 8)),
        ]
        for (name, sampler) in samplers {
            var obs: [SearchObservation] = []
            var i = 0
            while i < 40 {
                // Batches of 2 with one pending trial exercise the batch/pending paths too.
                let batch = try sampler.suggest(space: space, observations: obs, pending: i % 5 == 0 ? [] : [obs.last!.assignment],
                                                count: 2, firstIndex: i, seed: 11)
                XCTAssertEqual(batch.count, 2)
                for a in batch {
                    XCTAssertTrue(space.isValid(a), "\(name) suggested invalid \(a)")
                    obs.append(SearchObservation(assignment: a, loss: i == 13 ? nil : loss(a)))
                }
                i += 2
            }
        }
    }

    func testEvolutionaryIsDeterministicAndUsesItsParents() throws {
        let f = SearchTestFunction.branin
        let e = EvolutionarySampler(populationSize: 6, mutationRate: 0)
        var obs: [SearchObservation] = []
        for i in 0..<6 {
            let a = try e.suggest(space: f.space, observations: obs, pending: [], count: 1, firstIndex: i, seed: 3)[0]
            obs.append(SearchObservation(assignment: a, loss: f.evaluate(a)))
        }
        let kids = try e.suggest(space: f.space, observations: obs, pending: [], count: 10, firstIndex: 6, seed: 3)
        XCTAssertEqual(kids, try e.suggest(space: f.space, observations: obs, pending: [], count: 10, firstIndex: 6, seed: 3))
        // Without mutation every gene of a child comes from one of the observed parents.
        let genes = Set(obs.flatMap { o in o.assignment.values })
        for k in kids { for v in k.values { XCTAssertTrue(genes.contains(v)) } }
    }

    func testTestFunctionsAtTheirKnownMinimisers() {
        XCTAssertEqual(SearchTestFunction.braninValue(Double.pi, 2.275), 0.397887, accuracy: 1e-6)
        XCTAssertEqual(SearchTestFunction.braninValue(-Double.pi, 12.275), 0.397887, accuracy: 1e-6)
        XCTAssertEqual(SearchTestFunction.hartmann6Value([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]),
                       -3.32237, accuracy: 1e-5)
    }
}
