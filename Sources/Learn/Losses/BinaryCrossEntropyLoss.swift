import Foundation

/// Binary cross-entropy on logits (PyTorch's `BCEWithLogitsLoss`, reduction "mean"), one independent
/// sigmoid per output column (width ≥ 1: binary or multi-label), in the stable form
///
///     l = max(x, 0) − x·t + log(1 + e^(−|x|)),     ∂l/∂x = σ(x) − t
///
/// averaged over batch × width. Targets are `.values` in [0, 1] (soft targets allowed), or `.classes` 0/1
/// when the width is 1.
public struct BinaryCrossEntropyLoss: Loss {
    /// "binary_cross_entropy".
    public var name: String { "binary_cross_entropy" }

    /// Creates the loss.
    public init() {}

    /// The mean loss and its gradient with respect to the logits.
    public func evaluate(output: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, width: Int,
                         gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        LossSupport.check(name, output: output, targets: targets, batch: batch, width: width, gradient: gradient)
        LossSupport.requireValues(name, targets, width: width)
        let n = batch * width
        guard n > 0 else { return 0 }
        let scale = 1 / Double(n)
        var total = 0.0
        for j in 0..<n {
            let x = Double(output[j])
            let t = LossSupport.elementTarget(targets, j)
            precondition(t >= 0 && t <= 1, "\(name): target \(t) is outside [0, 1]")
            total += max(x, 0) - x * t + log1p(exp(-abs(x)))
            let sigmoid = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
            gradient[j] = Float((sigmoid - t) * scale)
        }
        return total * scale
    }
}
