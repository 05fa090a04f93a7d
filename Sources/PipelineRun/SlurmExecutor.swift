import Foundation

/// What the Slurm executor tells its observer (the driver's progress display).
public enum SlurmEvent: Sendable, Equatable {
    /// A job was submitted under this Slurm id, waiting for these upstream ids.
    case submitted(job: String, id: String, after: [String])
    /// A job started on a node.
    case started(job: String, id: String)
    /// Jobs were cancelled (after a failure or an interrupt).
    case cancelled(ids: [String])
}

/// Runs a job graph as Slurm batch jobs: each job whose result is not already known becomes one `sbatch`
/// job that waits (`--dependency=afterok`) for its upstream jobs, then one loop polls the queue.
///
/// Jobs whose dependencies are all settled in this process are first offered to `JobRunner.settle(job:)`
/// (a cache hit submits nothing, so a re-run of a finished pipeline submits no job). A finished job's
/// result is taken up with `JobRunner.collect(job:)` in graph order, upstream before downstream. On a
/// failure the executor follows its policy and cancels the jobs that can no longer run; on SIGINT
/// (when `cancelOnInterrupt`) it cancels every job it submitted and exits with status 130.
public struct SlurmExecutor: Executor, Sendable {
    /// The Slurm commands.
    public let client: any SlurmClient
    /// The request for each job (command, log, resources).
    public let request: @Sendable (String) -> SlurmJobRequest
    /// Seconds between polls.
    public let pollSeconds: Double
    /// What to do after a failure.
    public let policy: FailurePolicy
    /// Cancel submitted jobs and exit on Ctrl-C.
    public let cancelOnInterrupt: Bool
    /// Receives progress.
    public let observer: @Sendable (SlurmEvent) -> Void
    /// Lines of a failed job's log quoted in its failure message.
    public static let logTailLines = 20

    /// Creates an executor.
    public init(client: any SlurmClient, pollSeconds: Double, policy: FailurePolicy = .stopOnFirstFailure, cancelOnInterrupt: Bool = true,
                observer: @escaping @Sendable (SlurmEvent) -> Void = { _ in }, request: @escaping @Sendable (String) -> SlurmJobRequest) {
        self.client = client
        self.request = request
        self.pollSeconds = pollSeconds
        self.policy = policy
        self.cancelOnInterrupt = cancelOnInterrupt
        self.observer = observer
    }

    public func execute(_ graph: JobGraph, runner: some JobRunner) -> ExecutionSummary {
        var run = SlurmRun(graph: graph)
        let live = LiveJobs()
        let interrupt = cancelOnInterrupt ? installInterruptHandler(live) : nil
        defer {
            interrupt?.cancel()
            if interrupt != nil { signal(SIGINT, SIG_DFL) }
        }

        // Settle what is known, submit the rest; dependents of submitted jobs are submitted right away.
        for job in graph.jobs where run.outcomes[job] == nil && !run.stopped {
            let deps = graph.dependencies[job] ?? []
            if let blocker = deps.first(where: { run.outcomes[$0] != nil && run.outcomes[$0] != .succeeded }) {
                run.skip(job, because: run.cause(of: blocker))
                continue
            }
            let upstreamIDs = deps.compactMap { run.ids[$0] }
            if upstreamIDs.isEmpty {
                do {
                    if try runner.settle(job: job) { run.finish(job, .succeeded); continue }
                } catch {
                    fail(job, "\(error)", run: &run, live: live)
                    continue
                }
            }
            let request = request(job)
            do {
                let id = try client.submit(request.sbatchArguments(dependencies: upstreamIDs))
                run.ids[job] = id
                run.logs[job] = request.logPath.replacingOccurrences(of: "%j", with: id)
                live.add(id)
                observer(.submitted(job: job, id: id, after: upstreamIDs))
            } catch {
                fail(job, "\(error)", run: &run, live: live)
            }
        }

        // Poll until every submitted job is taken up, failed, skipped or cancelled.
        var started = Set<String>()
        var unknownPolls: [String: Int] = [:]
        while true {
            let waiting = graph.jobs.filter { run.ids[$0] != nil && run.outcomes[$0] == nil }
            if waiting.isEmpty { break }
            Thread.sleep(forTimeInterval: pollSeconds)
            let states: [String: SlurmJobState]
            do { states = try client.states(of: waiting.map { run.ids[$0]! }) } catch {
                // A flaky controller is retried a few times before giving up on the run.
                unknownPolls["", default: 0] += 1
                if unknownPolls[""]! >= 5 { for job in waiting { fail(job, "lost track of the job: \(error)", run: &run, live: live) } }
                continue
            }
            for job in waiting where run.outcomes[job] == nil {
                let id = run.ids[job]!
                guard let state = states[id] else {
                    // Just-submitted jobs can be missing for a moment; a job gone for good has aged out of the queue.
                    unknownPolls[job, default: 0] += 1
                    if unknownPolls[job]! >= 30 { fail(job, "Slurm job \(id) is no longer known to squeue or sacct", run: &run, live: live) }
                    continue
                }
                if state.running || state.succeeded || state.failed, started.insert(job).inserted { observer(.started(job: job, id: id)) }
                if state.succeeded {
                    // Upstream results are taken up first: afterok guarantees they ended first.
                    guard (graph.dependencies[job] ?? []).allSatisfy({ run.outcomes[$0] == .succeeded }) else { continue }
                    do {
                        try runner.collect(job: job)
                        run.finish(job, .succeeded)
                        live.remove(id)
                    } catch {
                        fail(job, "\(error)", run: &run, live: live)
                    }
                } else if state.failed {
                    let upstreamFailed = (graph.dependencies[job] ?? []).first { run.outcomes[$0] != nil && run.outcomes[$0] != .succeeded }
                    if let upstreamFailed {
                        run.skip(job, because: run.cause(of: upstreamFailed))
                        live.remove(id)
                    } else {
                        let reason = state.reason.map { ", \($0)" } ?? ""
                        fail(job, "Slurm job \(id) ended \(state.state)\(reason)" + logTail(run.logs[job]), run: &run, live: live)
                    }
                }
            }
        }
        for job in graph.jobs where run.outcomes[job] == nil { run.outcomes[job] = .notStarted }
        return ExecutionSummary(outcomes: run.outcomes, completionOrder: run.completionOrder)
    }

