import Learn
import PipelineSpec
import PipelineStore
import XCTest
@testable import Stages

/// The augmentation and feature-engineering steps through `FittedChain`: fitted on training rows only,
/// applied unchanged to other rows, names recorded, HDF5 round trips exact. Numbers are hand-computed or
/// come from the Learn routines, which LearnTests check against scikit-learn.
final class FeatureStepTests: XCTestCase {
    let context = FitContext(seed: 4, streamPrefix: "features")

    /// 2 images of 2×2, labelled; test image distinct.
    let images = Dataset(features: .uint8([1, 2, 3, 4, 10, 20, 30, 40]), rows: 2, sampleShape: [2, 2], labels: [0, 1],
                         classNames: ["a", "b"], featureNames: [])
    let testImage = Dataset(features: .uint8([5, 6, 7, 8]), rows: 1, sampleShape: [2, 2], labels: [1], classNames: ["a", "b"], featureNames: [])

    func roundTrip(_ chain: FittedChain) throws -> FittedChain {
        let path = try makeTemporaryDirectory(for: self) + "/chain.h5"
        let file = try HDF5File.create(path)
        try chain.write(to: file.root)
        try file.close()
        let reopened = try HDF5File.open(path)
        defer { try? reopened.close() }
        return try FittedChain.read(from: reopened.root)
    }

    func testAugmentAddsLabelledCopiesAndNeverTouchesOtherSplits() throws {
        // horizontal_flip with probability 1: each 2×2 image [a b; c d] becomes [b a; d c].
        let spec: [String: ParamValue] = ["type": .string("augment"), "factor": .int(2), "horizontal_flip": .double(1)]
        let (chain, train) = try FittedChain.fit([spec], on: images, context: context)
        XCTAssertEqual(train.rows, 6)
        XCTAssertEqual(train.labels, [0, 1, 0, 1, 0, 1])
        XCTAssertEqual(train.features, .float32([1, 2, 3, 4, 10, 20, 30, 40, 2, 1, 4, 3, 20, 10, 40, 30, 2, 1, 4, 3, 20, 10, 40, 30]))
        XCTAssertEqual(try chain.transform(testImage), testImage, "validation/test rows pass through unchanged")
        XCTAssertEqual(try roundTrip(chain).transform(testImage), testImage)
        // Same seed, same rows; another seed, other draws.
        let random: [String: ParamValue] = ["type": .string("augment"), "factor": .int(3), "rotation": .list([.double(-30), .double(30)]), "noise": .double(1)]
        let a = try FittedChain.fit([random], on: images, context: context).train
        XCTAssertEqual(a, try FittedChain.fit([random], on: images, context: context).train)
        XCTAssertNotEqual(a, try FittedChain.fit([random], on: images, context: FitContext(seed: 5, streamPrefix: "features")).train)
        XCTAssertEqual(a.labels, [0, 1, 0, 1, 0, 1, 0, 1])
    }

    func testImageOptionsOnTabularRowsAreAnError() {
        let rows = Dataset(features: .float32([1, 2, 3]), rows: 1, sampleShape: [3], labels: [0], classNames: [], featureNames: [])
        XCTAssertThrowsError(try FittedChain.fit([["type": .string("augment"), "rotation": .list([.double(0), .double(90)])]], on: rows, context: context)) {
            XCTAssertTrue("\($0)".contains("need [H, W] or [C, H, W] samples"), "\($0)")
        }
        XCTAssertEqual(AugmentStep().check(["type": .string("augment"), "factor": .int(1)]).count, 1, "nothing enabled is reported")
        XCTAssertEqual(AugmentStep().check(["type": .string("augment"), "brightness": .list([.double(1.5), .double(0.5)])]).count, 1)
    }

    /// Three columns named a, b, c; b separates the labels, a is constant.
    let table = Dataset(features: .float32([1, 0, 5, 1, 1, 3, 1, 10, 4, 1, 11, 6]), rows: 4, sampleShape: [3], labels: [0, 0, 1, 1],
                        classNames: [], featureNames: ["a", "b", "c"])
    let tableTest = Dataset(features: .float32([7, 8, 9]), rows: 1, sampleShape: [3], labels: [1], classNames: [], featureNames: ["a", "b", "c"])

