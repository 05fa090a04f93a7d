// Which observations a model-based sampler learns from.

extension Array where Element == SearchObservation {
    /// The successful observations (finite loss) at the highest budget that has at least `minimum` of them
    /// (BOHB's rule: model the largest fidelity with enough data); a nil budget means "full" and ranks highest.
    /// When no budget level has `minimum` successes, all successful observations are used.
    func modelObservations(minimum: Int) -> [SearchObservation] {
        let ok = filter { $0.loss.map { $0.isFinite } ?? false }
        let budgets = Set(ok.map { $0.budget ?? Int.max })
        guard budgets.count > 1 else { return ok }
        for b in budgets.sorted(by: >) {
            let level = ok.filter { ($0.budget ?? Int.max) == b }
            if level.count >= minimum { return level }
        }
        return ok
    }
}
