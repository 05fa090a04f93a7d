import Learn
import PipelineSpec
import Stages
import XCTest

/// The kernel SVM (SMO) against scikit-learn's libsvm-based SVC / SVR (numbers and calls in ClassicalReferences.swift).
final class KernelSVMFamilyTests: XCTestCase {
    typealias R = ClassicalReferences
    var directory = ""

    override func setUpWithError() throws { directory = try makeTemporaryDirectory(for: self) }

    var classes: FitData { Classical.data(R.xClasses, columns: 4, labels: R.yClasses) }

    /// Decision values of a fitted `svm` model on the first ten rows of `x`.
    func decisions(_ model: any FittedModel, _ x: [Double]) throws -> [Double] {
        let back = try Classical.roundTrip(model, in: directory)
        XCTAssertEqual(try Classical.predict(back, x), try Classical.predict(model, x), "HDF5 round trip changes predictions")
        let svm = try XCTUnwrap(Mirror(reflecting: back).children.first { $0.label == "model" }?.value as? KernelSVMModel)
        let floats = Array(x[0..<(10 * back.features)]).map(Float.init)
        return floats.withUnsafeBufferPointer { svm.decisionValues($0, rows: 10) }
    }

    func testRBFOneVsOneMatchesSVC() throws {
        let model = try Classical.fit("svm", classes, ["tol": .double(1e-8)])
        // Same optimum as libsvm (tol 1e-8 on both sides): decision values to 1e-4.
        assertClose(try decisions(model, R.xClasses), R.svmRBFDecision, tolerance: 1e-4, "ovo decision values")
        XCTAssertEqual(model.fitMetrics["support_vectors"], Double(R.svmRBFSupportCounts.reduce(0, +)))
        XCTAssertEqual(Classical.argmax(try Classical.predict(model, R.xClasses), classes: 3), R.svmRBFPredict)
    }

    func testPolySigmoidAndLinearKernelsMatchSVC() throws {
        let poly = try Classical.fit("svm", classes, ["kernel": .string("poly"), "degree": .int(2), "gamma": .string("auto"), "coef0": .double(1),
                                                      "C": .double(0.5), "tol": .double(1e-8)])
        assertClose(try decisions(poly, R.xClasses), R.svmPolyDecision, tolerance: 1e-4, "poly")
        let sigmoid = try Classical.fit("svm", classes, ["kernel": .string("sigmoid"), "gamma": .double(0.05), "coef0": .double(0.5),
                                                         "C": .double(0.5), "tol": .double(1e-8)])
        assertClose(try decisions(sigmoid, R.xClasses), R.svmSigmoidDecision, tolerance: 1e-4, "sigmoid")
        let linear = try Classical.fit("svm", Classical.data(R.xBinary, columns: 4, labels: R.yBinary),
                                       ["kernel": .string("linear"), "C": .double(0.5), "tol": .double(1e-8)])
        // libsvm's machine is positive for class 0; scikit-learn flips the sign for binary problems.
        assertClose(try decisions(linear, R.xBinary).map { -$0 }, R.svmLinearBinaryDecision, tolerance: 1e-4, "linear binary")
    }

    func testOneVsRestMatchesOneVsRestClassifier() throws {
        let model = try Classical.fit("svm", classes, ["gamma": .double(0.25), "multiclass": .string("ovr"), "tol": .double(1e-8)])
        assertClose(try decisions(model, R.xClasses), R.svmOvRDecision, tolerance: 1e-4, "ovr decision values")
    }

    func testEpsilonSVRMatchesSVR() throws {
        let model = try Classical.fit("svm", Classical.data(R.xRegression, columns: 5, targets: R.yRegression), ["tol": .double(1e-8)])
        XCTAssertEqual(model.task, .regression)
        assertClose(try Classical.predict(model, R.xRegressionValidation), R.svrPredict, tolerance: 1e-4, "SVR predictions")
        let back = try Classical.roundTrip(model, in: directory)
        XCTAssertEqual(try Classical.predict(back, R.xRegressionValidation), try Classical.predict(model, R.xRegressionValidation))
    }

    func testPlattSigmoidMatchesScikitLearnsCalibration() {
        let (a, b) = PlattScaling.fit(decisions: R.plattDecisions, positive: R.plattLabels.map { $0 == 1 })
        XCTAssertEqual(a, R.plattAB[0], accuracy: 1e-4)
        XCTAssertEqual(b, R.plattAB[1], accuracy: 1e-4)
        // Pairwise coupling of consistent pairwise probabilities recovers the class probabilities.
        let p = [0.5, 0.3, 0.2]
        var r = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 where i != j { r[i * 3 + j] = p[i] / (p[i] + p[j]) } }
        let coupled = PlattScaling.couple(r, classes: 3)
        for k in 0..<3 { XCTAssertEqual(coupled[k], p[k], accuracy: 1e-3) }
    }

    func testProbabilitiesAreCloseToLibsvmsAndDeterministic() throws {
        let first = try Classical.fit("svm", classes, ["probability": .bool(true)], seed: 5)
        let second = try Classical.fit("svm", classes, ["probability": .bool(true)], seed: 5)
        let x = Array(R.xClasses[0..<40])
        let p = try Classical.predict(first, x)
        XCTAssertEqual(p, try Classical.predict(second, x), "same seed, same folds, same probabilities")
        // The internal CV folds are random in both libsvm and here, so only closeness is expected.
        assertClose(p, R.svmProba, tolerance: 0.08, "probabilities")
        // Same predicted class wherever scikit-learn is confident (row 9 sits between two blobs: 0.50 vs 0.46 there).
        let ours = Classical.argmax(p, classes: 3), theirs = Classical.argmax(R.svmProba.map(Float.init), classes: 3)
        for row in 0..<10 where R.svmProba[(row * 3)..<(row * 3 + 3)].max()! > 0.7 { XCTAssertEqual(ours[row], theirs[row], "row \(row)") }
        for row in 0..<10 { XCTAssertEqual(p[(row * 3)..<(row * 3 + 3)].reduce(0, +), 1, accuracy: 1e-5) }
    }
}
