import Foundation
import PipelineSpec
import PipelineStore
import XCTest
@testable import Stages

/// Every registered transform step, with its declared defaults, on a table with and without categorical columns:
/// fitting twice gives identical results and identical transform files, the fitted chain read back from HDF5 maps
/// unseen rows exactly like the original, and other splits keep their row count.
final class TransformStepConformanceTests: XCTestCase {
    /// Defaults of `step`'s declaration, plus `type`.
    func defaults(_ step: any TransformStep) -> [String: ParamValue] {
        var spec: [String: ParamValue] = ["type": .string(step.name)]
        for field in step.declaration.fields { if let value = field.defaultValue { spec[field.name] = value } }
        return spec
    }

    func tables(categorical: Bool) -> (train: Dataset, test: Dataset) {
        let categories: [String: [String]] = categorical ? ["c": ["a", "b", "z"]] : [:]
        let train = Dataset(features: .float32([1, 0, 2, 3, 1, 5, 2, 0, 4, 8, 1, 1, 5, 0, 9, 6, 1, 3, 7, 0, 2, 9, 1, 8]), rows: 8,
                            sampleShape: [3], labels: [0, 0, 0, 0, 0, 1, 1, 1], classNames: ["n", "y"], featureNames: ["x", "c", "w"],
                            categories: categories)
        let test = Dataset(features: .float32([2.5, 1, 4, 10, 0, -0.5]), rows: 2, sampleShape: [3], labels: [1, 0], classNames: ["n", "y"],
                           featureNames: ["x", "c", "w"], categories: categories)
        return (train, test)
    }

    func bytes(of chain: FittedChain) throws -> Data {
        let path = try makeTemporaryDirectory(for: self) + "/\(UUID().uuidString).h5"
        let file = try HDF5File.create(path)
        try chain.write(to: file.root)
        try file.close()
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    func testEveryStepIsDeterministicAndRoundTrips() throws {
        XCTAssertEqual(TransformCatalog.builtIn.order.count, 27)
        for name in TransformCatalog.builtIn.order {
            let step = TransformCatalog.builtIn.step(name)!
            for categorical in [false, true] {
                let (train, test) = tables(categorical: categorical)
                let spec = defaults(step)
                let context = FitContext(seed: 11, streamPrefix: "conformance")
                let (chain, fitted) = try FittedChain.fit([spec], on: train, context: context)
                let (chainAgain, fittedAgain) = try FittedChain.fit([spec], on: train, context: context)
                XCTAssertEqual(fitted, fittedAgain, "\(name): same seed, same training output")
                XCTAssertEqual(try bytes(of: chain), try bytes(of: chainAgain), "\(name): same transform file")

                let applied = try chain.transform(test)
                XCTAssertEqual(applied.rows, test.rows, "\(name): other splits keep their rows")
                XCTAssertEqual(applied.columns, fitted.columns, "\(name): train and test get the same columns")
                let path = try makeTemporaryDirectory(for: self) + "/\(name)-\(categorical).h5"
                let file = try HDF5File.create(path)
                try chain.write(to: file.root)
                try file.close()
                let reopened = try HDF5File.open(path)
                let restored = try FittedChain.read(from: reopened.root)
                try reopened.close()
                let again = try restored.transform(test)
                XCTAssertEqual(again.featureNames, applied.featureNames, name)
                XCTAssertEqual(again.categories, applied.categories, name)
                XCTAssertEqual(again.floatFeatures().map(\.bitPattern), applied.floatFeatures().map(\.bitPattern), "\(name) (categorical: \(categorical))")
            }
        }
    }
}
