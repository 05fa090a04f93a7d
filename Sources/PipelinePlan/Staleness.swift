import PipelineStore
import PipelineSpec

/// Why a stage must run. Checks run cheapest first and every cause found is kept, so
/// `pipeline status` can say exactly what changed.
public enum StaleReason: Sendable, Equatable, CustomStringConvertible {
    /// The lockfile has no record of the stage.
    case neverRun
    /// The user asked (`--force`).
    case forced
    /// The stage's kind changed.
    case kindChanged(from: String, to: String)
    /// A parameter changed, appeared, or disappeared.
    case paramChanged(String, from: ParamValue?, to: ParamValue?)
    /// The pipeline seed changed.
    case seedChanged(from: UInt64, to: UInt64)
    /// An input's content changed (or it was newly bound, or is no longer bound: `to` is nil).
    case inputChanged(String, from: String?, to: String?)
    /// An input is now taken from another upstream stage or output (`stage.output`), though its key stayed.
    case sourceChanged(String, from: String, to: String)
    /// A file named by a path parameter changed.
    case fileChanged(String, from: String?, to: String)
    /// Upstream stages will run first, so this stage's inputs are not known yet.
    case upstreamStale([String])
    /// A recorded output is missing from the cache.
    case outputMissing(String)
    /// Nothing declared changed but the fingerprint did: the tool's or the kind's implementation version.
    case implementationChanged

    public var description: String {
        func short(_ hash: String?) -> String { hash.map { String($0.prefix(12)) } ?? "none" }
        switch self {
        case .neverRun: return "never run"
        case .forced: return "forced"
        case let .kindChanged(a, b): return "kind changed: \(a) -> \(b)"
        case let .paramChanged(key, a, b): return "param '\(key)' changed: \(a?.description ?? "unset") -> \(b?.description ?? "unset")"
        case let .seedChanged(a, b): return "seed changed: \(a) -> \(b)"
        case let .inputChanged(key, a, b): return "input '\(key)' changed: \(short(a)) -> \(short(b))"
        case let .sourceChanged(key, a, b): return "input '\(key)' now comes from \(b) (was \(a))"
        case let .fileChanged(key, a, b): return "file of '\(key)' changed: \(short(a)) -> \(short(b))"
        case let .upstreamStale(names): return "upstream will run: \(names.joined(separator: ", "))"
        case let .outputMissing(name): return "output '\(name)' missing from the cache"
        case .implementationChanged: return "tool, kind or plug-in implementation version changed"
        }
    }
}

/// Compares what is declared now against what the lockfile says was run.
public enum Staleness {
    /// Reasons the declared stage differs from its record, ignoring upstream (cheapest checks first).
    /// `current` is nil when inputs are not yet known because upstream stages are stale.
    public static func reasons(kind: String, params: [String: ParamValue], seed: UInt64, current: FingerprintInputs?,
                               record: StageRecord?, upstreamStale: [String],
                               outputExists: (StoredObject) -> Bool) -> [StaleReason] {
        guard let record else { return [.neverRun] }
        var reasons: [StaleReason] = []
        if record.kind != kind { reasons.append(.kindChanged(from: record.kind, to: kind)) }
        for key in Set(params.keys).union(record.params.keys).sorted() where !(params[key]?.sameValue(as: record.params[key]) ?? (record.params[key] == nil)) {
            reasons.append(.paramChanged(key, from: record.params[key], to: params[key]))
        }
        if record.seed != seed { reasons.append(.seedChanged(from: record.seed, to: seed)) }
        if !upstreamStale.isEmpty { reasons.append(.upstreamStale(upstreamStale)) }
        if let current {
            for key in Set(current.inputs.keys).union(record.inputs.keys).sorted() where current.inputs[key] != record.inputs[key] {
                reasons.append(.inputChanged(key, from: record.inputs[key], to: current.inputs[key]))
            }
            // An input no longer bound is an input change (above). Lockfiles written before sources were
            // recorded have none; their fingerprints differ anyway and the change is reported as the tool's.
            for (key, was) in record.sources.sorted(by: { $0.key < $1.key }) {
                if let now = current.sources[key], now != was { reasons.append(.sourceChanged(key, from: was, to: now)) }
            }
            for key in current.files.keys.sorted() where current.files[key] != record.files[key] {
                reasons.append(.fileChanged(key, from: record.files[key], to: current.files[key]!))
            }
            if reasons.isEmpty, current.fingerprint != record.fingerprint { reasons.append(.implementationChanged) }
        }
        for name in record.outputs.keys.sorted() where !outputExists(record.outputs[name]!) {
            reasons.append(.outputMissing(name))
        }
        return reasons
    }
}
