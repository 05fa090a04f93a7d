import Foundation
import Learn
import PipelineSpec
import PipelineStore
import Stages
import XCTest

final class StageKindTests: XCTestCase {
    var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    // MARK: split

    func testSplitIsStratifiedDisjointCoveringAndSeeded() throws {
        // 100 rows: 60 of class 0, 40 of class 1; row i holds the value i so parts can be traced back.
        let labels: [Int32] = (0..<100).map { $0 < 60 ? 0 : 1 }
        let data = Dataset.rows((0..<100).map { [Float($0)] }, labels: labels)
        let input = try harness.input("data", data)
        let params: [String: ParamValue] = ["validation": .double(0.2), "test": .double(0.1), "stratify": .bool(true)]
        let result = try harness.run(SplitStage(), params: params, inputs: [("data", input)])
        let parts = try ["train", "validation", "test"].map { try Dataset.read(from: result.outputs[$0]!) }
        XCTAssertEqual(parts.map(\.rows), [70, 20, 10])
        // Stratified: every part keeps the 60/40 class ratio exactly (hand-computed: 42/28, 12/8, 6/4).
        XCTAssertEqual(parts.map { $0.labels!.filter { $0 == 1 }.count }, [28, 8, 4])
        let values = parts.flatMap { $0.floatFeatures() }.map(Int.init)
        XCTAssertEqual(values.sorted(), Array(0..<100), "parts are disjoint and cover every row")
        for part in parts {
            for (value, label) in zip(part.floatFeatures(), part.labels!) { XCTAssertEqual(label, labels[Int(value)], "labels travel with their rows") }
        }
        let again = try harness.run(SplitStage(), params: params, inputs: [("data", input)])
        XCTAssertEqual(try Dataset.read(from: again.outputs["test"]!), parts[2], "same seed, same split")
        let other = try harness.run(SplitStage(), params: params, inputs: [("data", input)], seed: 2)
        XCTAssertNotEqual(try Dataset.read(from: other.outputs["test"]!), parts[2], "another seed, another split")
    }

    // MARK: scale

    func testScaleFitsOnTrainOnlyAndAppliesTheSameTransformToTest() throws {
        // Train column: 1, 2, 3, 4 → mean 2.5, population std √1.25. Test holds huge values that would
        // move the statistics if they leaked into the fit.
        let train = try harness.input("train", .rows([[1], [2], [3], [4]], labels: [0, 1, 0, 1]))
        let test = try harness.input("test", .rows([[1000], [2.5]], labels: [0, 1]))
        let result = try harness.run(ScaleStage(), params: ["method": .string("standard"), "fit_on": .string("train")],
                                     inputs: [("train", train), ("test", test)])
        let std = Float(1.25.squareRoot())
        let scaledTrain = try Dataset.read(from: result.outputs["train"]!).floatFeatures()
        let scaledTest = try Dataset.read(from: result.outputs["test"]!).floatFeatures()
        for (got, want) in zip(scaledTrain, [-1.5 / std, -0.5 / std, 0.5 / std, 1.5 / std]) { XCTAssertEqual(got, want, accuracy: 1e-6) }
        XCTAssertEqual(scaledTest[0], (1000 - 2.5) / std, accuracy: 1e-3)
        XCTAssertEqual(scaledTest[1], 0, accuracy: 1e-6)

        let transform = try HDF5File.open(result.outputs["transform"]!)
        XCTAssertEqual(try transform.root.dataset("mean").read(as: Float.self), [2.5])
        XCTAssertEqual(try transform.root.dataset("scale").read(as: Float.self)[0], std, accuracy: 1e-6)
        XCTAssertEqual(try transform.root.attribute("fitted_rows"), .int(4), "fitted on the 4 training rows only")
    }

