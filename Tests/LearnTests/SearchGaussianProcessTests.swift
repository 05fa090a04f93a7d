import XCTest
@testable import Learn

final class SearchGaussianProcessTests: XCTestCase {
    func testPosteriorMatchesTheClosedFormIn1D() throws {
        let hp = GaussianProcess.Hyperparameters(amplitude: 2, lengthScales: [0.3], noise: 0.01)
        let gp = try GaussianProcess(inputs: [[0], [0.5], [0.9]], targets: [1, -0.5, 0.25], hyperparameters: hp)
        let (mean, variance) = gp.predict([[0.2], [0.7]])
        // numpy: m52 = lambda r: (1+sqrt(5)*r+5*r*r/3)*exp(-sqrt(5)*r); X=[0,.5,.9]; y=[1,-.5,.25];
        // K = 2*m52(|X_i-X_j|/0.3) + 0.01*I; ks = 2*m52(|xs_i-X_j|/0.3) for xs=[.2,.7];
        // mu = ks @ solve(K, y); var = 2 - diag(ks @ solve(K, ks.T)); lml = -y@solve(K,y)/2 - slogdet(K)/2 - 1.5*log(2π)
        XCTAssertEqual(mean[0], 0.41283855, accuracy: 1e-7)
        XCTAssertEqual(mean[1], -0.19704906, accuracy: 1e-7)
        XCTAssertEqual(variance[0], 0.66254654, accuracy: 1e-7)
        XCTAssertEqual(variance[1], 0.43320765, accuracy: 1e-7)
        XCTAssertEqual(gp.logMarginalLikelihood, -4.164132003497174, accuracy: 1e-9)

        // Independent closed form with two points (2×2 inverse by hand).
        let a = 2.0, s = 0.01, l = 0.3
        let k01 = a * GaussianProcess.matern52(0.5 / l)
        let gp2 = try GaussianProcess(inputs: [[0], [0.5]], targets: [1, -0.5], hyperparameters: hp)
        let k0 = a * GaussianProcess.matern52(0.2 / l), k1 = a * GaussianProcess.matern52(0.3 / l)
        let det = (a + s) * (a + s) - k01 * k01
        let inv = [[(a + s) / det, -k01 / det], [-k01 / det, (a + s) / det]]
        let w0 = inv[0][0] * k0 + inv[0][1] * k1, w1 = inv[1][0] * k0 + inv[1][1] * k1
        let (m2, v2) = gp2.predict([[0.2]])
        XCTAssertEqual(m2[0], w0 * 1 + w1 * -0.5, accuracy: 1e-12)
        XCTAssertEqual(v2[0], a - (w0 * k0 + w1 * k1), accuracy: 1e-12)
    }

    func testMaternKernelValues() {
        XCTAssertEqual(GaussianProcess.matern52(0), 1)
        // (1 + √5 + 5/3) e^{−√5}
        XCTAssertEqual(GaussianProcess.matern52(1), (1 + 5.0.squareRoot() + 5.0 / 3) * exp(-5.0.squareRoot()), accuracy: 1e-15)
    }

    func testLogPosteriorGradientMatchesFiniteDifferences() throws {
        let x: [Double] = [0.1, 0.9, 0.4, 0.3, 0.8, 0.75, 0.2, 0.05, 0.6, 0.5]  // 5 points in 2-D
        let y: [Double] = [0.3, -1.2, 0.8, 0.1, -0.4]
        let prior = GaussianProcess.HyperparameterPrior()
        let means = prior.means(2), stds = prior.stds(2)
        let theta: [Double] = [0.2, -0.7, -1.1, -3.0]
        func f(_ t: [Double]) -> (Double, [Double]) {
            var g = [Double](repeating: 0, count: 4)
            let v = t.withUnsafeBufferPointer { tp in g.withUnsafeMutableBufferPointer {
                GaussianProcess.negativeLogPosterior(theta: tp, gradient: $0, x: x, n: 5, d: 2, y: y, prior: prior,
                                                     means: means, stds: stds) } }
            return (v, g)
        }
        let (_, grad) = f(theta)
        for j in 0..<4 {
            var tp = theta, tm = theta
            tp[j] += 1e-6; tm[j] -= 1e-6
            let fd = (f(tp).0 - f(tm).0) / 2e-6
            XCTAssertEqual(grad[j], fd, accuracy: 1e-5 * max(1, abs(fd)), "component \(j)")
        }
    }

