/// What the trainer reports while it runs.
public enum TrainingEvent {
    /// A mini-batch finished: 1-based epoch, 1-based step of `steps`, mean loss so far this epoch.
    case batch(epoch: Int, step: Int, steps: Int, runningLoss: Double)
    /// An epoch finished.
    case epoch(EpochStats)
}

/// Mini-batch training of a `Network`: shuffle from the seed, forward, loss, backward, penalties and
/// clipping, schedule, optimizer step, constraints; validation, early stopping and a checkpoint hook at
/// every epoch boundary.
///
/// Deterministic: the same network initialisation, data, configuration and generator give bit-identical
/// parameters, and resuming from any epoch's `TrainerState` gives the same end result as not stopping.
public struct Trainer {
    /// The configuration (optimizer and schedule state live in `state`).
    public private(set) var config: TrainingConfig
    /// The run's state so far.
    public private(set) var state: TrainerState

    /// A trainer starting at epoch 0 from the network's current parameters. With a pruning `mask` (1 keep,
    /// 0 pruned; as long as the parameters) the masked parameters are zeroed now and stay exactly zero after
    /// every step.
    public init(network: Network, config: TrainingConfig, generator: SeededGenerator, mask: [Float]? = nil) {
        self.config = config
        if let mask { MagnitudePruning.apply(mask, to: network.parameters) }
        self.state = TrainerState(epochsDone: 0, parameters: Array(network.parameters), networkState: Array(network.state),
                                  optimizer: config.optimizer.checkpoint, schedule: config.schedule.checkpoint, generator: generator,
                                  history: [], best: nil, epochsWithoutImprovement: 0, stopped: false)
        self.state.mask = mask
    }

    /// A trainer resuming from a checkpointed state; the network's parameters and state are overwritten.
    public init(network: Network, config: TrainingConfig, resumingFrom state: TrainerState) {
        self.config = config
        self.state = state
        self.config.optimizer.checkpoint = state.optimizer
        self.config.schedule.checkpoint = state.schedule
        _ = network.parameters.update(fromContentsOf: state.parameters)
        _ = network.state.update(fromContentsOf: state.networkState)
    }

    /// Whether training has finished (all epochs done, or stopped early).
    public var isFinished: Bool { state.stopped || state.epochsDone >= config.epochs }

