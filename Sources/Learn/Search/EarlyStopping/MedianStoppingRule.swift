// The median stopping rule (Golovin et al., "Google Vizier", KDD 2017, §3.2.2), for minimised losses.

/// Stops a trial at step `t` when its best loss so far is strictly worse (higher) than the median, over the
/// other trials that reached step `t`, of their running-average loss over steps `1…t`.
///
/// Never stops while `t ≤ warmupSteps` or while fewer than `minTrials` other trials reached step `t`.
/// The median of an even count is the mean of the two middle values. NaN losses are ignored in the trial's own best.
public struct MedianStoppingRule: Sendable, Equatable {
    /// Steps during which no trial is stopped.
    public var warmupSteps: Int
    /// Other trials (with ≥ t steps) needed before stopping is considered.
    public var minTrials: Int

    /// Creates the rule.
    public init(warmupSteps: Int = 0, minTrials: Int = 1) {
        self.warmupSteps = max(warmupSteps, 0)
        self.minTrials = max(minTrials, 1)
    }

    /// The median of the other trials' running averages at step `t` (1-based), or nil if fewer than `minTrials`
    /// reached it.
    public func medianRunningAverage(at t: Int, others: [[Double]]) -> Double? {
        let averages = others.filter { $0.count >= t }.map { c in c.prefix(t).reduce(0, +) / Double(t) }
        guard averages.count >= minTrials, !averages.isEmpty else { return nil }
        let s = averages.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m])
    }

    /// Whether the trial whose per-step losses so far are `curve` (step `t = curve.count`) should stop, given the
    /// per-step loss curves of the other trials.
    public func shouldStop(curve: [Double], others: [[Double]]) -> Bool {
        let t = curve.count
        guard t > warmupSteps, t >= 1, let median = medianRunningAverage(at: t, others: others) else { return false }
        guard let best = curve.filter({ !$0.isNaN }).min() else { return true }
        return best > median
    }
}
