import Foundation
import PipelineSpec

/// One parameter of one stage set to a value for a trial: `stage`'s parameter at key path `path`
/// (e.g. stage `train`, path `["optimizer", "lr"]`).
public struct TrialOverride: Sendable, Hashable {
    /// The stage whose parameter is set.
    public let stage: String
    /// Parameter name, then keys into nested mappings.
    public let path: [String]
    /// The value.
    public let value: ParamValue

    /// Creates an override.
    public init(stage: String, path: [String], value: ParamValue) {
        self.stage = stage
        self.path = path
        self.value = value
    }

    /// `stage.param.key` as written in a search space.
    public var dottedPath: String { ([stage] + path).joined(separator: ".") }
}

/// What a trial produced.
public struct TrialOutcome: Sendable {
    /// Metrics of every stage the trial ran or found cached, by stage.
    public let metrics: [String: [String: Double]]
    /// Output files (in the cache, read-only) by stage and output name.
    public let outputs: [String: [String: String]]
    /// Stages computed by this trial (the rest were cache hits).
    public let computed: [String]
    /// Seconds the computed stages took when they ran (cache hits count their original time).
    public let seconds: Double

    /// Creates an outcome.
    public init(metrics: [String: [String: Double]], outputs: [String: [String: String]], computed: [String], seconds: Double) {
        self.metrics = metrics
        self.outputs = outputs
        self.computed = computed
        self.seconds = seconds
    }
}

/// Runs variants of the pipeline's own stages through the same cache as the run: a trial is `target` and
/// everything upstream of it, with some parameters replaced. Stages a trial leaves unchanged are cache
/// hits; a trial run before (same fingerprints) costs nothing, so a re-run or a resumed search repeats no
/// finished work. The session provides it; a stage kind sees only this protocol.
public protocol TrialRunner: Sendable {
    /// How many trials may run at once (the run's `--jobs`).
    var parallelism: Int { get }
    /// Runs `target` and its upstream stages with `overrides` applied; throws `StageError` when an
    /// override is invalid or a stage of the trial fails.
    func run(target: String, overrides: [TrialOverride]) throws -> TrialOutcome
    /// Checks overrides without running anything (key paths exist, values fit the declarations).
    func check(target: String, overrides: [TrialOverride]) throws
    /// Runs one trial of `target` per element of `batch`; the outcomes come back in the order of `batch`,
    /// whatever the timing. The default runs them `parallelism` at a time in this process; a session on a
    /// cluster submits the batch as one job array.
    func run(target: String, batch: [[TrialOverride]]) -> [Result<TrialOutcome, Error>]
}

extension TrialRunner {
    public func run(target: String, batch: [[TrialOverride]]) -> [Result<TrialOutcome, Error>] {
        let slots = ResultSlots(count: batch.count)
        let width = max(1, parallelism)
        for start in stride(from: 0, to: batch.count, by: width) {
            let end = min(batch.count, start + width)
            DispatchQueue.concurrentPerform(iterations: end - start) { offset in
                slots.set(start + offset, Result { try run(target: target, overrides: batch[start + offset]) })
            }
        }
        return slots.values.map { $0! }
    }
}

/// Per-trial result slots written from worker threads (each slot by one thread only).
private final class ResultSlots: @unchecked Sendable {
    // Guards `values`; the reason for @unchecked Sendable.
    private let lock = NSLock()
    private(set) var values: [Result<TrialOutcome, Error>?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<TrialOutcome, Error>) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }
}

/// Overrides a kind will try, checked when the pipeline is loaded so a search over a parameter that does not
/// exist is a validation error (exit 2, with the location of `param`), not a failure after the run starts.
public struct TrialProbe: Sendable {
    /// The stage whose upstream the trials run.
    public let target: String
    /// One set of overrides to check.
    public let overrides: [TrialOverride]
    /// The kind's parameter the overrides come from (for the error's location).
    public let param: String

    /// Creates a probe.
    public init(target: String, overrides: [TrialOverride], param: String) {
        self.target = target
        self.overrides = overrides
        self.param = param
    }
}
