import Learn
import XCTest

final class TrainerTests: XCTestCase {
    /// Three Gaussian blobs in 6 dimensions, 300 rows.
    private func blobs(rows: Int = 300, seed: UInt64 = 5) -> InMemoryBatchSource {
        var g = SeededGenerator(seed: seed)
        var x: [Float] = [], y: [Int32] = []
        for i in 0..<rows {
            let c = i % 3
            for d in 0..<6 { x.append(Float(g.nextGaussian()) + (d % 3 == c ? 2.5 : 0)) }
            y.append(Int32(c))
        }
        return InMemoryBatchSource(storage: .float32(x), labels: y, columns: 6)
    }

    private func network() throws -> Network {
        let net = try Network(inputShape: [6], layers: [DenseLayer(units: 16), BatchNormLayer(), ActivationLayer(.relu), DropoutLayer(rate: 0.2), DenseLayer(units: 3)])
        var g = SeededGenerator(seed: 11)
        net.initialize(.heNormal, generator: &g)
        return net
    }

    private func config(epochs: Int, stopping: EarlyStopping? = nil) throws -> TrainingConfig {
        TrainingConfig(epochs: epochs, batchSize: 32, loss: CrossEntropyLoss(), optimizer: try OptimizerFactory.make(name: "adam"),
                       schedule: try ScheduleFactory.make(name: "cosine", baseRate: 0.01, options: ["t_max": Double(epochs)]),
                       penalty: Penalty(l1: 0, l2: 1e-4), clipNorm: 5, earlyStopping: stopping)
    }

    func testTrainingLearnsAndIsDeterministic() throws {
        let data = blobs(), validation = blobs(rows: 90, seed: 6)
        var results: [[Float]] = []
        for _ in 0..<2 {
            let net = try network()
            var trainer = Trainer(network: net, config: try config(epochs: 6), generator: SeededGenerator(seed: 3))
            try trainer.run(network: net, training: data, validation: validation)
            XCTAssertEqual(trainer.state.history.count, 6)
            XCTAssertGreaterThan(trainer.state.history.last!.validationAccuracy!, 0.9, "blobs 2.5σ apart are learnable")
            XCTAssertLessThan(trainer.state.history.last!.trainLoss, trainer.state.history.first!.trainLoss)
            results.append(Array(net.parameters) + Array(net.state))
        }
        XCTAssertEqual(results[0], results[1], "same seed, same data: bit-identical parameters and batch-norm state")
    }

    func testResumingFromAnEpochCheckpointIsBitIdenticalToNotStopping() throws {
        let data = blobs(), validation = blobs(rows: 90, seed: 6)
        let straight = try network()
        var uninterrupted = Trainer(network: straight, config: try config(epochs: 5), generator: SeededGenerator(seed: 3))
        try uninterrupted.run(network: straight, training: data, validation: validation)

        // Stop after epoch 2 by throwing from the checkpoint hook, as a kill would; keep the saved state.
        struct Killed: Error {}
        var saved: TrainerState?
        let first = try network()
        var interrupted = Trainer(network: first, config: try config(epochs: 5), generator: SeededGenerator(seed: 3))
        XCTAssertThrowsError(try interrupted.run(network: first, training: data, validation: validation, checkpoint: { state in
            saved = state
            if state.epochsDone == 2 { throw Killed() }
        }))
        XCTAssertEqual(saved?.epochsDone, 2)

        let second = try network()   // a fresh process: new network, state restored from the checkpoint
        var resumed = Trainer(network: second, config: try config(epochs: 5), resumingFrom: saved!)
        try resumed.run(network: second, training: data, validation: validation)
        XCTAssertEqual(Array(second.parameters), Array(straight.parameters))
        XCTAssertEqual(Array(second.state), Array(straight.state))
        XCTAssertEqual(resumed.state.history, uninterrupted.state.history)
    }

    func testEarlyStoppingStopsAndRestoresTheBestEpoch() throws {
        // A learning rate far too high makes the validation loss get worse after the first epochs.
        let data = blobs(), validation = blobs(rows: 90, seed: 6)
        let net = try network()
        var cfg = try config(epochs: 40, stopping: EarlyStopping(monitor: .validationLoss, patience: 2, restoreBest: true))
        cfg.schedule = try ScheduleFactory.make(name: "constant", baseRate: 0.5)
        var trainer = Trainer(network: net, config: cfg, generator: SeededGenerator(seed: 3))
        try trainer.run(network: net, training: data, validation: validation)
        let history = trainer.state.history
        let best = try XCTUnwrap(trainer.state.best)
        XCTAssertTrue(trainer.state.stopped)
        XCTAssertLessThan(history.count, 40)
        XCTAssertEqual(history.count, best.epoch + 2, "stopped exactly `patience` epochs after the best one")
        XCTAssertEqual(best.value, history.map { $0.validationLoss! }.min())
        XCTAssertEqual(Array(net.parameters), best.parameters, "the best epoch's weights are restored")
        let rescored = try Trainer.score(net, on: validation, loss: CrossEntropyLoss(), batchSize: 64)
        XCTAssertEqual(rescored.loss, best.value, accuracy: 1e-9)
    }

    func testValidationMacroF1IsRecordedAndMatchesAnIndependentCount() throws {
        let data = blobs(), validation = blobs(rows: 90, seed: 6)
        let net = try network()
        var trainer = Trainer(network: net, config: try config(epochs: 2), generator: SeededGenerator(seed: 3))
        try trainer.run(network: net, training: data, validation: validation)
        // Recount from predictions: per-class F1 = 2·TP / (2·TP + FP + FN), averaged over the 3 classes.
        var x = [Float](repeating: 0, count: 90 * 6), y = [Int32](repeating: 0, count: 90)
        let all = Array(0..<90)
        try all.withUnsafeBufferPointer { i in try x.withUnsafeMutableBufferPointer { xp in try y.withUnsafeMutableBufferPointer { try validation.gather(i, x: xp.baseAddress!, labels: $0.baseAddress!) } } }
        let logits = x.withUnsafeBufferPointer { net.predict($0, rows: 90) }
        var tp = [0, 0, 0], fp = [0, 0, 0], fn = [0, 0, 0]
        for r in 0..<90 {
            let p = (0..<3).max { logits[r * 3 + $0] < logits[r * 3 + $1] }!
            if p == Int(y[r]) { tp[p] += 1 } else { fp[p] += 1; fn[Int(y[r])] += 1 }
        }
        var f1Sum = 0.0
        for c in 0..<3 {
            let denominator = 2 * tp[c] + fp[c] + fn[c]
            if denominator > 0 { f1Sum += Double(2 * tp[c]) / Double(denominator) }
        }
        XCTAssertEqual(trainer.state.history.last!.validationMacroF1!, f1Sum / 3, accuracy: 1e-12)
    }

    func testValueLossesTrainOnOneHotTargets() throws {
        let net = try network()
        var cfg = try config(epochs: 12)
        cfg.loss = MeanSquaredErrorLoss()
        cfg.oneHotTargets = true
        var trainer = Trainer(network: net, config: cfg, generator: SeededGenerator(seed: 3))
        try trainer.run(network: net, training: blobs(), validation: blobs(rows: 90, seed: 6))
        XCTAssertGreaterThan(trainer.state.history.last!.validationAccuracy!, 0.85)
    }
}
