/// Everything needed to continue training exactly where it stopped: saved at each epoch boundary, so a
/// killed run resumes and ends with weights bit-identical to an uninterrupted one.
public struct TrainerState: Sendable, Equatable {
    /// Epochs completed.
    public var epochsDone: Int
    /// The network's parameters.
    public var parameters: [Float]
    /// The network's non-trainable state (batch-norm running statistics).
    public var networkState: [Float]
    /// The optimizer's state.
    public var optimizer: OptimizerCheckpoint
    /// The schedule's state.
    public var schedule: [Double]
    /// The random generator's state (shuffles and dropout).
    public var generator: SeededGenerator
    /// History so far.
    public var history: [EpochStats]
    /// Best monitored value, its epoch, and the parameters and state then (when early stopping restores).
    public var best: Best?
    /// Epochs since the last improvement.
    public var epochsWithoutImprovement: Int
    /// Whether early stopping has ended training.
    public var stopped: Bool
    /// The pruning keep-mask over `parameters` (1 keep, 0 pruned), or nil when nothing is pruned.
    public var mask: [Float]? = nil

    /// The best epoch seen.
    public struct Best: Sendable, Equatable {
        public var value: Double
        public var epoch: Int
        public var parameters: [Float]
        public var networkState: [Float]

        /// Creates a best-epoch record.
        public init(value: Double, epoch: Int, parameters: [Float], networkState: [Float]) {
            self.value = value
            self.epoch = epoch
            self.parameters = parameters
            self.networkState = networkState
        }
    }

    /// Creates a state.
    public init(epochsDone: Int, parameters: [Float], networkState: [Float], optimizer: OptimizerCheckpoint, schedule: [Double],
                generator: SeededGenerator, history: [EpochStats], best: Best?, epochsWithoutImprovement: Int, stopped: Bool) {
        self.epochsDone = epochsDone
        self.parameters = parameters
        self.networkState = networkState
        self.optimizer = optimizer
        self.schedule = schedule
        self.generator = generator
        self.history = history
        self.best = best
        self.epochsWithoutImprovement = epochsWithoutImprovement
        self.stopped = stopped
    }
}
