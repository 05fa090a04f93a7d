import Foundation
import Learn
import PipelinePlan
import PipelineSpec
import PipelineStore
import Stages

/// Runs one stage node through the cache: fingerprints it from its inputs' content hashes, restores a cached
/// result, or computes it in a scratch directory and stores its outputs. Shared by the run session (the
/// pipeline's own stages) and trial sessions (a search's variants of them).
struct StageExecution: Sendable {
    /// The pipeline the node belongs to.
    let pipeline: LoadedPipeline
    /// Recompute even when cached.
    let force: Bool

    /// How a node ended.
    enum Result {
        /// Computed now.
        case computed(StageRecord, seconds: Double)
        /// Found in the run cache.
        case cached(StageRecord)

        var record: StageRecord {
            switch self {
            case .computed(let record, _), .cached(let record): return record
            }
        }
    }

    /// The fingerprint inputs and bound inputs of `node`, given the records of its upstream stages.
    func prepare(_ node: StageNode, upstream: (String) -> StageRecord?) throws -> (FingerprintInputs, [String: StageInput]) {
        let cache = pipeline.workspace.cache
        var inputHashes: [String: String] = [:]
        var inputs: [String: StageInput] = [:]
        for input in node.inputs {
            guard let record = upstream(input.stage), let output = record.outputs[input.output] else {
                throw StageError("upstream '\(input.stage)' has no recorded output '\(input.output)'")
            }
            inputHashes[input.key] = output.hash
            inputs[input.key] = StageInput(type: input.type, path: cache.objectPath(output.hash), stage: input.stage)
        }
        let fingerprint = try StageFingerprint.inputs(for: node, seed: pipeline.spec.seed, inputHashes: inputHashes,
                                                      baseDirectory: pipeline.spec.baseDirectory)
        return (fingerprint, inputs)
    }

    /// The record of `node` when its run cache entry exists (restoring its outputs into the workspace when
    /// `restore`), else nil. Used where a result computed by another process is taken up.
    func cached(_ node: StageNode, upstream: (String) -> StageRecord?, restore: Bool) throws -> StageRecord? {
        let cache = pipeline.workspace.cache
        guard let kind = pipeline.catalog.kind(node.spec.kind) else { throw StageError("no implementation for kind '\(node.spec.kind)'") }
        let fingerprintInputs = try prepare(node, upstream: upstream).0
        guard let run = cache.runRecord(fingerprintInputs.fingerprint) else { return nil }
        if restore {
            try kind.restore(outputs: run.outputs.mapValues { cache.objectPath($0.hash) },
                             baseDirectory: pipeline.spec.baseDirectory, params: node.spec.params)
        }
        return StageRecord(ran: fingerprintInputs, run)
    }

    /// Restores or computes `node`. `started` is called just before computing; `report` receives the
    /// stage's progress and notes; `trials` is offered to kinds that run variants of other stages.
    ///
    /// With a `collective` of several ranks (a stage launched under MPI), every rank computes, but only the
    /// leader (rank 0) removes a forced run's checkpoints, stores outputs and writes the run record; the other
    /// ranks return a record with no stored outputs.
    func execute(_ node: StageNode, upstream: (String) -> StageRecord?, trials: (any TrialRunner)?, collective: any Collective = SingleProcess(),
                 started: () -> Void, report: @escaping @Sendable (StageEvent) -> Void) throws -> Result {
        let cache = pipeline.workspace.cache
        guard let kind = pipeline.catalog.kind(node.spec.kind) else { throw StageError("no implementation for kind '\(node.spec.kind)'") }
        let (fingerprintInputs, inputs) = try prepare(node, upstream: upstream)
        let fingerprint = fingerprintInputs.fingerprint
        func stageRecord(_ run: RunRecord) -> StageRecord { StageRecord(ran: fingerprintInputs, run) }

        if !force, let cached = cache.runRecord(fingerprint) {
            try kind.restore(outputs: cached.outputs.mapValues { cache.objectPath($0.hash) },
                             baseDirectory: pipeline.spec.baseDirectory, params: node.spec.params)
            return .cached(stageRecord(cached))
        }

        started()
        let scratch = try cache.makeScratchDirectory(label: node.name)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let checkpoints = cache.checkpointDirectory(fingerprint)
        if force, collective.isLeader { try? FileManager.default.removeItem(atPath: checkpoints) }
        try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        // No rank may look for a checkpoint before the leader has removed a forced run's.
        if collective.size > 1 { try collective.barrier() }
        let context = StageContext(
            stage: node.name, params: node.spec.params, inputs: inputs, inputOrder: node.inputs.map(\.key),
            outputDirectory: scratch, checkpointDirectory: checkpoints, baseDirectory: pipeline.spec.baseDirectory, seed: pipeline.spec.seed,
            provenance: Provenance(stage: node.name, kind: node.spec.kind, fingerprint: fingerprint),
            trials: trials, collective: collective, report: report)
        let start = Date()
        let result = try kind.run(context)
        let seconds = Date().timeIntervalSince(start)
        guard collective.isLeader else {
            return .computed(stageRecord(RunRecord(fingerprint: fingerprint, outputs: [:], metrics: result.metrics, seconds: seconds)), seconds: seconds)
        }

        var stored: [String: StoredObject] = [:]
        for output in node.outputs {
            guard let path = result.outputs[output.name], FileManager.default.fileExists(atPath: path) else {
                throw StageError("kind '\(node.spec.kind)' did not produce its declared output '\(output.name)'")
            }
            let (hash, bytes) = try cache.store(path)
            stored[output.name] = StoredObject(type: output.type.rawValue, hash: hash, bytes: bytes)
        }
        let run = RunRecord(fingerprint: fingerprint, outputs: stored, metrics: result.metrics, seconds: (seconds * 1000).rounded() / 1000)
        try cache.saveRunRecord(run)
        try? FileManager.default.removeItem(atPath: checkpoints)
        return .computed(stageRecord(run), seconds: seconds)
    }
}
