// Synchronous successive halving (Jamieson & Talwalkar 2016; the inner loop of Hyperband).

/// Synchronous successive halving: all configurations of a rung finish, then the best `⌊n / eta⌋` advance.
public struct SuccessiveHalving: Sendable, Equatable {
    /// Smallest budget (rung 0).
    public let minBudget: Int
    /// Largest budget (top rung).
    public let maxBudget: Int
    /// Reduction factor (≥ 2).
    public let eta: Int
    /// Budgets of the rungs, ascending (see `budgetRungs`: `min·eta^k` below `maxBudget`, then `maxBudget`).
    public let rungs: [Int]

    /// Creates the schedule; the arguments must satisfy `multiFidelityProblem(...) == nil`.
    public init(minBudget: Int, maxBudget: Int, eta: Int = 3) {
        self.minBudget = minBudget
        self.maxBudget = maxBudget
        self.eta = eta
        self.rungs = budgetRungs(minBudget: minBudget, maxBudget: maxBudget, eta: eta)
    }

    /// How many of `n` configurations finishing a non-top rung advance: `⌊n / eta⌋`.
    public func advancing(from n: Int) -> Int { n / eta }

    /// Given the losses of the `n` configurations that ran at `rung` (nil = failed), the indices of those that
    /// advance to `rung + 1`, best first: the `⌊n / eta⌋` lowest losses (failed ones never advance; ties keep the
    /// lower index). Nothing advances from the top rung.
    public func advance(losses: [Double?], rung: Int) -> [Int] {
        precondition(rung >= 0 && rung < rungs.count, "rung \(rung) outside 0..<\(rungs.count)")
        guard rung < rungs.count - 1 else { return [] }
        return bestIndices(losses, keep: advancing(from: losses.count))
    }
}
