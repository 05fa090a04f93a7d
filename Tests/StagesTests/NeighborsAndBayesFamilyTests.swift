import Learn
import PipelineSpec
import Stages
import XCTest

/// kNN and naive Bayes against scikit-learn (numbers and calls in ClassicalReferences.swift).
final class NeighborsAndBayesFamilyTests: XCTestCase {
    typealias R = ClassicalReferences
    var directory = ""

    override func setUpWithError() throws { directory = try makeTemporaryDirectory(for: self) }

    var firstSixty: FitData { Classical.data(Array(R.xClasses[0..<240]), columns: 4, labels: Array(R.yClasses[0..<60])) }
    var lastThirty: [Double] { Array(R.xClasses[240...]) }

    func testUniformKNNMatchesKNeighborsClassifier() throws {
        let model = try Classical.fit("knn", firstSixty, ["n_neighbors": .int(5)])
        assertClose(try Classical.predict(model, lastThirty), R.knnUniformProba, tolerance: 1e-6, "proba")
        let back = try Classical.roundTrip(model, in: directory)
        XCTAssertEqual(try Classical.predict(back, lastThirty), try Classical.predict(model, lastThirty))
    }

    func testDistanceWeightedKNNMatchesAndBlockingDoesNotChangeResults() throws {
        let model = try Classical.fit("knn", firstSixty, ["n_neighbors": .int(7), "weights": .string("distance")])
        // Float32 distances by the ‖a‖² + ‖b‖² − 2ab expansion: probabilities agree to ~1e-5.
        assertClose(try Classical.predict(model, lastThirty), R.knnDistanceProba, tolerance: 1e-4, "proba")
        // A tiny memory budget forces one query row per block: identical output.
        let x = lastThirty.map(Float.init)
        let index = NearestNeighborIndex(x: firstSixty.x, rows: 60, columns: 4)
        let whole = x.withUnsafeBufferPointer { index.search($0, queries: 30, k: 7) }
        let blocked = x.withUnsafeBufferPointer { index.search($0, queries: 30, k: 7, memoryBudget: 1) }
        XCTAssertEqual(whole.indices, blocked.indices)
        XCTAssertEqual(whole.distances, blocked.distances)
    }

    func testKNNRegressionMatchesKNeighborsRegressor() throws {
        let model = try Classical.fit("knn", Classical.data(R.xRegression, columns: 5, targets: R.yRegression),
                                      ["n_neighbors": .int(4), "weights": .string("distance")])
        XCTAssertEqual(model.task, .regression)
        assertClose(try Classical.predict(model, R.xRegressionValidation), R.knnRegression, tolerance: 1e-4, "prediction")
        let back = try Classical.roundTrip(model, in: directory)
        XCTAssertEqual(try Classical.predict(back, R.xRegressionValidation), try Classical.predict(model, R.xRegressionValidation))
    }

    func testGaussianNaiveBayesMatchesGaussianNB() throws {
        let model = try Classical.fit("gaussian_nb", Classical.data(R.xClasses, columns: 4, labels: R.yClasses))
        assertClose(try Classical.dataset(model, "theta", in: directory), R.gaussianNBTheta, tolerance: 1e-9, "theta")
        assertClose(try Classical.dataset(model, "var", in: directory), R.gaussianNBVar, tolerance: 1e-9, "var")
        assertClose(try Classical.predict(model, Array(R.xClasses[0..<40])), R.gaussianNBProba, tolerance: 1e-6, "proba")
        let back = try Classical.roundTrip(model, in: directory)
        XCTAssertEqual(try Classical.predict(back, R.xClasses), try Classical.predict(model, R.xClasses))
    }

    func testMultinomialNaiveBayesMatchesMultinomialNB() throws {
        let model = try Classical.fit("multinomial_nb", Classical.data(R.xCounts, columns: 4, labels: R.yCounts), ["alpha": .double(0.5)])
        assertClose(try Classical.dataset(model, "feature_log_prob", in: directory), R.multinomialNBLogProb, tolerance: 1e-12, "feature_log_prob")
        assertClose(try Classical.predict(model, Array(R.xCounts[0..<40])), R.multinomialNBProba, tolerance: 1e-6, "proba")
        XCTAssertThrowsError(try Classical.fit("multinomial_nb", Classical.data([1, -1, 0, 2], columns: 2, labels: [0, 1]))) { error in
            XCTAssertTrue("\(error)".contains("non-negative"), "\(error)")
        }
    }
}
