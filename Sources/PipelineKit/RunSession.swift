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

    /// Creates options.
    public init(jobs: Int, force: Bool = false, targets: [String] = [], keepGoing: Bool = false, lockWait: Double = 0) {
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
        events.emit(.planned(stages: jobs, jobs: options.jobs))
        let executor = executor ?? LocalExecutor(maxParallel: options.jobs, policy: options.keepGoing ? .keepGoing : .stopOnFirstFailure)
        let summary = executor.execute(JobGraph(jobs: jobs, dependencies: Dictionary(uniqueKeysWithValues: jobs.map { ($0, graph.nodes[$0]!.upstream) })),
                                       runner: session)
        let outcomes = session.finalOutcomes(summary)
        for job in jobs {
            if case .skipped(let cause) = outcomes[job] { events.emit(.skipped(stage: job, because: cause)) }
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
        do {
            try runStage(job)
        } catch {
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
