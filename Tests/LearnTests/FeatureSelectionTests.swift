import XCTest
@testable import Learn

/// Univariate scores, top-k/percentile rules, RFE and L1 selection against scikit-learn 1.9.1 (calls recorded)
/// and hand-computed cases.
final class FeatureSelectionTests: XCTestCase {
    typealias D = FeatureTestData

    func scores(_ body: (UnsafeBufferPointer<Float>) throws -> [Double]) rethrows -> [Double] { try D.x.withUnsafeBufferPointer(body) }

    func testVarianceFAndChi2MatchScikitLearn() throws {
        // VarianceThreshold().fit(X).variances_
        assertClose(scores { UnivariateScores.variances($0, rows: D.n, cols: D.d) },
                    [7.4296243055555555, 4.030575, 8.909980555555556, 0.09071983333333335], tol: 1e-5)
        // f_classif(X, y)[0]
        assertClose(scores { UnivariateScores.anovaF($0, rows: D.n, cols: D.d, labels: D.labels, classes: 3) },
                    [0.5293158113616604, 3.0139014273409543, 0.04152525694447437, 2.932188032178171], tol: 1e-5)
        // chi2(X, y)[0]
        assertClose(try scores { try UnivariateScores.chiSquared($0, rows: D.n, cols: D.d, labels: D.labels, classes: 3) },
                    [1.8047635839076792, 2.3164716417910487, 0.216366654371081, 0.6860950479233224], tol: 1e-5)
    }

    func testChi2RejectsNegativeValues() {
        XCTAssertThrowsError(try [Float(-1), 2].withUnsafeBufferPointer { try UnivariateScores.chiSquared($0, rows: 2, cols: 1, labels: [0, 1], classes: 2) })
    }

    func testMutualInformationKNNMatchesScikitLearn() {
        // rng = np.random.RandomState(1); y = [0]*10 + [1]*10 + [2]*10
        // x0 = np.round(rng.randn(30) + y * 1.5, 3); x1 = np.round(rng.randn(30), 3)
        // mutual_info_classif(np.c_[x0, x1], y, random_state=0, n_neighbors=3) → [0.4502331349163955, 0.0]
        // (the same for random_state 1 and 2: the 1e-10 noise does not change neighbour counts without ties)
        let x0: [Float] = [1.624, -0.612, -0.528, -1.073, 0.865, -2.302, 1.745, -0.761, 0.319, -0.249, 2.962, -0.56, 1.178, 1.116, 2.634,
                           0.4, 1.328, 0.622, 1.542, 2.083, 1.899, 4.145, 3.902, 3.502, 3.901, 2.316, 2.877, 2.064, 2.732, 3.53]
        let x1: [Float] = [-0.692, -0.397, -0.687, -0.845, -0.671, -0.013, -1.117, 0.234, 1.66, 0.742, -0.192, -0.888, -0.747, 1.692, 0.051,
                           -0.637, 0.191, 2.1, 0.12, 0.617, 0.3, -0.352, -1.143, -0.349, -0.209, 0.587, 0.839, 0.931, 0.286, 0.885]
        let x = zip(x0, x1).flatMap { [$0, $1] }
        let y = (0..<30).map { Int32($0 / 10) }
        let mi = x.withUnsafeBufferPointer { UnivariateScores.mutualInformation($0, rows: 30, cols: 2, labels: y, classes: 3, discrete: false) }
        assertClose(mi, [0.4502331349163955, 0.0], tol: 1e-6)
    }

    func testDiscreteMutualInformationByHand() {
        // x = y on two equiprobable values: MI = ln 2. x independent of y: MI = 0.
        let dependent = [Float(0), 0, 1, 1].withUnsafeBufferPointer {
            UnivariateScores.mutualInformation($0, rows: 4, cols: 1, labels: [0, 0, 1, 1], classes: 2, discrete: true)
        }
        XCTAssertEqual(dependent[0], log(2), accuracy: 1e-12)
        let independent = [Float(0), 1, 0, 1].withUnsafeBufferPointer {
            UnivariateScores.mutualInformation($0, rows: 4, cols: 1, labels: [0, 0, 1, 1], classes: 2, discrete: true)
        }
        XCTAssertEqual(independent[0], 0, accuracy: 1e-12)
        // ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2 (closed forms)
        XCTAssertEqual(UnivariateScores.digamma(1), -0.5772156649015329, accuracy: 1e-12)
        XCTAssertEqual(UnivariateScores.digamma(0.5), -0.5772156649015329 - 2 * log(2), accuracy: 1e-12)
    }

