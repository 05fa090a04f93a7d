/// A parsed and parameter-checked pipeline file (format version 1): what the user declared.
///
/// What was *run* lives apart, in the lockfile; the tool never rewrites this file.
public struct PipelineSpec: Sendable {
    /// The file path as the user named it (used in diagnostics).
    public let file: String
    /// Absolute directory of the file: relative paths in parameters resolve against it.
    public let baseDirectory: String
    /// The `pipeline:` format version.
    public let formatVersion: Int
    /// The pipeline's name.
    public let name: String
    /// The pipeline seed every stage's random stream derives from.
    public let seed: UInt64
    /// Named values usable as `${params.NAME}`.
    public let params: [String: ParamValue]
    /// Stages in file order (order has no meaning for execution; the DAG comes from inputs).
    public let stages: [StageSpec]
    /// The `executor:` section, when written.
    public var executor: ExecutorSpec?

    /// Creates a spec.
    public init(file: String, baseDirectory: String, formatVersion: Int, name: String, seed: UInt64,
                params: [String: ParamValue], stages: [StageSpec]) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.formatVersion = formatVersion
        self.name = name
        self.seed = seed
        self.params = params
        self.stages = stages
    }

    /// The stage called `name`.
    public func stage(_ name: String) -> StageSpec? { stages.first { $0.name == name } }
}

/// One declared stage.
public struct StageSpec: Sendable {
    /// The stage's name (its key under `stages`).
    public let name: String
    /// Its registered kind.
    public let kind: String
    /// Declared inputs, in the order written.
    public let inputs: [InputRef]
    /// Parameters after interpolation and defaults.
    public let params: [String: ParamValue]
    /// Where the stage's name is written.
    public let location: SourceLocation
    /// Where each written parameter's value is (absent for defaults).
    public let paramLocations: [String: SourceLocation]
    /// Where `inputs:` is written, if it is.
    public let inputsLocation: SourceLocation?
    /// What the stage asks a cluster for (`resources:`); not part of its fingerprint.
    public var resources = StageResources()

    /// Creates a stage spec.
    public init(name: String, kind: String, inputs: [InputRef], params: [String: ParamValue],
                location: SourceLocation, paramLocations: [String: SourceLocation], inputsLocation: SourceLocation?) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.params = params
        self.location = location
        self.paramLocations = paramLocations
        self.inputsLocation = inputsLocation
    }
}

/// A reference to an upstream stage's output(s): `stage`, `stage.output`, or a named binding
/// `key: stage.output` in the mapping form of `inputs`.
public struct InputRef: Sendable, Hashable {
    /// The explicit binding name from the mapping form; nil in the list form.
    public let key: String?
    /// The upstream stage.
    public let stage: String
    /// The upstream output, or nil for "all of its outputs".
    public let output: String?
    /// Where the reference is written.
    public let location: SourceLocation

    /// Creates a reference.
    public init(key: String?, stage: String, output: String?, location: SourceLocation) {
        self.key = key
        self.stage = stage
        self.output = output
        self.location = location
    }

    /// The reference as written: `stage` or `stage.output`.
    public var text: String { output.map { "\(stage).\($0)" } ?? stage }
}
