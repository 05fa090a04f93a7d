import Foundation

/// Where a pipeline's stages run: the top-level `executor:` section (`pipeline run --executor` overrides it).
public struct ExecutorSpec: Sendable, Equatable {
    /// The executors this tool has.
    public enum Kind: String, Sendable, CaseIterable {
        /// Threads of this process (the default).
        case local
        /// One Slurm batch job per stale stage.
        case slurm
    }

    /// Which executor.
    public var kind: Kind
    /// Slurm partition for stages that name none (`--partition`); nil uses the cluster's default.
    public var partition: String?
    /// Seconds between two polls of the Slurm queue.
    public var pollSeconds: Double
    /// At most this many trials of one search batch run at once on Slurm (the `K` of `--array=0-N%K`); nil
    /// lets the whole batch run at once.
    public var trialConcurrency: Int?

    /// Creates a setting.
    public init(kind: Kind = .local, partition: String? = nil, pollSeconds: Double = 2, trialConcurrency: Int? = nil) {
        self.kind = kind
        self.partition = partition
        self.pollSeconds = pollSeconds
        self.trialConcurrency = trialConcurrency
    }

    /// The declaration `executor:` is checked against (validation, defaults and the JSON Schema).
    public static let declaration: [ParamDecl] = [
        ParamDecl("type", .choice(Kind.allCases.map(\.rawValue)), default: .string("local"),
                  help: "Where stages run: 'local' (threads of this process) or 'slurm' (one sbatch job per stale stage)."),
        ParamDecl("partition", .string, help: "slurm: partition for stages whose resources name none."),
        ParamDecl("poll_seconds", .number(min: 0.05, max: 3600), default: .double(2), help: "slurm: seconds between polls of the queue."),
        ParamDecl("trial_concurrency", .int(min: 1),
                  help: "slurm: a search's trials run as one job array per batch; at most this many of its tasks at once (--array=0-N%K). Default: the whole batch."),
    ]

    /// The setting a checked `executor:` mapping describes.
    static func from(_ value: [String: ParamValue]) -> ExecutorSpec {
        ExecutorSpec(kind: value["type"]?.stringValue.flatMap(Kind.init(rawValue:)) ?? .local,
                     partition: value["partition"]?.stringValue,
                     pollSeconds: value["poll_seconds"]?.doubleValue ?? 2, trialConcurrency: value["trial_concurrency"]?.intValue)
    }
}

/// What a stage asks a cluster for (`resources:` of a stage). Only executors read it: it is never part of
/// a stage's fingerprint, so moving a pipeline between a laptop and a cluster keeps its cache.
public struct StageResources: Sendable, Equatable {
    /// CPU cores (`--cpus-per-task`).
    public var cpus: Int?
    /// Memory in Slurm's syntax: a number with an optional K, M, G or T suffix (`--mem`; plain numbers are MB).
    public var memory: String?
    /// Wall-time limit in Slurm's syntax: minutes, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM` or `D-HH:MM:SS` (`--time`).
    public var time: String?
    /// Partition (`--partition`), overriding the executor's.
    public var partition: String?
    /// GPUs (`--gres=gpu:N`).
    public var gpus: Int?

    /// Creates resources; nil fields leave the cluster's defaults.
    public init(cpus: Int? = nil, memory: String? = nil, time: String? = nil, partition: String? = nil, gpus: Int? = nil) {
        self.cpus = cpus
        self.memory = memory
        self.time = time
        self.partition = partition
        self.gpus = gpus
    }

    /// The declaration `resources:` is checked against (validation, defaults and the JSON Schema).
    public static let declaration: [ParamDecl] = [
        ParamDecl("cpus", .int(min: 1), help: "CPU cores for the stage (sbatch --cpus-per-task)."),
        ParamDecl("memory", .oneOf([.int(min: 1), .string]), help: "Memory: MB as a number, or e.g. '4G', '500M' (sbatch --mem)."),
        ParamDecl("time", .oneOf([.int(min: 1), .string]), help: "Wall-time limit: minutes as a number, or 'HH:MM:SS', 'D-HH:MM:SS' (sbatch --time)."),
        ParamDecl("partition", .string, help: "Slurm partition, overriding the executor's (sbatch --partition)."),
        ParamDecl("gpus", .int(min: 0), help: "GPUs for the stage (sbatch --gres=gpu:N)."),
    ]

    /// The resources a checked `resources:` mapping describes.
    static func from(_ value: [String: ParamValue]) -> StageResources {
        func text(_ key: String) -> String? { value[key]?.intValue.map(String.init) ?? value[key]?.stringValue }
        return StageResources(cpus: value["cpus"]?.intValue, memory: text("memory"), time: text("time"),
                              partition: value["partition"]?.stringValue, gpus: value["gpus"]?.intValue)
    }

    /// Slurm's memory syntax: digits with an optional K/M/G/T suffix.
    static func isMemory(_ text: String) -> Bool {
        text.range(of: "^[0-9]+[KMGTkmgt]?$", options: .regularExpression) != nil
    }

    /// Slurm's time syntax: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`.
    static func isTime(_ text: String) -> Bool {
        text.range(of: "^([0-9]+(:[0-9]+){0,2}|[0-9]+-[0-9]+(:[0-9]+){0,2})$", options: .regularExpression) != nil
    }
}
