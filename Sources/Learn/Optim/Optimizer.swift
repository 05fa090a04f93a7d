/// A first-order optimizer over a network's flat parameter vector.
///
/// `step` applies one update in place. `gradients` already include any penalty terms (L1/L2) the trainer
/// added; `decayMask` holds 1 for elements that decoupled weight decay applies to (weights) and 0 for
/// the others (biases, batch-norm parameters). The optimizer's internal state (moments, step count) is
/// exposed for checkpoints so an interrupted run resumes bit-identically.
public protocol Optimizer: Sendable {
    /// Name as written in YAML ("sgd", "adam", …).
    var name: String { get }
    /// Applies one update at learning rate `learningRate`.
    mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                       decayMask: UnsafeBufferPointer<Float>, learningRate: Float)
    /// Everything needed to resume: named vectors (e.g. "m", "v") and the step count.
    var checkpoint: OptimizerCheckpoint { get set }
}

/// Saved optimizer state.
public struct OptimizerCheckpoint: Sendable, Equatable, Codable {
    /// Number of steps taken.
    public var steps: Int
    /// Named state vectors, each as long as the parameter vector (or empty before the first step).
    public var vectors: [String: [Float]]

    /// Creates a checkpoint.
    public init(steps: Int = 0, vectors: [String: [Float]] = [:]) {
        self.steps = steps
        self.vectors = vectors
    }
}

/// A learning-rate schedule, evaluated before every optimizer step.
///
/// `rate(at:)` is a pure function of the position and of the state (only reduce-on-plateau has state,
/// updated through `endEpoch`), so a resumed run reproduces the same curve.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for the step at `position`.
    func rate(at position: TrainingPosition) -> Float
    /// Called once after each epoch with the monitored validation value (lower is better), when there is one.
    mutating func endEpoch(_ epoch: Int, monitored: Double?)
    /// State to checkpoint (empty for stateless schedules).
    var checkpoint: [Double] { get set }
}

/// Where training is: the 0-based epoch, the 0-based step within it, and the steps per epoch.
public struct TrainingPosition: Sendable, Equatable {
    /// 0-based epoch.
    public let epoch: Int
    /// 0-based step within the epoch.
    public let step: Int
    /// Steps (mini-batches) per epoch.
    public let stepsPerEpoch: Int

    /// Creates a position.
    public init(epoch: Int, step: Int, stepsPerEpoch: Int) {
        self.epoch = epoch
        self.step = step
        self.stepsPerEpoch = stepsPerEpoch
    }

    /// Steps taken before this one since the start of training.
    public var globalStep: Int { epoch * stepsPerEpoch + step }
    /// Fractional epochs elapsed (e.g. 2.5 halfway through the third epoch).
    public var fractionalEpoch: Double { Double(epoch) + Double(step) / Double(max(1, stepsPerEpoch)) }
}
