/// Builds learning-rate schedules from their YAML name and numeric options.
///
/// | name | options (defaults) | type |
/// | --- | --- | --- |
/// | `constant` | — | `ConstantSchedule` |
/// | `step` | `step_size` (required, epochs), `gamma` (0.1) | `StepSchedule` |
/// | `multi_step` | `gamma` (0.1); milestones in `milestones` | `MultiStepSchedule` |
/// | `exponential` | `gamma` (required), `per_step` (0) | `ExponentialSchedule` |
/// | `cosine` | `t_max` (required, epochs), `eta_min` (0), `per_step` (0) | `CosineAnnealingSchedule` |
/// | `cosine_restarts` | `t_0` (required, epochs), `t_mult` (1), `eta_min` (0), `per_step` (0) | `CosineWarmRestartsSchedule` |
/// | `reduce_on_plateau` | `factor` (0.1), `patience` (10), `threshold` (1e-4), `threshold_mode` (0 = rel, 1 = abs), `cooldown` (0), `min_lr` (0) | `ReduceOnPlateau` |
/// | `one_cycle` | `epochs` (required), `max_lr` (the base rate), `pct_start` (0.3), `div_factor` (25), `final_div_factor` (1e4) | `OneCycleSchedule` |
///
/// Every name also accepts a warmup: `warmup_epochs` or `warmup_steps` (not both), `warmup_start_factor`
/// (0) and `warmup_delay` (0: the schedule runs under the ramp; 1: it starts when the warmup ends), which
/// wraps the schedule in `LinearWarmup`. Booleans are written 0 or 1.
public enum ScheduleFactory {
    /// The accepted schedule names.
    public static let names = ["constant", "cosine", "cosine_restarts", "exponential", "multi_step", "one_cycle",
                               "reduce_on_plateau", "step"]

    /// Warmup options accepted with every schedule.
    public static let warmupOptions = ["warmup_delay", "warmup_epochs", "warmup_start_factor", "warmup_steps"]

