import PipelinePlan
import PipelineSpec
import PipelineStore

/// Where one stage stands before a run.
public struct StageStatus: Sendable {
    /// What a run would do with the stage.
    public enum State: Sendable, Equatable {
        /// Fingerprint matches the lockfile and outputs are cached: skipped.
        case upToDate
        /// Differs from the lockfile, but this exact fingerprint is in the run cache: restored, not recomputed.
        case cached
        /// Must be computed.
        case stale
    }

    /// The stage.
    public let stage: String
    /// Its state.
    public let state: State
    /// Why it is not up to date (empty when it is).
    public let reasons: [StaleReason]
    /// The fingerprint when it can be known before running (all upstream known).
    public let fingerprint: String?
}

/// Computes every selected stage's status, upstream first, without running anything.
public enum StatusReport {
    /// Statuses in topological order for `stages` (all when nil).
    public static func compute(_ pipeline: LoadedPipeline, lockfile: Lockfile, force: Bool = false,
                               stages: Set<String>? = nil) throws -> [StageStatus] {
        let cache = pipeline.workspace.cache
        var known: [String: [String: String]] = [:]   // stage → output → content hash, when knowable
        var statuses: [StageStatus] = []
        for name in pipeline.graph.order where stages?.contains(name) ?? true {
            let node = pipeline.graph.nodes[name]!
            let record = lockfile.stages[name]
            let unknownUpstream = node.upstream.filter { known[$0] == nil }
            var current: FingerprintInputs?
            if unknownUpstream.isEmpty {
                var hashes: [String: String] = [:]
                for input in node.inputs { hashes[input.key] = known[input.stage]?[input.output] }
                current = try StageFingerprint.inputs(for: node, seed: pipeline.spec.seed, inputHashes: hashes,
                                                      baseDirectory: pipeline.spec.baseDirectory)
            }
            var reasons = Staleness.reasons(kind: node.spec.kind, params: node.spec.params, seed: pipeline.spec.seed,
                                            current: current, record: record, upstreamStale: unknownUpstream,
                                            outputExists: { cache.hasObject(hash: $0.hash, bytes: $0.bytes) })
            if force { reasons.insert(.forced, at: 0) }
            let fingerprint = current?.fingerprint
            let state: StageStatus.State
            if reasons.isEmpty, let record {
                state = .upToDate
                known[name] = record.outputs.mapValues(\.hash)
            } else if !force, let fingerprint, let cached = cache.runRecord(fingerprint) {
                state = .cached
                known[name] = cached.outputs.mapValues(\.hash)
            } else {
                state = .stale
            }
            statuses.append(StageStatus(stage: name, state: state, reasons: reasons, fingerprint: fingerprint))
        }
        return statuses
    }
}