    /// Runs the remaining epochs. After each epoch `checkpoint` receives the state (to persist it); then
    /// `events` gets the epoch. At the end, the best weights are restored when early stopping asks for it.
    ///
    /// Data-parallel training: with a `collective` of several ranks, every rank runs this with the same
    /// network, configuration and state. The global batch stays `batchSize`; each rank takes a fixed
    /// contiguous share of every global batch (`Collective.shard`), gathers only those rows, and back-propagates
    /// its loss gradient scaled to "sum over its rows ÷ global batch rows". The parameter gradients are then
    /// summed over ranks (`allreduceSum`, in rank order), so every rank holds the gradient of the global batch
    /// and applies the same penalties, clipping, schedule and optimizer step. The shuffle order comes from the
    /// shared generator, identical on every rank. Epoch loss and accuracy are summed over ranks, so history,
    /// early stopping and checkpoints agree everywhere. Differences from one process: floating-point
    /// association of the gradient sum, and dropout masks, which are drawn per (epoch, step, rank) from a fork of
    /// the shared generator (deterministic for a fixed rank count, but not the single-process masks). Batch
    /// normalisation (statistics over a rank's share only) and batch augmentation (drawn per batch position)
    /// are refused. With one rank this is exactly ordinary training.
    public mutating func run(network: Network, training: BatchSource, validation: BatchSource?,
                             collective: any Collective = SingleProcess(),
                             events: (TrainingEvent) -> Void = { _ in },
                             checkpoint: (TrainerState) throws -> Void = { _ in }) throws {
        precondition(training.columns == network.inputShape.reduce(1, *), "training columns do not match the network input")
        let ranks = collective.size, rank = collective.rank
        if ranks > 1 {
            guard network.state.isEmpty else {
                throw TrainingError("data-parallel training does not support batch normalisation (its statistics would cover one rank's rows only)")
            }
            guard config.augmentation == nil else {
                throw TrainingError("data-parallel training does not support batch augmentation (its draws depend on a row's position in the batch)")
            }
        }
        let width = network.outputShape.reduce(1, *)
        let n = training.rows
        let batchSize = max(1, min(config.batchSize, n))
        let steps = (n + batchSize - 1) / batchSize
        var x = [Float](repeating: 0, count: batchSize * training.columns)
        var y = [Int32](repeating: 0, count: batchSize)
        var gradient = [Float](repeating: 0, count: batchSize * width)
        var oneHot = [Float](repeating: 0, count: config.oneHotTargets ? batchSize * width : 0)
        let weightMask = network.decayMask
        let prunable = network.layout.filter { $0.spec.role == .weight }.map(\.range)
        if state.epochsDone == 0 { prune(network, atBoundary: 0, tensors: prunable) }
        var soft = [Float](repeating: 0, count: config.augmentation?.mixes == true ? batchSize * width : 0)

        while !isFinished {
            let epoch = state.epochsDone
            let order = config.shuffle ? state.generator.permutation(n: n) : Array(0..<n)
            var lossSum = 0.0, correct = 0, seen = 0
            var lastRate: Float = 0
            for step in 0..<steps {
                let globalLower = step * batchSize, globalUpper = min(n, globalLower + batchSize)
                let share = collective.shard(globalLower, globalUpper)
                let lower = share.lowerBound, upper = share.upperBound, m = upper - lower
                guard m > 0 else {
                    // A batch with fewer rows than ranks leaves this rank nothing: it adds a zero gradient.
                    network.gradients.update(repeating: 0)
                    try optimizerStep(network, epoch: epoch, step: step, steps: steps, weightMask: weightMask, prunable: prunable,
                                      collective: collective, lastRate: &lastRate)
                    events(.batch(epoch: epoch + 1, step: step + 1, steps: steps, runningLoss: seen > 0 ? lossSum / Double(seen) : 0))
                    continue
                }
                try order.withUnsafeBufferPointer { o in
                    try x.withUnsafeMutableBufferPointer { xp in
                        try y.withUnsafeMutableBufferPointer { yp in
                            try training.gather(UnsafeBufferPointer(rebasing: o[lower..<upper]), x: xp.baseAddress!, labels: yp.baseAddress!)
                        }
                    }
                }
                var mixed = false
                if let augmentation = config.augmentation {
                    x.withUnsafeMutableBufferPointer { xp in
                        y.withUnsafeBufferPointer { yp in
                            soft.withUnsafeMutableBufferPointer { sp in
                                augmentation.apply(xp, labels: yp, batch: m, classes: width, epoch: epoch, step: step, targets: sp)
                            }
                        }
                    }
                    mixed = augmentation.mixes
                }
                let masters = config.fakeQuantization?.apply(to: network)
                // One process draws dropout from the shared generator as always; several ranks must leave it
                // untouched (it shuffles the next epoch on every rank) and draw from a per-(epoch, step, rank) fork.
                var dropout = ranks > 1 ? state.generator.fork(stream: "rank \(rank) step \(step)") : state.generator
                let output = x.withUnsafeBufferPointer { network.forward(UnsafeBufferPointer(rebasing: $0[0..<(m * training.columns)]), batch: m, mode: .training, generator: &dropout) }
                if ranks == 1 { state.generator = dropout }
                var loss = mixed
                    ? Self.evaluate(config.loss, output: output, softTargets: soft, batch: m, width: width, gradient: &gradient)
                    : Self.evaluate(config.loss, output: output, labels: y, batch: m, width: width, oneHot: &oneHot, gradient: &gradient)
                if let distillation = config.distillation {
                    loss = order.withUnsafeBufferPointer { o in
                        gradient.withUnsafeMutableBufferPointer { g in
                            distillation.blend(hardLoss: loss, student: output, rows: UnsafeBufferPointer(rebasing: o[lower..<upper]), width: width, gradient: g)
                        }
                    }
                }
                correct += Self.correctCount(output, labels: y, batch: m, width: width)
                if ranks > 1 {
                    // The loss averaged over this rank's m rows; the global batch's gradient is a mean over all rows.
                    let share = Float(m) / Float(globalUpper - globalLower)
                    for i in 0..<(m * width) { gradient[i] *= share }
                }
                gradient.withUnsafeBufferPointer { network.backward(UnsafeBufferPointer(rebasing: $0[0..<(m * width)]), batch: m) }
                if let masters { FakeQuantization.restore(masters, in: network) }
                let penalty = try optimizerStep(network, epoch: epoch, step: step, steps: steps, weightMask: weightMask, prunable: prunable,
                                                collective: collective, lastRate: &lastRate)
                loss += penalty
                lossSum += loss * Double(m)
                seen += m
                events(.batch(epoch: epoch + 1, step: step + 1, steps: steps, runningLoss: lossSum / Double(seen)))
            }
            if ranks > 1 {
                var totals = [lossSum, Double(correct), Double(seen)]
                try totals.withUnsafeMutableBufferPointer { try collective.allreduceSum($0) }
                lossSum = totals[0]
                correct = Int(totals[1])
                seen = Int(totals[2])
            }
            guard (lossSum / Double(seen)).isFinite else {
                throw TrainingError("training diverged in epoch \(epoch + 1): the loss became \(lossSum / Double(seen)); lower the learning rate")
            }
            var stats = EpochStats(epoch: epoch + 1, trainLoss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
                                   validationLoss: nil, validationAccuracy: nil, learningRate: Double(lastRate))
            if let validation {
                let scored = try Self.score(network, on: validation, loss: config.loss, oneHotTargets: config.oneHotTargets,
                                            batchSize: max(batchSize, 256))
                stats.validationLoss = scored.loss
                stats.validationAccuracy = scored.accuracy
                stats.validationMacroF1 = scored.macroF1
            }
            finishEpoch(stats, network: network)
            try checkpoint(state)
            events(.epoch(stats))
        }
        if let rule = config.earlyStopping, rule.restoreBest, let best = state.best {
            _ = network.parameters.update(fromContentsOf: best.parameters)
            _ = network.state.update(fromContentsOf: best.networkState)
            // The best epoch may predate later pruning steps: the final mask still holds.
            if let mask = state.mask { MagnitudePruning.apply(mask, to: network.parameters) }
        }
    }

