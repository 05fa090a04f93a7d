import PipelineSpec

/// A stage kind: a declaration (parameters, inputs, outputs) plus the computation.
///
/// A kind reads its inputs from the paths in the context and writes its outputs under the context's
/// output directory. It knows nothing about executors, caches or lockfiles.
public protocol StageKind: Sendable {
    /// The declaration used for validation, help and JSON Schema.
    var signature: StageSignature { get }

    /// Computes the outputs. Must be deterministic for the same parameters, inputs and seed.
    func run(_ context: StageContext) throws -> StageResult

    /// Called after a cache hit with the cached outputs, for kinds whose outputs also live in the
    /// workspace (`shell` restores its declared files). The default does nothing.
    func restore(outputs: [String: String], baseDirectory: String, params: [String: ParamValue]) throws

    /// For kinds that run variants of other stages (search): overrides to check when the pipeline is loaded,
    /// given the stage's parameters and the stages its inputs come from. The default has none.
    func trialProbes(params: [String: ParamValue], inputStages: [String]) -> [TrialProbe]

    /// How many cooperating processes (MPI ranks) one run of this stage wants, from its validated parameters.
    /// More than 1 means the executor launches the stage under an MPI launcher with that many ranks, and
    /// the stage's context carries their `Collective`. The default is 1.
    func processes(params: [String: ParamValue]) -> Int
}

extension StageKind {
    public func restore(outputs: [String: String], baseDirectory: String, params: [String: ParamValue]) throws {}
    public func trialProbes(params: [String: ParamValue], inputStages: [String]) -> [TrialProbe] { [] }
    public func processes(params: [String: ParamValue]) -> Int { 1 }
}

/// What a stage produced: a path per declared output (inside the output directory) and key metrics.
public struct StageResult: Sendable {
    /// Output name → file or directory path.
    public var outputs: [String: String]
    /// Key metrics to record in the lockfile (e.g. accuracy).
    public var metrics: [String: Double]

    /// Creates a result.
    public init(outputs: [String: String], metrics: [String: Double] = [:]) {
        self.outputs = outputs
        self.metrics = metrics
    }
}

/// A stage that failed while running, with a message for the user.
public struct StageError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
