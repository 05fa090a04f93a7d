import PipelineSpec
import PipelineStore
import XCTest
@testable import Stages

/// The transform-step plug-in contract: fitted on training rows only, applied unchanged to others, and
/// restored from HDF5 to the same mapping. Expected values are hand-computed.
final class TransformChainTests: XCTestCase {
    let train = Dataset(features: .float32([1, 2, 3, 6]), rows: 2, sampleShape: [2], labels: [0, 1], classNames: [], featureNames: ["a", "b"])
    let test = Dataset(features: .float32([5, 0]), rows: 1, sampleShape: [2], labels: [1], classNames: [], featureNames: ["a", "b"])
    let context = FitContext(seed: 1, streamPrefix: "t")

    func testStandardThenMinMaxUsesTrainingStatisticsOnly() throws {
        // standard on train: mean [2, 4], population std [1, 2] → train [[-1, -1], [1, 1]], test [5, 0] → [3, -2].
        // minmax fitted on the standardised train: min [-1, -1], max [1, 1], range [0, 10] → y = (z + 1) · 5:
        // train → [[0, 0], [10, 10]], test [3, -2] → [20, -5].
        let specs: [[String: ParamValue]] = [["type": .string("standard")],
                                             ["type": .string("minmax"), "feature_range": .list([.double(0), .double(10)])]]
        let (chain, fittedTrain) = try FittedChain.fit(specs, on: train, context: context)
        XCTAssertEqual(fittedTrain.features, .float32([0, 0, 10, 10]))
        XCTAssertEqual(try chain.transform(test).features, .float32([20, -5]))
        XCTAssertEqual(try chain.transform(test).featureNames, ["a", "b"])

        let path = try makeTemporaryDirectory(for: self) + "/chain.h5"
        let file = try HDF5File.create(path)
        try chain.write(to: file.root)
        try file.close()
        let reopened = try HDF5File.open(path)
        let restored = try FittedChain.read(from: reopened.root)
        try reopened.close()
        XCTAssertEqual(restored.steps.map(\.method), ["standard", "minmax"])
        XCTAssertEqual(try restored.transform(test).features, .float32([20, -5]))
    }

    func testColumnMismatchIsAnError() throws {
        let (chain, _) = try FittedChain.fit([["type": .string("standard")]], on: train, context: context)
        let wide = Dataset(features: .float32([1, 2, 3]), rows: 1, sampleShape: [3], labels: nil, classNames: [], featureNames: [])
        XCTAssertThrowsError(try chain.transform(wide)) { XCTAssertTrue("\($0)".contains("fitted on 2 columns, given 3"), "\($0)") }
    }
}