    /// Sums the parameter gradients over ranks, then adds penalties, clips and takes the optimizer step
    /// (masks, max-norm and pruning included); returns the penalty value. Identical on every rank.
    @discardableResult
    private mutating func optimizerStep(_ network: Network, epoch: Int, step: Int, steps: Int, weightMask: [Float], prunable: [Range<Int>],
                                        collective: any Collective, lastRate: inout Float) throws -> Double {
        try collective.allreduceSum(network.gradients)
        let penalty = applyRegularization(network, mask: weightMask)
        let rate = config.schedule.rate(at: TrainingPosition(epoch: epoch, step: step, stepsPerEpoch: steps))
        // Pruned weights get no gradient (optimizer state never builds up for them) and are zeroed
        // again after the step, whatever the optimizer's update rule does with its saved state.
        if let mask = state.mask { MagnitudePruning.apply(mask, to: network.gradients) }
        weightMask.withUnsafeBufferPointer { mask in
            config.optimizer.step(parameters: network.parameters, gradients: UnsafeBufferPointer(network.gradients), decayMask: mask, learningRate: rate)
        }
        if let limit = config.maxNorm { Self.constrain(network, maxNorm: limit) }
        if let mask = state.mask { MagnitudePruning.apply(mask, to: network.parameters) }
        prune(network, atBoundary: epoch * steps + step + 1, tensors: prunable)
        lastRate = rate
        return penalty
    }

    /// A gradual-pruning update when `boundary` (optimizer steps done) is one of the schedule's steps.
    private mutating func prune(_ network: Network, atBoundary boundary: Int, tensors: [Range<Int>]) {
        guard let schedule = config.pruning, let k = schedule.update(atBoundary: boundary) else { return }
        var mask = state.mask ?? [Float](repeating: 1, count: network.parameterCount)
        MagnitudePruning.prune(network.parameters, mask: &mask, tensors: tensors,
                               sparsity: schedule.targets(update: k, tensors: tensors.count), scope: schedule.scope)
        state.mask = mask
    }

