// Budget rungs shared by successive halving, ASHA and Hyperband.

/// Checks a multi-fidelity configuration; returns a message naming the problem, or nil when it is valid.
public func multiFidelityProblem(minBudget: Int, maxBudget: Int, eta: Int) -> String? {
    if minBudget < 1 { return "min budget must be ≥ 1, got \(minBudget)" }
    if maxBudget < minBudget { return "max budget must be ≥ min budget (\(minBudget)), got \(maxBudget)" }
    if eta < 2 { return "eta must be ≥ 2, got \(eta)" }
    return nil
}

/// Rungs `r_k = minBudget · eta^k` for every k with `r_k < maxBudget`, then `maxBudget` itself as the top rung
/// (so the list is exactly `min·eta^k, k = 0…K` when `maxBudget / minBudget = eta^K`).
func budgetRungs(minBudget: Int, maxBudget: Int, eta: Int) -> [Int] {
    precondition(multiFidelityProblem(minBudget: minBudget, maxBudget: maxBudget, eta: eta) == nil,
                 multiFidelityProblem(minBudget: minBudget, maxBudget: maxBudget, eta: eta) ?? "")
    var rungs: [Int] = []
    var r = minBudget
    while r < maxBudget {
        rungs.append(r)
        let (next, overflow) = r.multipliedReportingOverflow(by: eta)
        if overflow { break }
        r = next
    }
    rungs.append(maxBudget)
    return rungs
}

/// Indices of the best `keep` entries of `losses` (nil / NaN never kept), best first; ties keep the earlier index.
func bestIndices(_ losses: [Double?], keep: Int) -> [Int] {
    let valid = losses.indices.filter { losses[$0].map { !$0.isNaN } ?? false }
    let ranked = valid.sorted { (losses[$0]!, $0) < (losses[$1]!, $1) }
    return Array(ranked.prefix(max(keep, 0)))
}
