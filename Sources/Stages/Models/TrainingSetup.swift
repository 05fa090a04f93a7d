import Learn
import PipelineSpec

/// Builds the trainer's configuration from the `train` stage's validated parameters.
enum TrainingSetup {
    /// Numeric options of a union value, without its discriminator and the keys the caller handles;
    /// booleans become 0/1 as the factories expect.
    static func options(_ value: [String: ParamValue], excluding: Set<String>) -> [String: Double] {
        var options: [String: Double] = [:]
        for (key, field) in value where key != "type" && !excluding.contains(key) {
            if let number = field.doubleValue { options[key] = number } else if let flag = field.boolValue { options[key] = flag ? 1 : 0 }
        }
        return options
    }

    /// The optimizer parameter, with the family's default when absent.
    static func optimizer(_ context: StageContext, default name: String) -> [String: ParamValue] {
        context.params["optimizer"]?.mapValue ?? ["type": .string(name)]
    }

    static func config(_ context: StageContext, classes: Int, labels: [Int32]) throws -> TrainingConfig {
        let epochs = context.int("epochs")
        let optimizerValue = optimizer(context, default: "adam")
        let optimizerName = optimizerValue["type"]!.stringValue!
        let lr = Float(optimizerValue["lr"]?.doubleValue ?? (optimizerName == "adam" || optimizerName == "adamw" ? 0.001 : 0.01))
        do {
            let optimizer = try OptimizerFactory.make(name: optimizerName, options: options(optimizerValue, excluding: ["lr"]))
            let scheduleValue = context.params["schedule"]?.mapValue ?? ["type": .string("constant")]
            let scheduleName = scheduleValue["type"]!.stringValue!
            var scheduleOptions = options(scheduleValue, excluding: ["milestones"])
            if scheduleName == "cosine", scheduleOptions["t_max"] == nil { scheduleOptions["t_max"] = Double(epochs) }
            if scheduleName == "one_cycle" { scheduleOptions["epochs"] = Double(epochs) }
            if let warmup = context.params["warmup"]?.mapValue {
                scheduleOptions["warmup_epochs"] = warmup["epochs"]?.doubleValue
                scheduleOptions["warmup_start_factor"] = warmup["start_factor"]?.doubleValue
            }
            let schedule = try ScheduleFactory.make(name: scheduleName, baseRate: lr, options: scheduleOptions,
                                                    milestones: scheduleValue["milestones"]?.listValue?.compactMap(\.intValue) ?? [])
            let lossValue = context.params["loss"]?.mapValue ?? ["type": .string("cross_entropy")]
            let lossName = lossValue["type"]!.stringValue!
            let loss = try LossFactory.make(name: lossName, options: options(lossValue, excluding: ["class_weights"]),
                                            classWeights: try classWeights(lossValue["class_weights"], classes: classes, labels: labels))
            var stopping: EarlyStopping?
            if let rule = context.params["early_stopping"]?.mapValue {
                stopping = EarlyStopping(monitor: MonitoredMetric(rawValue: rule["monitor"]!.stringValue!)!, patience: rule["patience"]!.intValue!,
                                         minDelta: rule["min_delta"]!.doubleValue!, restoreBest: rule["restore_best"]!.boolValue!)
            }
            return TrainingConfig(
                epochs: epochs, batchSize: context.int("batch_size"), shuffle: context.bool("shuffle"), loss: loss, optimizer: optimizer,
                schedule: schedule, penalty: Penalty(l1: Float(context.double("l1")), l2: Float(context.double("l2"))),
                clipNorm: context.params["clip_norm"]?.doubleValue.map(Float.init), clipValue: context.params["clip_value"]?.doubleValue.map(Float.init),
                maxNorm: context.params["max_norm"]?.doubleValue.map(Float.init), earlyStopping: stopping,
                oneHotTargets: !["cross_entropy", "hinge"].contains(lossName))
        } catch let error as OptionError {
            throw StageError("train: \(error)")
        }
    }

    /// Explicit class weights, or 'balanced' = n / (classes · count(class)) as in scikit-learn.
    static func classWeights(_ value: ParamValue?, classes: Int, labels: [Int32]) throws -> [Float]? {
        switch value {
        case .string("balanced")?:
            var counts = [Int](repeating: 0, count: classes)
            for label in labels { counts[Int(label)] += 1 }
            return counts.map { $0 == 0 ? 0 : Float(Double(labels.count) / Double(classes * $0)) }
        case .list(let weights)?:
            guard weights.count == classes else { throw StageError("loss.class_weights lists \(weights.count) weights for \(classes) classes") }
            return weights.map { Float($0.doubleValue!) }
        default:
            return nil
        }
    }
}
