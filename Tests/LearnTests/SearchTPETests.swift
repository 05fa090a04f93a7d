import XCTest
@testable import Learn

final class SearchTPETests: XCTestCase {
    func testGammaAndWeightsFollowOptunaDefaults() {
        XCTAssertEqual([1, 10, 11, 100, 249, 251, 1000].map(TPESampler.gamma), [1, 1, 2, 10, 25, 25, 25])
        XCTAssertEqual(ParzenEstimator.observationWeights(3), [1, 1, 1])
        // n = 28: numpy.linspace(1/28, 1, 3) followed by 25 ones.
        let w = ParzenEstimator.observationWeights(28)
        XCTAssertEqual(w.count, 28)
        XCTAssertEqual(w[0], 1.0 / 28, accuracy: 1e-15)
        XCTAssertEqual(w[1], (1.0 / 28 + 1) / 2, accuracy: 1e-15)
        XCTAssertEqual(Array(w[2...]), [Double](repeating: 1, count: 26))
    }

    func testBandwidthRuleByHand() {
        // Observations 0.2, 0.5, 0.6 on [0, 1]; neighbours with endpoints: 0 | .2 .5 .6 | 1.
        // Larger gaps: .3, .3, .4; without endpoints the extremes use their inner gap: .3 and .1.
        // Magic clip: min σ = 1 / min(100, 1 + 4 kernels) = .2 → σ = .3, .3, .2; prior N(.5, 1²).
        let e = ParzenEstimator(values: [.real(0.2), .real(0.5), .real(0.6)],
                                dimension: .real(low: 0, high: 1, log: false), priorWeight: 1)
        XCTAssertEqual(e.mus, [0.2, 0.5, 0.6, 0.5])
        for (s, x) in zip(e.sigmas, [0.3, 0.3, 0.2, 1.0]) { XCTAssertEqual(s, x, accuracy: 1e-15) }
        XCTAssertEqual(e.weights, [0.25, 0.25, 0.25, 0.25])
        // Density at 0.4: Σ w φ((x−μ)/σ) / (σ (Φ((1−μ)/σ) − Φ(−μ/σ))).
        var p = 0.0
        for (m, s) in zip(e.mus, e.sigmas) {
            p += 0.25 * normalPDF((0.4 - m) / s) / (s * (normalCDF((1 - m) / s) - normalCDF(-m / s)))
        }
        XCTAssertEqual(e.logDensity(.real(0.4)), log(p), accuracy: 1e-12)
    }

    func testCategoricalKernelsAndIntegerMass() {
        // Two observations of choice 1 out of 3, prior weight 1: kernel rows (1/3+1, 1/3, 1/3)/2-style smoothing.
        let c = ParzenEstimator(values: [.choice(1), .choice(1)], dimension: .categorical(count: 3), priorWeight: 1)
        // Each observed row: fill 1/3 (prior_weight / kernels), +1 at choice 1 → [1/3, 4/3, 1/3] / 2.
        XCTAssertEqual(c.choiceProbabilities[0][1], 4.0 / 6, accuracy: 1e-15)
        let p1 = (2.0 * (4.0 / 6) + 1.0 / 3) / 3
        XCTAssertEqual(c.logDensity(.choice(1)), log(p1), accuracy: 1e-14)
        // Integer masses over the lattice sum to 1.
        let i = ParzenEstimator(values: [.integer(2), .integer(5)], dimension: .integer(low: 1, high: 9, step: 1, log: false), priorWeight: 1)
        let total = (1...9).reduce(0.0) { $0 + exp(i.logDensity(.integer($1))) }
        XCTAssertEqual(total, 1, accuracy: 1e-12)
    }

    func testTPEIsDeterministicAndBeatsItsStartupOnBranin() throws {
        let f = SearchTestFunction.branin
        let tpe = TPESampler()
        var obs: [SearchObservation] = []
        for i in 0..<60 {
            let a = try tpe.suggest(space: f.space, observations: obs, pending: [], count: 1, firstIndex: i, seed: 2)[0]
            obs.append(SearchObservation(assignment: a, loss: f.evaluate(a)))
        }
        XCTAssertEqual(try tpe.suggest(space: f.space, observations: obs, pending: [], count: 2, firstIndex: 60, seed: 2),
                       try tpe.suggest(space: f.space, observations: obs, pending: [], count: 2, firstIndex: 60, seed: 2))
        XCTAssertLessThan(obs.suffix(50).map { $0.loss! }.min()!, obs.prefix(10).map { $0.loss! }.min()!)
    }
}
