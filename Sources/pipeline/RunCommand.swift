import ArgumentParser
import Foundation
import PipelineKit
import PipelineSpec

extension ExecutorSpec.Kind: ExpressibleByArgument {}

/// `pipeline run FILE`: runs what is stale, in parallel where the DAG allows.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the stale stages of a pipeline (exit 0, 1 if a stage failed, 2 for invalid input).")

    @Argument(help: "The pipeline file.") var file: String
    @Option(name: .shortAndLong, help: "Most stages running at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("stage"), help: "Run only this stage and its upstream (repeatable).") var stages: [String] = []
    @Flag(help: "Recompute the selected stages even when cached.") var force = false
    @Flag(name: .customLong("dry-run"), help: "Print what would run and why; run nothing.") var dryRun = false
    @Flag(name: .customLong("keep-going"), help: "After a failure, keep running stages that do not depend on it.") var keepGoing = false
    @Flag(help: "Emit machine-readable JSON events, one per line.") var json = false
    @Option(help: "Seconds to wait if another run holds the workspace lock.") var wait: Double = 0
    @Option(help: "Where stages run: local or slurm (default: the file's executor:, else local).")
    var executor: ExecutorSpec.Kind?

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let pipeline = try load(file)
        if dryRun {
            do {
                let selected = stages.isEmpty ? nil : pipeline.graph.withUpstream(stages)
                let lockfile = LockfileStore.read(pipeline.workspace.lockfilePath, pipeline: pipeline.spec.name)
                let statuses = try StatusReport.compute(pipeline, lockfile: lockfile, force: force, stages: selected)
                print(StatusText.render(statuses, verb: "would"), terminator: "")
            } catch { throw fail(error) }
            return
        }
        let printer = ProgressPrinter(style: json ? .json : .human)
        let summary: RunSummary
        do {
            summary = try RunSession.run(pipeline, options: RunOptions(jobs: jobs, force: force, targets: stages, keepGoing: keepGoing, lockWait: wait,
                                                                             executor: executor),
                                         events: printer)
        } catch { throw fail(error) }
        if !summary.succeeded { throw ExitCode(ErrorReport.runFailure) }
    }
}
