import Foundation
import PipelineRun
import PipelineSpec

/// The bridge between a pipeline and `mpirun` for the local executor: a stage whose kind wants several
/// processes (`train` with `distributed: {ranks: N}`) runs as `mpirun -np N <this tool> exec-stage FILE STAGE`;
/// its ranks' output goes to `<cache>/mpi/STAGE.log`, and its leader rank stores the result in the cache,
/// which the driver then takes up like a Slurm job's.
struct MPIStages: Sendable {
    /// The pipeline being run.
    let pipeline: LoadedPipeline
    /// Recompute even when cached (passed on to the ranks).
    let force: Bool
    /// Where progress goes.
    let events: RunEventSink

    /// A launcher running stages under the `mpirun` on `PATH`.
    func launcher() -> MPIRunLauncher {
        let logDirectory = pipeline.workspace.cache.root + "/mpi"
        let tool = SlurmStages.toolPath()
        let file = PathResolution.resolve(pipeline.spec.file, against: FileManager.default.currentDirectoryPath)
        let force = force, events = events, pipeline = pipeline
        return MPIRunLauncher(
            command: { stage in Self.command(tool: tool, file: file, stage: stage, force: force) },
            logPath: { stage in
                try? FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
                return "\(logDirectory)/\(stage).log"
            },
            started: { stage, ranks, log in
                events.emit(.started(stage: stage, kind: pipeline.graph.nodes[stage]?.spec.kind ?? "?"))
                events.emit(.note(stage: stage, message: "running on \(ranks) MPI ranks (mpirun; log \(log))"))
            })
    }

    /// What every rank of a stage runs.
    static func command(tool: String, file: String, stage: String, force: Bool) -> [String] {
        [tool, "exec-stage", file, stage] + (force ? ["--force"] : [])
    }
}
