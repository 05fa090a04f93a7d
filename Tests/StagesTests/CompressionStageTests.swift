import Foundation
import Learn
import PipelineSpec
import PipelineStore
import Stages
import XCTest

/// `quantize`, `compress` and distillation through the stage kinds: encoded tensors survive the model file,
/// the int8 model predicts as its dequantized arithmetic says, and each method changes the network as designed.
final class CompressionStageTests: XCTestCase {
    var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    /// Three Gaussian blobs in 6-D.
    private func blobs(_ count: Int, seed: UInt64) -> Dataset {
        var g = SeededGenerator(seed: seed)
        var rows: [[Float]] = [], labels: [Int32] = []
        for i in 0..<count {
            let c = i % 3
            rows.append((0..<6).map { d in Float(g.nextGaussian()) * 0.5 + (d % 3 == c ? 2 : 0) })
            labels.append(Int32(c))
        }
        return .rows(rows, labels: labels)
    }

    private func trainedModel(layers: [Int] = [16, 8], epochs: Int = 10) throws -> StageInput {
        let train = try harness.input("train", blobs(300, seed: 1))
        let model: ParamValue = .map(["type": .string("mlp"), "layers": .list(layers.map { .int($0) })])
        let result = try harness.run(TrainStage(), params: ["model": model, "epochs": .int(epochs), "batch_size": .int(32)], inputs: [("train", train)])
        return StageInput(type: .model, path: result.outputs["model"]!, stage: "train")
    }

    private func network(_ path: String) throws -> NetworkSnapshot {
        guard case .network(let n) = try StoredModel.read(from: path).model else { throw StageError("not a network") }
        return n
    }

    func testEncodedTensorsRoundTripThroughTheModelFile() throws {
        let model = try trainedModel()
        let source = try network(model.path)
        var compressed = source
        let w0 = source.layers[0].parameters.first { $0.name == "weight" }!
        let w2 = source.layers[2].parameters.first { $0.name == "weight" }!
        let w4 = source.layers[4].parameters.first { $0.name == "weight" }!
        let encodings: [(Int, TensorEncoding)] = [
            (0, .int8(QuantizedTensor(quantizing: w0.values, shape: w0.shape, scheme: .affine, channelAxis: 1))),
            (2, .codebook(SharedWeights(clustering: w2.values, shape: w2.shape, bits: 3))),
            (4, .binary(BinaryWeights(binarizing: w4.values, shape: w4.shape, channelAxis: nil))),
        ]
        for (index, encoding) in encodings {
            let position = compressed.layers[index].parameters.firstIndex { $0.name == "weight" }!
            compressed.layers[index].parameters[position].values = encoding.decoded()
            compressed.layers[index].encodings["weight"] = encoding
        }
        let path = harness.directory + "/encoded.h5"
        try StoredModel(model: .network(compressed), classNames: [], sampleShape: [6]).write(to: path, provenance: StageHarness.provenance, attributes: [:])
        let back = try network(path)
        for (index, encoding) in encodings {
            XCTAssertEqual(back.layers[index].encodings["weight"], encoding, "layer \(index) \(encoding.name)")
            XCTAssertEqual(back.layers[index].parameters.first { $0.name == "weight" }!.values, encoding.decoded())
        }
        // The int8 codes are stored as int8, the indices and bits as uint8.
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        let layers = try file.root.group("network").group("layers")
        XCTAssertEqual(try layers.group("00_dense").group("weight").dataset("codes").elementType, .int8)
        XCTAssertEqual(try layers.group("02_dense").group("weight").dataset("indices").elementType, .uint8)
        XCTAssertEqual(try layers.group("04_dense").group("weight").dataset("bits").shape, [(8 * 3 + 7) / 8])
        let x = blobs(20, seed: 9).floatFeatures()
        XCTAssertEqual(try back.predictProbabilities(x, rows: 20), try compressed.predictProbabilities(x, rows: 20))
    }

