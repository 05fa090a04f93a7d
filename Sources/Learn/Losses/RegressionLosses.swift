/// Mean squared error (PyTorch's `MSELoss`, reduction "mean"): `mean over batch × width of (o − t)²`,
/// gradient `2(o − t)/(N·W)`. Targets are `.values` (or `.classes` when the width is 1).
public struct MeanSquaredErrorLoss: Loss {
    /// "mse".
    public var name: String { "mse" }

    /// Creates the loss.
    public init() {}

    /// The mean loss and its gradient.
    public func evaluate(output: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, width: Int,
                         gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        LossSupport.check(name, output: output, targets: targets, batch: batch, width: width, gradient: gradient)
        LossSupport.requireValues(name, targets, width: width)
        let n = batch * width
        guard n > 0 else { return 0 }
        let scale = 1 / Double(n)
        var total = 0.0
        for j in 0..<n {
            let d = Double(output[j]) - LossSupport.elementTarget(targets, j)
            total += d * d
            gradient[j] = Float(2 * d * scale)
        }
        return total * scale
    }
}

/// Mean absolute error (PyTorch's `L1Loss`, reduction "mean"): `mean of |o − t|`, gradient
/// `sign(o − t)/(N·W)` with the subgradient 0 where o = t. Targets as `MeanSquaredErrorLoss`.
public struct MeanAbsoluteErrorLoss: Loss {
    /// "mae".
    public var name: String { "mae" }

    /// Creates the loss.
    public init() {}

    /// The mean loss and its (sub)gradient.
    public func evaluate(output: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, width: Int,
                         gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        LossSupport.check(name, output: output, targets: targets, batch: batch, width: width, gradient: gradient)
        LossSupport.requireValues(name, targets, width: width)
        let n = batch * width
        guard n > 0 else { return 0 }
        let scale = 1 / Double(n)
        var total = 0.0
        for j in 0..<n {
            let d = Double(output[j]) - LossSupport.elementTarget(targets, j)
            total += abs(d)
            gradient[j] = Float((d > 0 ? scale : (d < 0 ? -scale : 0)))
        }
        return total * scale
    }
}

/// Huber loss (PyTorch's `HuberLoss`, reduction "mean"), with d = o − t:
///
///     l = ½·d²              if |d| ≤ δ          ∂l/∂o = d
///     l = δ·(|d| − ½·δ)     otherwise           ∂l/∂o = δ·sign(d)
///
/// averaged over batch × width (δ = 1 by default). Targets as `MeanSquaredErrorLoss`.
public struct HuberLoss: Loss {
    /// "huber".
    public var name: String { "huber" }
    /// Threshold δ between the quadratic and linear parts.
    public let delta: Float

    /// Creates the loss (δ > 0).
    public init(delta: Float = 1) {
        precondition(delta > 0 && delta.isFinite, "huber: delta must be > 0")
        self.delta = delta
    }

    /// The mean loss and its gradient.
    public func evaluate(output: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, width: Int,
                         gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        LossSupport.check(name, output: output, targets: targets, batch: batch, width: width, gradient: gradient)
        LossSupport.requireValues(name, targets, width: width)
        let n = batch * width
        guard n > 0 else { return 0 }
        let scale = 1 / Double(n)
        let delta = Double(self.delta)
        var total = 0.0
        for j in 0..<n {
            let d = Double(output[j]) - LossSupport.elementTarget(targets, j)
            if abs(d) <= delta {
                total += 0.5 * d * d
                gradient[j] = Float(d * scale)
            } else {
                total += delta * (abs(d) - 0.5 * delta)
                gradient[j] = Float((d > 0 ? delta : -delta) * scale)
            }
        }
        return total * scale
    }
}
