import Learn
import PipelineSpec

/// One evaluation to run: a trial's assignment at a budget.
struct TrialJob: Sendable {
    let index: Int
    let assignment: SearchAssignment
    let budget: Int?
}

/// What one evaluation gave: its table row and, when it completed, its target's upstream outputs.
struct TrialResult: Sendable {
    var row: TrialRow
    let outputs: [String: [String: String]]
    /// The loss samplers minimise (the metric, negated when maximised); nil when the trial failed.
    let loss: Double?
}

/// Runs batches of trials through the session's `TrialRunner`, up to its parallelism at once; results come
/// back in job order whatever the thread timing, so a search is deterministic for a given batch size.
struct TrialBatch: Sendable {
    let runner: any TrialRunner
    let target: String
    let space: TrialSpace
    let metric: String
    let maximize: Bool
    /// The budget parameter as a stage and key path (e.g. train, [epochs]).
    let budgetPath: (stage: String, path: [String])?

    func overrides(_ job: TrialJob) -> [TrialOverride] {
        var list = space.overrides(job.assignment)
        if let budgetPath, let budget = job.budget {
            list.append(TrialOverride(stage: budgetPath.stage, path: budgetPath.path, value: .int(budget)))
        }
        return list
    }

    /// Runs `jobs`. An override that does not fit its stage is the search's error (thrown); a stage that
    /// fails while running fails only its trial.
    func run(_ jobs: [TrialJob]) throws -> [TrialResult] {
        for job in jobs { try runner.check(target: target, overrides: overrides(job)) }
        let outcomes = runner.run(target: target, batch: jobs.map(overrides))
        return try zip(jobs, outcomes).map { try result(of: $0, $1) }
    }

    private func result(of job: TrialJob, _ ended: Result<TrialOutcome, Error>) throws -> TrialResult {
        let outcome: TrialOutcome
        switch ended {
        case .success(let value):
            outcome = value
        case .failure(let error):
            let row = TrialRow(index: job.index, assignment: job.assignment, budget: job.budget, value: nil, status: "failed",
                               message: "\(error)", seconds: 0)
            return TrialResult(row: row, outputs: [:], loss: nil)
        }
        let recorded = outcome.metrics[target] ?? [:]
        guard let value = recorded[metric] else {
            throw StageError("objective: stage '\(target)' records no metric '\(metric)'; it records \(recorded.keys.sorted().joined(separator: ", "))"
                             + (Suggestion.hint(for: metric, among: recorded.keys).map { "; \($0)" } ?? ""))
        }
        let row = TrialRow(index: job.index, assignment: job.assignment, budget: job.budget, value: value,
                           status: value.isFinite ? "complete" : "failed", message: value.isFinite ? "" : "metric is not finite", seconds: outcome.seconds)
        return TrialResult(row: row, outputs: outcome.outputs, loss: value.isFinite ? (maximize ? -value : value) : nil)
    }
}
