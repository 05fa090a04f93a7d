import Foundation
import PipelinePlan
import PipelineRun
import PipelineSpec
import PipelineStore
import Stages

/// The bridge between a pipeline and the Slurm executor: each stage becomes a batch job that runs this tool's
/// `exec-stage` on that one stage, with the stage's `resources:` as sbatch options. A stage that runs trials
/// (a search) submits them from its job as job arrays (`SlurmTrialSession`).
struct SlurmStages: Sendable {
    /// The pipeline being run.
    let pipeline: LoadedPipeline
    /// Recompute even when cached (passed on to every job).
    let force: Bool
    /// Where progress goes.
    let events: RunEventSink

    /// A Slurm executor for the pipeline's stages, submitting through the `sbatch` on `PATH`.
    func executor(setting: ExecutorSpec, policy: FailurePolicy) -> SlurmExecutor {
        let logDirectory = pipeline.workspace.cache.root + "/slurm"
        try? FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        let pipeline = pipeline, events = events, force = force
        let tool = Self.toolPath()
        let file = PathResolution.resolve(pipeline.spec.file, against: FileManager.default.currentDirectoryPath)
        let directory = FileManager.default.currentDirectoryPath
        return SlurmExecutor(client: SlurmCommandLine(), pollSeconds: setting.pollSeconds, policy: policy, observer: { event in
            switch event {
            case let .submitted(job, id, after):
                events.emit(.note(stage: job, message: "submitted as Slurm job \(id)" + (after.isEmpty ? "" : " (after \(after.joined(separator: ", ")))")))
            case let .started(job, id):
                events.emit(.started(stage: job, kind: pipeline.graph.nodes[job]?.spec.kind ?? "?"))
                events.emit(.note(stage: job, message: "Slurm job \(id) is running"))
            case let .cancelled(ids):
                events.emit(.note(stage: "-", message: "cancelled Slurm job(s) \(ids.joined(separator: ", "))"))
            }
        }, request: { stage in
            Self.request(for: stage, pipeline: pipeline, file: file, tool: tool, workingDirectory: directory,
                         logDirectory: logDirectory, partition: setting.partition, pollSeconds: setting.pollSeconds,
                         trialConcurrency: setting.trialConcurrency, force: force)
        })
    }

    /// The batch job of one stage: its command and its resources (the stage's partition wins over the executor's).
    static func request(for stage: String, pipeline: LoadedPipeline, file: String, tool: String, workingDirectory: String,
                        logDirectory: String, partition: String?, pollSeconds: Double, trialConcurrency: Int?, force: Bool) -> SlurmJobRequest {
        let resources = pipeline.graph.nodes[stage]?.spec.resources ?? StageResources()
        let trials = SlurmTrialSettings(partition: partition, pollSeconds: pollSeconds, concurrency: trialConcurrency)
        var command = [tool, "exec-stage", file, stage, "--jobs", "\(resources.cpus ?? 1)"] + (force ? ["--force"] : []) + trials.arguments
        let processes = pipeline.graph.nodes[stage].flatMap { node in pipeline.catalog.kind(node.spec.kind)?.processes(params: node.spec.params) } ?? 1
        if processes > 1 {
            // One job of N tasks; OpenMPI's mpirun inside it starts the ranks on the allocated slots (it reads
            // the Slurm allocation), with the same flags as the local launcher.
            let inner = command
            command = ["mpirun"] + MPIRunLauncher(command: { _ in inner }, logPath: { _ in "" }).arguments(job: stage, processes: processes, root: getuid() == 0)
        }
        return SlurmJobRequest(name: "\(pipeline.spec.name)-\(stage)", command: command, logPath: "\(logDirectory)/\(stage)-%j.log",
                               workingDirectory: workingDirectory, cpus: resources.cpus, memory: resources.memory, time: resources.time,
                               partition: resources.partition ?? partition, gpus: resources.gpus, tasks: processes > 1 ? processes : nil)
    }

    /// This executable's absolute path, so compute nodes run the same build as the driver.
    static func toolPath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
