import PipelineSpec
import PipelineStore

/// Everything that determines a stage's result; its SHA-256 is the stage's fingerprint and cache key.
///
/// Hashed as canonical JSON (sorted keys, no whitespace) so cosmetic changes to the YAML — key order,
/// comments, stage order, quoting that does not change a value — never invalidate the cache.
public struct FingerprintInputs: Sendable, Equatable {
    /// Cache layout version of the tool; bumping it invalidates every cached result. 2: artifacts no longer
    /// carry the producing pipeline's name, so results cached by format 1 (which do) are not reused.
    public static let storeFormatVersion = 2

    /// The stage's name: it seeds the stage's random stream and is stamped into its artifacts, so two
    /// stages with the same kind, parameters and inputs still compute different things.
    public let stage: String
    /// The stage kind.
    public let kind: String
    /// The kind's implementation version.
    public let kindVersion: Int
    /// Parameters after interpolation and defaults.
    public let params: [String: ParamValue]
    /// The pipeline seed.
    public let seed: UInt64
    /// Content hash of each bound input, by the key the stage sees.
    public let inputs: [String: String]
    /// Where each bound input comes from, `stage.output`, by key. Stages name their sources in what they write
    /// (a model's `trained_on`, a transform's `fitted_on`), so the same bytes from a differently named stage
    /// are a different result.
    public let sources: [String: String]
    /// Content hash of each file a path parameter names, by parameter.
    public let files: [String: String]
    /// Versions of the plug-ins the parameters select, past version 1 (`StageSignature.pluginVersions`).
    public let pluginVersions: [String: Int]

    /// Creates fingerprint inputs.
    public init(stage: String, kind: String, kindVersion: Int, params: [String: ParamValue], seed: UInt64,
                inputs: [String: String], sources: [String: String] = [:], files: [String: String],
                pluginVersions: [String: Int] = [:]) {
        self.stage = stage
        self.kind = kind
        self.kindVersion = kindVersion
        self.params = params
        self.seed = seed
        self.inputs = inputs
        self.sources = sources
        self.files = files
        self.pluginVersions = pluginVersions
    }

    /// The canonical text that is hashed. `sources` appears only for a stage with inputs, and `plugin_versions`
    /// only when a plug-in is past version 1, so bumping one plug-in's version changes the fingerprints of the
    /// stages using it and of no other.
    public var canonicalText: String {
        var fields: [String: ParamValue] = [
            "format": .int(Self.storeFormatVersion),
            "kind": .string(kind),
            "stage": .string(stage),
            "kind_version": .int(kindVersion),
            "params": .map(params),
            "seed": .string(String(seed)),
            "inputs": .map(inputs.mapValues { .string($0) }),
            "files": .map(files.mapValues { .string($0) }),
        ]
        if !sources.isEmpty { fields["sources"] = .map(sources.mapValues { .string($0) }) }
        if !pluginVersions.isEmpty { fields["plugin_versions"] = .map(pluginVersions.mapValues { .int($0) }) }
        return ParamValue.map(fields).canonicalJSON
    }

    /// The fingerprint: lowercase hex SHA-256 of the canonical text.
    public var fingerprint: String {
        var hasher = SHA256Hasher()
        hasher.update(canonicalText)
        return hasher.finalize().hex
    }
}
