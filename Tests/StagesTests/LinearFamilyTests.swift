import Learn
import PipelineSpec
import Stages
import XCTest

/// The linear families against scikit-learn (numbers and calls in ClassicalReferences.swift, produced by
/// scripts/reference/classical_references.py).
final class LinearFamilyTests: XCTestCase {
    typealias R = ClassicalReferences
    var directory = ""

    override func setUpWithError() throws { directory = try makeTemporaryDirectory(for: self) }

    var regression: FitData { Classical.data(R.xRegression, columns: 5, targets: R.yRegression) }

    func testOrdinaryLeastSquaresMatchesLinearRegression() throws {
        let model = try Classical.fit("linear_regression", regression)
        // Float32 inputs, Double solver: agreement to ~1e-5.
        assertClose(try Classical.dataset(model, "coef", in: directory), R.olsCoef, tolerance: 1e-5, "coef")
        assertClose(try Classical.dataset(model, "intercept", in: directory), R.olsIntercept, tolerance: 1e-5, "intercept")
        let back = try Classical.roundTrip(model, in: directory)
        XCTAssertEqual(try Classical.predict(back, R.xRegressionValidation), try Classical.predict(model, R.xRegressionValidation))
        let predicted = try Classical.predict(model, [0, 0, 0, 0, 0])
        XCTAssertEqual(Double(predicted[0]), R.olsIntercept[0], accuracy: 1e-5)
    }

    func testRidgeMatchesScikitLearnCholesky() throws {
        let model = try Classical.fit("ridge", regression, ["alpha": .double(2)])
        assertClose(try Classical.dataset(model, "coef", in: directory), R.ridgeCoef, tolerance: 1e-5, "coef")
        assertClose(try Classical.dataset(model, "intercept", in: directory), R.ridgeIntercept, tolerance: 1e-5, "intercept")
    }

    func testLassoMatchesAndZeroesTheNoiseFeatures() throws {
        let model = try Classical.fit("lasso", regression, ["alpha": .double(0.1), "tol": .double(1e-10), "max_iter": .int(100_000)])
        let coef = try Classical.dataset(model, "coef", in: directory)
        assertClose(coef, R.lassoCoef, tolerance: 1e-6, "coef")
        assertClose(try Classical.dataset(model, "intercept", in: directory), R.lassoIntercept, tolerance: 1e-6, "intercept")
        // The designed zero pattern: features 2 and 3 carry no signal and are exactly zero, as in scikit-learn.
        XCTAssertEqual(coef.map { $0 == 0 }, R.lassoCoef.map { $0 == 0 })
        XCTAssertEqual(coef.map { $0 == 0 }, [false, false, true, true, false])
        XCTAssertEqual(model.fitMetrics["nonzero_coefficients"], 3)
    }

    func testElasticNetMatchesScikitLearn() throws {
        let model = try Classical.fit("elastic_net", regression, ["alpha": .double(0.2), "l1_ratio": .double(0.3), "tol": .double(1e-10),
                                                                 "max_iter": .int(100_000)])
        assertClose(try Classical.dataset(model, "coef", in: directory), R.enetCoef, tolerance: 1e-6, "coef")
        assertClose(try Classical.dataset(model, "intercept", in: directory), R.enetIntercept, tolerance: 1e-6, "intercept")
    }

    func testLassoPathPicksTheAlphaWithTheLowestValidationError() throws {
        let alphas: [Double] = [1.0, 0.3, 0.1, 0.03, 0.01]
        let validation = Classical.data(R.xRegressionValidation, columns: 5, targets: R.yRegressionValidation)
        let model = try Classical.fit("lasso", regression, ["alphas": .list(alphas.map { .double($0) }), "tol": .double(1e-10),
                                                           "max_iter": .int(100_000)], validation: validation)
        let best = R.lassoPathValidationMSE.enumerated().min { $0.element < $1.element }!
        XCTAssertEqual(model.fitMetrics["alpha"], alphas[best.offset])
        XCTAssertEqual(model.fitMetrics["validation_mse"]!, best.element, accuracy: 1e-5 * best.element)
        XCTAssertThrowsError(try Classical.fit("lasso", regression, ["alphas": .list([.double(1), .double(0.1)])])) { error in
            XCTAssertTrue("\(error)".contains("validation"), "\(error)")
        }
        let family = ModelFamilyCatalog.builtIn.family("lasso")!
        XCTAssertEqual(family.check(["alpha": .double(1), "n_alphas": .int(5)]).count, 1)
    }

    func testBinaryLogisticRegressionMatchesLBFGS() throws {
        let data = Classical.data(R.xBinary, columns: 4, labels: R.yBinary)
        let model = try Classical.fit("logistic_regression", data, ["C": .double(0.5), "tol": .double(1e-10), "max_iter": .int(10_000)])
        assertClose(try Classical.dataset(model, "coef", in: directory), R.logisticBinaryCoef, tolerance: 1e-5, "coef")
        assertClose(try Classical.dataset(model, "intercept", in: directory), R.logisticBinaryIntercept, tolerance: 1e-5, "intercept")
        assertClose(try Classical.predict(model, Array(R.xBinary[0..<20])), R.logisticBinaryProba, tolerance: 1e-5, "proba")
        let back = try Classical.roundTrip(model, in: directory)
        XCTAssertEqual(try Classical.predict(back, R.xBinary), try Classical.predict(model, R.xBinary))
    }

