import Foundation
import Learn
import PipelineSpec
import PipelineStore
@testable import Stages
import XCTest

/// `evaluate` with several models, curves, efficiency figures and bootstrap intervals, on hand-computed cases.
final class EvaluateStageTests: XCTestCase {
    var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    /// Model "a" predicts class 1 when x > 0 (logits (−x, x)); model "b" when x > 1.5 (logits (1.5 − x, x − 1.5)).
    private func model(_ name: String, bias: [Float]) throws -> StageInput {
        let path = harness.directory + "/\(name).h5"
        try StoredModel(model: .softmaxRegression(SoftmaxRegressionModel(weights: [-1, 1], bias: bias, classes: 2, features: 1)),
                        classNames: ["neg", "pos"], sampleShape: [1]).write(to: path, provenance: StageHarness.provenance, attributes: [:])
        return StageInput(type: .model, path: path, stage: "train_\(name)")
    }

    func testTwoModelsAreComparedWithHandComputedNumbers() throws {
        // x = −2, 1, 3, −1, 2 with labels 0, 0, 1, 1, 1. a predicts 0,1,1,0,1 (correct T,F,T,F,T); b predicts 0,0,1,0,1 (T,T,T,F,T).
        let test = try harness.input("test", .rows([[-2], [1], [3], [-1], [2]], labels: [0, 0, 1, 1, 1]))
        let params: [String: ParamValue] = ["timing_repeats": .int(5), "bootstrap": .map(["samples": .int(200), "confidence": .double(0.9)])]
        let inputs = [("a", try model("a", bias: [0, 0])), ("b", try model("b", bias: [1.5, -1.5])), ("test", test)]
        let result = try harness.run(EvaluateStage(), params: params, inputs: inputs)
        let m = result.metrics
        XCTAssertEqual(m["a.accuracy"]!, 0.6, accuracy: 1e-12)
        XCTAssertEqual(m["b.accuracy"]!, 0.8, accuracy: 1e-12)
        // ROC AUC of a: positives at x = 3, 2, −1; negatives at 1, −2: 5 of 6 pairs ordered correctly. b ranks by x too.
        XCTAssertEqual(m["a.roc_auc_macro"]!, 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(m["b.roc_auc_macro"]!, 5.0 / 6, accuracy: 1e-12)
        // Balanced accuracy of b: recall 1 for class 0, 2/3 for class 1.
        XCTAssertEqual(m["b.balanced_accuracy"]!, (1 + 2.0 / 3) / 2, accuracy: 1e-12)
        // Binary Brier (sklearn: the positive class only): mean (σ(2x) − y)².
        func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
        let brier = zip([-2.0, 1, 3, -1, 2], [0.0, 0, 1, 1, 1]).reduce(0.0) { $0 + pow(sigmoid(2 * $1.0) - $1.1, 2) } / 5
        XCTAssertEqual(m["a.brier"]!, brier, accuracy: 1e-6)
        // Efficiency: 2 weights + 2 biases; a's biases are zero; 2·features·classes FLOPs.
        XCTAssertEqual(m["a.parameters"], 4)
        XCTAssertEqual(m["a.nonzeros"], 2)
        XCTAssertEqual(m["b.nonzeros"], 4)
        XCTAssertEqual(m["a.flops_per_sample"], 4)
        XCTAssertNotNil(m["a.latency_p50_ms"])
        // McNemar: one discordant row (only b right) → exact binomial p = min(1, 2·P[X ≤ 0 | n = 1]) = 1.
        XCTAssertEqual(m["mcnemar.a_vs_b.p_value"], 1)
        let ciLow = try XCTUnwrap(m["a.accuracy_ci_low"]), ciHigh = try XCTUnwrap(m["a.accuracy_ci_high"])
        XCTAssertLessThanOrEqual(ciLow, 0.6)
        XCTAssertGreaterThanOrEqual(ciHigh, 0.6)

        let file = try HDF5File.open(result.outputs["metrics"]!)
        defer { try? file.close() }
        let group = try file.root.group("a").group("test")
        XCTAssertEqual(try group.dataset("confusion").read(as: Int64.self), [1, 1, 1, 2])
        // The class-1 ROC curve after dropping collinear points: thresholds 3, 2 | 1 | −1 | −2.
        XCTAssertEqual(try group.group("roc").dataset("fpr_1").read(as: Float.self), [0, 0, 0.5, 0.5, 1])
        XCTAssertEqual(try group.group("roc").dataset("tpr_1").read(as: Float.self), [0, 2.0 / 3, 2.0 / 3, 1, 1])
        let comparison = try file.root.group("comparison")
        XCTAssertEqual(try comparison.dataset("pair_discordant").read(as: Int64.self), [0, 1])
        XCTAssertEqual(try comparison.dataset("pair_test").readStrings(), ["mcnemar_exact"])

        // Bit-identical artifacts on a re-run although latency is measured again (it stays in the lockfile).
        let again = try harness.run(EvaluateStage(), params: params, inputs: inputs)
        for output in ["metrics", "summary"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: result.outputs[output]!)),
                           try Data(contentsOf: URL(fileURLWithPath: again.outputs[output]!)), output)
        }
        XCTAssertEqual(again.metrics["a.accuracy_ci_low"], ciLow, "the bootstrap is seeded")
    }
}

/// A regression "model" that predicts its single feature (so the predictions are chosen by the test).
private struct IdentityRegressor: FittedModel {
    var family: String { "identity" }
    var task: ModelTask { .regression }
    var features: Int { 1 }
    var outputs: Int { 1 }
    func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [Float] { Array(x) }
    func write(to group: HDF5Group) throws {}
}

final class EvaluateRegressionTests: XCTestCase {
    /// The regression path of `evaluate` against scikit-learn (numbers as in LearnTests' EvaluationMetricsTests:
    /// t = [3.0, -0.5, 2.0, 7.0, 4.2], p = [2.5, 0.0, 2.0, 8.0, 3.9] as float32, metrics in float64):
    /// mean_squared_error → 0.31799996566774097, r2_score → 0.948025632539391, mean_absolute_percentage_error → 0.2761904632153148
    func testRegressionModelsGetRegressionMetrics() throws {
        let directory = NSTemporaryDirectory() + "eval-regression-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try HDF5File.create(directory + "/m.h5")
        var data = Dataset.rows([[2.5], [0.0], [2.0], [8.0], [3.9]], labels: nil)
        data.targets = [3.0, -0.5, 2.0, 7.0, 4.2]
        let stored = StoredModel(model: .fitted(IdentityRegressor()), classNames: [], sampleShape: [1])
        var generator = SeededGenerator(seed: 1)
        let result = try DatasetEvaluation.run(stored, data: data, key: "test", options: EvaluationOptions(topK: [], calibrationBins: 10, bootstrapSamples: 0, confidence: 0.95),
                                               generator: &generator, group: try file.root.createGroup("test"))
        try file.close()
        let metrics = Dictionary(uniqueKeysWithValues: result.scalars)
        XCTAssertEqual(metrics["mse"]!, 0.31799996566774097, accuracy: 1e-15)
        XCTAssertEqual(metrics["r2"]!, 0.948025632539391, accuracy: 1e-14)
        XCTAssertEqual(metrics["mape"]!, 0.2761904632153148, accuracy: 1e-15)
        XCTAssertNil(metrics["accuracy"])
        XCTAssertNil(result.correct)
    }
}