    func testTopKAndPercentileFollowScikitLearnTieRules() {
        // SelectKBest(k=2) with scores [1, 3, 3, 2]: stable argsort → [0, 3, 1, 2], last two → columns 1, 2
        XCTAssertEqual(FeatureSelection.topK([1, 3, 3, 2], k: 2), [1, 2])
        XCTAssertEqual(FeatureSelection.topK([5, 5, 5, 1], k: 2), [1, 2])  // ties: later columns win
        // SelectPercentile(percentile=50) on [1, 2, 3, 4]: threshold np.percentile(scores, 50) = 2.5 → columns 2, 3
        XCTAssertEqual(FeatureSelection.percentile([1, 2, 3, 4], percentile: 50), [2, 3])
        // scores [1, 2, 2, 2]: threshold 2, none above; ties fill up to int(4·0.5) = 2 in column order → 1, 2
        XCTAssertEqual(FeatureSelection.percentile([1, 2, 2, 2], percentile: 50), [1, 2])
    }

    func testRidgeAndRFEMatchScikitLearn() throws {
        let gram = D.x.withUnsafeBufferPointer { RidgeGram($0, rows: D.n, cols: D.d, labels: D.labels, classes: 3) }
        // RidgeClassifier(alpha=1.0).fit(X, y).coef_
        assertClose(try gram.coefficients(subset: [0, 1, 2, 3], alpha: 1),
                    [0.03218820895293622, -0.27196589243170344, -0.011032808633021429, -0.4480079026748013,
                     -0.05783778833250748, 0.03823936051309936, -0.030862973875739927, 0.9721904254631425,
                     0.02564957937957123, 0.23372653191860407, 0.04189578250876136, -0.524182522788341], tol: 1e-5)
        // RFE(RidgeClassifier(alpha=1.0), n_features_to_select=2, step=1).fit(X, y): support_ [F, T, F, T], ranking_ [2, 1, 3, 1]
        let rfe = try gram.eliminate(keep: 2, step: 1, alpha: 1)
        XCTAssertEqual(rfe.selected, [1, 3])
        XCTAssertEqual(rfe.ranking, [2, 1, 3, 1])
    }

    func testL1LogisticMatchesScikitLearn() {
        // LogisticRegression(penalty="l1", C=0.5, solver="saga", tol=1e-12, max_iter=1000000).fit(X, y)
        let multi = D.x.withUnsafeBufferPointer { L1Logistic.fit($0, rows: D.n, cols: D.d, labels: D.labels, classes: 3, c: 0.5, maxIterations: 200_000, tolerance: 1e-10) }
        assertClose(multi.coefficients, [0.0, -0.36219850701889644, 0.0, 0.0, -0.08768476454863271, 0.0, 0.0, 0.0, 0.0, 0.20810443814327043, 0.0, 0.0], tol: 2e-3)
        assertClose(multi.intercepts, [2.405536535797636, -0.053960949958360746, -2.351575585839486], tol: 2e-3)
        // the same with y > 0 (binary): coef_ [[-0.034746914379741506, 0.46373408930021426, 0, 0]], intercept_ [-2.9171340528713023]
        let binary = D.x.withUnsafeBufferPointer {
            L1Logistic.fit($0, rows: D.n, cols: D.d, labels: D.labels.map { $0 > 0 ? 1 : 0 }, classes: 2, c: 0.5, maxIterations: 200_000, tolerance: 1e-10)
        }
        assertClose(binary.coefficients, [-0.034746914379741506, 0.46373408930021426, 0.0, 0.0], tol: 2e-3)
        assertClose(binary.intercepts, [-2.9171340528713023], tol: 2e-3)
        // SelectFromModel keeps |coef| summed over classes ≥ 1e-5: columns 0 and 1.
        XCTAssertEqual(multi.importance.indices.filter { multi.importance[$0] >= 1e-5 }, [0, 1])
    }
}
