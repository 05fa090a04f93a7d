import Foundation
import Learn
import PipelineSpec
import PipelineStore
import Stages
import XCTest

/// The `train` kind's network families: YAML model descriptions become networks that train, are stored
/// in HDF5 and predict the same after reading back.
final class NetworkTrainingTests: XCTestCase {
    var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    /// 8×8 single-channel images of three classes: a bright row, a bright column, or a bright diagonal.
    private func images(count: Int, seed: UInt64) -> Dataset {
        var g = SeededGenerator(seed: seed)
        var pixels: [Float] = [], labels: [Int32] = []
        for i in 0..<count {
            let c = i % 3, k = Int(g.nextInt(below: 8))
            for r in 0..<8 {
                for col in 0..<8 {
                    let on = (c == 0 && r == k) || (c == 1 && col == k) || (c == 2 && r == col)
                    pixels.append((on ? 1 : 0) + Float(g.nextGaussian()) * 0.2)
                }
            }
            labels.append(Int32(c))
        }
        return Dataset(features: .float32(pixels), rows: count, sampleShape: [8, 8], labels: labels, classNames: ["row", "column", "diagonal"], featureNames: [])
    }

    private func params(_ model: ParamValue, epochs: Int = 8) -> [String: ParamValue] {
        ["model": model, "optimizer": .map(["type": .string("adam"), "lr": .double(0.01)]), "epochs": .int(epochs), "batch_size": .int(16)]
    }

    /// A distributed stage run in one process (as a search trial would be) fails rather than caching a
    /// one-process result under the fingerprint of the N-rank stage; the kind asks its executor for N processes.
    func testDistributedTrainingRefusesToRunInOneProcess() throws {
        let train = try harness.input("train", images(count: 30, seed: 1))
        var p = params(.map(["type": .string("mlp"), "layers": .list([.int(4)])]), epochs: 1)
        p["distributed"] = .map(["backend": .string("mpi"), "ranks": .int(2)])
        XCTAssertEqual(TrainStage().processes(params: p), 2)
        XCTAssertEqual(TrainStage().processes(params: params(.map(["type": .string("mlp")]))), 1)
        XCTAssertThrowsError(try harness.run(TrainStage(), params: p, inputs: [("train", train)])) { error in
            XCTAssertTrue("\(error)".contains("distributed.ranks is 2 but the stage runs as 1 process(es)"), "\(error)")
        }
    }

    func testSequentialConvNetTrainsStoresAndPredictsTheSameAfterReading() throws {
        let train = try harness.input("train", images(count: 240, seed: 1))
        let test = images(count: 60, seed: 2)
        let model: ParamValue = .map(["type": .string("sequential"), "init": .string("he_uniform"), "layers": .list([
            .map(["type": .string("conv2d"), "filters": .int(4), "kernel": .int(3), "padding": .string("same"), "activation": .string("relu")]),
            .map(["type": .string("max_pool"), "size": .int(2)]),
            .map(["type": .string("flatten")]),
            .map(["type": .string("dense"), "units": .int(3)]),
        ])])
        let result = try harness.run(TrainStage(), params: params(model), inputs: [("train", train)])
        XCTAssertEqual(result.metrics["parameters"], Double(4 * 9 + 4 + 64 * 3 + 3), "conv 4×1×3×3 + 4, dense 64×3 + 3")
        XCTAssertEqual(result.metrics["epochs_run"], 8)

        let stored = try StoredModel.read(from: result.outputs["model"]!)
        guard case .network(let snapshot) = stored.model else { return XCTFail("a network model") }
        XCTAssertEqual(snapshot.inputShape, [1, 8, 8], "images gain a channel axis for a convolutional model")
        XCTAssertEqual(snapshot.layers.map(\.kind), ["conv2d", "activation", "max_pool", "flatten", "dense"])
        XCTAssertEqual(stored.history.count, 8)
        XCTAssertEqual(stored.classNames, ["row", "column", "diagonal"])

        let probabilities = try stored.model.predictProbabilities(test.floatFeatures(), rows: test.rows)
        for r in 0..<test.rows { XCTAssertEqual(probabilities[(r * 3)..<(r * 3 + 3)].reduce(0, +), 1, accuracy: 1e-5) }
        let predicted = try EvaluateStageProbe.predict(stored, test.floatFeatures(), rows: test.rows)
        let accuracy = Double(zip(predicted, test.labels!).filter { $0 == $1 }.count) / Double(test.rows)
        XCTAssertGreaterThan(accuracy, 0.9, "rows, columns and diagonals are easy for a convolution")

        // Reading back and predicting again gives exactly the same numbers.
        let again = try StoredModel.read(from: result.outputs["model"]!)
        XCTAssertEqual(try again.model.predictProbabilities(test.floatFeatures(), rows: test.rows), probabilities)
    }