    func testMultinomialLogisticRegressionMatchesLBFGS() throws {
        let data = Classical.data(R.xClasses, columns: 4, labels: R.yClasses)
        let model = try Classical.fit("logistic_regression", data, ["C": .double(0.5), "tol": .double(1e-10), "max_iter": .int(10_000)])
        assertClose(try Classical.dataset(model, "coef", in: directory), R.logisticMultiCoef, tolerance: 1e-5, "coef")
        assertClose(try Classical.dataset(model, "intercept", in: directory), R.logisticMultiIntercept, tolerance: 1e-5, "intercept")
        assertClose(try Classical.predict(model, Array(R.xClasses[0..<20])), R.logisticMultiProba, tolerance: 1e-5, "proba")
    }

    func testL1LogisticRegressionHasScikitLearnsExactZeroPattern() throws {
        let data = Classical.data(R.xSparse, columns: 6, labels: R.ySparse)
        let model = try Classical.fit("logistic_regression", data, ["C": .double(0.3), "penalty": .string("l1"), "tol": .double(1e-7),
                                                                   "max_iter": .int(100_000)])
        let coef = try Classical.dataset(model, "coef", in: directory)
        // SAGA (reference) and FISTA (ours) converge to the same optimum; 1e-4 covers SAGA's own stopping error.
        assertClose(coef, R.logisticL1Coef, tolerance: 1e-4, "coef")
        assertClose(try Classical.dataset(model, "intercept", in: directory), R.logisticL1Intercept, tolerance: 1e-4, "intercept")
        XCTAssertEqual(coef.map { $0 == 0 }, [false, false, true, true, true, true], "exact zeros on the four noise features")
    }

    func testElasticNetMultinomialLogisticRegressionMatchesSaga() throws {
        let data = Classical.data(R.xClasses, columns: 4, labels: R.yClasses)
        let model = try Classical.fit("logistic_regression", data, ["C": .double(0.2), "penalty": .string("elasticnet"), "l1_ratio": .double(0.5),
                                                                   "tol": .double(1e-7), "max_iter": .int(100_000)])
        let coef = try Classical.dataset(model, "coef", in: directory)
        assertClose(coef, R.logisticEnetCoef, tolerance: 1e-4, "coef")
        assertClose(try Classical.dataset(model, "intercept", in: directory), R.logisticEnetIntercept, tolerance: 1e-4, "intercept")
        XCTAssertEqual(coef.map { $0 == 0 }, R.logisticEnetCoef.map { $0 == 0 }, "same zero pattern")
    }

    func testLinearSVMMatchesLiblinearDualCoordinateDescent() throws {
        let binary = Classical.data(R.xBinary, columns: 4, labels: R.yBinary)
        let model = try Classical.fit("linear_svm", binary, ["C": .double(0.5), "tol": .double(1e-10), "max_iter": .int(1_000_000)])
        assertClose(try Classical.dataset(model, "coef", in: directory), R.linearSVMBinaryCoef, tolerance: 1e-4, "coef")
        assertClose(try Classical.dataset(model, "intercept", in: directory), R.linearSVMBinaryIntercept, tolerance: 1e-4, "intercept")

        let multi = Classical.data(R.xClasses, columns: 4, labels: R.yClasses)
        let hinge = try Classical.fit("linear_svm", multi, ["C": .double(0.5), "loss": .string("hinge"), "tol": .double(1e-10),
                                                            "max_iter": .int(1_000_000)])
        assertClose(try Classical.dataset(hinge, "coef", in: directory), R.linearSVMHingeCoef, tolerance: 1e-3, "hinge coef")
        assertClose(try Classical.dataset(hinge, "intercept", in: directory), R.linearSVMHingeIntercept, tolerance: 1e-3, "hinge intercept")
        // Predictions are the arg-max of the one-vs-rest scores, as probability-1 rows.
        let p = try Classical.predict(hinge, R.xClasses)
        XCTAssertEqual(p.filter { $0 == 1 }.count, 90)
        XCTAssertGreaterThan(zip(Classical.argmax(p, classes: 3), R.yClasses).filter { $0 == $1 }.count, 70)
    }

    /// Large problems (≥ 1M feature values, e.g. Fashion-MNIST) take the float32 sgemm path; forced on the small
    /// multinomial case it reaches the same scikit-learn optimum to float precision.
    func testFloatPathOfLogisticRegressionReachesTheSameOptimum() {
        let x = R.xClasses.map(Float.init)
        let problem = x.withUnsafeBufferPointer {
            LogisticProblem($0, rows: 90, columns: 4, labels: R.yClasses, classes: 3, fitIntercept: true, floatThreshold: 0)
        }
        XCTAssertTrue(problem.usesFloat)
        let result = problem.fit(c: 0.5, l1Ratio: 0, tol: 1e-5, maxIterations: 1000)
        // Parameters are feature-major (4 × 3) then 3 intercepts; coef_ is 3 × 4.
        var coef = [Double](repeating: 0, count: 12)
        for j in 0..<4 { for k in 0..<3 { coef[k * 4 + j] = result.parameters[j * 3 + k] } }
        assertClose(coef, R.logisticMultiCoef, tolerance: 1e-3, "float-path coef")
        assertClose(Array(result.parameters[12...]), R.logisticMultiIntercept, tolerance: 1e-3, "float-path intercept")
    }
}
