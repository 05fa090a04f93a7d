import Foundation
import Learn
import PipelineSpec
import PipelineStore
@testable import Stages
import XCTest

/// The prune kind, structured pruning's shapes, sparse storage, and fine-tuning that keeps masks.
final class PruningStageTests: XCTestCase {
    var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    private func randomize(_ network: Network, seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for i in 0..<network.parameters.count { network.parameters[i] = Float(g.nextGaussian()) }
        for entry in network.stateLayout where entry.spec.role == .runningVariance {
            for i in entry.range { network.state[i] = 0.5 + Float(g.nextDouble()) }
        }
        for entry in network.stateLayout where entry.spec.role == .runningMean {
            for i in entry.range { network.state[i] = Float(g.nextGaussian()) }
        }
    }

    private func tensor(_ s: NetworkSnapshot, _ layer: Int, _ name: String) -> (shape: [Int], values: [Float]) {
        let t = (s.layers[layer].parameters + s.layers[layer].state).first { $0.name == name }!
        return (t.shape, t.values)
    }

    // MARK: Structured pruning

    func testRemovingNeuronsGivesExactShapesAndTheSameFunctionAsZeroingThem() throws {
        let net = try Network(inputShape: [6], layers: [DenseLayer(units: 8), ActivationLayer(.relu), DenseLayer(units: 4),
                                                        ActivationLayer(.relu), DenseLayer(units: 3)])
        randomize(net, seed: 1)
        let original = NetworkSnapshot(net)
        let pruned = try StructuredPruning.prune(original, fraction: [0.5], norm: .l1)
        XCTAssertEqual(tensor(pruned, 0, "weight").shape, [6, 4])
        XCTAssertEqual(tensor(pruned, 0, "bias").shape, [4])
        XCTAssertEqual(tensor(pruned, 2, "weight").shape, [4, 2])
        XCTAssertEqual(tensor(pruned, 4, "weight").shape, [2, 3], "the output layer keeps its 3 classes and loses removed inputs")
        XCTAssertEqual(pruned.layers[0].configuration["units"], .int(4))
        XCTAssertEqual(pruned.layers[2].configuration["units"], .int(2))
        XCTAssertEqual(try pruned.makeNetwork().parameterCount, 6 * 4 + 4 + 4 * 2 + 2 + 2 * 3 + 3)

        // Reference: the kept units are the 4 (of 8) and 2 (of 4) with the largest L1 column norms.
        let w0 = tensor(original, 0, "weight").values
        let norms0 = (0..<8).map { j in (0..<6).reduce(Float(0)) { $0 + abs(w0[$1 * 8 + j]) } }
        let kept0 = (0..<8).sorted { norms0[$0] > norms0[$1] }.prefix(4).sorted()
        XCTAssertEqual(tensor(pruned, 0, "bias").values, kept0.map { tensor(original, 0, "bias").values[$0] })

        // Zeroing the removed units' columns and biases in the original gives the same outputs (ReLU(0) = 0).
        let zeroed = try original.makeNetwork()
        let keptSets = [Set(kept0), Set(StructuredPruning.strongest(
            (0..<4).map { j in kept0.reduce(Float(0)) { $0 + abs(tensor(original, 2, "weight").values[$1 * 4 + j]) } }, removing: 0.5))]
        for (entry, units, kept) in [(0, 8, keptSets[0]), (2, 4, keptSets[1])] {
            let layout = zeroed.layout.filter { $0.layer == entry }
            for j in 0..<units where !kept.contains(j) {
                for i in stride(from: layout[0].range.lowerBound + j, to: layout[0].range.upperBound, by: units) { zeroed.parameters[i] = 0 }
                zeroed.parameters[layout[1].range.lowerBound + j] = 0
            }
        }
        var g = SeededGenerator(seed: 5)
        let x = (0..<(10 * 6)).map { _ in Float(g.nextGaussian()) }
        let expected = x.withUnsafeBufferPointer { zeroed.predict($0, rows: 10) }
        let got = try x.withUnsafeBufferPointer { try pruned.makeNetwork().predict($0, rows: 10) }
        for k in expected.indices { XCTAssertEqual(got[k], expected[k], accuracy: 1e-5) }
    }

