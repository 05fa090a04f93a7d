import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// Trains the `mlp` and `sequential` model families: builds the network from `model:`, the loss,
/// optimizer and schedule from their parameters, resumes from the stage's checkpoint when one exists,
/// and reports per-batch progress with throughput and ETA.
struct NetworkTraining {
    let context: StageContext

    /// Trains on `train` (validating on `validation`) and returns the snapshot, history and stats.
    /// With `initial`, training starts from that network (architecture, weights and pruning masks) instead
    /// of building and initialising one from `model:`.
    func run(train source: BatchSource, trainShape: [Int], labels: [Int32], validation validationSource: BatchSource?, classes: Int,
             initial: NetworkSnapshot? = nil) throws
        -> (snapshot: NetworkSnapshot, history: [EpochStats], metrics: [String: Double], schedule: (rates: [Float], stepsPerEpoch: Int)) {
        let network: Network
        var mask: [Float]?
        var config = try TrainingSetup.config(context, classes: classes, labels: labels)
        if let initial {
            network = try initial.makeNetwork()
            guard network.inputShape.reduce(1, *) == trainShape.reduce(1, *) else {
                throw StageError("the model input takes \(network.inputShape.reduce(1, *)) features per sample; the training data has \(trainShape.reduce(1, *))")
            }
            mask = initial.keepMask(for: network)
        } else {
            let model = context.param("model").mapValue!
            let inputShape = NetworkBuilder.inputShape(for: model, sampleShape: trainShape)
            let (layers, initializer) = try NetworkBuilder.layers(for: model, classes: classes)
            do { network = try Network(inputShape: inputShape, layers: layers) } catch let error as LayerError {
                throw StageError("model: \(error.description)")
            }
            var initGenerator = context.generator("init")
            network.initialize(initializer, generator: &initGenerator)
            config.layerPenalties = try NetworkBuilder.layerPenalties(for: model)
        }
        guard network.outputShape.reduce(1, *) == classes else {
            throw StageError("model: the last layer outputs \(network.outputShape.reduce(1, *)) values per sample but the data has \(classes) classes")
        }
        config.distillation = try DistillationSetup.targets(context, source: source, classes: classes)
        if let qat = context.params["quantization_aware"]?.mapValue {
            config.fakeQuantization = FakeQuantization(scheme: QuantizationScheme(rawValue: qat["scheme"]?.stringValue ?? "symmetric") ?? .symmetric,
                                                       perChannel: qat["granularity"]?.stringValue != "per_tensor")
        }
        if let augment = context.params["augment"]?.mapValue {
            let (image, tabular) = try AugmentationParameters.make(augment, sampleShape: trainShape, owner: "augment")
            var seeds = context.generator("augment")
            config.augmentation = BatchAugmentation(image: image, sampleShape: trainShape, tabular: tabular, seed: seeds.next())
        }
        let batch = max(1, min(config.batchSize, source.rows))
        let stepsPerEpoch = (source.rows + batch - 1) / batch
        if let pruning = context.params["pruning"]?.mapValue {
            config.pruning = try PruningParameters.schedule(pruning, weightTensors: network.layout.filter { $0.spec.role == .weight }.count,
                                                            stepsPerEpoch: stepsPerEpoch)
            if let end = pruning["end_epoch"]?.intValue, end > config.epochs {
                context.report(.note("pruning: end_epoch \(end) is after the last epoch (\(config.epochs)); the final sparsity will not be reached"))
            }
        }
        let plannedRates = curve(config.schedule, epochs: config.epochs, stepsPerEpoch: stepsPerEpoch)

        var trainer: Trainer
        let collective = context.collective
        let saved = TrainingCheckpoint.load(from: context.checkpointDirectory, parameterCount: network.parameterCount, stateCount: network.state.count)
        // Every rank reads the leader's checkpoint (a shared directory); they must all start from the same epoch.
        let leaderEpochs = try collective.broadcast(saved?.epochsDone ?? 0)
        guard leaderEpochs == (saved?.epochsDone ?? 0) else {
            throw StageError("rank \(collective.rank) found a checkpoint after epoch \(saved?.epochsDone ?? 0) in \(context.checkpointDirectory) but rank 0 "
                             + "found one after epoch \(leaderEpochs): every rank must see the same checkpoint directory")
        }
        if let saved {
            trainer = Trainer(network: network, config: config, resumingFrom: saved)
            context.report(.note("resuming from the checkpoint after epoch \(saved.epochsDone)"))
        } else {
            trainer = Trainer(network: network, config: config, generator: context.generator("train"), mask: mask)
        }
        if collective.size > 1 {
            context.report(.note("data-parallel training on \(collective.size) MPI ranks (this is rank \(collective.rank))"))
        }
        let progress = ProgressMeter(context: context, epochs: config.epochs, rowsPerEpoch: source.rows)
        let checkpointDirectory = context.checkpointDirectory
        try trainer.run(network: network, training: source, validation: validationSource, collective: collective,
                        events: { progress.observe($0) },
                        checkpoint: { state in
                            // One writer: the leader. The others hold the identical state.
                            if collective.isLeader { try TrainingCheckpoint.save(state, to: checkpointDirectory) }
                        })
        var metrics: [String: Double] = ["parameters": Double(network.parameterCount), "flops_per_sample": Double(network.flopsPerSample)]
        if progress.secondsPerEpoch > 0 {
            // Wall-clock figures of this attempt (not part of any artifact, which stay bit-identical):
            // training costs about 3× the forward FLOPs (forward, and two GEMMs per layer backward).
            metrics["seconds_per_epoch"] = progress.secondsPerEpoch
            metrics["train_gflops"] = 3 * Double(network.flopsPerSample) * Double(source.rows) / progress.secondsPerEpoch / 1e9
        }
        var snapshot = NetworkSnapshot(network)
        if let finalMask = trainer.state.mask {
            snapshot.recordMasks(finalMask, network: network)
            let weights = network.layout.filter { $0.spec.role == .weight }.map(\.range)
            metrics["weight_sparsity"] = MagnitudePruning.sparsity(of: finalMask, tensors: weights)
        }
        return (snapshot, trainer.state.history, metrics, (plannedRates, stepsPerEpoch))
    }

