/// One-cycle (PyTorch's `OneCycleLR`, two phases, cosine annealing), per step. With T total steps
/// (`epochs · stepsPerEpoch`), initial = max/div, final = initial/finalDiv:
///
///     phase 1, steps 0 … pct·T − 1:     cosine from initial up to max
///     phase 2, steps pct·T − 1 … T − 1: cosine from max down to final
///
/// where within a phase from step a to step b the rate at step s is
/// `end + (start − end)·(1 + cos(π·(s − a)/(b − a)))/2`. Steps past T − 1 keep the final rate.
/// PyTorch's momentum cycling is not part of this schedule.
public struct OneCycleSchedule: LearningRateSchedule {
    /// Peak rate.
    public let maxRate: Float
    /// Epochs of the whole cycle (total steps = epochs · stepsPerEpoch).
    public let epochs: Int
    /// Fraction of the steps spent increasing.
    public let pctStart: Double
    /// initial = max / divFactor.
    public let divFactor: Double
    /// final = initial / finalDivFactor.
    public let finalDivFactor: Double

    /// Creates the schedule with PyTorch's defaults.
    public init(maxRate: Float, epochs: Int, pctStart: Double = 0.3, divFactor: Double = 25,
                finalDivFactor: Double = 1e4) {
        precondition(epochs >= 1, "one cycle: epochs must be ≥ 1")
        precondition(pctStart > 0 && pctStart < 1, "one cycle: pct_start must be in (0, 1)")
        precondition(divFactor > 0 && finalDivFactor > 0, "one cycle: division factors must be > 0")
        self.maxRate = maxRate
        self.epochs = epochs
        self.pctStart = pctStart
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
    }

    /// Rate at the first step.
    public var initialRate: Double { Double(maxRate) / divFactor }
    /// Rate at the last step.
    public var finalRate: Double { initialRate / finalDivFactor }

    /// The rate at `position`.
    public func rate(at position: TrainingPosition) -> Float {
        let total = Double(epochs * max(1, position.stepsPerEpoch))
        let s = Double(position.globalStep)
        let end1 = pctStart * total - 1, end2 = total - 1
        if s <= end1 {
            return cosineAnneal(from: initialRate, to: Double(maxRate), fraction: end1 > 0 ? s / end1 : 1)
        }
        let span = end2 - end1
        let fraction = span > 0 ? min(1, (s - end1) / span) : 1
        return cosineAnneal(from: Double(maxRate), to: finalRate, fraction: fraction)
    }
    /// Does nothing.
    public mutating func endEpoch(_ epoch: Int, monitored: Double?) {}
    /// Empty.
    public var checkpoint: [Double] { get { [] } set {} }
}