    func testRemovingFiltersShrinksBatchNormAndTheDenseRowsAfterFlatten() throws {
        let net = try Network(inputShape: [1, 6, 6], layers: [
            Conv2DLayer(filters: 4, kernel: (3, 3), stride: (1, 1), padding: .valid), BatchNormLayer(), ActivationLayer(.relu),
            MaxPool2DLayer(size: (2, 2), stride: (2, 2)), FlattenLayer(), DenseLayer(units: 3),
        ])
        randomize(net, seed: 2)
        let original = NetworkSnapshot(net)
        let pruned = try StructuredPruning.prune(original, fraction: [0.5], norm: .l2)
        XCTAssertEqual(tensor(pruned, 0, "weight").shape, [2, 1, 3, 3])
        XCTAssertEqual(tensor(pruned, 0, "bias").shape, [2])
        for name in ["scale", "shift", "runningMean", "runningVariance"] { XCTAssertEqual(tensor(pruned, 1, name).shape, [2], name) }
        XCTAssertEqual(tensor(pruned, 5, "weight").shape, [2 * 2 * 2, 3], "2 channels × 2×2 pooled positions")
        XCTAssertEqual(pruned.layers[0].configuration["filters"], .int(2))

        // The two filters with the largest L2 norms, and the matching slices downstream.
        let w = tensor(original, 0, "weight").values
        let norms = (0..<4).map { f in (0..<9).reduce(Float(0)) { $0 + w[f * 9 + $1] * w[f * 9 + $1] } }
        let kept = (0..<4).sorted { norms[$0] > norms[$1] }.prefix(2).sorted()
        XCTAssertEqual(tensor(pruned, 0, "weight").values, kept.flatMap { f in w[(f * 9)..<(f * 9 + 9)] })
        XCTAssertEqual(tensor(pruned, 1, "runningMean").values, kept.map { tensor(original, 1, "runningMean").values[$0] })
        let dense = tensor(original, 5, "weight").values
        var expectedRows: [Float] = []
        for c in kept {
            for p in 0..<4 {
                let row: Int = c * 4 + p
                expectedRows += dense[(row * 3)..<(row * 3 + 3)]
            }
        }
        XCTAssertEqual(tensor(pruned, 5, "weight").values, expectedRows)

        // Same function as the original with the removed channels' dense rows zeroed.
        let zeroed = try original.makeNetwork()
        let denseRange = zeroed.layout.first { $0.layer == 5 && $0.spec.name == "weight" }!.range
        for c in 0..<4 where !kept.contains(c) {
            for r in (c * 4)..<(c * 4 + 4) {
                for j in 0..<3 { zeroed.parameters[denseRange.lowerBound + r * 3 + j] = 0 }
            }
        }
        var g = SeededGenerator(seed: 6)
        let x = (0..<(4 * 36)).map { _ in Float(g.nextGaussian()) }
        let expected = x.withUnsafeBufferPointer { zeroed.predict($0, rows: 4) }
        let got = try x.withUnsafeBufferPointer { try pruned.makeNetwork().predict($0, rows: 4) }
        for k in expected.indices { XCTAssertEqual(got[k], expected[k], accuracy: 1e-4) }
    }

    // MARK: Storage

    func testSparseStorageRoundTripsInTheSmallerLayoutWithItsMask() throws {
        let net = try Network(inputShape: [100], layers: [DenseLayer(units: 50), ActivationLayer(.relu), DenseLayer(units: 10)])
        randomize(net, seed: 3)
        var mask = [Float](repeating: 1, count: net.parameterCount)
        let weights = net.layout.filter { $0.spec.role == .weight }.map(\.range)
        // 99.6 % of 5000 (20 kept: CSR 404 + 160 bytes < bitmask 625 + 80) and 70 % of 500 (bitmask 63 + 600 < CSR 404 + 1200).
        MagnitudePruning.prune(net.parameters, mask: &mask, tensors: weights, sparsity: [0.996, 0.7], scope: .layer)
        net.parameters[weights[1].lowerBound + mask[weights[1]].firstIndex(of: 1)! - weights[1].lowerBound] = 0  // a kept weight that is 0
        var snapshot = NetworkSnapshot(net)
        snapshot.recordMasks(mask, network: net)
        let path = harness.directory + "/sparse.h5"
        try StoredModel(model: .network(snapshot), classNames: [], sampleShape: [100]).write(to: path, provenance: StageHarness.provenance, attributes: [:])

        let file = try HDF5File.open(path)
        let layers = try file.root.group("network").group("layers")
        XCTAssertEqual(try layers.group("00_dense").group("weight").attribute("sparse_format")?.stringValue, "csr")
        XCTAssertEqual(try layers.group("00_dense").group("weight").dataset("values").count, 20)
        XCTAssertEqual(try layers.group("00_dense").group("weight").dataset("indptr").read(as: Int32.self).count, 101)
        XCTAssertEqual(try layers.group("02_dense").group("weight").attribute("sparse_format")?.stringValue, "bitmask")
        XCTAssertEqual(try layers.group("02_dense").group("weight").dataset("bitmask").count, 63)
        XCTAssertEqual(try layers.group("02_dense").group("weight").dataset("values").count, 150)
        XCTAssertEqual(try layers.group("00_dense").dataset("bias").count, 50, "biases stay dense")
        try file.close()

        guard case .network(let back) = try StoredModel.read(from: path).model else { return XCTFail("a network") }
        XCTAssertEqual(back, snapshot)
        let rebuilt = try back.makeNetwork()
        XCTAssertEqual(Array(rebuilt.parameters), Array(net.parameters))
        XCTAssertEqual(back.keepMask(for: rebuilt), mask, "the explicit zero keeps its place in the mask")
    }

