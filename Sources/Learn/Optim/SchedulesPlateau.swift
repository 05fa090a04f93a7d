/// Reduce-on-plateau (PyTorch's `ReduceLROnPlateau`, mode "min": lower monitored values are better).
///
/// After each epoch with a monitored value `a` (`endEpoch`; epochs without one change nothing):
///
///     better = a < best·(1 − threshold)   (relative)     or   a < best − threshold   (absolute)
///     if better { best = a; bad = 0 } else { bad += 1 }
///     if cooldownCounter > 0 { cooldownCounter −= 1; bad = 0 }
///     if bad > patience { lr = max(lr·factor, minRate) if that lowers lr by more than 1e-8;
///                         cooldownCounter = cooldown; bad = 0 }
///
/// The first monitored value is always better. The rate is constant within an epoch. Checkpoint:
/// `[lr, hasBest (0/1), best, bad, cooldownCounter]` (finite numbers only).
public struct ReduceOnPlateau: LearningRateSchedule {
    /// How the improvement threshold is measured.
    public enum ThresholdMode: String, Sendable, Equatable {
        /// `a < best·(1 − threshold)`.
        case relative = "rel"
        /// `a < best − threshold`.
        case absolute = "abs"
    }

    /// Rate before any reduction.
    public let baseRate: Float
    /// Multiplier applied at each reduction (< 1).
    public let factor: Double
    /// Bad epochs tolerated before a reduction.
    public let patience: Int
    /// Least improvement that counts.
    public let threshold: Double
    /// How `threshold` is measured.
    public let thresholdMode: ThresholdMode
    /// Epochs after a reduction during which bad epochs are not counted.
    public let cooldown: Int
    /// Lower bound of the rate.
    public let minRate: Double

    /// The current rate.
    public private(set) var currentRate: Double
    private var best: Double?
    /// Consecutive epochs without improvement.
    public private(set) var badEpochs = 0
    /// Remaining cooldown epochs.
    public private(set) var cooldownCounter = 0

    /// Creates the schedule with PyTorch's defaults.
    public init(baseRate: Float, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                thresholdMode: ThresholdMode = .relative, cooldown: Int = 0, minRate: Double = 0) {
        precondition(factor >= 0 && factor < 1, "reduce on plateau: factor must be in [0, 1)")
        precondition(patience >= 0 && cooldown >= 0 && threshold >= 0 && minRate >= 0,
                     "reduce on plateau: patience, cooldown, threshold and min rate must be ≥ 0")
        self.baseRate = baseRate
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minRate = minRate
        self.currentRate = Double(baseRate)
    }

    /// The current rate.
    public func rate(at position: TrainingPosition) -> Float { Float(currentRate) }

    /// Whether `value` improves on the best so far.
    public func isBetter(_ value: Double) -> Bool {
        guard let best else { return !value.isNaN }
        switch thresholdMode {
        case .relative: return value < best * (1 - threshold)
        case .absolute: return value < best - threshold
        }
    }

    /// Updates the state with the epoch's monitored value.
    public mutating func endEpoch(_ epoch: Int, monitored: Double?) {
        guard let value = monitored else { return }
        if isBetter(value) {
            best = value
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            let reduced = max(currentRate * factor, minRate)
            if currentRate - reduced > 1e-8 { currentRate = reduced }
            cooldownCounter = cooldown
            badEpochs = 0
        }
    }

    /// `[lr, hasBest, best, bad, cooldownCounter]`.
    public var checkpoint: [Double] {
        get { [currentRate, best == nil ? 0 : 1, best ?? 0, Double(badEpochs), Double(cooldownCounter)] }
        set {
            guard newValue.count == 5 else {
                precondition(newValue.isEmpty, "reduce on plateau: checkpoint must have 5 values")
                currentRate = Double(baseRate); best = nil; badEpochs = 0; cooldownCounter = 0
                return
            }
            currentRate = newValue[0]
            best = newValue[1] != 0 ? newValue[2] : nil
            badEpochs = Int(newValue[3])
            cooldownCounter = Int(newValue[4])
        }
    }
}
