import PipelinePlan
import PipelineStore

/// `pipeline show PIPELINE STAGE[.OUTPUT]`: a stage's lockfile record and what its outputs hold.
public enum StageArtifacts {
    /// Describes the recorded outputs of `target` (a stage, or `stage.output`).
    public static func describe(_ pipeline: LoadedPipeline, target: String) throws -> String {
        let parts = target.split(separator: ".", maxSplits: 1).map(String.init)
        let stage = parts[0]
        guard pipeline.graph.nodes[stage] != nil else {
            throw UnknownStageError(description: "'\(stage)' names no stage of \(pipeline.spec.file)")
        }
        let lockfile = LockfileStore.read(pipeline.workspace.lockfilePath, pipeline: pipeline.spec.name)
        guard let record = lockfile.stages[stage] else {
            throw CacheError("stage '\(stage)' has not run yet; run `pipeline run \(pipeline.spec.file)` first")
        }
        var text = "stage \(stage) (\(record.kind))\n  fingerprint \(record.fingerprint)\n  ran in \(record.seconds) s\n"
        for key in record.metrics.keys.sorted() { text += "  metric \(key) = \(record.metrics[key]!)\n" }
        let names = parts.count > 1 ? [parts[1]] : record.outputs.keys.sorted()
        for name in names {
            guard let output = record.outputs[name] else {
                throw UnknownStageError(description: "stage '\(stage)' has no output '\(name)'; it has \(record.outputs.keys.sorted().joined(separator: ", "))")
            }
            let path = pipeline.workspace.cache.objectPath(output.hash)
            text += "\noutput \(name) (\(output.type), \(output.bytes) bytes, sha256 \(output.hash.prefix(16))…)\n"
            text += try ArtifactInspector.describe(path)
        }
        return text
    }
}