    func testLayerSparsityCountsFLOPsAndBytes() throws {
        let net = try Network(inputShape: [8], layers: [DenseLayer(units: 4), ActivationLayer(.relu), DenseLayer(units: 2)])
        randomize(net, seed: 4)
        var mask = [Float](repeating: 1, count: net.parameterCount)
        MagnitudePruning.prune(net.parameters, mask: &mask, tensors: net.layout.filter { $0.spec.role == .weight }.map(\.range),
                               sparsity: [0.75, 0.5], scope: .layer)
        var snapshot = NetworkSnapshot(net)
        snapshot.recordMasks(mask, network: net)
        let rows = try snapshot.layerSparsity()
        // Layer 0: 32 weights, 8 kept, 4 biases → 12 nonzeros of 36; FLOPs 2·32 + 4 = 68 dense, 2·8 + 4 = 20 effective;
        // bytes: bitmask 4 + 4·8 = 36 (CSR 4·9 + 8·8 = 100) plus the bias 16.
        XCTAssertEqual(rows[0], LayerSparsity(index: 0, kind: "dense", parameters: 36, nonzeros: 12, denseFLOPs: 68, effectiveFLOPs: 20,
                                              denseBytes: 144, storedBytes: 52))
        XCTAssertEqual(rows[1].parameters, 0)
        // Layer 2: 8 weights, 4 kept, 2 biases; bitmask 1 + 16 (CSR 4·5 + 32) plus 8.
        XCTAssertEqual(rows[2], LayerSparsity(index: 2, kind: "dense", parameters: 10, nonzeros: 6, denseFLOPs: 18, effectiveFLOPs: 10,
                                              denseBytes: 40, storedBytes: 25))
    }

    // MARK: The prune kind and fine-tuning

    private func blobs(_ count: Int, seed: UInt64) -> Dataset {
        var g = SeededGenerator(seed: seed)
        let rows = (0..<count).map { i in (0..<10).map { d in Float(g.nextGaussian()) + (d % 3 == i % 3 ? 2 : 0) } }
        return Dataset.rows(rows, labels: (0..<count).map { Int32($0 % 3) })
    }