    /// Creates the schedule `name` (case-insensitive) starting from `baseRate`; `milestones` is only for
    /// `multi_step`. Throws `OptionError` for an unknown name, an unknown option or a value out of range.
    public static func make(name: String, baseRate: Float, options: [String: Double] = [:],
                            milestones: [Int] = []) throws -> any LearningRateSchedule {
        let key = name.lowercased()
        guard baseRate.isFinite, baseRate >= 0 else {
            throw OptionError("\(key): the learning rate must be ≥ 0, got \(baseRate)")
        }
        if key != "multi_step" && !milestones.isEmpty {
            throw OptionError("\(key): milestones are only for multi_step")
        }
        let positive = "> 0", isPositive: (Double) -> Bool = { $0 > 0 }
        let nonNegative = "≥ 0", isNonNegative: (Double) -> Bool = { $0 >= 0 }
        func reader(_ allowed: [String]) throws -> OptionReader {
            try OptionReader(key, options, allowed: allowed + warmupOptions)
        }
        let schedule: any LearningRateSchedule
        let r: OptionReader
        switch key {
        case "constant":
            r = try reader([])
            schedule = ConstantSchedule(baseRate: baseRate)
        case "step":
            r = try reader(["step_size", "gamma"])
            schedule = StepSchedule(baseRate: baseRate, stepSize: try r.requiredCount("step_size", minimum: 1),
                                    gamma: try r.number("gamma", 0.1, positive, isPositive))
        case "multi_step":
            r = try reader(["gamma"])
            guard !milestones.isEmpty else { throw OptionError("multi_step: milestones are required") }
            guard milestones.allSatisfy({ $0 >= 0 }) else { throw OptionError("multi_step: milestones must be ≥ 0") }
            schedule = MultiStepSchedule(baseRate: baseRate, milestones: milestones,
                                         gamma: try r.number("gamma", 0.1, positive, isPositive))
        case "exponential":
            r = try reader(["gamma", "per_step"])
            guard options["gamma"] != nil else { throw OptionError("exponential: option 'gamma' is required") }
            schedule = ExponentialSchedule(baseRate: baseRate, gamma: try r.number("gamma", 1, positive, isPositive),
                                           perStep: try r.flag("per_step", false))
        case "cosine":
            r = try reader(["t_max", "eta_min", "per_step"])
            schedule = CosineAnnealingSchedule(baseRate: baseRate, tMax: try r.requiredCount("t_max", minimum: 1),
                                               minRate: Float(try r.number("eta_min", 0, nonNegative, isNonNegative)),
                                               perStep: try r.flag("per_step", false))
        case "cosine_restarts":
            r = try reader(["t_0", "t_mult", "eta_min", "per_step"])
            schedule = CosineWarmRestartsSchedule(
                baseRate: baseRate, t0: try r.requiredCount("t_0", minimum: 1), tMult: try r.count("t_mult", 1, minimum: 1),
                minRate: Float(try r.number("eta_min", 0, nonNegative, isNonNegative)),
                perStep: try r.flag("per_step", false))
        case "reduce_on_plateau":
            r = try reader(["factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr"])
            schedule = ReduceOnPlateau(
                baseRate: baseRate, factor: try r.number("factor", 0.1, "in [0, 1)", { $0 >= 0 && $0 < 1 }),
                patience: try r.count("patience", 10), threshold: try r.number("threshold", 1e-4, nonNegative, isNonNegative),
                thresholdMode: try r.flag("threshold_mode", false) ? .absolute : .relative,
                cooldown: try r.count("cooldown", 0), minRate: try r.number("min_lr", 0, nonNegative, isNonNegative))
        case "one_cycle":
            r = try reader(["epochs", "max_lr", "pct_start", "div_factor", "final_div_factor"])
            schedule = OneCycleSchedule(
                maxRate: Float(try r.number("max_lr", Double(baseRate), positive, isPositive)),
                epochs: try r.requiredCount("epochs", minimum: 1),
                pctStart: try r.number("pct_start", 0.3, "in (0, 1)", { $0 > 0 && $0 < 1 }),
                divFactor: try r.number("div_factor", 25, positive, isPositive),
                finalDivFactor: try r.number("final_div_factor", 1e4, positive, isPositive))
        default:
            throw OptionError("unknown learning-rate schedule '\(name)' (accepted: \(names.joined(separator: ", ")))")
        }

        let length: LinearWarmup.Length
        switch (options["warmup_epochs"], options["warmup_steps"]) {
        case (nil, nil):
            for option in ["warmup_start_factor", "warmup_delay"] where options[option] != nil {
                throw OptionError("\(key): '\(option)' needs 'warmup_epochs' or 'warmup_steps'")
            }
            return schedule
        case (_?, _?):
            throw OptionError("\(key): give 'warmup_epochs' or 'warmup_steps', not both")
        case (_?, nil):
            length = .epochs(try r.count("warmup_epochs", 0))
        case (nil, _?):
            length = .steps(try r.count("warmup_steps", 0))
        }
        return LinearWarmup(schedule, length: length,
                            startFactor: try r.number("warmup_start_factor", 0, "in [0, 1]", { $0 >= 0 && $0 <= 1 }),
                            delaysInner: try r.flag("warmup_delay", false))
    }
}

/// The rate of every step of `epochs` epochs of `stepsPerEpoch` steps, in order (for plots). `endEpoch`
/// is not called, so a reduce-on-plateau curve stays at its current rate.
public func curve(_ schedule: any LearningRateSchedule, epochs: Int, stepsPerEpoch: Int) -> [Float] {
    var rates: [Float] = []
    rates.reserveCapacity(max(0, epochs * stepsPerEpoch))
    for epoch in 0..<max(0, epochs) {
        for step in 0..<max(0, stepsPerEpoch) {
            rates.append(schedule.rate(at: TrainingPosition(epoch: epoch, step: step, stepsPerEpoch: stepsPerEpoch)))
        }
    }
    return rates
}
