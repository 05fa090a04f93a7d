import Foundation

// Evaluation granularity. PyTorch steps most schedulers once per epoch; here every schedule is a pure
// function of the `TrainingPosition`, evaluated before every optimizer step, and:
//   • constant, step, multi-step, exponential, cosine and cosine-with-restarts are per EPOCH by default
//     (constant within an epoch: the 0-based epoch index plays PyTorch's `last_epoch`); exponential, cosine
//     and cosine-with-restarts take `perStep: true` to use the fractional epoch (epoch + step/stepsPerEpoch)
//     instead, a smooth curve with the same values at epoch boundaries;
//   • the linear warmup and one-cycle are per STEP (global step = epoch·stepsPerEpoch + step);
//   • reduce-on-plateau changes only in `endEpoch`.

/// The epoch value a per-epoch or per-step schedule is evaluated at.
@inline(__always)
func scheduleEpoch(_ position: TrainingPosition, perStep: Bool) -> Double {
    perStep ? position.fractionalEpoch : Double(position.epoch)
}

/// A constant learning rate.
public struct ConstantSchedule: LearningRateSchedule {
    /// The rate.
    public let baseRate: Float

    /// Creates the schedule.
    public init(baseRate: Float) { self.baseRate = baseRate }

    /// `baseRate`.
    public func rate(at position: TrainingPosition) -> Float { baseRate }
    /// Does nothing.
    public mutating func endEpoch(_ epoch: Int, monitored: Double?) {}
    /// Empty.
    public var checkpoint: [Double] { get { [] } set {} }
}

/// Step decay (PyTorch's `StepLR`), per epoch: `lr = base·γ^⌊epoch / stepSize⌋`.
public struct StepSchedule: LearningRateSchedule {
    /// Rate of the first epoch.
    public let baseRate: Float
    /// Epochs between decays.
    public let stepSize: Int
    /// Multiplicative decay γ.
    public let gamma: Double

    /// Creates the schedule (`stepSize` ≥ 1).
    public init(baseRate: Float, stepSize: Int, gamma: Double = 0.1) {
        precondition(stepSize >= 1, "step schedule: step size must be ≥ 1")
        self.baseRate = baseRate
        self.stepSize = stepSize
        self.gamma = gamma
    }

    /// The rate at `position.epoch`.
    public func rate(at position: TrainingPosition) -> Float {
        Float(Double(baseRate) * pow(gamma, Double(position.epoch / stepSize)))
    }
    /// Does nothing.
    public mutating func endEpoch(_ epoch: Int, monitored: Double?) {}
    /// Empty.
    public var checkpoint: [Double] { get { [] } set {} }
}

/// Multi-step decay (PyTorch's `MultiStepLR`), per epoch: `lr = base·γ^k`, k = number of milestones ≤ epoch
/// (a repeated milestone counts twice, as in PyTorch).
public struct MultiStepSchedule: LearningRateSchedule {
    /// Rate of the first epoch.
    public let baseRate: Float
    /// Epochs at which the rate is multiplied by γ, sorted.
    public let milestones: [Int]
    /// Multiplicative decay γ.
    public let gamma: Double

    /// Creates the schedule (milestones ≥ 0, in any order).
    public init(baseRate: Float, milestones: [Int], gamma: Double = 0.1) {
        precondition(milestones.allSatisfy { $0 >= 0 }, "multi-step schedule: milestones must be ≥ 0")
        self.baseRate = baseRate
        self.milestones = milestones.sorted()
        self.gamma = gamma
    }

    /// The rate at `position.epoch`.
    public func rate(at position: TrainingPosition) -> Float {
        let k = milestones.reduce(0) { $0 + ($1 <= position.epoch ? 1 : 0) }
        return Float(Double(baseRate) * pow(gamma, Double(k)))
    }
    /// Does nothing.
    public mutating func endEpoch(_ epoch: Int, monitored: Double?) {}
    /// Empty.
    public var checkpoint: [Double] { get { [] } set {} }
}

/// Exponential decay (PyTorch's `ExponentialLR`): `lr = base·γ^epoch`, per epoch, or per step with the
/// fractional epoch when `perStep`.
public struct ExponentialSchedule: LearningRateSchedule {
    /// Rate of the first epoch.
    public let baseRate: Float
    /// Decay per epoch γ.
    public let gamma: Double
    /// Whether to use the fractional epoch (smooth) instead of the epoch index (staircase).
    public let perStep: Bool

    /// Creates the schedule.
    public init(baseRate: Float, gamma: Double, perStep: Bool = false) {
        self.baseRate = baseRate
        self.gamma = gamma
        self.perStep = perStep
    }

