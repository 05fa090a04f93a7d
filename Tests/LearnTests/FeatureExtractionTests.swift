import XCTest
@testable import Learn

/// PCA, truncated SVD, LDA, random projections and polynomial features against scikit-learn 1.9.1 numbers
/// (calls recorded beside each) and closed forms.
final class FeatureExtractionTests: XCTestCase {
    typealias D = FeatureTestData

    func pca(_ count: ComponentCount, whiten: Bool = false) throws -> PCA {
        try D.x.withUnsafeBufferPointer { try PCA.fit($0, rows: D.n, cols: D.d, components: count, whiten: whiten) }
    }

    func testPCAMatchesScikitLearn() throws {
        // p = PCA(n_components=2).fit(X): p.components_, p.explained_variance_, p.explained_variance_ratio_, p.transform(X[:2])
        let p = try pca(.count(2))
        assertClose(p.components.map(Double.init), [0.47235658675262865, -0.2660376258060275, 0.8402986511821295, -0.0011888769458618248,
                                                     0.8287920153032262, -0.1888152813371179, -0.5257135281328028, -0.032830949443521204], tol: 1e-5)
        assertClose(p.explainedVariance, [10.591693655668125, 7.8722793889641345], tol: 1e-5)
        assertClose(p.explainedVarianceRatio, [0.47451738010973127, 0.35268518072593924], tol: 1e-5)
        let y = Array(D.x[0..<8]).withUnsafeBufferPointer { p.transform($0, rows: 2) }
        assertClose(y.map(Double.init), [1.733620892329208, -0.31970524570050357, -0.060164194056147036, -0.369377738744702], tol: 1e-5)
    }

    func testWhitenedPCAAndVarianceFraction() throws {
        // PCA(n_components=2, whiten=True).fit(X).transform(X[:1]) → [[0.5326861762785285, -0.11394611244944018]]
        let p = try pca(.count(2), whiten: true)
        let y = Array(D.x[0..<4]).withUnsafeBufferPointer { p.transform($0, rows: 1) }
        assertClose(y.map(Double.init), [0.5326861762785285, -0.11394611244944018], tol: 1e-5)
        // PCA(n_components=0.9).fit(X).n_components_ → 3
        XCTAssertEqual(try pca(.varianceFraction(0.9)).componentCount, 3)
        // Whitened training output has unit sample variance (ddof 1) per component: a closed form.
        let all = D.x.withUnsafeBufferPointer { p.transform($0, rows: D.n) }
        for r in 0..<2 {
            let column = (0..<D.n).map { Double(all[$0 * 2 + r]) }
            let mean = column.reduce(0, +) / Double(D.n)
            XCTAssertEqual(mean, 0, accuracy: 1e-5)
            XCTAssertEqual(column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(D.n - 1), 1, accuracy: 1e-4)
        }
    }

    func testTruncatedSVDMatchesScikitLearn() throws {
        // t = TruncatedSVD(n_components=2, algorithm="arpack").fit(X): t.components_, t.singular_values_
        let t = try D.x.withUnsafeBufferPointer { try TruncatedSVD.fit($0, rows: D.n, cols: D.d, components: 2) }
        assertClose(t.components.map(Double.init), [0.48541730186606447, 0.7595386261146839, 0.42949535153065854, 0.054816617028455326,
                                                     0.283765848898097, -0.6024053630940737, 0.7459696689075614, -0.010675887999725894], tol: 1e-5)
        assertClose(t.singularValues, [38.311416575224136, 10.281701243055187], tol: 1e-5)
    }

    func testLDAMatchesScikitLearnEigenSolverUpToSign() throws {
        // l = LinearDiscriminantAnalysis(solver="eigen").fit(X, y); l.scalings_[:, :2] (columns) and l.transform(X[:1])
        let lda = try D.x.withUnsafeBufferPointer {
            try LinearDiscriminant.fit($0, rows: D.n, cols: D.d, labels: D.labels, classes: 3, components: nil)
        }
        XCTAssertEqual(lda.componentCount, 2)
        let reference: [[Double]] = [[-0.04481585699299357, 0.45210410245948157, -0.039707205612598995, 3.4016946528644456],
                                     [0.019929483303121828, 0.47750276017844206, 0.11211045881568787, -2.565067363434979]]
        let transformed = [4.60099441366091, 2.801621952196534]
        let y = Array(D.x[0..<4]).withUnsafeBufferPointer { lda.transform($0, rows: 1) }
        for r in 0..<2 {
            // LAPACK leaves each eigenvector's sign free; ours makes the largest entry positive.
            let ours = (0..<4).map { Double(lda.scalings[r * 4 + $0]) }
            let sign: Double = (ours[3] > 0) == (reference[r][3] > 0) ? 1 : -1
            assertClose(ours, reference[r].map { $0 * sign }, tol: 1e-4, "component \(r)")
            XCTAssertEqual(Double(y[r]), transformed[r] * sign, accuracy: 1e-4)
        }
    }

