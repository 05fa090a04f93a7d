import Foundation
import PipelinePlan
import PipelineSpec
import PipelineStore
import Stages

/// Runs a search's trials: variants of the pipeline's own stages, through the same cache as the run.
///
/// A trial is a target stage and its upstream, with some parameters replaced. Each override is checked
/// against the stage's declarations (types, ranges, union defaults) and the kind's own checks, exactly as
/// if it had been written in the file. Nothing is written to the lockfile; the cache's run records make a
/// trial that ran before free, and two trials needing the same stage variant at once compute it once.
final class TrialSession: TrialRunner, @unchecked Sendable {
    private let pipeline: LoadedPipeline
    /// How many trials a search may run at once (the run's `--jobs`).
    let parallelism: Int
    // Guards `inFlight`, shared by the threads of parallel trials; the reason for @unchecked Sendable.
    private let condition = NSCondition()
    private var inFlight = Set<String>()

    init(pipeline: LoadedPipeline, parallel: Int) {
        self.pipeline = pipeline
        self.parallelism = max(1, parallel)
    }

    func check(target: String, overrides: [TrialOverride]) throws {
        _ = try variants(target: target, overrides: overrides)
    }

    func run(target: String, overrides: [TrialOverride]) throws -> TrialOutcome {
        try run(nodes: try variants(target: target, overrides: overrides))
    }

    /// Runs the stages every trial of `batch` leaves unchanged (no override in their upstream), once, before
    /// the trials start elsewhere: trials in other processes then find them cached instead of each computing
    /// them.
    func runShared(target: String, batch: [[TrialOverride]]) throws {
        let graph = pipeline.graph
        let changed = Set(batch.joined().map(\.stage))
        let trial = graph.withUpstream([target])
        let shared = graph.order.filter { trial.contains($0) && graph.withUpstream([$0]).isDisjoint(with: changed) }
        guard !shared.isEmpty else { return }
        _ = try run(nodes: shared.map { graph.nodes[$0]! })
    }

    /// The outcome of a trial another process ran: every stage of it read from the run cache, nothing
    /// computed. Throws naming the first stage missing from the cache.
    func collect(target: String, overrides: [TrialOverride]) throws -> TrialOutcome {
        let execution = StageExecution(pipeline: pipeline, force: false)
        var records: [String: StageRecord] = [:]
        let nodes = try variants(target: target, overrides: overrides)
        for node in nodes {
            guard let record = try execution.cached(node, upstream: { records[$0] }, restore: false) else {
                throw StageError("stage '\(node.name)' of the trial is not in the cache \(pipeline.workspace.cache.root)")
            }
            records[node.name] = record
        }
        return outcome(records, order: nodes.map(\.name), computed: [])
    }

    private func run(nodes: [StageNode]) throws -> TrialOutcome {
        let execution = StageExecution(pipeline: pipeline, force: false)
        var records: [String: StageRecord] = [:]
        var computed: [String] = []
        for node in nodes {
            let fingerprint = try execution.prepare(node, upstream: { records[$0] }).0.fingerprint
            claim(fingerprint)
            defer { release(fingerprint) }
            let result: StageExecution.Result
            do {
                result = try execution.execute(node, upstream: { records[$0] }, trials: self, started: {}, report: { _ in })
            } catch {
                throw StageError("stage '\(node.name)' failed: \(error)")
            }
            if case .computed = result { computed.append(node.name) }
            records[node.name] = result.record
        }
        return outcome(records, order: nodes.map(\.name), computed: computed)
    }

    /// The outcome of `records`, whose seconds are summed in run `order` (so the sum is reproducible).
    private func outcome(_ records: [String: StageRecord], order: [String], computed: [String]) -> TrialOutcome {
        let cache = pipeline.workspace.cache
        return TrialOutcome(metrics: records.mapValues(\.metrics),
                            outputs: records.mapValues { $0.outputs.mapValues { cache.objectPath($0.hash) } },
                            computed: computed, seconds: order.reduce(0) { $0 + records[$1]!.seconds })
    }

