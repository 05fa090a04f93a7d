// Unstructured magnitude pruning over a network's flat parameter vector, with a keep-mask.

/// How magnitude pruning picks the weights to remove.
public enum PruningScope: String, Sendable, Equatable, CaseIterable {
    /// Each tensor reaches its own target sparsity (its own threshold).
    case layer
    /// One threshold over all pruned tensors together: the overall sparsity is the target, layers differ.
    case global
}

/// Unstructured magnitude pruning (Han et al. 2015): zero the smallest-|w| weights.
///
/// A mask is a `[Float]` as long as the parameter vector: 1 keeps the element, 0 prunes it (so it is
/// multiplied into parameters and gradients directly). Pruning is monotone: an element pruned before stays
/// pruned, and counts toward the target. Ties in |w| are broken by position (lower index pruned first), so
/// the result is deterministic.
public enum MagnitudePruning {
    /// Prunes each tensor (`ranges` into `parameters`) to `sparsity[i]` (fraction of its elements set to
    /// zero, rounded to the nearest count) with `.layer` scope, or all of them together to `sparsity[0]`
    /// with `.global` scope. Updates `mask` and zeroes the pruned parameters.
    public static func prune(_ parameters: UnsafeMutableBufferPointer<Float>, mask: inout [Float], tensors ranges: [Range<Int>],
                             sparsity: [Double], scope: PruningScope) {
        precondition(mask.count == parameters.count, "pruning: mask has \(mask.count) elements for \(parameters.count) parameters")
        switch scope {
        case .layer:
            precondition(sparsity.count == ranges.count, "pruning: \(sparsity.count) targets for \(ranges.count) tensors")
            for (range, target) in zip(ranges, sparsity) {
                pruneSmallest(parameters, mask: &mask, positions: Array(range), target: target)
            }
        case .global:
            precondition(sparsity.count == 1, "pruning: global scope takes one target")
            pruneSmallest(parameters, mask: &mask, positions: ranges.flatMap { Array($0) }, target: sparsity[0])
        }
        apply(mask, to: parameters)
    }

    /// Prunes every element of `ranges` whose |w| is below `threshold` (L1 training, then thresholding).
    public static func prune(_ parameters: UnsafeMutableBufferPointer<Float>, mask: inout [Float], tensors ranges: [Range<Int>],
                             threshold: Float) {
        for range in ranges { for i in range where abs(parameters[i]) < threshold { mask[i] = 0 } }
        apply(mask, to: parameters)
    }

    /// `values *= mask` element-wise.
    public static func apply(_ mask: [Float], to values: UnsafeMutableBufferPointer<Float>) {
        precondition(mask.count == values.count, "pruning: mask size")
        mask.withUnsafeBufferPointer { m in
            for i in 0..<values.count { values[i] *= m[i] }
        }
    }

    /// Fraction of zeros of the mask over `ranges`.
    public static func sparsity(of mask: [Float], tensors ranges: [Range<Int>]) -> Double {
        let total = ranges.reduce(0) { $0 + $1.count }
        guard total > 0 else { return 0 }
        return Double(ranges.reduce(0) { n, r in n + r.filter { mask[$0] == 0 }.count }) / Double(total)
    }

    private static func pruneSmallest(_ parameters: UnsafeMutableBufferPointer<Float>, mask: inout [Float], positions: [Int], target: Double) {
        let k = min(positions.count, Int((target * Double(positions.count)).rounded()))
        guard k > 0 else { return }
        // Already-pruned first, then by magnitude, then by position.
        let order = positions.sorted { a, b in
            let ka = mask[a] == 0, kb = mask[b] == 0
            if ka != kb { return ka }
            let ma = abs(parameters[a]), mb = abs(parameters[b])
            return ma != mb ? ma < mb : a < b
        }
        for i in order.prefix(k) { mask[i] = 0 }
    }
}