    func testPruneThenFineTuneKeepsTheMasksAndTheTargets() throws {
        let train = try harness.input("train", blobs(300, seed: 1))
        let dense = try harness.run(TrainStage(), params: [
            "model": .map(["type": .string("mlp"), "layers": .list([.int(20)])]), "epochs": .int(3),
            "optimizer": .map(["type": .string("adam"), "lr": .double(0.01)]),
        ], inputs: [("train", train)])
        let model = StageInput(type: .model, path: dense.outputs["model"]!, stage: "dense")

        let pruned = try harness.run(PruneStage(), params: ["sparsity": .list([.double(0.8), .double(0.5)])], inputs: [("dense", model)])
        // 10×20 = 200 weights → 160 pruned; 20×3 = 60 → 30 pruned: 190 of 260.
        XCTAssertEqual(pruned.metrics["weight_sparsity"]!, 190.0 / 260, accuracy: 1e-12)
        guard case .network(let p) = try StoredModel.read(from: pruned.outputs["model"]!).model else { return XCTFail() }
        XCTAssertEqual(p.layers[0].masks["weight"]?.filter { !$0 }.count, 160)
        XCTAssertEqual(p.layers[2].masks["weight"]?.filter { !$0 }.count, 30)

        let tuned = try harness.run(TrainStage(), params: ["epochs": .int(4), "optimizer": .map(["type": .string("sgd"), "lr": .double(0.05), "momentum": .double(0.9)])],
                                    inputs: [("train", train), ("model", StageInput(type: .model, path: pruned.outputs["model"]!, stage: "prune"))])
        XCTAssertEqual(tuned.metrics["weight_sparsity"]!, 190.0 / 260, accuracy: 1e-12)
        guard case .network(let t) = try StoredModel.read(from: tuned.outputs["model"]!).model else { return XCTFail() }
        XCTAssertEqual(t.layers[0].masks, p.layers[0].masks, "fine-tuning keeps the masks")
        let before = p.layers[0].parameters.first { $0.name == "weight" }!.values, after = t.layers[0].parameters.first { $0.name == "weight" }!.values
        for i in before.indices where p.layers[0].masks["weight"]![i] == false { XCTAssertEqual(after[i], 0) }
        XCTAssertNotEqual(before, after, "kept weights were trained")

        // Global scope: one threshold; the overall count is exact.
        let global = try harness.run(PruneStage(), params: ["sparsity": .double(0.5), "scope": .string("global")], inputs: [("dense", model)])
        XCTAssertEqual(global.metrics["weight_sparsity"]!, 130.0 / 260, accuracy: 1e-12)
        // Structured: 50 % of the 20 hidden units.
        let neurons = try harness.run(PruneStage(), params: ["sparsity": .double(0.5), "structure": .string("neurons")], inputs: [("dense", model)])
        XCTAssertEqual(neurons.metrics["parameters"], Double(10 * 10 + 10 + 10 * 3 + 3))
    }

    func testTrainWithPruningOptionReachesTheFinalSparsity() throws {
        let train = try harness.input("train", blobs(320, seed: 2))
        let result = try harness.run(TrainStage(), params: [
            "model": .map(["type": .string("mlp"), "layers": .list([.int(16)])]), "epochs": .int(5), "batch_size": .int(32),
            "optimizer": .map(["type": .string("adam"), "lr": .double(0.01)]),
            "pruning": .map(["final_sparsity": .double(0.9), "initial_sparsity": .double(0), "start_epoch": .int(1), "end_epoch": .int(3),
                             "scope": .string("layer")]),
        ], inputs: [("train", train)])
        // 10×16 = 160 → 144 pruned; 16×3 = 48 → 43 (43.2 rounded) pruned.
        XCTAssertEqual(result.metrics["weight_sparsity"]!, Double(144 + 43) / 208, accuracy: 1e-12)
    }

    func testKindChecksRejectContradictoryParameters() {
        func problems(_ params: [String: ParamValue], inputs: [BoundInput] = []) -> [String] {
            PruneStage().signature.check(KindCheckContext(params: params, inputs: inputs, baseDirectory: "/")).map(\.message)
        }
        XCTAssertEqual(problems([:]), ["prune needs exactly one of 'sparsity' and 'threshold'"])
        XCTAssertEqual(problems(["sparsity": .double(0.5), "threshold": .double(0.1)]), ["prune needs exactly one of 'sparsity' and 'threshold'"])
        XCTAssertEqual(problems(["sparsity": .double(1)]), ["sparsity must be below 1 (something must remain), found [1.0]"])
        XCTAssertEqual(problems(["sparsity": .list([.double(0.5)]), "scope": .string("global")]), ["scope: global takes one overall sparsity, not a list"])
        let train = TrainStage().signature.check(KindCheckContext(params: [:], inputs: [BoundInput(key: "train", type: .dataset, stage: "s", output: "train")], baseDirectory: "/"))
        XCTAssertEqual(train.map(\.message), ["train needs 'model' (an architecture) or a model input to fine-tune"])
    }

    func testCheckpointKeepsTheMask() throws {
        let state = TrainerState(epochsDone: 1, parameters: [1, 0, 2], networkState: [], optimizer: OptimizerCheckpoint(), schedule: [],
                                 generator: SeededGenerator(seed: 1), history: [], best: nil, epochsWithoutImprovement: 0, stopped: false)
        var masked = state
        masked.mask = [1, 0, 1]
        let directory = harness.directory + "/ckpt"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try TrainingCheckpoint.save(masked, to: directory)
        XCTAssertEqual(TrainingCheckpoint.load(from: directory, parameterCount: 3, stateCount: 0), masked)
        try TrainingCheckpoint.save(state, to: directory)
        XCTAssertNil(TrainingCheckpoint.load(from: directory, parameterCount: 3, stateCount: 0)?.mask)
    }
}
