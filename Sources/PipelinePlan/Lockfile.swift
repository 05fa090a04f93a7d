import PipelineSpec
import PipelineStore

/// What was run: the observed state of a pipeline, written beside its YAML as `NAME.lock` after each run.
///
/// Separate from the declared `PipelineSpec` (the DVC split); small, sorted, and meant for git.
public struct Lockfile: Codable, Sendable, Equatable {
    /// Lockfile schema version.
    public var lockfile: Int = 1
    /// The pipeline's name.
    public var pipeline: String
    /// One record per stage that has run successfully.
    public var stages: [String: StageRecord]

    /// Creates a lockfile.
    public init(pipeline: String, stages: [String: StageRecord] = [:]) {
        self.pipeline = pipeline
        self.stages = stages
    }
}

/// The observed run of one stage.
public struct StageRecord: Codable, Sendable, Equatable {
    /// The stage kind.
    public var kind: String
    /// The fingerprint it ran under (the cache key).
    public var fingerprint: String
    /// The pipeline seed it ran with.
    public var seed: UInt64
    /// Its resolved parameters (for "param changed" reasons and diffs).
    public var params: [String: ParamValue]
    /// Content hash of each input, by key.
    public var inputs: [String: String]
    /// Where each input came from, `stage.output`, by key (empty in lockfiles written before it was recorded).
    public var sources: [String: String]
    /// Content hash of each file named by a path parameter.
    public var files: [String: String]
    /// Each output's type, content hash and size (the same entries as the cache's run record).
    public var outputs: [String: StoredObject]
    /// Key metrics the stage reported (e.g. accuracy).
    public var metrics: [String: Double]
    /// Wall time of the run that produced the outputs, in seconds.
    public var seconds: Double

    /// Creates a record.
    public init(kind: String, fingerprint: String, seed: UInt64, params: [String: ParamValue], inputs: [String: String],
                sources: [String: String] = [:], files: [String: String], outputs: [String: StoredObject],
                metrics: [String: Double], seconds: Double) {
        self.kind = kind
        self.fingerprint = fingerprint
        self.seed = seed
        self.params = params
        self.inputs = inputs
        self.sources = sources
        self.files = files
        self.outputs = outputs
        self.metrics = metrics
        self.seconds = seconds
    }

    /// The record of `run`, made under `declared`: kind, fingerprint, seed, parameters, input and file hashes and
    /// sources are the fingerprint's, so the lockfile says exactly what the cache key covered.
    public init(ran declared: FingerprintInputs, _ run: RunRecord) {
        self.init(kind: declared.kind, fingerprint: declared.fingerprint, seed: declared.seed, params: declared.params,
                  inputs: declared.inputs, sources: declared.sources, files: declared.files, outputs: run.outputs,
                  metrics: run.metrics, seconds: run.seconds)
    }

    private enum CodingKeys: String, CodingKey {
        case kind, fingerprint, seed, params, inputs, sources, files, outputs, metrics, seconds
    }

    /// Decodes a record; `sources` may be absent (older lockfiles).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(String.self, forKey: .kind), fingerprint: try c.decode(String.self, forKey: .fingerprint),
                  seed: try c.decode(UInt64.self, forKey: .seed), params: try c.decode([String: ParamValue].self, forKey: .params),
                  inputs: try c.decode([String: String].self, forKey: .inputs),
                  sources: try c.decodeIfPresent([String: String].self, forKey: .sources) ?? [:],
                  files: try c.decode([String: String].self, forKey: .files),
                  outputs: try c.decode([String: StoredObject].self, forKey: .outputs),
                  metrics: try c.decode([String: Double].self, forKey: .metrics), seconds: try c.decode(Double.self, forKey: .seconds))
    }
}