    /// Records the epoch, steps the schedule, and applies early stopping.
    private mutating func finishEpoch(_ stats: EpochStats, network: Network) {
        state.history.append(stats)
        state.epochsDone += 1
        let monitored = config.earlyStopping.flatMap { stats.value(of: $0.monitor) } ?? stats.validationLoss
        config.schedule.endEpoch(stats.epoch - 1, monitored: monitored)
        if let rule = config.earlyStopping, let value = stats.value(of: rule.monitor) {
            let improved = state.best.map { rule.monitor.higherIsBetter ? value > $0.value + rule.minDelta : value < $0.value - rule.minDelta } ?? true
            if improved {
                state.best = TrainerState.Best(value: value, epoch: stats.epoch,
                                               parameters: rule.restoreBest ? Array(network.parameters) : [],
                                               networkState: rule.restoreBest ? Array(network.state) : [])
                state.epochsWithoutImprovement = 0
            } else {
                state.epochsWithoutImprovement += 1
                if state.epochsWithoutImprovement >= rule.patience { state.stopped = true }
            }
        }
        state.parameters = Array(network.parameters)
        state.networkState = Array(network.state)
        state.optimizer = config.optimizer.checkpoint
        state.schedule = config.schedule.checkpoint
    }

    /// Adds penalty gradients and clips; returns the penalty value added to the loss.
    private func applyRegularization(_ network: Network, mask: [Float]) -> Double {
        var penaltyValue = 0.0
        if config.layerPenalties.isEmpty {
            penaltyValue = mask.withUnsafeBufferPointer {
                config.penalty.apply(parameters: UnsafeBufferPointer(network.parameters), gradients: network.gradients, mask: $0)
            }
        } else {
            for entry in network.layout where entry.spec.role == .weight {
                let penalty = config.layerPenalties[entry.layer] ?? config.penalty
                penaltyValue += penalty.apply(parameters: UnsafeBufferPointer(network.parameters), gradients: network.gradients, range: entry.range)
            }
        }
        if let limit = config.clipValue { GradientClipping.clipByValue(network.gradients, limit: limit) }
        if let limit = config.clipNorm { _ = GradientClipping.clipByGlobalNorm(network.gradients, maxNorm: limit) }
        return penaltyValue
    }

    /// Rescales each unit's incoming weights (dense columns, conv filters) to norm ≤ `maxNorm`.
    static func constrain(_ network: Network, maxNorm: Float) {
        let constraint = MaxNormConstraint(maxNorm: maxNorm)
        for entry in network.layout where entry.spec.role == .weight {
            let weights = UnsafeMutableBufferPointer(rebasing: network.parameters[entry.range])
            switch entry.spec.shape.count {
            case 2: _ = constraint.applyDense(weights, inputs: entry.spec.shape[0], outputs: entry.spec.shape[1])
            case 4: _ = constraint.applyConv(weights, outChannels: entry.spec.shape[0])
            default: continue
            }
        }
    }