    func testSingularWithinClassScatterIsAClearError() {
        // A constant column makes S_w singular; shrinkage fixes it.
        var x = D.x
        for i in 0..<D.n { x[i * 4 + 2] = 1 }
        XCTAssertThrowsError(try x.withUnsafeBufferPointer { try LinearDiscriminant.fit($0, rows: D.n, cols: D.d, labels: D.labels, classes: 3, components: nil) }) {
            XCTAssertTrue("\($0)".contains("singular"), "\($0)")
        }
        XCTAssertNoThrow(try x.withUnsafeBufferPointer { try LinearDiscriminant.fit($0, rows: D.n, cols: D.d, labels: D.labels, classes: 3, components: nil, shrinkage: 0.1) })
    }

    func testRandomProjectionDistributionsAndDeterminism() {
        let k = 50, d = 2000
        var g1 = SeededGenerator(seed: 7, stream: "rp")
        let sparse = RandomProjection.sparse(components: k, features: d, density: nil, generator: &g1)
        // Li et al.: density 1/sqrt(2000) ≈ 0.02236; non-zeros are exactly ±sqrt(1/(density·k)).
        let density = 1 / Double(d).squareRoot()
        let magnitude = Float((1 / (density * Double(k))).squareRoot())
        XCTAssertTrue(sparse.matrix.allSatisfy { $0 == 0 || $0 == magnitude || $0 == -magnitude })
        let nonZero = Double(sparse.matrix.filter { $0 != 0 }.count) / Double(k * d)
        // 100,000 Bernoulli(0.0224) draws: standard error 0.00047; allow 5 of them.
        XCTAssertEqual(nonZero, density, accuracy: 0.0024)
        var g2 = SeededGenerator(seed: 7, stream: "rp")
        XCTAssertEqual(RandomProjection.sparse(components: k, features: d, density: nil, generator: &g2), sparse)

        var g3 = SeededGenerator(seed: 3)
        let gaussian = RandomProjection.gaussian(components: k, features: d, generator: &g3)
        let values = gaussian.matrix.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        XCTAssertEqual(mean, 0, accuracy: 5 * (1 / Double(k)).squareRoot() / Double(values.count).squareRoot())
        XCTAssertEqual(variance * Double(k), 1, accuracy: 0.03)  // relative standard error sqrt(2/100000) ≈ 0.0045
    }

    func testJohnsonLindenstraussMinimumDimension() {
        // sklearn.random_projection.johnson_lindenstrauss_min_dim(n_samples=1e6, eps=0.5) → 663; (100, 0.1) → 3947; (5000, 0.3) → 946
        XCTAssertEqual(RandomProjection.minimumDimension(samples: 1_000_000, eps: 0.5), 663)
        XCTAssertEqual(RandomProjection.minimumDimension(samples: 100, eps: 0.1), 3947)
        XCTAssertEqual(RandomProjection.minimumDimension(samples: 5000, eps: 0.3), 946)
    }

    func testPolynomialFeaturesNamesOrderAndValues() {
        // PolynomialFeatures(degree=2).fit(np.zeros((1,2))).get_feature_names_out(["a","b"])
        XCTAssertEqual(PolynomialFeatures(features: 2, degree: 2, interactionOnly: false, includeBias: true).names(["a", "b"]),
                       ["1", "a", "b", "a^2", "a b", "b^2"])
        // PolynomialFeatures(degree=3, interaction_only=True, include_bias=False) on 3 columns
        XCTAssertEqual(PolynomialFeatures(features: 3, degree: 3, interactionOnly: true, includeBias: false).names(["a", "b", "c"]),
                       ["a", "b", "c", "a b", "a c", "b c", "a b c"])
        // PolynomialFeatures(degree=3): names and .transform([[2.0, 3.0]])
        let cubic = PolynomialFeatures(features: 2, degree: 3, interactionOnly: false, includeBias: true)
        XCTAssertEqual(cubic.names(["a", "b"]), ["1", "a", "b", "a^2", "a b", "b^2", "a^3", "a^2 b", "a b^2", "b^3"])
        XCTAssertEqual([Float(2), 3].withUnsafeBufferPointer { cubic.transform($0, rows: 1) }, [1, 2, 3, 4, 6, 9, 8, 12, 18, 27])
    }
}