    /// The rate at `position`.
    public func rate(at position: TrainingPosition) -> Float {
        Float(Double(baseRate) * pow(gamma, scheduleEpoch(position, perStep: perStep)))
    }
    /// Does nothing.
    public mutating func endEpoch(_ epoch: Int, monitored: Double?) {}
    /// Empty.
    public var checkpoint: [Double] { get { [] } set {} }
}

/// Cosine annealing (PyTorch's `CosineAnnealingLR`, closed form):
/// `lr = η_min + (base − η_min)·(1 + cos(π·e/T_max))/2` with e the epoch (or fractional epoch when
/// `perStep`). As in PyTorch, past `T_max` the curve rises again (period 2·T_max); set T_max to the
/// number of epochs for a single decay.
public struct CosineAnnealingSchedule: LearningRateSchedule {
    /// Rate at epoch 0.
    public let baseRate: Float
    /// Epochs of the half period.
    public let tMax: Int
    /// Rate reached at `tMax`.
    public let minRate: Float
    /// Whether to use the fractional epoch.
    public let perStep: Bool

    /// Creates the schedule (`tMax` ≥ 1).
    public init(baseRate: Float, tMax: Int, minRate: Float = 0, perStep: Bool = false) {
        precondition(tMax >= 1, "cosine schedule: T_max must be ≥ 1")
        self.baseRate = baseRate
        self.tMax = tMax
        self.minRate = minRate
        self.perStep = perStep
    }

    /// The rate at `position`.
    public func rate(at position: TrainingPosition) -> Float {
        let e = scheduleEpoch(position, perStep: perStep)
        return cosineAnneal(from: Double(baseRate), to: Double(minRate), fraction: e / Double(tMax))
    }
    /// Does nothing.
    public mutating func endEpoch(_ epoch: Int, monitored: Double?) {}
    /// Empty.
    public var checkpoint: [Double] { get { [] } set {} }
}

/// `end + (start − end)·(1 + cos(π·fraction))/2`.
@inline(__always)
func cosineAnneal(from start: Double, to end: Double, fraction: Double) -> Float {
    Float(end + (start - end) * (1 + cos(Double.pi * fraction)) / 2)
}

/// Cosine annealing with warm restarts, SGDR (Loshchilov & Hutter; PyTorch's `CosineAnnealingWarmRestarts`):
/// cycle i lasts `T_i = T_0·T_multⁱ` epochs; within it `lr = η_min + (base − η_min)·(1 + cos(π·T_cur/T_i))/2`
/// where T_cur is the epochs since the last restart, and the rate jumps back to `base` at each restart.
/// Per epoch by default; `perStep` uses the fractional epoch, as PyTorch's `step(epoch + i/iters)` idiom.
public struct CosineWarmRestartsSchedule: LearningRateSchedule {
    /// Rate at the start of each cycle.
    public let baseRate: Float
    /// Epochs of the first cycle.
    public let t0: Int
    /// Growth factor of the cycle length (≥ 1).
    public let tMult: Int
    /// Rate approached at the end of each cycle.
    public let minRate: Float
    /// Whether to use the fractional epoch.
    public let perStep: Bool

    /// Creates the schedule (`t0` ≥ 1, `tMult` ≥ 1).
    public init(baseRate: Float, t0: Int, tMult: Int = 1, minRate: Float = 0, perStep: Bool = false) {
        precondition(t0 >= 1 && tMult >= 1, "cosine restarts: T_0 and T_mult must be ≥ 1")
        self.baseRate = baseRate
        self.t0 = t0
        self.tMult = tMult
        self.minRate = minRate
        self.perStep = perStep
    }

    /// Epochs since the last restart, and the length of the current cycle, at epoch `e`.
    public func cycle(at e: Double) -> (tCur: Double, tI: Double) {
        if tMult == 1 {
            let t = Double(t0)
            return (e - (e / t).rounded(.down) * t, t)
        }
        var start = 0.0, length = Double(t0)
        while e >= start + length {
            start += length
            length *= Double(tMult)
        }
        return (e - start, length)
    }

    /// The rate at `position`.
    public func rate(at position: TrainingPosition) -> Float {
        let (tCur, tI) = cycle(at: scheduleEpoch(position, perStep: perStep))
        return cosineAnneal(from: Double(baseRate), to: Double(minRate), fraction: tCur / tI)
    }
    /// Does nothing.
    public mutating func endEpoch(_ epoch: Int, monitored: Double?) {}
    /// Empty.
    public var checkpoint: [Double] { get { [] } set {} }
}