    func testHyperparameterFitImprovesTheLikelihoodAndFindsTheLengthScale() throws {
        // Smooth 1-D function sampled densely: the fitted model must beat the prior-mean start.
        let xs = (0..<20).map { Double($0) / 19 }
        let ys = xs.map { sin(6 * $0) }
        var g = SeededGenerator(seed: 1)
        let prior = GaussianProcess.HyperparameterPrior()
        let fitted = try GaussianProcess.fit(inputs: xs.map { [$0] }, targets: ys, prior: prior, restarts: 2, generator: &g)
        let start = try GaussianProcess(inputs: xs.map { [$0] }, targets: ys,
                                        hyperparameters: .init(amplitude: 1, lengthScales: [0.5], noise: 1e-6 + 1e-3))
        XCTAssertGreaterThan(fitted.logMarginalLikelihood, start.logMarginalLikelihood)
        // Interpolates well between the samples.
        let (m, _) = fitted.predict([[0.5 / 19 + 0.25]])
        XCTAssertEqual(m[0], sin(6 * (0.5 / 19 + 0.25)), accuracy: 1e-2)
    }

    func testExpectedImprovementMatchesItsFormula() {
        // scipy: z=(0.1-0.3-0.01)/0.5; (0.1-0.3-0.01)*norm.cdf(z) + 0.5*norm.pdf(z)
        XCTAssertEqual(expectedImprovement(mean: 0.3, std: 0.5, best: 0.1, xi: 0.01), 0.11181036367294456, accuracy: 1e-14)
        // scipy: z=(1.0-0.2-0.05)/0.3; 0.75*norm.cdf(z) + 0.3*norm.pdf(z)
        XCTAssertEqual(expectedImprovement(mean: 0.2, std: 0.3, best: 1.0, xi: 0.05), 0.7506012411537384, accuracy: 1e-14)
        XCTAssertEqual(expectedImprovement(mean: 0.2, std: 0, best: 1.0, xi: 0), 0.8)
        XCTAssertEqual(expectedImprovement(mean: 2, std: 0, best: 1.0, xi: 0), 0)
    }

    func testGPSamplerIsSeedDeterministicAndImprovesOnBranin() throws {
        let f = SearchTestFunction.branin
        let sampler = GaussianProcessSampler(candidates: 256, refinementRounds: 2)
        var obs: [SearchObservation] = []
        for i in 0..<25 {
            let a = try sampler.suggest(space: f.space, observations: obs, pending: [], count: 1, firstIndex: i, seed: 4)[0]
            obs.append(SearchObservation(assignment: a, loss: f.evaluate(a)))
        }
        let again = try sampler.suggest(space: f.space, observations: obs, pending: [], count: 3, firstIndex: 25, seed: 4)
        XCTAssertEqual(again, try sampler.suggest(space: f.space, observations: obs, pending: [], count: 3, firstIndex: 25, seed: 4))
        XCTAssertEqual(Set(again).count, 3, "constant liar spreads a batch")
        // The 15 model-based trials find a far better point than the 10 random start-up trials.
        let startupBest = obs.prefix(10).map { $0.loss! }.min()!
        let bayesBest = obs.suffix(15).map { $0.loss! }.min()!
        XCTAssertLessThan(bayesBest, min(startupBest, 1.0))
    }

    /// The acquisition scorer's dictionary-free decoding gives exactly the features of the decoded assignment.
    func testScoringUsesTheFeaturesOfTheDecodedAssignment() throws {
        let space = try SearchSpaceTests.conditionalSpace()
        let obs = try RandomSampler().suggest(space: space, observations: [], pending: [], count: 12, firstIndex: 0, seed: 8)
        let d = space.featureCount
        var x = [Double](repeating: 0, count: obs.count * d)
        x.withUnsafeMutableBufferPointer { X in for (i, a) in obs.enumerated() { space.writeFeatures(of: a, into: X.baseAddress! + i * d) } }
        let model = try GaussianProcess(flat: x, count: obs.count, targets: (0..<obs.count).map { sin(Double($0)) },
                                        hyperparameters: .init(amplitude: 1, lengthScales: Array(repeating: 0.4, count: d), noise: 1e-4))
        var g = SeededGenerator(seed: 3)
        let raws = (0..<50).map { _ in (0..<space.parameters.count).map { _ in g.nextDouble() } }
        let sampler = GaussianProcessSampler()
        let scored = sampler.score(space: space, model: model, best: -0.5, raws: raws)
        var f = [Double](repeating: 0, count: raws.count * d)
        f.withUnsafeMutableBufferPointer { F in
            for (i, r) in raws.enumerated() { space.writeFeatures(of: space.assignment(fromUnit: r), into: F.baseAddress! + i * d) }
        }
        let (mu, v) = model.predict(flat: f, count: raws.count)
        for i in raws.indices {
            XCTAssertEqual(scored.values[i], expectedImprovement(mean: mu[i], std: v[i].squareRoot(), best: -0.5, xi: 0))
        }
    }
}
