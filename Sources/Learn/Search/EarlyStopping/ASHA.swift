// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020).

/// ASHA's promotion rule as a pure function of the results the caller has seen, in completion order.
///
/// A trial with a result at rung `k` (not the top) is promotable when it is among the best `⌊n_k / eta⌋` of the
/// `n_k` results at rung `k` (failed results count in `n_k` but are never promoted; ties go to the earlier
/// result) and has not been promoted yet — i.e. it has no result or running job at a higher rung.
/// `nextJob` is the paper's `get_job`: scan rungs from the top down and promote the best promotable trial,
/// otherwise start a new configuration at rung 0.
public struct ASHA: Sendable, Equatable {
    /// A finished evaluation of `trial` at rung index `rung`.
    public struct Result: Sendable, Equatable {
        /// Trial identifier.
        public var trial: Int
        /// Rung index (into `rungs`).
        public var rung: Int
        /// Loss at that rung; nil = failed.
        public var loss: Double?
        /// Creates a result.
        public init(trial: Int, rung: Int, loss: Double?) { self.trial = trial; self.rung = rung; self.loss = loss }
    }

    /// What a free worker should do next.
    public enum Job: Sendable, Equatable {
        /// Continue `trial` up to rung index `rung` (budget `rungs[rung]`).
        case promote(trial: Int, rung: Int)
        /// Start a new configuration at rung 0.
        case newTrial
    }

    /// Smallest budget.
    public let minBudget: Int
    /// Largest budget.
    public let maxBudget: Int
    /// Reduction factor.
    public let eta: Int
    /// Rung budgets, ascending (as `SuccessiveHalving.rungs`).
    public let rungs: [Int]

    /// Creates the rule; the arguments must satisfy `multiFidelityProblem(...) == nil`.
    public init(minBudget: Int, maxBudget: Int, eta: Int = 3) {
        self.minBudget = minBudget
        self.maxBudget = maxBudget
        self.eta = eta
        self.rungs = budgetRungs(minBudget: minBudget, maxBudget: maxBudget, eta: eta)
    }

    /// Trials promotable out of `rung` right now, best first. `running` are jobs in flight as `(trial, rung)`.
    public func promotable(rung: Int, results: [Result], running: [(trial: Int, rung: Int)] = []) -> [Int] {
        guard rung >= 0, rung < rungs.count - 1 else { return [] }
        let here = results.filter { $0.rung == rung }
        let top = bestIndices(here.map(\.loss), keep: here.count / eta).map { here[$0].trial }
        var promoted = Set(results.filter { $0.rung > rung }.map(\.trial))
        for job in running where job.rung > rung { promoted.insert(job.trial) }
        var seen = Set<Int>()
        return top.filter { !promoted.contains($0) && seen.insert($0).inserted }
    }

    /// Whether `trial` can be promoted out of `rung` now.
    public func isPromotable(trial: Int, rung: Int, results: [Result], running: [(trial: Int, rung: Int)] = []) -> Bool {
        promotable(rung: rung, results: results, running: running).contains(trial)
    }

    /// The next job for a free worker: the best promotable trial of the highest rung that has one, else a new trial.
    public func nextJob(results: [Result], running: [(trial: Int, rung: Int)] = []) -> Job {
        for k in stride(from: rungs.count - 2, through: 0, by: -1) {
            if let t = promotable(rung: k, results: results, running: running).first { return .promote(trial: t, rung: k + 1) }
        }
        return .newTrial
    }
}