    func testSelectorsKeepNamedColumnsAndRecordThem() throws {
        // variance of a = 0 → dropped; b, c kept.
        let (variance, vTrain) = try FittedChain.fit([["type": .string("variance_threshold"), "threshold": .double(0)]], on: table, context: context)
        XCTAssertEqual(vTrain.featureNames, ["b", "c"])
        XCTAssertEqual(try variance.transform(tableTest).features, .float32([8, 9]))
        // Category names travel with kept columns only.
        var categorical = table
        categorical.categories = ["a": ["only"], "c": ["x", "y", "z", "w", "v", "u", "t"]]
        XCTAssertEqual(try FittedChain.fit([["type": .string("variance_threshold"), "threshold": .double(0)]], on: categorical, context: context).train.categories,
                       ["c": ["x", "y", "z", "w", "v", "u", "t"]])
        // ANOVA F by hand: b has class means 0.5 and 10.5 (SSB 100, SSW 1 → F = 100/(1/2) = 200); c: means 4 and 5
        // (SSB 1, SSW 2+2 = 4 → F = 0.5); a is constant (NaN, ranked lowest). k = 1 keeps b.
        let (best, bTrain) = try FittedChain.fit([["type": .string("select_best"), "score": .string("f_classif"), "k": .int(1)]], on: table, context: context)
        XCTAssertEqual(bTrain.featureNames, ["b"])
        XCTAssertEqual(bTrain.features, .float32([0, 1, 10, 11]))
        let restored = try roundTrip(best)
        XCTAssertEqual(try restored.transform(tableTest).features, .float32([8]))
        let selection = try XCTUnwrap(restored.steps[0] as? ColumnSelection)
        XCTAssertEqual(selection.names, ["b"])
        XCTAssertEqual(selection.scores[1], 200, accuracy: 1e-9)
        XCTAssertEqual(selection.scores[2], 0.5, accuracy: 1e-9)
        XCTAssertTrue(selection.scores[0].isNaN)
        XCTAssertEqual(UnivariateSelectionStep().check(["type": .string("select_best")]), ["give exactly one of k and percentile"])
    }

    func testRFEAndL1StepsNeedLabels() {
        let unlabelled = Dataset(features: .float32([1, 2]), rows: 1, sampleShape: [2], labels: nil, classNames: [], featureNames: [])
        for name in ["rfe", "select_l1", "select_best", "lda"] {
            var spec: [String: ParamValue] = ["type": .string(name)]
            if name == "rfe" { spec["n_features"] = .int(1) }
            if name == "select_best" { spec["k"] = .int(1) }
            XCTAssertThrowsError(try FittedChain.fit([spec], on: unlabelled, context: context)) { XCTAssertTrue("\($0)".contains("needs class labels"), "\($0)") }
        }
    }

    func testPCAStepEqualsLearnPCAAndRoundTrips() throws {
        var rng = SeededGenerator(seed: 2)
        let values = (0..<(30 * 5)).map { _ in Float(rng.nextGaussian()) }
        let data = Dataset(features: .float32(values), rows: 30, sampleShape: [5], labels: nil, classNames: [], featureNames: [])
        let (chain, train) = try FittedChain.fit([["type": .string("pca"), "n_components": .int(3), "whiten": .bool(true)]], on: data, context: context)
        let reference = try values.withUnsafeBufferPointer { try PCA.fit($0, rows: 30, cols: 5, components: .count(3), whiten: true) }
        XCTAssertEqual(train.features, .float32(values.withUnsafeBufferPointer { reference.transform($0, rows: 30) }))
        XCTAssertEqual(train.sampleShape, [3])
        XCTAssertEqual(train.featureNames, ["pca0", "pca1", "pca2"])
        let test = data.subset([4, 9])
        XCTAssertEqual(try roundTrip(chain).transform(test), try chain.transform(test))
    }

    func testPolynomialAndProjectionStepsRoundTrip() throws {
        let data = Dataset(features: .float32([2, 3, 1, -1]), rows: 2, sampleShape: [2], labels: [0, 1], classNames: [], featureNames: ["a", "b"])
        let (poly, train) = try FittedChain.fit([["type": .string("polynomial"), "degree": .int(2), "interaction_only": .bool(false), "include_bias": .bool(false)]],
                                                on: data, context: context)
        XCTAssertEqual(train.featureNames, ["a", "b", "a^2", "a b", "b^2"])
        XCTAssertEqual(train.features, .float32([2, 3, 4, 6, 9, 1, -1, 1, -1, 1]))
        XCTAssertEqual(try roundTrip(poly).transform(data), train)
        for spec: [String: ParamValue] in [["type": .string("random_projection"), "n_components": .int(2), "kind": .string("sparse")],
                                          ["type": .string("truncated_svd"), "n_components": .int(1)]] {
            let (chain, fitted) = try FittedChain.fit([spec], on: data, context: context)
            XCTAssertEqual(try roundTrip(chain).transform(data), fitted, "\(spec)")
        }
    }
}