    func testQuantizeStageStoresInt8AndPredictsThroughTheInt8Kernel() throws {
        let model = try trainedModel()
        let calibration = try harness.input("calibration", blobs(90, seed: 2))
        for (scheme, granularity, activations) in [("symmetric", "per_channel", "static"), ("affine", "per_tensor", "dynamic")] {
            let result = try harness.run(QuantizeStage(), params: ["scheme": .string(scheme), "granularity": .string(granularity), "activations": .string(activations)],
                                         inputs: [("model", model), ("calibration", calibration)])
            let quantized = try network(result.outputs["model"]!)
            XCTAssertEqual(quantized.layers.map(\.kind), ["dense_int8", "activation", "dense_int8", "activation", "dense_int8"])
            guard case .int8(let w)? = quantized.layers[0].encodings["weight"] else { return XCTFail("int8 weight") }
            XCTAssertEqual(w.scales.count, granularity == "per_channel" ? 16 : 1)
            XCTAssertEqual(w.scheme.rawValue, scheme)
            XCTAssertEqual(result.metrics["quantized_layers"], 3)
            XCTAssertEqual(result.metrics["parameter_bytes_before"], Double(4 * (6 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3)))
            // A well-separated problem: int8 changes accuracy by at most a few rows.
            XCTAssertLessThanOrEqual(abs(result.metrics["accuracy_change"]!), 0.05)
            if activations == "static" {
                // The first layer's input range is the calibration features' range, widened to contain 0.
                let data = blobs(90, seed: 2).floatFeatures()
                let p = QuantizationParameters.covering(min: data.min()!, max: data.max()!, scheme: .affine)
                XCTAssertEqual(quantized.layers[0].configuration["input_scale"], .double(Double(p.scale)))
                XCTAssertEqual(quantized.layers[0].configuration["input_zero_point"], .int(Int(p.zeroPoint)))
            }
        }
    }

    func testCompressStageMethods() throws {
        let model = try trainedModel()
        let data = try harness.input("data", blobs(120, seed: 3))
        func run(_ method: [String: ParamValue]) throws -> (NetworkSnapshot, StageResult) {
            let result = try harness.run(CompressStage(), params: ["method": .map(method)], inputs: [("model", model), ("data", data)])
            return (try network(result.outputs["model"]!), result)
        }
        let (shared, sharedResult) = try run(["type": .string("weight_sharing"), "bits": .int(2), "iterations": .int(100),
                                              "fine_tune": .map(["epochs": .int(2), "lr": .double(0.001), "batch_size": .int(16)])])
        guard case .codebook(let codebook)? = shared.layers[0].encodings["weight"] else { return XCTFail("codebook") }
        XCTAssertEqual(codebook.centroids.count, 4)
        XCTAssertEqual(Set(shared.layers[0].parameters.first { $0.name == "weight" }!.values).count, 4, "4 distinct weights after fine-tuning")
        XCTAssertNotNil(sharedResult.metrics["fine_tune_loss"])

        let (binary, _) = try run(["type": .string("binarize"), "scale": .string("per_row")])
        guard case .binary(let bits)? = binary.layers[2].encodings["weight"] else { return XCTFail("binary") }
        XCTAssertEqual(bits.scales.count, 8)

        let source = try network(model.path)
        let (lowRank, lowResult) = try run(["type": .string("low_rank"), "rank": .int(2)])
        // 6×16 at rank 2: 2·22 < 96 → factorised; 16×8: 2·24 < 128 → factorised; 8×3: 2·11 < 24 → factorised.
        XCTAssertEqual(lowRank.layers.map(\.kind), ["dense", "dense", "activation", "dense", "dense", "activation", "dense", "dense"])
        XCTAssertEqual(lowResult.metrics["factorised_layers"], 3)
        // The factorised first layer's product is within the dropped singular values of the original weight.
        let w = source.layers[0].parameters.first { $0.name == "weight" }!
        let factors = try LowRankFactors(factorising: w.values, rows: 6, cols: 16, rule: .count(2))
        let a = lowRank.layers[0].parameters.first { $0.name == "weight" }!.values
        let b = lowRank.layers[1].parameters.first { $0.name == "weight" }!.values
        let product = Matrix.multiply(Matrix(rows: 6, cols: 2, values: a), Matrix(rows: 2, cols: 16, values: b)).values
        let error = zip(product, w.values).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        XCTAssertEqual(error, factors.droppedNorm, accuracy: 1e-4)
    }

