import Foundation
import PipelinePlan
import PipelineRun
import PipelineSpec
import PipelineStore
import Stages

/// Options of `pipeline run`.
public struct RunOptions: Sendable {
    /// Most stages running at once.
    public var jobs: Int
    /// Recompute every selected stage even when cached.
    public var force: Bool
    /// Run only these stages and their upstream (all when empty).
    public var targets: [String]
    /// Keep running independent stages after a failure.
    public var keepGoing: Bool
    /// Seconds to wait for another run's workspace lock.
    public var lockWait: Double
    /// The executor chosen on the command line, overriding the file's `executor:` (nil: the file's, else local).
    public var executor: ExecutorSpec.Kind?

    /// Creates options.
    public init(jobs: Int, force: Bool = false, targets: [String] = [], keepGoing: Bool = false, lockWait: Double = 0,
                executor: ExecutorSpec.Kind? = nil) {
        self.executor = executor
        self.jobs = jobs
        self.force = force
        self.targets = targets
        self.keepGoing = keepGoing
        self.lockWait = lockWait
    }
}

/// How a stage ended in a run.
public enum StageOutcome: Sendable, Equatable {
    case ran
    case upToDate
    case restored
    case failed(String)
    case skipped(because: String)
    case notStarted
}

/// The result of `pipeline run`.
public struct RunSummary: Sendable {
    /// Each selected stage's outcome.
    public let outcomes: [String: StageOutcome]
    /// The lockfile as written.
    public let lockfile: Lockfile
    /// True when no stage failed or was skipped.
    public var succeeded: Bool {
        outcomes.values.allSatisfy { [.ran, .upToDate, .restored].contains($0) }
    }
}

/// A unknown `--stage` name.
public struct UnknownStageError: Error, CustomStringConvertible {
    public let description: String
}

/// Runs a loaded pipeline: takes the workspace lock, runs what is stale through an executor (skipping
/// or restoring what is cached), stores outputs in the cache, and writes the lockfile.
public final class RunSession: JobRunner, @unchecked Sendable {
    private let pipeline: LoadedPipeline
    private let options: RunOptions
    private let events: RunEventSink
    private let previous: Lockfile
    // Guards `results` and `outcomes`, written by worker threads; the reason for @unchecked Sendable.
    private let lock = NSLock()
    private var results: [String: StageRecord] = [:]
    private var outcomes: [String: StageOutcome] = [:]
    private var reported = Set<String>()

    private init(pipeline: LoadedPipeline, options: RunOptions, events: RunEventSink, previous: Lockfile) {
        self.pipeline = pipeline
        self.options = options
        self.events = events
        self.previous = previous
    }

    /// Runs `pipeline` with `options`, reporting to `events`.
    public static func run(_ pipeline: LoadedPipeline, options: RunOptions, events: RunEventSink,
                           executor: (any Executor)? = nil) throws -> RunSummary {
        let graph = pipeline.graph
        if let unknown = options.targets.first(where: { graph.nodes[$0] == nil }) {
            throw UnknownStageError(description: "--stage '\(unknown)' names no stage of \(pipeline.spec.file)"
                                    + (Suggestion.hint(for: unknown, among: graph.order).map { "; \($0)" } ?? ""))
        }
        let workspace = pipeline.workspace
        let held = try workspace.lock(wait: options.lockWait)
        defer { withExtendedLifetime(held) {} }
        workspace.cache.clearScratch()
        let previous = LockfileStore.read(workspace.lockfilePath, pipeline: pipeline.spec.name) {
            events.emit(.note(stage: "-", message: $0))
        }
        let session = RunSession(pipeline: pipeline, options: options, events: events, previous: previous)
        let selected = options.targets.isEmpty ? Set(graph.order) : graph.withUpstream(options.targets)
        let jobs = graph.order.filter(selected.contains)
        let start = Date()
        let executor = executor ?? session.defaultExecutor()
        // On a cluster every stale stage may run at once; the cluster, not --jobs, bounds it.
        events.emit(.planned(stages: jobs, jobs: executor is SlurmExecutor ? max(1, jobs.count) : options.jobs))
        let processes = Dictionary(uniqueKeysWithValues: jobs.map { job in
            let node = graph.nodes[job]!
            return (job, pipeline.catalog.kind(node.spec.kind)?.processes(params: node.spec.params) ?? 1)
        })
        let summary = executor.execute(JobGraph(jobs: jobs, dependencies: Dictionary(uniqueKeysWithValues: jobs.map { ($0, graph.nodes[$0]!.upstream) }),
                                                processes: processes),
                                       runner: session)
        let outcomes = session.finalOutcomes(summary)
        for job in jobs {
            if case .skipped(let cause) = outcomes[job] { events.emit(.skipped(stage: job, because: cause)) }
            // Failures seen only by the executor (a batch job that died) have not been reported yet.
            if case .failed(let message) = outcomes[job], !session.reportedFailure(job) { events.emit(.failed(stage: job, message: message)) }
        }

        // Keep records of stages that still exist; replace those that ran now.
        var lockfile = Lockfile(pipeline: pipeline.spec.name)
        for name in graph.order {
            if let fresh = session.results[name] { lockfile.stages[name] = fresh } else if let old = previous.stages[name] { lockfile.stages[name] = old }
        }
        if lockfile != previous || !FileManager.default.fileExists(atPath: workspace.lockfilePath) {
            try LockfileStore.write(lockfile, to: workspace.lockfilePath)
        }
        var counts: [String: Int] = [:]
        for outcome in outcomes.values {
            let key: String
            switch outcome {
            case .ran: key = "ran"
            case .upToDate: key = "up to date"
            case .restored: key = "restored"
            case .failed: key = "failed"
            case .skipped, .notStarted: key = "skipped"
            }
            counts[key, default: 0] += 1
        }
        let result = RunSummary(outcomes: outcomes, lockfile: lockfile)
        events.emit(.completed(succeeded: result.succeeded, seconds: Date().timeIntervalSince(start), counts: counts))
        return result
    }