    static func storage(_ data: Dataset) -> InMemoryBatchSource.Storage {
        switch data.features {
        case .uint8(let v): return .uint8(v)
        case .float32(let v): return .float32(v)
        }
    }
}

/// Turns batch and epoch events into progress lines: batches done, running loss, rows/s and ETA.
final class ProgressMeter {
    private let context: StageContext
    private let epochs: Int
    private let rowsPerEpoch: Int
    private let start = Date()
    private var epochStart = Date()
    private var lastReport = Date.distantPast
    private var epochSeconds: [Double] = []

    init(context: StageContext, epochs: Int, rowsPerEpoch: Int) {
        self.context = context
        self.epochs = epochs
        self.rowsPerEpoch = rowsPerEpoch
    }

    /// Mean wall time of the epochs run in this attempt.
    var secondsPerEpoch: Double { epochSeconds.isEmpty ? 0 : epochSeconds.reduce(0, +) / Double(epochSeconds.count) }

    func observe(_ event: TrainingEvent) {
        switch event {
        case let .batch(epoch, step, steps, runningLoss):
            let now = Date()
            if step == 1 { epochStart = now }
            // At most ~5 updates a second: progress must not cost training time.
            guard now.timeIntervalSince(lastReport) > 0.2 || step == steps else { return }
            lastReport = now
            let elapsed = now.timeIntervalSince(epochStart)
            let rate = Double(step) / max(elapsed, 1e-9) * Double(rowsPerEpoch) / Double(steps)
            let remainingSteps = Double(steps - step) + Double(epochs - epoch) * Double(steps)
            let eta = remainingSteps * elapsed / Double(step)
            context.report(.progress(step: step, total: steps, message: String(format: "epoch %d/%d loss %.4f %.0f rows/s ETA %@",
                                                                                 epoch, epochs, runningLoss, rate, Self.clock(eta))))
        case .epoch(let stats):
            epochSeconds.append(Date().timeIntervalSince(epochStart))
            var line = String(format: "epoch %d/%d loss %.4f acc %.4f", stats.epoch, epochs, stats.trainLoss, stats.trainAccuracy ?? .nan)
            if let loss = stats.validationLoss, let accuracy = stats.validationAccuracy {
                line += String(format: " val_loss %.4f val_acc %.4f val_f1 %.4f", loss, accuracy, stats.validationMacroF1 ?? .nan)
            }
            line += String(format: " lr %.3g (%.1f s)", stats.learningRate, epochSeconds.last!)
            context.report(.note(line))
        }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