    /// Marks `job` failed, skips what depends on it and cancels the jobs the policy gives up.
    private func fail(_ job: String, _ message: String, run: inout SlurmRun, live: LiveJobs) {
        run.finish(job, .failed(message))
        if let id = run.ids[job] { live.remove(id) }
        let skipped = run.skipDependents(of: job)
        var doomed = skipped
        if policy == .stopOnFirstFailure {
            run.stopped = true
            let unfinished = run.graph.jobs.filter { run.ids[$0] != nil && run.outcomes[$0] == nil }
            for other in unfinished { run.outcomes[other] = .notStarted }
            doomed += unfinished
        }
        let ids = doomed.compactMap { run.ids[$0] }.filter { live.contains($0) }
        if !ids.isEmpty {
            client.cancel(ids)
            for id in ids { live.remove(id) }
            observer(.cancelled(ids: ids))
        }
    }

    /// The last lines of a job's log, as a suffix of its failure message.
    private func logTail(_ path: String?) -> String {
        guard let path, let data = FileManager.default.contents(atPath: path) else { return path.map { "; no log at \($0)" } ?? "" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let tail = lines.suffix(Self.logTailLines + 1).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return "; last lines of \(path):\n" + tail
    }

    /// On SIGINT: cancel every live job and exit 130, so a Ctrl-C leaves nothing queued.
    private func installInterruptHandler(_ live: LiveJobs) -> DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let client = client, observer = observer
        source.setEventHandler {
            let ids = live.all()
            client.cancel(ids)
            observer(.cancelled(ids: ids))
            exit(130)
        }
        source.resume()
        return source
    }
}

/// The bookkeeping of one Slurm execution.
private struct SlurmRun {
    let graph: JobGraph
    let dependents: [String: [String]]
    var outcomes: [String: JobOutcome] = [:]
    var completionOrder: [String] = []
    var ids: [String: String] = [:]
    var logs: [String: String] = [:]
    var stopped = false

    init(graph: JobGraph) {
        self.graph = graph
        dependents = graph.dependents
    }

    mutating func finish(_ job: String, _ outcome: JobOutcome) {
        outcomes[job] = outcome
        completionOrder.append(job)
    }

    mutating func skip(_ job: String, because cause: String) {
        outcomes[job] = .skipped(becauseOf: cause)
    }

    /// The failed job behind `job`'s outcome (itself when it failed).
    func cause(of job: String) -> String {
        if case .skipped(let cause) = outcomes[job] { return cause }
        return job
    }

    /// Marks every job downstream of `job` skipped; returns them.
    mutating func skipDependents(of job: String) -> [String] {
        var skipped: [String] = []
        var stack = dependents[job] ?? []
        while let next = stack.popLast() {
            guard outcomes[next] == nil else { continue }
            outcomes[next] = .skipped(becauseOf: job)
            skipped.append(next)
            stack += dependents[next] ?? []
        }
        return skipped
    }
}

/// Ids of submitted jobs not yet ended, shared with the interrupt handler.
private final class LiveJobs: @unchecked Sendable {
    // The lock guards `ids`; the signal handler reads them from another thread.
    private let lock = NSLock()
    private var ids: [String] = []

    func add(_ id: String) { lock.lock(); ids.append(id); lock.unlock() }
    func remove(_ id: String) { lock.lock(); ids.removeAll { $0 == id }; lock.unlock() }
    func contains(_ id: String) -> Bool { lock.lock(); defer { lock.unlock() }; return ids.contains(id) }
    func all() -> [String] { lock.lock(); defer { lock.unlock() }; return ids }
}
