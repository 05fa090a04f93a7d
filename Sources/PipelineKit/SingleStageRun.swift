import Foundation
import Learn
import PipelinePlan
import PipelineSpec
import Stages

/// Runs exactly one stage whose upstream results are already in the cache: what a Slurm job does
/// (`pipeline exec-stage FILE STAGE`). Writes the stage's run record; never takes the workspace lock (the
/// driver holds it) and never writes the lockfile (the driver writes it from the run records).
public enum SingleStageRun {
    /// Runs `stage` of `pipeline` (restoring it when cached unless `force`), reporting to `events`. Trials the
    /// stage runs go to Slurm job arrays when `slurmTrials` is given, else run here `jobs` at a time. Under MPI,
    /// `collective` holds the ranks running the stage together; only its leader stores the result.
    public static func run(_ pipeline: LoadedPipeline, stage: String, force: Bool, jobs: Int, slurmTrials: SlurmTrialSettings? = nil,
                           collective: any Collective = SingleProcess(),
                           events: RunEventSink) throws -> StageOutcome {
        let graph = pipeline.graph
        guard let node = graph.nodes[stage] else {
            throw UnknownStageError(description: "'\(stage)' names no stage of \(pipeline.spec.file)"
                                    + (Suggestion.hint(for: stage, among: graph.order).map { "; \($0)" } ?? ""))
        }
        let upstream = graph.withUpstream([stage])
        var records: [String: StageRecord] = [:]
        let lookup = StageExecution(pipeline: pipeline, force: false)
        let trials: any TrialRunner = slurmTrials.map { SlurmTrialSession(pipeline: pipeline, stage: stage, settings: $0, events: events) }
            ?? TrialSession(pipeline: pipeline, parallel: jobs)
        do {
            for name in graph.order where upstream.contains(name) && name != stage {
                guard let record = try lookup.cached(graph.nodes[name]!, upstream: { records[$0] }, restore: false) else {
                    throw StageError("upstream stage '\(name)' of '\(stage)' is not in the cache \(pipeline.workspace.cache.root); exec-stage runs one stage after its upstream ran")
                }
                records[name] = record
            }
            let result = try StageExecution(pipeline: pipeline, force: force).execute(
                node, upstream: { records[$0] }, trials: trials, collective: collective,
                started: { events.emit(.started(stage: stage, kind: node.spec.kind)) },
                report: { event in
                    switch event {
                    case let .progress(step, total, message): events.emit(.progress(stage: stage, step: step, total: total, message: message))
                    case let .note(message): events.emit(.note(stage: stage, message: message))
                    }
                })
            switch result {
            case .cached:
                events.emit(.restored(stage: stage))
                return .restored
            case .computed(let record, let seconds):
                events.emit(.finished(stage: stage, seconds: seconds, metrics: record.metrics))
                return .ran
            }
        } catch {
            events.emit(.failed(stage: stage, message: "\(error)"))
            throw error
        }
    }
}
