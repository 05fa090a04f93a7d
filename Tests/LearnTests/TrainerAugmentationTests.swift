import Learn
import XCTest

/// On-the-fly augmentation inside the trainer: it changes training, stays deterministic, and a run resumed
/// from an epoch checkpoint is bit-identical to an uninterrupted one (draws depend on epoch and step only).
final class TrainerAugmentationTests: XCTestCase {
    /// 4×4 single-channel images of two classes (bright left or right half) plus noise.
    private func images(rows: Int, seed: UInt64) -> InMemoryBatchSource {
        var g = SeededGenerator(seed: seed)
        var x: [Float] = [], y: [Int32] = []
        for i in 0..<rows {
            let c = i % 2
            for _ in 0..<4 { for col in 0..<4 { x.append(((col < 2) == (c == 0) ? 1 : 0) + Float(g.nextGaussian()) * 0.3) } }
            y.append(Int32(c))
        }
        return InMemoryBatchSource(storage: .float32(x), labels: y, columns: 16)
    }

    private func network() throws -> Network {
        let net = try Network(inputShape: [16], layers: [DenseLayer(units: 8), ActivationLayer(.relu), DenseLayer(units: 2)])
        var g = SeededGenerator(seed: 11)
        net.initialize(.heNormal, generator: &g)
        return net
    }

    private func config(augment: Bool) throws -> TrainingConfig {
        var config = TrainingConfig(epochs: 4, batchSize: 16, loss: CrossEntropyLoss(), optimizer: try OptimizerFactory.make(name: "adam"),
                                    schedule: try ScheduleFactory.make(name: "constant", baseRate: 0.01, options: [:]))
        if augment {
            var image = ImageAugmentation()
            image.verticalFlip = 0.5     // keeps the class (left/right halves)
            image.noise = 0.1
            config.augmentation = BatchAugmentation(image: image, sampleShape: [4, 4], tabular: TabularAugmentation(mixupAlpha: 0.4), seed: 77)
        }
        return config
    }

    func testAugmentedTrainingResumesBitIdentically() throws {
        let data = images(rows: 96, seed: 1)
        let straight = try network()
        var uninterrupted = Trainer(network: straight, config: try config(augment: true), generator: SeededGenerator(seed: 3))
        try uninterrupted.run(network: straight, training: data, validation: nil)

        struct Killed: Error {}
        var saved: TrainerState?
        let first = try network()
        var interrupted = Trainer(network: first, config: try config(augment: true), generator: SeededGenerator(seed: 3))
        XCTAssertThrowsError(try interrupted.run(network: first, training: data, validation: nil, checkpoint: { state in
            saved = state
            if state.epochsDone == 2 { throw Killed() }
        }))
        let second = try network()
        var resumed = Trainer(network: second, config: try config(augment: true), resumingFrom: saved!)
        try resumed.run(network: second, training: data, validation: nil)
        XCTAssertEqual(Array(second.parameters), Array(straight.parameters))
        XCTAssertEqual(resumed.state.history, uninterrupted.state.history)

        // Augmentation really changes what is learnt.
        let plain = try network()
        var unaugmented = Trainer(network: plain, config: try config(augment: false), generator: SeededGenerator(seed: 3))
        try unaugmented.run(network: plain, training: data, validation: nil)
        XCTAssertNotEqual(Array(plain.parameters), Array(straight.parameters))
        XCTAssertGreaterThan(uninterrupted.state.history.last!.trainLoss, unaugmented.state.history.last!.trainLoss,
                             "mixup's soft targets keep the training loss above the hard-label loss")
    }
}
