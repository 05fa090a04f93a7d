import ArgumentParser
import Foundation
import Learn
import MPICollective
import PipelineKit

/// `pipeline exec-stage FILE STAGE` (hidden): runs exactly one stage whose upstream results are in the cache.
/// This is what each Slurm batch job runs; the driver (`pipeline run --executor slurm`) holds the workspace
/// lock and writes the lockfile.
struct ExecStageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec-stage", abstract: "Run one stage whose upstream is cached (what a Slurm job runs; exit 0, 1 if it failed).",
        shouldDisplay: false)

    @Argument(help: "The pipeline file.") var file: String
    @Argument(help: "The stage to run.") var stage: String
    @Option(name: .shortAndLong, help: "Parallel trials inside the stage.") var jobs: Int = 1
    @Flag(help: "Recompute even when cached.") var force = false
    @Flag(help: "Run the stage's trials (a search's) as Slurm job arrays.") var trialsOnSlurm = false
    @Option(help: "With --trials-on-slurm: seconds between polls of the queue.") var pollSeconds: Double = 2
    @Option(help: "With --trials-on-slurm: partition for trials whose stages name none.") var partition: String?
    @Option(help: "With --trials-on-slurm: at most this many trials of an array at once.") var trialConcurrency: Int?

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let pipeline = try load(file)
        // Started by mpirun/srun: this process is one rank of a data-parallel stage. Only rank 0 reports
        // progress and stores the result; a rank that fails ends the whole job (the others would wait forever).
        let mpi = MPICommunicator.launchedByMPI ? try MPICommunicator.initialize() : nil
        let collective: any Collective = mpi ?? SingleProcess()
        let events: RunEventSink = collective.isLeader ? ProgressPrinter(style: .human) : SilentEvents()
        do {
            let slurmTrials = trialsOnSlurm
                ? SlurmTrialSettings(partition: partition, pollSeconds: pollSeconds, concurrency: trialConcurrency) : nil
            _ = try SingleStageRun.run(pipeline, stage: stage, force: force, jobs: jobs, slurmTrials: slurmTrials, collective: collective,
                                       events: events)
            mpi?.finalize()
        } catch let error as UnknownStageError {
            if let mpi, mpi.size > 1 { FileHandle.standardError.write(Data("\(error)\n".utf8)); mpi.abort(code: ErrorReport.invalidInput) }
            throw fail(error)
        } catch {
            if let mpi, mpi.size > 1 {
                if !collective.isLeader { FileHandle.standardError.write(Data("rank \(mpi.rank): \(error)\n".utf8)) }
                mpi.abort(code: ErrorReport.runFailure)
            }
            // The failure was printed as a stage event already.
            throw ExitCode(ErrorReport.runFailure)
        }
    }
}

/// Discards events (the non-leader ranks of an MPI stage: rank 0 reports for all).
private struct SilentEvents: RunEventSink {
    func emit(_ event: RunEvent) {}
}