    /// Mean loss (without penalties) and accuracy of `network` over `data`, in inference mode.
    public static func score(_ network: Network, on data: BatchSource, loss: any Loss, oneHotTargets: Bool = false,
                             batchSize: Int) throws -> (loss: Double, accuracy: Double, macroF1: Double) {
        let width = network.outputShape.reduce(1, *)
        var x = [Float](repeating: 0, count: batchSize * data.columns)
        var y = [Int32](repeating: 0, count: batchSize)
        var gradient = [Float](repeating: 0, count: batchSize * width)
        var oneHot = [Float](repeating: 0, count: oneHotTargets ? batchSize * width : 0)
        var unused = SeededGenerator(seed: 0)
        var lossSum = 0.0, correct = 0
        var predicted: [Int32] = [], actual: [Int32] = []
        predicted.reserveCapacity(data.rows)
        actual.reserveCapacity(data.rows)
        var lower = 0
        while lower < data.rows {
            let upper = min(data.rows, lower + batchSize), m = upper - lower
            let indices = Array(lower..<upper)
            try indices.withUnsafeBufferPointer { i in
                try x.withUnsafeMutableBufferPointer { xp in
                    try y.withUnsafeMutableBufferPointer { yp in try data.gather(i, x: xp.baseAddress!, labels: yp.baseAddress!) }
                }
            }
            let output = x.withUnsafeBufferPointer { network.forward(UnsafeBufferPointer(rebasing: $0[0..<(m * data.columns)]), batch: m, mode: .inference, generator: &unused) }
            lossSum += Double(m) * evaluate(loss, output: output, labels: y, batch: m, width: width, oneHot: &oneHot, gradient: &gradient)
            correct += correctCount(output, labels: y, batch: m, width: width)
            for row in 0..<m {
                var best = 0
                for c in 1..<max(1, width) where output[row * width + c] > output[row * width + best] { best = c }
                predicted.append(width > 1 ? Int32(best) : (output[row] > 0 ? 1 : 0))
                actual.append(y[row])
            }
            lower = upper
        }
        let classes = max(width, 2, Int(actual.max() ?? 0) + 1)
        let report = ClassificationReport(trueLabels: actual, predicted: predicted, classes: classes)
        return (lossSum / Double(max(1, data.rows)), Double(correct) / Double(max(1, data.rows)), report.macroF1)
    }

    /// The loss of one batch with class targets, given to the loss as indices or (for losses on values,
    /// when `oneHot` has room) as one-hot rows; the gradient goes into `gradient`.
    static func evaluate(_ loss: any Loss, output: UnsafeBufferPointer<Float>, labels: [Int32], batch m: Int, width: Int,
                         oneHot: inout [Float], gradient: inout [Float]) -> Double {
        labels.withUnsafeBufferPointer { yp in
            gradient.withUnsafeMutableBufferPointer { gp in
                let g = UnsafeMutableBufferPointer(rebasing: gp[0..<(m * width)])
                guard !oneHot.isEmpty else {
                    return loss.evaluate(output: output, targets: .classes(UnsafeBufferPointer(rebasing: yp[0..<m])), batch: m, width: width, gradient: g)
                }
                return oneHot.withUnsafeMutableBufferPointer { t in
                    let rows = UnsafeMutableBufferPointer(rebasing: t[0..<(m * width)])
                    rows.update(repeating: 0)
                    for i in 0..<m { rows[i * width + Int(yp[i])] = 1 }
                    return loss.evaluate(output: output, targets: .values(UnsafeBufferPointer(rows)), batch: m, width: width, gradient: g)
                }
            }
        }
    }

    /// The loss of one batch against soft target rows (mixup), gradient into `gradient`.
    static func evaluate(_ loss: any Loss, output: UnsafeBufferPointer<Float>, softTargets: [Float], batch m: Int, width: Int,
                         gradient: inout [Float]) -> Double {
        softTargets.withUnsafeBufferPointer { t in
            gradient.withUnsafeMutableBufferPointer { gp in
                loss.evaluate(output: output, targets: .values(UnsafeBufferPointer(rebasing: t[0..<(m * width)])), batch: m, width: width,
                              gradient: UnsafeMutableBufferPointer(rebasing: gp[0..<(m * width)]))
            }
        }
    }

    /// Rows whose largest output (first on ties) is the label.
    static func correctCount(_ output: UnsafeBufferPointer<Float>, labels: [Int32], batch: Int, width: Int) -> Int {
        guard width > 1 else {
            // One output: a logit for class 1.
            return (0..<batch).filter { (output[$0] > 0 ? 1 : 0) == labels[$0] }.count
        }
        var correct = 0
        labels.withUnsafeBufferPointer { l in
            for row in 0..<batch {
                let base = row * width
                var best = 0
                for c in 1..<width where output[base + c] > output[base + best] { best = c }
                if Int32(best) == l[row] { correct += 1 }
            }
        }
        return correct
    }
}

/// Training that cannot continue (divergence), with a message for the user.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    /// What happened and what to change.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
