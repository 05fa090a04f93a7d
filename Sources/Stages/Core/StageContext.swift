import Learn
import PipelineSpec

/// One input artifact handed to a stage.
public struct StageInput: Sendable {
    /// Its type.
    public let type: ArtifactType
    /// Path to the artifact (an HDF5 file, or a directory for `files`).
    public let path: String
    /// The stage that produced it.
    public let stage: String

    /// Creates an input.
    public init(type: ArtifactType, path: String, stage: String) {
        self.type = type
        self.path = path
        self.stage = stage
    }
}

/// Progress a stage reports while it runs.
public enum StageEvent: Sendable {
    /// Step `step` of `total` done (epochs, batches), with a short message such as the loss.
    case progress(step: Int, total: Int, message: String)
    /// A line of information for the log.
    case note(String)
}

/// Provenance written into every artifact as attributes, so files explain themselves without the tool.
public struct Provenance: Sendable {
    /// The producing stage.
    public let stage: String
    /// Its kind.
    public let kind: String
    /// Its fingerprint.
    public let fingerprint: String

    /// Creates provenance. It holds only what the fingerprint determines: two pipelines that share a cache and
    /// a stage share its artifact, so a pipeline's name stamped in would make the bytes (and every downstream
    /// fingerprint) depend on which pipeline ran first. The lockfile names the pipeline.
    public init(stage: String, kind: String, fingerprint: String) {
        self.stage = stage
        self.kind = kind
        self.fingerprint = fingerprint
    }
}

/// Everything a stage may use while running.
public struct StageContext: Sendable {
    /// The stage's name.
    public let stage: String
    /// Parameters after interpolation and defaults (already validated against the signature).
    public let params: [String: ParamValue]
    /// Inputs by key.
    public let inputs: [String: StageInput]
    /// Input keys in declaration order.
    public let inputOrder: [String]
    /// An empty directory for this run's outputs.
    public let outputDirectory: String
    /// A directory that persists across failed or killed attempts of this exact run (same fingerprint):
    /// a stage may keep resumable state there (training checkpoints). Removed after success.
    public let checkpointDirectory: String
    /// The pipeline file's directory (relative paths resolve against it).
    public let baseDirectory: String
    /// The pipeline seed.
    public let seed: UInt64
    /// Attributes to stamp on outputs.
    public let provenance: Provenance
    /// Receives progress and notes.
    public let report: @Sendable (StageEvent) -> Void
    /// Runs variants of other stages of the pipeline (for kinds that explore them, like `search`); nil
    /// where the caller offers none.
    public let trials: (any TrialRunner)?
    /// The processes running this stage together (MPI ranks, for kinds whose `processes(params:)` is above 1);
    /// `SingleProcess` otherwise. Only its leader (rank 0) writes outputs and checkpoints.
    public let collective: any Collective

    /// Creates a context.
    public init(stage: String, params: [String: ParamValue], inputs: [String: StageInput], inputOrder: [String],
                outputDirectory: String, checkpointDirectory: String, baseDirectory: String, seed: UInt64, provenance: Provenance,
                trials: (any TrialRunner)? = nil, collective: any Collective = SingleProcess(), report: @escaping @Sendable (StageEvent) -> Void) {
        self.trials = trials
        self.collective = collective
        self.stage = stage
        self.params = params
        self.inputs = inputs
        self.inputOrder = inputOrder
        self.outputDirectory = outputDirectory
        self.checkpointDirectory = checkpointDirectory
        self.baseDirectory = baseDirectory
        self.seed = seed
        self.provenance = provenance
        self.report = report
    }

    /// A random generator for this stage, derived from (pipeline seed, stage name, `stream`): the same
    /// pipeline and seed always give the same numbers, whatever else runs in parallel.
    public func generator(_ stream: String = "") -> SeededGenerator {
        SeededGenerator(seed: seed, stream: stream.isEmpty ? stage : "\(stage)/\(stream)")
    }

    /// Where to write the output called `name` (an HDF5 file).
    public func outputPath(_ name: String, extension ext: String = "h5") -> String {
        "\(outputDirectory)/\(name).\(ext)"
    }

    /// Inputs of one type, in declaration order, as (key, input) pairs.
    public func inputs(of type: ArtifactType) -> [(key: String, input: StageInput)] {
        inputOrder.compactMap { key in inputs[key].flatMap { $0.type == type ? (key, $0) : nil } }
    }

    /// A parameter that validation guarantees is present (declared with a default or required).
    public func param(_ key: String) -> ParamValue {
        guard let value = params[key] else { preconditionFailure("parameter '\(key)' of stage '\(stage)' was not validated") }
        return value
    }
    /// An integer parameter.
    public func int(_ key: String) -> Int { param(key).intValue! }
    /// A numeric parameter.
    public func double(_ key: String) -> Double { param(key).doubleValue! }
    /// A string parameter.
    public func string(_ key: String) -> String { param(key).stringValue! }
    /// A boolean parameter.
    public func bool(_ key: String) -> Bool { param(key).boolValue! }
    /// A path parameter resolved against the pipeline's directory, or nil when absent.
    public func path(_ key: String) -> String? {
        params[key]?.stringValue.map { PathResolution.resolve($0, against: baseDirectory) }
    }
}