    func testDistillationWithAlphaZeroIsPlainTraining() throws {
        // α = 0 leaves only the hard loss, (1 − 0)·CE: the student must be bit-identical to training without a teacher.
        let teacher = try trainedModel(layers: [8], epochs: 2)
        let train = try harness.input("train2", blobs(150, seed: 4))
        let model: ParamValue = .map(["type": .string("mlp"), "layers": .list([.int(4)])])
        let base: [String: ParamValue] = ["model": model, "epochs": .int(3), "batch_size": .int(32)]
        var distilled = base
        distilled["distillation"] = .map(["temperature": .double(3), "alpha": .double(0)])
        let plain = try harness.run(TrainStage(), params: base, inputs: [("train", train)])
        let student = try harness.run(TrainStage(), params: distilled, inputs: [("train", train), ("teacher", teacher)])
        XCTAssertEqual(try network(plain.outputs["model"]!), try network(student.outputs["model"]!))
        distilled["distillation"] = .map(["temperature": .double(3), "alpha": .double(0.9)])
        let soft = try harness.run(TrainStage(), params: distilled, inputs: [("train", train), ("teacher", teacher)])
        XCTAssertNotEqual(try network(plain.outputs["model"]!), try network(soft.outputs["model"]!))
    }

    func testShowTableCountsBytesPerForm() throws {
        let model = try trainedModel()
        let result = try harness.run(QuantizeStage(), params: ["activations": .string("dynamic")], inputs: [("model", model)])
        let lines = try XCTUnwrap(try NetworkStorageReport.lines(for: result.outputs["model"]!))
        // Layer 0, dense 6×16 per-channel int8: 96 codes + 16 float scales + 16 int32 zero points = 224 bytes;
        // with the float bias (64 bytes) 288 stored, against (96 + 16)·4 = 448 as float32.
        let first = try XCTUnwrap(lines.first { $0.hasPrefix("  00 ") }).split(separator: " ").map(String.init)
        XCTAssertEqual(first, ["00", "dense_int8", "112", "448", "224", "–", "–", "288"])
        XCTAssertTrue(lines.last!.contains("smaller"))
        XCTAssertNil(try NetworkStorageReport.lines(for: try harness.input("d", blobs(3, seed: 1)).path), "datasets get no table")
    }

    func testQuantizationAwareTrainingReachesTheTrainerAndKeepsFloatMasters() throws {
        let train = try harness.input("train3", blobs(150, seed: 5))
        let model: ParamValue = .map(["type": .string("mlp"), "layers": .list([.int(4)])])
        let base: [String: ParamValue] = ["model": model, "epochs": .int(2), "batch_size": .int(32)]
        var qat = base
        qat["quantization_aware"] = .map(["scheme": .string("symmetric"), "granularity": .string("per_channel")])
        let plain = try network(try harness.run(TrainStage(), params: base, inputs: [("train", train)]).outputs["model"]!)
        let aware = try network(try harness.run(TrainStage(), params: qat, inputs: [("train", train)]).outputs["model"]!)
        XCTAssertNotEqual(plain, aware, "fake quantization changes the gradients")
        // The stored weights are the float masters, not values on their int8 grid.
        let w = aware.layers[0].parameters.first { $0.name == "weight" }!
        XCTAssertNotEqual(w.values, QuantizedTensor(quantizing: w.values, shape: w.shape, scheme: .symmetric, channelAxis: 1).dequantized())
    }
}
