import Foundation
import PipelinePlan
import PipelineRun
import PipelineSpec
import Stages

/// Where a Slurm job array's tasks come from and what they ask for: set by the Slurm executor for the
/// stage jobs it submits, so a search running in one of them sends its trials back to the cluster.
public struct SlurmTrialSettings: Sendable, Equatable {
    /// Partition for trials whose target stage names none.
    public var partition: String?
    /// Seconds between polls of the queue.
    public var pollSeconds: Double
    /// At most this many tasks of an array at once; nil: the whole batch.
    public var concurrency: Int?

    /// Creates settings.
    public init(partition: String? = nil, pollSeconds: Double = 2, concurrency: Int? = nil) {
        self.partition = partition
        self.pollSeconds = pollSeconds
        self.concurrency = concurrency
    }

    /// The `exec-stage` options that carry these settings to a stage job.
    var arguments: [String] {
        ["--trials-on-slurm", "--poll-seconds", "\(pollSeconds)"]
            + (partition.map { ["--partition", $0] } ?? []) + (concurrency.map { ["--trial-concurrency", "\($0)"] } ?? [])
    }
}

/// Runs a search's trials on Slurm: each batch of trials becomes one job array whose task `i` runs
/// `pipeline exec-trial FILE BATCH --index i` (one trial through the shared cache), after the stages all
/// trials share have run once here. When the array has ended, each trial's outcome is read back from the
/// cache, so the search sees exactly what a local run would have given it; a failed task fails its trial
/// with the error the task printed.
final class SlurmTrialSession: TrialRunner {
    private let local: TrialSession
    private let pipeline: LoadedPipeline
    private let settings: SlurmTrialSettings
    private let client: any SlurmClient
    private let events: RunEventSink
    private let stage: String

    init(pipeline: LoadedPipeline, stage: String, settings: SlurmTrialSettings, client: any SlurmClient = SlurmCommandLine(), events: RunEventSink) {
        self.local = TrialSession(pipeline: pipeline, parallel: 1)
        self.pipeline = pipeline
        self.settings = settings
        self.client = client
        self.events = events
        self.stage = stage
    }

    /// Trials one batch may hold at once: the array's concurrency.
    var parallelism: Int { settings.concurrency ?? Int.max }

    func check(target: String, overrides: [TrialOverride]) throws {
        try local.check(target: target, overrides: overrides)
    }

    func run(target: String, overrides: [TrialOverride]) throws -> TrialOutcome {
        try run(target: target, batch: [overrides])[0].get()
    }

    func run(target: String, batch: [[TrialOverride]]) -> [Result<TrialOutcome, Error>] {
        guard !batch.isEmpty else { return [] }
        let cache = pipeline.workspace.cache
        let directory = cache.root + "/slurm/trials"
        let batchPath = directory + "/\(UUID().uuidString).json"
        let ends: [SlurmTaskEnd]
        let logPattern = directory + "/trial-%A_%a.log"
        var arrayID = ""
        do {
            try local.runShared(target: target, batch: batch)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try TrialBatchFile(target: target, batch: batch).write(to: batchPath)
            defer { try? FileManager.default.removeItem(atPath: batchPath) }
            let request = self.request(target: target, batchPath: batchPath, logPattern: logPattern, count: batch.count)
            ends = try SlurmArrayRun(client: client, pollSeconds: settings.pollSeconds).run(request, count: batch.count) { id in
                arrayID = id
                self.events.emit(.note(stage: self.stage, message: "\(batch.count) trial(s) submitted as Slurm job array \(id)"))
            }
        } catch {
            return batch.map { _ in .failure(error) }
        }
        return zip(batch, ends.indices).map { overrides, task in
            switch ends[task] {
            case .succeeded:
                return Result { try local.collect(target: target, overrides: overrides) }
            case .failed(let state):
                let log = SlurmArrayRun.logPath(logPattern, id: arrayID, task: task)
                return .failure(StageError(Self.failureMessage(log: log) ?? "\(state); see \(log)"))
            }
        }
    }

    /// The array job: one task per trial, with the target stage's resources.
    private func request(target: String, batchPath: String, logPattern: String, count: Int) -> SlurmJobRequest {
        let resources = pipeline.graph.nodes[target]?.spec.resources ?? StageResources()
        let file = PathResolution.resolve(pipeline.spec.file, against: FileManager.default.currentDirectoryPath)
        let command = [SlurmStages.toolPath(), "exec-trial", file, batchPath, "--jobs", "\(resources.cpus ?? 1)"]
        let limit = settings.concurrency.map { "%\($0)" } ?? ""
        return SlurmJobRequest(name: "\(pipeline.spec.name)-\(stage)-trials", command: command, logPath: logPattern,
                               workingDirectory: FileManager.default.currentDirectoryPath, cpus: resources.cpus, memory: resources.memory,
                               time: resources.time, partition: resources.partition ?? settings.partition, gpus: resources.gpus,
                               array: "0-\(count - 1)\(limit)")
    }

    /// What a failed task printed as its failure (everything after the prefix `exec-trial` prints last),
    /// when its log has it.
    static func failureMessage(log path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let start = text.range(of: TrialTask.failurePrefix, options: .backwards) else { return nil }
        var message = text[start.upperBound...]
        if message.hasSuffix("\n") { message = message.dropLast() }
        return String(message)
    }
}

/// One trial of a batch file, run in this process: what each task of a search's job array does
/// (`pipeline exec-trial FILE BATCH --index N`).
public enum TrialTask {
    /// How the task's last line starts when the trial failed; the search quotes the rest as its error.
    public static let failurePrefix = "trial failed: "

    /// Runs trial `index` of the batch file through the cache with `jobs` threads for its stages.
    public static func run(_ pipeline: LoadedPipeline, batchFile: String, index: Int, jobs: Int) throws {
        let batch = try TrialBatchFile.read(batchFile)
        _ = try TrialSession(pipeline: pipeline, parallel: jobs).run(target: batch.target, overrides: try batch.overrides(index))
    }
}