    /// The trial's nodes in run order: `target`'s upstream closure with the overrides applied and checked.
    func variants(target: String, overrides: [TrialOverride]) throws -> [StageNode] {
        let graph = pipeline.graph
        guard graph.nodes[target] != nil else {
            throw StageError("no stage '\(target)' to run trials of" + (Suggestion.hint(for: target, among: graph.order).map { "; \($0)" } ?? ""))
        }
        let closure = graph.withUpstream([target])
        let byStage = Dictionary(grouping: overrides, by: \.stage)
        for stage in byStage.keys.sorted() where !closure.contains(stage) {
            let reason = graph.nodes[stage] == nil ? "there is no stage '\(stage)'" : "'\(stage)' is not upstream of '\(target)', so it cannot change it"
            throw StageError("cannot set '\(byStage[stage]![0].dottedPath)': \(reason)")
        }
        return try graph.order.filter(closure.contains).map { name in
            let node = graph.nodes[name]!
            guard let changes = byStage[name] else { return node }
            return node.with(params: try overriddenParams(node, changes))
        }
    }

    private func overriddenParams(_ node: StageNode, _ changes: [TrialOverride]) throws -> [String: ParamValue] {
        var params = node.spec.params
        // A union's discriminator first: setting `optimizer.type` to another variant starts that mapping afresh
        // (the old variant's options may not exist in the new one); the trial's other values then fill it.
        let ordered = changes.filter { $0.path.last == "type" } + changes.filter { $0.path.last != "type" }
        for change in ordered {
            guard let key = change.path.first else { throw StageError("'\(change.stage)': an override needs a parameter name") }
            guard let decl = node.signature.params.first(where: { $0.name == key }) else {
                throw StageError("cannot set '\(change.dottedPath)': kind '\(node.spec.kind)' has no parameter '\(key)'"
                                 + (Suggestion.hint(for: key, among: node.signature.params.map(\.name)).map { "; \($0)" } ?? ""))
            }
            let current = params[key] ?? decl.defaultValue ?? .map([:])
            do {
                if change.path.last == "type", change.path.count >= 2,
                   current.value(at: Array(change.path.dropFirst()))?.sameValue(as: change.value) == false {
                    let container = Array(change.path.dropFirst().dropLast())
                    params[key] = try current.setting(container, to: .map(["type": change.value]), prefix: "\(node.name).\(key)")
                    continue
                }
                params[key] = change.path.count == 1 ? change.value
                    : try current.setting(Array(change.path.dropFirst()), to: change.value, prefix: "\(node.name).\(key)")
            } catch let error as OverrideError {
                throw StageError("cannot set '\(change.dottedPath)': \(error)")
            }
        }
        var problems: [String] = []
        for key in Set(changes.compactMap(\.path.first)).sorted() {
            let decl = node.signature.params.first { $0.name == key }!
            let location = node.spec.paramLocations[key] ?? node.spec.location
            let (value, diagnostics) = decl.type.conform(params[key]!, keyPath: "stages.\(node.name).\(key)", location: location)
            problems += diagnostics.map { "\($0.keyPath ?? key): \($0.message)" }
            params[key] = value
        }
        if problems.isEmpty {
            let context = KindCheckContext(params: params, inputs: node.inputs, baseDirectory: pipeline.spec.baseDirectory)
            problems += node.signature.check(context).map { problem in
                switch problem.subject {
                case .param(let key): return "stages.\(node.name).\(key): \(problem.message)"
                default: return "stages.\(node.name): \(problem.message)"
                }
            }
        }
        guard problems.isEmpty else {
            let values = changes.map { "\($0.dottedPath) = \($0.value)" }.joined(separator: ", ")
            throw StageError("trial values do not fit stage '\(node.name)' (\(values)): " + problems.joined(separator: "; "))
        }
        return params
    }

    private func claim(_ fingerprint: String) {
        condition.lock()
        while inFlight.contains(fingerprint) { condition.wait() }
        inFlight.insert(fingerprint)
        condition.unlock()
    }

    private func release(_ fingerprint: String) {
        condition.lock()
        inFlight.remove(fingerprint)
        condition.broadcast()
        condition.unlock()
    }
}