    func testMLPWithBatchNormAndDropoutIsByteIdenticalAcrossRuns() throws {
        let train = try harness.input("train", images(count: 150, seed: 3))
        let model: ParamValue = .map(["type": .string("mlp"), "layers": .list([.int(16)]), "activation": .string("tanh"),
                                      "dropout": .double(0.1), "batch_norm": .bool(true), "init": .string("xavier_uniform")])
        let a = try harness.run(TrainStage(), params: params(model, epochs: 3), inputs: [("train", train)])
        let b = try harness.run(TrainStage(), params: params(model, epochs: 3), inputs: [("train", train)])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a.outputs["model"]!)), try Data(contentsOf: URL(fileURLWithPath: b.outputs["model"]!)))
        let stored = try StoredModel.read(from: a.outputs["model"]!)
        guard case .network(let snapshot) = stored.model else { return XCTFail("a network model") }
        XCTAssertEqual(snapshot.layers.map(\.kind), ["dense", "batch_norm", "activation", "dropout", "dense"])
        XCTAssertEqual(snapshot.layers[1].state.map(\.name), ["runningMean", "runningVariance"], "batch-norm statistics are stored")
    }

    func testOnTheFlyAugmentationTrainsDeterministicallyAndIsCheckedAgainstTheFamily() throws {
        let train = try harness.input("train", images(count: 150, seed: 3))
        let model: ParamValue = .map(["type": .string("mlp"), "layers": .list([.int(16)])])
        var p = params(model, epochs: 2)
        p["augment"] = .map(["rotation": .list([.double(-10), .double(10)]), "horizontal_flip": .double(0.5), "mixup": .double(0.2)])
        let a = try harness.run(TrainStage(), params: p, inputs: [("train", train)])
        let b = try harness.run(TrainStage(), params: p, inputs: [("train", train)])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a.outputs["model"]!)), try Data(contentsOf: URL(fileURLWithPath: b.outputs["model"]!)))
        p["augment"] = nil
        let plain = try harness.run(TrainStage(), params: p, inputs: [("train", train)])
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: a.outputs["model"]!)), try Data(contentsOf: URL(fileURLWithPath: plain.outputs["model"]!)))
    }

    func testStreamingFromHDF5GivesTheSameModelAsLoadingIntoMemory() throws {
        let train = try harness.input("train", images(count: 120, seed: 7))
        let validation = try harness.input("validation", images(count: 30, seed: 8))
        let model: ParamValue = .map(["type": .string("mlp"), "layers": .list([.int(12)]), "activation": .string("relu"),
                                      "dropout": .double(0), "batch_norm": .bool(false), "init": .string("he_uniform")])
        var streamed = params(model, epochs: 3)
        streamed["memory_limit_mb"] = .int(0)   // every dataset is "too large": batches come from HDF5 reads
        let inMemory = try harness.run(TrainStage(), params: params(model, epochs: 3), inputs: [("train", train), ("validation", validation)])
        let fromDisk = try harness.run(TrainStage(), params: streamed, inputs: [("train", train), ("validation", validation)])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: inMemory.outputs["model"]!)), try Data(contentsOf: URL(fileURLWithPath: fromDisk.outputs["model"]!)))
        XCTAssertEqual(inMemory.metrics["validation_accuracy"], fromDisk.metrics["validation_accuracy"])
    }

    func testPerLayerPenaltyAppliesToThatLayerOnly() throws {
        let train = try harness.input("train", images(count: 90, seed: 9))
        func weightNorms(firstLayerL2: Double?) throws -> (first: Double, last: Double) {
            var hidden: [String: ParamValue] = ["type": .string("dense"), "units": .int(8), "activation": .string("relu")]
            if let firstLayerL2 { hidden["l2"] = .double(firstLayerL2) }
            let model: ParamValue = .map(["type": .string("sequential"), "init": .string("he_uniform"), "layers": .list([
                .map(["type": .string("flatten")]), .map(hidden), .map(["type": .string("dense"), "units": .int(3)]),
            ])])
            var p = params(model, epochs: 6)
            p["optimizer"] = .map(["type": .string("sgd"), "lr": .double(0.05), "momentum": .double(0), "nesterov": .bool(false), "weight_decay": .double(0)])
            let result = try harness.run(TrainStage(), params: p, inputs: [("train", train)])
            guard case .network(let net) = try StoredModel.read(from: result.outputs["model"]!).model else { throw StageError("not a network") }
            func norm(_ layer: Int) -> Double { net.layers[layer].parameters.first { $0.name == "weight" }!.values.reduce(0) { $0 + Double($1 * $1) }.squareRoot() }
            return (norm(1), norm(3))
        }
        let plain = try weightNorms(firstLayerL2: nil), penalised = try weightNorms(firstLayerL2: 5)
        // With l2 = 5 and lr 0.05 each step multiplies the hidden weights by (1 − 0.25) before the data gradient:
        // they shrink to a small equilibrium against the data gradient, while the unpenalised output layer keeps its scale.
        XCTAssertLessThan(penalised.first, 0.1 * plain.first)
        XCTAssertGreaterThan(penalised.last, 0.2 * plain.last)
    }

    func testOutputWidthMustMatchTheClasses() throws {
        let train = try harness.input("train", images(count: 30, seed: 4))
        let model: ParamValue = .map(["type": .string("sequential"), "init": .string("he_uniform"),
                                      "layers": .list([.map(["type": .string("flatten")]), .map(["type": .string("dense"), "units": .int(5)])])])
        XCTAssertThrowsError(try harness.run(TrainStage(), params: params(model), inputs: [("train", train)])) { error in
            XCTAssertEqual("\(error)", "model: the last layer outputs 5 values per sample but the data has 3 classes")
        }
    }

    func testKindCheckRejectsOptimizersTheFamilyCannotUse() {
        func problems(_ model: String, _ optimizer: String) -> [KindProblem] {
            TrainStage().signature.check(KindCheckContext(params: ["model": .map(["type": .string(model)]), "optimizer": .map(["type": .string(optimizer)])],
                                                          inputs: [], baseDirectory: "/"))
        }
        XCTAssertEqual(problems("mlp", "lbfgs").map(\.subject), [.param("optimizer")])
        XCTAssertEqual(problems("softmax_regression", "adam").first?.message, "softmax_regression trains with 'lbfgs' or 'sgd', found 'adam'")
        XCTAssertEqual(problems("mlp", "adam"), [])
    }

    func testKindCheckRejectsAugmentForFamiliesWithoutMiniBatches() {
        func problems(_ model: String, _ augment: [String: ParamValue]) -> [String] {
            TrainStage().signature.check(KindCheckContext(params: ["model": .map(["type": .string(model)]), "augment": .map(augment)],
                                                          inputs: [], baseDirectory: "/")).map(\.message)
        }
        XCTAssertEqual(problems("softmax_regression", ["noise": .double(0.1)]).count, 1)
        XCTAssertEqual(problems("mlp", ["noise": .double(0.1)]), [])
        XCTAssertEqual(problems("mlp", ["scale": .list([.double(1.2), .double(0.8)])]),
                       ["augment.scale: expected [low, high] with low ≤ high, found [1.2, 0.8]"])
    }
}
