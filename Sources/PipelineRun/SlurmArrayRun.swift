import Foundation

/// How one task of a job array ended.
public enum SlurmTaskEnd: Sendable, Equatable {
    /// The task's command exited 0.
    case succeeded
    /// It failed, was cancelled or timed out; the message gives Slurm's state and the tail of its log.
    case failed(String)
}

/// Runs one Slurm job array to its end: submits it, polls the queue until every task has ended, and reports
/// each task's end. While it waits, SIGINT and SIGTERM (what `scancel` of the job running this process sends)
/// cancel the array first, so stopping a search leaves none of its trials queued.
public struct SlurmArrayRun: Sendable {
    /// The Slurm commands.
    public let client: any SlurmClient
    /// Seconds between polls.
    public let pollSeconds: Double
    /// Polls a task may be missing from the queue before it counts as lost (it aged out unseen).
    public static let lostAfterPolls = 30

    /// Creates a runner.
    public init(client: any SlurmClient, pollSeconds: Double) {
        self.client = client
        self.pollSeconds = pollSeconds
    }

    /// Submits `request` (whose `array` covers the indices `0..<count`) and waits for all its tasks.
    /// `submitted` receives the array's id as soon as it is known. Throws only when the submission fails or
    /// the queue cannot be read five times running; a failing task is an entry of the result.
    public func run(_ request: SlurmJobRequest, count: Int, submitted: (String) -> Void = { _ in }) throws -> [SlurmTaskEnd] {
        let id = try client.submit(request.sbatchArguments(dependencies: []))
        submitted(id)
        let handlers = [SIGINT, SIGTERM].map { installCancel(id, on: $0) }
        defer {
            for (signalNumber, source) in zip([SIGINT, SIGTERM], handlers) {
                source.cancel()
                signal(signalNumber, SIG_DFL)
            }
        }
        var ends: [Int: SlurmTaskEnd] = [:]
        var missing: [Int: Int] = [:]
        var queueFailures = 0
        while ends.count < count {
            Thread.sleep(forTimeInterval: pollSeconds)
            let states: [Int: SlurmJobState]
            do {
                states = try client.arrayStates(of: id)
                queueFailures = 0
            } catch {
                queueFailures += 1
                if queueFailures >= 5 {
                    client.cancel([id])
                    throw SlurmError("lost track of job array \(id): \(error)")
                }
                continue
            }
            for task in 0..<count where ends[task] == nil {
                guard let state = states[task] else {
                    missing[task, default: 0] += 1
                    if missing[task]! >= Self.lostAfterPolls {
                        ends[task] = .failed("Slurm task \(id)_\(task) is no longer known to squeue")
                    }
                    continue
                }
                if state.succeeded {
                    ends[task] = .succeeded
                } else if state.failed {
                    let reason = state.reason.map { ", \($0)" } ?? ""
                    ends[task] = .failed("Slurm task \(id)_\(task) ended \(state.state)\(reason)")
                }
            }
        }
        return (0..<count).map { ends[$0]! }
    }

    /// The log of task `task` of array `id`, given the request's `logPath` with `%A` and `%a` in it.
    public static func logPath(_ pattern: String, id: String, task: Int) -> String {
        pattern.replacingOccurrences(of: "%A", with: id).replacingOccurrences(of: "%a", with: "\(task)")
    }

    /// On `signalNumber`: cancel the array, then exit as the signal would have (128 + its number).
    private func installCancel(_ id: String, on signalNumber: Int32) -> DispatchSourceSignal {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        let client = client
        source.setEventHandler {
            client.cancel([id])
            exit(128 + signalNumber)
        }
        source.resume()
        return source
    }
}
