// Gradual pruning during training: Zhu & Gupta's (2017) cubic sparsity schedule.

/// Gradual magnitude pruning (Zhu & Gupta 2017, "To prune, or not to prune"): at steps
/// t = t0 + k·Δt, k = 0…n, the pruned tensors are brought to
///
///     s_k = s_f + (s_i − s_f)·(1 − k/n)³
///
/// where n·Δt ≥ t_end − t0 (n = ⌈(t_end − t0)/Δt⌉, at least 1), so pruning starts at s_i, moves fast early
/// and slowly near s_f, and reaches s_f at t0 + n·Δt. Steps count optimizer steps from 0; the trainer asks
/// at every step boundary (0 = before the first step, b = after b steps).
public struct GradualPruning: Sendable, Equatable {
    /// Sparsity at the first pruning step (the same for every tensor).
    public var initialSparsity: Double
    /// Target sparsity: one value (every tensor, or the overall target with global scope) or one per tensor.
    public var finalSparsity: [Double]
    /// Layer-wise or global thresholds.
    public var scope: PruningScope
    /// t0: the first pruning boundary.
    public var startStep: Int
    /// t_end: the boundary by which the final sparsity is reached (the last update is at t0 + n·Δt ≥ t_end).
    public var endStep: Int
    /// Δt: steps between pruning updates (≥ 1).
    public var frequency: Int

    /// Creates a schedule. Preconditions: 0 ≤ sparsities < 1, startStep ≤ endStep, frequency ≥ 1.
    public init(initialSparsity: Double, finalSparsity: [Double], scope: PruningScope, startStep: Int, endStep: Int, frequency: Int) {
        precondition(frequency >= 1 && startStep >= 0 && endStep >= startStep, "gradual pruning: steps")
        precondition(!finalSparsity.isEmpty && (finalSparsity + [initialSparsity]).allSatisfy { $0 >= 0 && $0 < 1 }, "gradual pruning: sparsities in [0, 1)")
        self.initialSparsity = initialSparsity
        self.finalSparsity = finalSparsity
        self.scope = scope
        self.startStep = startStep
        self.endStep = endStep
        self.frequency = frequency
    }

    /// n, the number of updates after the first.
    public var updates: Int { max(1, (endStep - startStep + frequency - 1) / frequency) }

    /// k when boundary `step` is a pruning update (t0 + k·Δt with 0 ≤ k ≤ n), else nil.
    public func update(atBoundary step: Int) -> Int? {
        guard step >= startStep, (step - startStep) % frequency == 0 else { return nil }
        let k = (step - startStep) / frequency
        return k <= updates ? k : nil
    }

    /// s_k for a tensor whose final sparsity is `final`.
    public func sparsity(update k: Int, final: Double) -> Double {
        let remaining = 1 - Double(k) / Double(updates)
        return final + (initialSparsity - final) * remaining * remaining * remaining
    }

    /// Targets at update k, one per tensor (`.layer`, `tensors` of them) or one (`.global`).
    public func targets(update k: Int, tensors: Int) -> [Double] {
        if scope == .global { return [sparsity(update: k, final: finalSparsity[0])] }
        return (0..<tensors).map { sparsity(update: k, final: finalSparsity.count == 1 ? finalSparsity[0] : finalSparsity[$0]) }
    }
}
