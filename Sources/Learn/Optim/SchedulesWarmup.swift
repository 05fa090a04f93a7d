/// A linear warmup in front of any schedule, per step:
///
///     factor(g) = s + (1 − s)·g/W   for global step g < W,   1 afterwards
///     lr = factor(g) · inner.rate(position)
///
/// with s the start factor and W the warmup length in steps (`.epochs(n)` means n·stepsPerEpoch steps).
/// By default the inner schedule runs from the start of training and is multiplied by the ramp (PyTorch's
/// `ChainedScheduler` of `LinearLR` and the schedule, but the ramp is per step); with `delaysInner` the
/// inner schedule sees positions shifted back by W steps, so it starts when the warmup ends (PyTorch's
/// `SequentialLR`). `endEpoch` and the checkpoint are the inner schedule's.
public struct LinearWarmup: LearningRateSchedule {
    /// Warmup length.
    public enum Length: Sendable, Equatable {
        /// Whole epochs.
        case epochs(Int)
        /// Optimizer steps.
        case steps(Int)
    }

    /// The schedule after (and under) the warmup.
    public var inner: any LearningRateSchedule
    /// Warmup length.
    public let length: Length
    /// Factor at the first step, in [0, 1].
    public let startFactor: Double
    /// Whether the inner schedule starts after the warmup instead of under it.
    public let delaysInner: Bool

    /// Creates the wrapper.
    public init(_ inner: any LearningRateSchedule, length: Length, startFactor: Double = 0, delaysInner: Bool = false) {
        switch length {
        case .epochs(let n), .steps(let n): precondition(n >= 0, "warmup: length must be ≥ 0")
        }
        precondition(startFactor >= 0 && startFactor <= 1, "warmup: start factor must be in [0, 1]")
        self.inner = inner
        self.length = length
        self.startFactor = startFactor
        self.delaysInner = delaysInner
    }

    /// Warmup length in steps for `stepsPerEpoch`.
    public func warmupSteps(stepsPerEpoch: Int) -> Int {
        switch length {
        case .epochs(let n): n * max(1, stepsPerEpoch)
        case .steps(let n): n
        }
    }

    /// The ramp factor at `position`.
    public func factor(at position: TrainingPosition) -> Double {
        let w = warmupSteps(stepsPerEpoch: position.stepsPerEpoch)
        let g = position.globalStep
        guard g < w else { return 1 }
        return startFactor + (1 - startFactor) * Double(g) / Double(w)
    }

    /// The inner rate times the ramp factor.
    public func rate(at position: TrainingPosition) -> Float {
        var innerPosition = position
        if delaysInner {
            let spe = max(1, position.stepsPerEpoch)
            let g = max(0, position.globalStep - warmupSteps(stepsPerEpoch: position.stepsPerEpoch))
            innerPosition = TrainingPosition(epoch: g / spe, step: g % spe, stepsPerEpoch: position.stepsPerEpoch)
        }
        return Float(factor(at: position) * Double(inner.rate(at: innerPosition)))
    }

    /// Forwards to the inner schedule.
    public mutating func endEpoch(_ epoch: Int, monitored: Double?) {
        inner.endEpoch(epoch, monitored: monitored)
    }

    /// The inner schedule's state.
    public var checkpoint: [Double] {
        get { inner.checkpoint }
        set { inner.checkpoint = newValue }
    }
}
