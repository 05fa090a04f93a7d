import PipelineSpec
import PipelineStore
import XCTest
@testable import Stages

/// Categorical encoders on datasets whose categorical columns carry category names. Expected values are
/// hand-computed and agree with scikit-learn's OneHotEncoder / OrdinalEncoder (categories sorted, learned from
/// the training rows only).
final class EncodingStepTests: XCTestCase {
    let context = FitContext(seed: 7, streamPrefix: "t")
    // colour codes index ["blue", "green", "red"] (sorted, as the CSV loader assigns them); size is numeric.
    func data(_ rows: [[Float]]) -> Dataset {
        Dataset(features: .float32(rows.flatMap { $0 }), rows: rows.count, sampleShape: [2], labels: nil, classNames: [],
                featureNames: ["size", "colour"], categories: ["colour": ["blue", "green", "red"]])
    }

    func testOneHotLearnsTrainingCategoriesOnly() throws {
        // Training sees red (2) and blue (0) only → columns colour=blue, colour=red, in place of colour.
        // OneHotEncoder(handle_unknown="ignore").fit([["red"],["blue"],["red"]]).transform([["green"],["blue"]])
        //   = [[0, 0], [1, 0]]
        let train = data([[1, 2], [2, 0], [3, 2]])
        let (chain, fitted) = try FittedChain.fit([["type": .string("one_hot"), "handle_unknown": .string("ignore")]], on: train, context: context)
        XCTAssertEqual(fitted.featureNames, ["size", "colour=blue", "colour=red"])
        XCTAssertEqual(fitted.floatFeatures(), [1, 0, 1, 2, 1, 0, 3, 0, 1])
        XCTAssertTrue(fitted.categories.isEmpty)
        XCTAssertEqual(try chain.transform(data([[5, 1], [6, 0]])).floatFeatures(), [5, 0, 0, 6, 1, 0])

        let (strict, _) = try FittedChain.fit([["type": .string("one_hot")]], on: train, context: context)
        XCTAssertThrowsError(try strict.transform(data([[5, 1]]))) {
            XCTAssertTrue("\($0)".contains("column 'colour' has 'green', not seen in training"), "\($0)")
        }
        // Missing categories must be imputed first.
        XCTAssertThrowsError(try FittedChain.fit([["type": .string("one_hot")]], on: data([[1, .nan]]), context: context)) {
            XCTAssertTrue("\($0)".contains("impute"), "\($0)")
        }
    }

    func testOneHotRoundTripThroughHDF5() throws {
        let (chain, _) = try FittedChain.fit([["type": .string("one_hot"), "handle_unknown": .string("ignore")]], on: data([[1, 2], [2, 0]]), context: context)
        let path = try makeTemporaryDirectory(for: self) + "/t.h5"
        let file = try HDF5File.create(path)
        try chain.write(to: file.root)
        try file.close()
        let reopened = try HDF5File.open(path)
        let restored = try FittedChain.read(from: reopened.root)
        try reopened.close()
        let probe = data([[5, 1], [6, 2]])
        XCTAssertEqual(try restored.transform(probe), try chain.transform(probe))
    }

    func testOrdinalCodesAndUnknownValue() throws {
        // Training categories red (2), blue (0) → sorted [blue, red] → codes blue 0, red 1; green unseen → -9.
        // OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-9).fit([["red"],["blue"]])
        //   .transform([["green"],["red"],["blue"]]) = [[-9], [1], [0]]
        let (chain, fitted) = try FittedChain.fit([["type": .string("ordinal"), "unknown_value": .double(-9)]], on: data([[1, 2], [2, 0]]), context: context)
        XCTAssertEqual(fitted.floatFeatures(), [1, 1, 2, 0])
        XCTAssertTrue(fitted.categories.isEmpty, "ordinal codes are plain numbers")
        XCTAssertEqual(try chain.transform(data([[0, 1], [0, 2], [0, 0]])).floatFeatures(), [0, -9, 0, 1, 0, 0])
    }

    func testScalersLeaveCategoricalCodesAlone() throws {
        // Hand-computed: size [1, 3] → mean 2, population std 1 → [-1, 1]; min-max → [0, 1]; colour codes unchanged.
        let train = data([[1, 2], [3, 0]])
        for (step, expected) in [("standard", [Float(-1), 2, 1, 0]), ("minmax", [0, 2, 1, 0])] {
            let (chain, fitted) = try FittedChain.fit([["type": .string(step)]], on: train, context: context)
            XCTAssertEqual(fitted.floatFeatures(), expected, step)
            XCTAssertEqual(fitted.categories, train.categories, step)
            let path = try makeTemporaryDirectory(for: self) + "/\(step).h5"
            let file = try HDF5File.create(path)
            try chain.write(to: file.root)
            try file.close()
            let reopened = try HDF5File.open(path)
            let restored = try FittedChain.read(from: reopened.root)
            try reopened.close()
            XCTAssertEqual(try restored.transform(data([[5, 1]])).floatFeatures(), step == "standard" ? [3, 1] : [2, 1], step)
        }
    }

    func testImputeMostFrequentThenOneHotOnCategoricalColumn() throws {
        // most_frequent defaults to every column: colour's mode is red (2), size's mode 1 (ties → smaller).
        let specs: [[String: ParamValue]] = [["type": .string("impute"), "strategy": .string("most_frequent")], ["type": .string("one_hot")]]
        let (chain, _) = try FittedChain.fit(specs, on: data([[1, 2], [3, 2], [.nan, 0], [1, .nan]]), context: context)
        XCTAssertEqual(try chain.transform(data([[.nan, .nan]])).floatFeatures(), [1, 0, 1])
    }
}
