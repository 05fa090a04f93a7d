import PipelineSpec

/// The registry of stage kinds: the single table every part of the tool reads (validation, planning,
/// execution, help, JSON Schema). Adding a kind means adding it here.
public struct StageCatalog: Sendable {
    /// Kinds by name.
    public let kinds: [String: any StageKind]

    /// A catalogue of the given kinds.
    public init(_ kinds: [any StageKind]) {
        self.kinds = Dictionary(kinds.map { ($0.signature.kind, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every built-in kind.
    public static let builtIn = StageCatalog([
        LoadStage(), SplitStage(), ScaleStage(), PreprocessStage(), TrainStage(), EvaluateStage(), ShellStage(), SearchStage(),
        QuantizeStage(), CompressStage(), CrossValidateStage(), PruneStage(),
    ])

    /// Signatures sorted by kind name.
    public var signatures: [StageSignature] { kinds.values.map(\.signature).sorted { $0.kind < $1.kind } }

    /// The kind called `name`.
    public func kind(_ name: String) -> (any StageKind)? { kinds[name] }
}