    func testMinMaxScaleUsesTheRequestedRange() throws {
        let train = try harness.input("train", .rows([[0, 10], [5, 10], [10, 10]], labels: nil))
        let result = try harness.run(ScaleStage(), params: ["method": .string("minmax"), "feature_range": .list([.double(-1), .double(1)])],
                                     inputs: [("train", train)])
        // Column 0 maps 0,5,10 → -1,0,1; the constant column maps to the range minimum (scikit-learn's rule).
        XCTAssertEqual(try Dataset.read(from: result.outputs["train"]!).floatFeatures(), [-1, -1, 0, -1, 1, -1])
    }

    // MARK: evaluate

    func testEvaluateMatchesHandComputedMetrics() throws {
        // A model that predicts class 1 when x > 0: weights [[-1, 1]], bias 0 → logits (-x, x).
        let model = SoftmaxRegressionModel(weights: [-1, 1], bias: [0, 0], classes: 2, features: 1)
        let modelPath = harness.directory + "/model.h5"
        try StoredModel(model: .softmaxRegression(model), classNames: ["neg", "pos"], sampleShape: [1])
            .write(to: modelPath, provenance: StageHarness.provenance, attributes: [:])
        // True labels 0,0,1,1,1 with x = -2, 1, 3, -1, 2 → predicted 0,1,1,0,1.
        let test = try harness.input("test", .rows([[-2], [1], [3], [-1], [2]], labels: [0, 0, 1, 1, 1]))
        let result = try harness.run(EvaluateStage(), inputs: [("model", StageInput(type: .model, path: modelPath, stage: "train")), ("test", test)])
        // By hand: accuracy 3/5; class 0: P = 1/2, R = 1/2; class 1: P = 2/3, R = 2/3; macro F1 = (0.5 + 2/3) / 2.
        XCTAssertEqual(result.metrics["accuracy"]!, 0.6, accuracy: 1e-12)
        XCTAssertEqual(result.metrics["macro_f1"]!, (0.5 + 2.0 / 3) / 2, accuracy: 1e-12)
        XCTAssertEqual(result.metrics["weighted_f1"]!, (2 * 0.5 + 3 * 2.0 / 3) / 5, accuracy: 1e-12)
        // log-loss: mean of −log p(true) with p(1|x) = σ(2x).
        func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
        let expected = -[log(1 - sigmoid(-4)), log(1 - sigmoid(2)), log(sigmoid(6)), log(sigmoid(-2)), log(sigmoid(4))].reduce(0, +) / 5
        XCTAssertEqual(result.metrics["log_loss"]!, expected, accuracy: 1e-6)

        let metrics = try HDF5File.open(result.outputs["metrics"]!)
        XCTAssertEqual(try metrics.root.group("test").dataset("confusion").read(as: Int64.self), [1, 1, 1, 2])
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: result.outputs["summary"]!))) as! [String: Any]
        let perClass = (summary["test"] as! [String: Any])["per_class"] as! [String: [String: Any]]
        XCTAssertEqual(perClass["pos"]!["support"] as? Int, 3)
    }

    // MARK: train

    func testTrainSeparatesAndIsDeterministic() throws {
        var rng = SeededGenerator(seed: 3)
        var rows: [[Float]] = [], labels: [Int32] = []
        for i in 0..<90 {
            let c = Int32(i % 3)
            rows.append([Float(c) * 3 + Float(rng.nextGaussian()) * 0.5, Float(rng.nextGaussian()) * 0.5 - Float(c)])
            labels.append(c)
        }
        let train = try harness.input("train", .rows(rows, labels: labels))
        for optimizer in ["lbfgs", "sgd"] {
            let params: [String: ParamValue] = ["model": .string("softmax_regression"), "optimizer": .string(optimizer), "epochs": .int(60)]
            let a = try harness.run(TrainStage(), params: params, inputs: [("train", train)])
            let b = try harness.run(TrainStage(), params: params, inputs: [("train", train)])
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a.outputs["model"]!)), try Data(contentsOf: URL(fileURLWithPath: b.outputs["model"]!)),
                           "\(optimizer): the same inputs and seed give a byte-identical model file")
            let stored = try StoredModel.read(from: a.outputs["model"]!)
            let predicted = try EvaluateStageProbe.predict(stored, rows.flatMap { $0 }, rows: rows.count)
            let accuracy = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
            XCTAssertGreaterThan(accuracy, 0.95, "\(optimizer): clusters 3σ apart are linearly separable")
        }
    }

    // MARK: load

    func testLoadReadsCSVAndHDF5() throws {
        try "a,b,kind\n1,2,x\n3,4,y\n5,6,x\n".write(toFile: harness.directory + "/t.csv", atomically: true, encoding: .utf8)
        let csv = try harness.run(LoadStage(), params: ["path": .string("t.csv"), "label": .string("kind")])
        let table = try Dataset.read(from: csv.outputs["data"]!)
        XCTAssertEqual(table.floatFeatures(), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(table.labels, [0, 1, 0])
        XCTAssertEqual(table.classNames, ["x", "y"])
        XCTAssertEqual(table.featureNames, ["a", "b"])

        let h5 = harness.directory + "/raw.h5"
        let file = try HDF5File.create(h5)
        _ = try file.root.createDataset("X", shape: [3, 2], data: [Double](arrayLiteral: 1, 2, 3, 4, 5, 6))
        _ = try file.root.createDataset("y", shape: [3], data: [Int64](arrayLiteral: 2, 0, 1))
        try file.close()
        let loaded = try harness.run(LoadStage(), params: ["path": .string("raw.h5"), "features_dataset": .string("X"), "labels_dataset": .string("y"),
                                                           "limit": .int(2)])
        let dataset = try Dataset.read(from: loaded.outputs["data"]!)
        XCTAssertEqual(dataset.floatFeatures(), [1, 2, 3, 4])
        XCTAssertEqual(dataset.labels, [2, 0])
    }

    func testLoadCheckRejectsANonHDF5FileAndUnusedKeys() throws {
        try "not hdf5".write(toFile: harness.directory + "/fake.h5", atomically: true, encoding: .utf8)
        let hdf5 = KindCheckContext(params: ["path": .string("fake.h5")], inputs: [], baseDirectory: harness.directory)
        XCTAssertEqual(LoadStage().signature.check(hdf5), [KindProblem(.param("path"), "'fake.h5' is not an HDF5 file (no HDF5 signature)")])
        // images: makes the format idx, so path is not used there.
        let mixed = KindCheckContext(params: ["path": .string("fake.h5"), "images": .string("x")], inputs: [], baseDirectory: harness.directory)
        XCTAssertEqual(LoadStage().signature.check(mixed), [KindProblem(.param("path"), "'path' is not used by format 'idx' (it takes images, labels)")])
    }

    func testLoadReadsRealFashionMNIST() throws {
        let dir = "/usr/share/datasets/fashion-mnist"
        guard FileManager.default.fileExists(atPath: dir + "/t10k-images-idx3-ubyte.gz") else { throw XCTSkip("dataset-fashion-mnist is not installed") }
        let result = try harness.run(LoadStage(), params: ["images": .string(dir + "/t10k-images-idx3-ubyte.gz"),
                                                           "labels": .string(dir + "/t10k-labels-idx1-ubyte.gz"), "limit": .int(500)])
        let data = try Dataset.read(from: result.outputs["data"]!)
        XCTAssertEqual(data.rows, 500)
        XCTAssertEqual(data.sampleShape, [28, 28])
        guard case .uint8(let pixels) = data.features else { return XCTFail("idx pixels stay uint8") }
        XCTAssertEqual(pixels.count, 500 * 784)
        // First test label of Fashion-MNIST is 9 (Ankle boot), second 2 (Pullover) — a known fact of the set.
        XCTAssertEqual(Array(data.labels!.prefix(2)), [9, 2])
    }
}

/// Prediction through the stored model (what `evaluate` does), for tests.
enum EvaluateStageProbe {
    static func predict(_ stored: StoredModel, _ x: [Float], rows: Int) throws -> [Int32] {
        let p = try stored.model.predictProbabilities(x, rows: rows)
        let k = stored.model.classes
        return (0..<rows).map { r in Int32((0..<k).max { p[r * k + $0] < p[r * k + $1] }!) }
    }
}
