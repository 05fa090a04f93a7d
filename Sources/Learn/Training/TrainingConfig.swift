/// What to watch for early stopping and best-weights selection.
public enum MonitoredMetric: String, Sendable, Equatable, Codable, CaseIterable {
    case validationLoss = "val_loss"
    case validationAccuracy = "val_accuracy"
    case validationMacroF1 = "val_macro_f1"
    case trainLoss = "train_loss"
    case trainAccuracy = "train_accuracy"

    /// Whether larger values are better.
    public var higherIsBetter: Bool { self != .validationLoss && self != .trainLoss }
}

/// Early stopping: stop after `patience` epochs without an improvement larger than `minDelta`, and
/// optionally restore the best epoch's weights.
public struct EarlyStopping: Sendable, Equatable {
    /// The metric watched.
    public var monitor: MonitoredMetric
    /// Epochs without improvement before stopping.
    public var patience: Int
    /// Smallest change that counts as an improvement.
    public var minDelta: Double
    /// Whether to end with the best epoch's weights instead of the last epoch's.
    public var restoreBest: Bool

    /// Creates an early-stopping rule.
    public init(monitor: MonitoredMetric, patience: Int, minDelta: Double = 0, restoreBest: Bool = true) {
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBest = restoreBest
    }
}

/// Everything that shapes a training run besides the network and the data.
public struct TrainingConfig: Sendable {
    /// Passes over the training data.
    public var epochs: Int
    /// Rows per mini-batch (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// Shuffle the rows every epoch (from the generator).
    public var shuffle: Bool
    /// The loss on the network's output.
    public var loss: any Loss
    /// The optimizer.
    public var optimizer: any Optimizer
    /// The learning-rate schedule.
    public var schedule: any LearningRateSchedule
    /// Global L1/L2 penalty on weights (role `.weight`), added to the gradients.
    public var penalty: Penalty
    /// Per-layer penalties that replace the global one for that layer's weights, by layer index.
    public var layerPenalties: [Int: Penalty] = [:]
    /// Clip the global gradient norm to this value.
    public var clipNorm: Float?
    /// Clip each gradient element to ±this value.
    public var clipValue: Float?
    /// Constrain each unit's incoming weight vector to at most this norm after every step.
    public var maxNorm: Float?
    /// Early stopping, if any.
    public var earlyStopping: EarlyStopping?
    /// Give the loss one-hot value rows instead of class indices (for mse, mae, huber, binary cross-entropy).
    public var oneHotTargets: Bool
    /// Knowledge distillation from a teacher's logits, blended into the loss (nil: none).
    public var distillation: Distillation?
    /// Quantization-aware training: fake-quantized dense weights with straight-through gradients (nil: off).
    public var fakeQuantization: FakeQuantization?
    /// Gradual magnitude pruning of every `.weight` tensor during training, if any.
    public var pruning: GradualPruning? = nil
    /// On-the-fly augmentation of every training mini-batch (seeded per epoch and step), if any.
    public var augmentation: BatchAugmentation?

    /// Creates a configuration.
    public init(epochs: Int, batchSize: Int, shuffle: Bool = true, loss: any Loss, optimizer: any Optimizer,
                schedule: any LearningRateSchedule, penalty: Penalty = Penalty(l1: 0, l2: 0), clipNorm: Float? = nil,
                clipValue: Float? = nil, maxNorm: Float? = nil, earlyStopping: EarlyStopping? = nil, oneHotTargets: Bool = false) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.loss = loss
        self.optimizer = optimizer
        self.schedule = schedule
        self.penalty = penalty
        self.clipNorm = clipNorm
        self.clipValue = clipValue
        self.maxNorm = maxNorm
        self.earlyStopping = earlyStopping
        self.oneHotTargets = oneHotTargets
    }
}

/// One epoch of history: numbers only, so histories are reproducible (wall time is reported through
/// progress, not stored).
public struct EpochStats: Sendable, Equatable, Codable {
    /// 1-based epoch.
    public var epoch: Int
    /// Mean training loss over the epoch's batches (including penalties).
    public var trainLoss: Double
    /// Training accuracy over the epoch's batches (classification only).
    public var trainAccuracy: Double?
    /// Validation loss (without penalties).
    public var validationLoss: Double?
    /// Validation accuracy.
    public var validationAccuracy: Double?
    /// Validation macro-averaged F1 (unweighted mean over classes).
    public var validationMacroF1: Double?
    /// Learning rate at the epoch's last step.
    public var learningRate: Double

    /// Creates a record.
    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double?, validationLoss: Double?, validationAccuracy: Double?,
                validationMacroF1: Double? = nil, learningRate: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.validationMacroF1 = validationMacroF1
        self.learningRate = learningRate
    }

    /// The value of `metric` this epoch, if measured.
    public func value(of metric: MonitoredMetric) -> Double? {
        switch metric {
        case .validationLoss: return validationLoss
        case .validationAccuracy: return validationAccuracy
        case .validationMacroF1: return validationMacroF1
        case .trainLoss: return trainLoss
        case .trainAccuracy: return trainAccuracy
        }
    }
}
