import ArgumentParser
import Foundation
import PipelineKit

/// `pipeline exec-trial FILE BATCH` (hidden): runs one trial of a search's batch file through the cache. This is
/// what each task of a search's Slurm job array runs; the search reads the trial's results from the cache.
struct ExecTrialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec-trial", abstract: "Run one trial of a search's batch file (what a Slurm array task runs; exit 0, 1 if it failed).",
        shouldDisplay: false)

    @Argument(help: "The pipeline file.") var file: String
    @Argument(help: "The batch file the search wrote.") var batch: String
    @Option(help: "The trial to run (default: $SLURM_ARRAY_TASK_ID).") var index: Int?
    @Option(name: .shortAndLong, help: "Threads for the trial's stages.") var jobs: Int = 1

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard index != nil || ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) != nil else {
            throw ValidationError("give --index, or run as a task of a Slurm job array (SLURM_ARRAY_TASK_ID)")
        }
    }

    func run() throws {
        let pipeline = try load(file)
        let task = index ?? Int(ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"]!)!
        do {
            try TrialTask.run(pipeline, batchFile: batch, index: task, jobs: jobs)
        } catch {
            FileHandle.standardError.write(Data((TrialTask.failurePrefix + "\(error)\n").utf8))
            throw ExitCode(ErrorReport.runFailure)
        }
    }
}
