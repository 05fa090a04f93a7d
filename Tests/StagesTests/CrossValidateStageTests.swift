import Foundation
import Learn
import PipelineSpec
import PipelineStore
@testable import Stages
import XCTest

/// `cross_validate`: a fold reproduced by hand (fold assignment, preprocessing fitted on the fold's training rows
/// only, the model fit) gives exactly the stage's fold score; means, standard deviations and the corrected t-test
/// follow from the fold scores.
final class CrossValidateStageTests: XCTestCase {
    var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    /// Three overlapping classes in 3 columns with very different scales (so standardisation matters).
    private func data() -> Dataset {
        var g = SeededGenerator(seed: 11)
        var rows: [[Float]] = [], labels: [Int32] = []
        for i in 0..<60 {
            let c = i % 3
            rows.append([Float(c) + Float(g.nextGaussian()), 100 * (Float(c % 2) + Float(g.nextGaussian())), 0.01 * Float(g.nextGaussian())])
            labels.append(Int32(c))
        }
        return .rows(rows, labels: labels)
    }

    func testAFoldReproducedByHandMatchesAndNothingLeaks() throws {
        let input = try harness.input("data", data())
        let params: [String: ParamValue] = [
            "folds": .int(4), "steps": .list([.map(["type": .string("standard")])]),
            "models": .map(["lr": .map(["type": .string("softmax_regression")]),
                            "strong": .map(["type": .string("softmax_regression")])]),
            "l2": .double(0.5),
        ]
        let result = try harness.run(CrossValidateStage(), params: params, inputs: [("data", input)], seed: 5, stage: "cv")

        // Fold 0 by hand: the stage's fold stream, standardisation fitted on the other three folds, L-BFGS softmax.
        let all = data()
        var g = SeededGenerator(seed: 5, stream: "cv/folds/0")
        let folds = kFolds(count: 60, k: 4, labels: all.labels, generator: &g)
        let inTest = Set(folds[0])
        let train = all.subset((0..<60).filter { !inTest.contains($0) }), test = all.subset(folds[0])
        let scaler = train.floatFeatures().withUnsafeBufferPointer { StandardScaler.fit($0, rows: train.rows, cols: 3) }
        var xTrain = [Float](repeating: 0, count: train.rows * 3), xTest = [Float](repeating: 0, count: test.rows * 3)
        train.floatFeatures().withUnsafeBufferPointer { x in xTrain.withUnsafeMutableBufferPointer { scaler.transform(x, rows: train.rows, into: $0) } }
        test.floatFeatures().withUnsafeBufferPointer { x in xTest.withUnsafeMutableBufferPointer { scaler.transform(x, rows: test.rows, into: $0) } }
        var fitGenerator = SeededGenerator(seed: 5, stream: "cv/repeat0/fold0/lr")
        let config = SoftmaxRegressionConfig(optimizer: .lbfgs, epochs: 20, batchSize: 128, learningRate: 0.1, momentum: 0, l2: 0.5,
                                             tolerance: 1e-5, patience: 5)
        let model = xTrain.withUnsafeBufferPointer { x in
            train.labels!.withUnsafeBufferPointer { y in
                SoftmaxRegression.fit(x: x, rows: train.rows, cols: 3, labels: y, classes: 3, config: config, generator: &fitGenerator)
            }
        }
        let p = model.predictProbabilities(xTest, rows: test.rows)
        let expectedLogLoss = ClassificationReport.logLoss(trueLabels: test.labels!, probabilities: p, classes: 3)

        let file = try HDF5File.open(result.outputs["metrics"]!)
        defer { try? file.close() }
        let lr = try file.root.group("lr")
        let names = try lr.attribute("metrics")!
        guard case .strings(let metricNames) = names else { return XCTFail("metric names") }
        let table = try lr.dataset("folds").read(as: Double.self)
        XCTAssertEqual(try lr.dataset("folds").shape, [4, metricNames.count])
        let logLossColumn = metricNames.firstIndex(of: "log_loss")!
        XCTAssertEqual(table[logLossColumn], expectedLogLoss, accuracy: 1e-12, "fold 0 equals the hand-made fold (chain fitted on its training rows)")

        // Mean and sample standard deviation of the fold accuracies.
        let column = metricNames.firstIndex(of: "accuracy")!
        let accuracies = (0..<4).map { table[$0 * metricNames.count + column] }
        let mean = accuracies.reduce(0, +) / 4
        let std = (accuracies.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / 3).squareRoot()
        XCTAssertEqual(result.metrics["lr.accuracy_mean"]!, mean, accuracy: 1e-15)
        XCTAssertEqual(result.metrics["lr.accuracy_std"]!, std, accuracy: 1e-15)
        // Two identical model specs fitted from different streams: the t-test sees their fold differences.
        let p12 = try XCTUnwrap(result.metrics["ttest.lr_vs_strong.p_value"])
        XCTAssertTrue((0...1).contains(p12))
    }

    func testRepeatedFoldsAndChecks() throws {
        let input = try harness.input("data", data())
        let params: [String: ParamValue] = ["folds": .int(3), "repeats": .int(2), "model": .map(["type": .string("softmax_regression")])]
        let result = try harness.run(CrossValidateStage(), params: params, inputs: [("data", input)])
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: result.outputs["summary"]!))) as! [String: Any]
        XCTAssertEqual(((summary["model"] as! [String: Any])["folds"] as! [Any]).count, 6)
        XCTAssertGreaterThan(result.metrics["accuracy_mean"]!, 0.5)
        let both = KindCheckContext(params: ["model": .string("x"), "models": .map([:])], inputs: [], baseDirectory: "/")
        XCTAssertTrue(CrossValidateStage.check(both).contains { $0.message.contains("not both") })
        let neither = KindCheckContext(params: [:], inputs: [], baseDirectory: "/")
        XCTAssertTrue(CrossValidateStage.check(neither).contains { $0.message.contains("needs 'model' or 'models'") })
    }
}