    /// The executor the options and the file choose: local threads, or Slurm batch jobs.
    private func defaultExecutor() -> any Executor {
        let policy: FailurePolicy = options.keepGoing ? .keepGoing : .stopOnFirstFailure
        let setting = pipeline.spec.executor ?? ExecutorSpec()
        switch options.executor ?? setting.kind {
        case .local: return LocalExecutor(maxParallel: options.jobs, policy: policy,
                                          launcher: MPIStages(pipeline: pipeline, force: options.force, events: events).launcher())
        case .slurm: return SlurmStages(pipeline: pipeline, force: options.force, events: events).executor(setting: setting, policy: policy)
        }
    }

    private func reportedFailure(_ job: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return reported.contains(job)
    }

    private func finalOutcomes(_ summary: ExecutionSummary) -> [String: StageOutcome] {
        lock.lock()
        defer { lock.unlock() }
        var merged: [String: StageOutcome] = [:]
        for (job, outcome) in summary.outcomes {
            switch outcome {
            case .succeeded: merged[job] = outcomes[job] ?? .ran
            case .failed(let message): merged[job] = .failed(message)
            case .skipped(let cause): merged[job] = .skipped(because: cause)
            case .notStarted: merged[job] = .notStarted
            }
        }
        return merged
    }

    private func record(_ stage: String, _ record: StageRecord, _ outcome: StageOutcome) {
        lock.lock()
        results[stage] = record
        outcomes[stage] = outcome
        lock.unlock()
    }

    private func upstreamRecord(_ stage: String) -> StageRecord? {
        lock.lock()
        defer { lock.unlock() }
        return results[stage]
    }

    /// Runs one stage (called by the executor on a worker thread).
    public func run(job: String) throws {
        try reporting(job) { try runStage(job) }
    }

    /// Restores a stage whose result is cached; false when it must run (always with `--force`).
    public func settle(job: String) throws -> Bool {
        guard !options.force else { return false }
        return try reporting(job) {
            let node = pipeline.graph.nodes[job]!
            guard let record = try StageExecution(pipeline: pipeline, force: false).cached(node, upstream: upstreamRecord, restore: true) else { return false }
            let upToDate = previous.stages[job]?.fingerprint == record.fingerprint
            events.emit(upToDate ? .upToDate(stage: job) : .restored(stage: job))
            self.record(job, record, upToDate ? .upToDate : .restored)
            return true
        }
    }

    /// Takes up the run record a batch job wrote for this stage.
    public func collect(job: String) throws {
        try reporting(job) {
            let node = pipeline.graph.nodes[job]!
            guard let record = try StageExecution(pipeline: pipeline, force: false).cached(node, upstream: upstreamRecord, restore: false) else {
                throw StageError("the batch job for stage '\(job)' ended without a run record in the cache \(pipeline.workspace.cache.root) "
                                 + "(is the cache on a file system the compute nodes share?)")
            }
            events.emit(.finished(stage: job, seconds: record.seconds, metrics: record.metrics))
            self.record(job, record, .ran)
        }
    }

    /// Runs `body`, reporting a failure of `job` once before rethrowing it.
    private func reporting<T>(_ job: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            lock.lock()
            reported.insert(job)
            lock.unlock()
            events.emit(.failed(stage: job, message: "\(error)"))
            throw error
        }
    }

    private func runStage(_ name: String) throws {
        let node = pipeline.graph.nodes[name]!
        let execution = StageExecution(pipeline: pipeline, force: options.force)
        let result = try execution.execute(
            node, upstream: upstreamRecord, trials: TrialSession(pipeline: pipeline, parallel: options.jobs),
            started: { events.emit(.started(stage: name, kind: node.spec.kind)) },
            report: { [events] event in
                switch event {
                case let .progress(step, total, message): events.emit(.progress(stage: name, step: step, total: total, message: message))
                case let .note(message): events.emit(.note(stage: name, message: message))
                }
            })
        switch result {
        case .cached(let record):
            let upToDate = previous.stages[name]?.fingerprint == record.fingerprint
            events.emit(upToDate ? .upToDate(stage: name) : .restored(stage: name))
            self.record(name, record, upToDate ? .upToDate : .restored)
        case .computed(let record, let seconds):
            events.emit(.finished(stage: name, seconds: seconds, metrics: record.metrics))
            self.record(name, record, .ran)
        }
    }
}
