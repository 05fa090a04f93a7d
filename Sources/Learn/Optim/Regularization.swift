/// An L1/L2 penalty on parameters (elastic net when both are non-zero), added to the loss by the trainer.
///
/// Convention: the penalty value is `l1·Σ|θ| + ½·l2·Σθ²` (note the ½), so its gradient is
/// `l1·sign(θ) + l2·θ` (sign(0) = 0), which `apply` adds to the gradients. With the ½, `l2` is the
/// same coefficient as a coupled `weightDecay` of the optimizers. Per-layer penalties are applied by the
/// caller through masks or index ranges of the flat parameter vector.
public struct Penalty: Sendable, Equatable {
    /// L1 coefficient.
    public var l1: Float
    /// L2 coefficient (of ½·Σθ²).
    public var l2: Float

    /// Creates a penalty (coefficients ≥ 0).
    public init(l1: Float = 0, l2: Float = 0) {
        precondition(l1 >= 0 && l2 >= 0 && l1.isFinite && l2.isFinite, "penalty: l1 and l2 must be ≥ 0")
        self.l1 = l1
        self.l2 = l2
    }

    /// Whether both coefficients are 0.
    public var isZero: Bool { l1 == 0 && l2 == 0 }

    /// Adds `mask·(l1·sign(θ) + l2·θ)` to `gradients` and returns `Σ mask·(l1·|θ| + ½·l2·θ²)`. The mask holds 1
    /// where the penalty applies and 0 elsewhere (other values scale the penalty); all three buffers have
    /// the same length.
    @discardableResult
    public func apply(parameters: UnsafeBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>,
                      mask: UnsafeBufferPointer<Float>) -> Double {
        precondition(gradients.count == parameters.count && mask.count == parameters.count,
                     "penalty: parameters, gradients and mask must have the same length")
        if isZero { return 0 }
        let l1 = self.l1, l2 = self.l2
        var absSum = 0.0, squareSum = 0.0
        for i in 0..<parameters.count {
            let m = mask[i]
            if m == 0 { continue }
            let t = parameters[i]
            let sign: Float = t > 0 ? 1 : (t < 0 ? -1 : 0)
            gradients[i] += m * (l1 * sign + l2 * t)
            absSum += Double(m * abs(t))
            squareSum += Double(m * t * t)
        }
        return Double(l1) * absSum + 0.5 * Double(l2) * squareSum
    }

    /// Adds `l1·sign(θ) + l2·θ` to `gradients[range]` and returns `l1·Σ|θ| + ½·l2·Σθ²` over `range`.
    @discardableResult
    public func apply(parameters: UnsafeBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>,
                      range: Range<Int>) -> Double {
        precondition(gradients.count == parameters.count, "penalty: parameters and gradients must have the same length")
        precondition(range.lowerBound >= 0 && range.upperBound <= parameters.count,
                     "penalty: range \(range) outside 0..<\(parameters.count)")
        if isZero { return 0 }
        let l1 = self.l1, l2 = self.l2
        var absSum = 0.0, squareSum = 0.0
        for i in range {
            let t = parameters[i]
            let sign: Float = t > 0 ? 1 : (t < 0 ? -1 : 0)
            gradients[i] += l1 * sign + l2 * t
            absSum += Double(abs(t))
            squareSum += Double(t * t)
        }
        return Double(l1) * absSum + 0.5 * Double(l2) * squareSum
    }

    /// The penalty value over `range` without touching any gradient.
    public func value(parameters: UnsafeBufferPointer<Float>, range: Range<Int>) -> Double {
        precondition(range.lowerBound >= 0 && range.upperBound <= parameters.count,
                     "penalty: range \(range) outside 0..<\(parameters.count)")
        var absSum = 0.0, squareSum = 0.0
        for i in range {
            let t = Double(parameters[i])
            absSum += abs(t)
            squareSum += t * t
        }
        return Double(l1) * absSum + 0.5 * Double(l2) * squareSum
    }
}

/// Gradient clipping, applied after back-propagation and before the optimizer step.
public enum GradientClipping {
    /// The Euclidean norm of `gradients` (accumulated in Double).
    public static func norm(_ gradients: UnsafeBufferPointer<Float>) -> Double {
        var sum = 0.0
        for i in 0..<gradients.count {
            let g = Double(gradients[i])
            sum += g * g
        }
        return sum.squareRoot()
    }

    /// Clips by global norm: when ‖g‖ > `maxNorm`, scales every gradient by `maxNorm/‖g‖`. Returns ‖g‖ before
    /// clipping. A non-finite norm leaves the gradients unchanged (the caller sees it in the result).
    @discardableResult
    public static func clipByGlobalNorm(_ gradients: UnsafeMutableBufferPointer<Float>, maxNorm: Float) -> Double {
        clipByGlobalNorm([gradients], maxNorm: maxNorm)
    }

    /// Clips several buffers by their joint norm `√(Σ_b ‖g_b‖²)`, as `clipByGlobalNorm(_:maxNorm:)`.
    @discardableResult
    public static func clipByGlobalNorm(_ buffers: [UnsafeMutableBufferPointer<Float>], maxNorm: Float) -> Double {
        precondition(maxNorm > 0, "gradient clipping: max norm must be > 0")
        var sum = 0.0
        for b in buffers {
            let n = norm(UnsafeBufferPointer(b))
            sum += n * n
        }
        let total = sum.squareRoot()
        guard total.isFinite, total > Double(maxNorm) else { return total }
        let scale = Float(Double(maxNorm) / total)
        for b in buffers {
            for i in 0..<b.count { b[i] *= scale }
        }
        return total
    }

    /// Clips every gradient to `[−limit, limit]`. Returns how many values were clipped.
    @discardableResult
    public static func clipByValue(_ gradients: UnsafeMutableBufferPointer<Float>, limit: Float) -> Int {
        precondition(limit > 0, "gradient clipping: limit must be > 0")
        var clipped = 0
        for i in 0..<gradients.count {
            let g = gradients[i]
            if g > limit {
                gradients[i] = limit
                clipped += 1
            } else if g < -limit {
                gradients[i] = -limit
                clipped += 1
            }
        }
        return clipped
    }
}

/// The max-norm constraint, applied to weights after each optimizer step: the incoming weight vector of
/// each unit is rescaled to norm `maxNorm` when it is longer (shorter vectors are left alone).
///
/// - Dense weight `[in, out]` (row-major): each column (the `in` weights into one output unit).
/// - Conv2d weight `[out, in, kh, kw]`: each filter (the `in·kh·kw` contiguous weights of one output channel).
public struct MaxNormConstraint: Sendable, Equatable {
    /// Largest allowed norm c.
    public var maxNorm: Float

    /// Creates the constraint (c > 0).
    public init(maxNorm: Float) {
        precondition(maxNorm > 0 && maxNorm.isFinite, "max norm: limit must be > 0")
        self.maxNorm = maxNorm
    }

    /// Constrains the columns of a dense weight `[inputs, outputs]`. Returns how many were rescaled.
    @discardableResult
    public func applyDense(_ weights: UnsafeMutableBufferPointer<Float>, inputs: Int, outputs: Int) -> Int {
        precondition(inputs >= 0 && outputs >= 0 && weights.count == inputs * outputs,
                     "max norm: \(weights.count) weights for [\(inputs), \(outputs)]")
        var squares = [Double](repeating: 0, count: outputs)
        var scales = [Float](repeating: 1, count: outputs)
        var rescaled = 0
        squares.withUnsafeMutableBufferPointer { s in
            scales.withUnsafeMutableBufferPointer { f in
                for r in 0..<inputs {
                    let row = r * outputs
                    for j in 0..<outputs {
                        let w = Double(weights[row + j])
                        s[j] += w * w
                    }
                }
                let c = Double(maxNorm)
                for j in 0..<outputs {
                    let n = s[j].squareRoot()
                    if n > c {
                        f[j] = Float(c / n)
                        rescaled += 1
                    }
                }
                guard rescaled > 0 else { return }
                for r in 0..<inputs {
                    let row = r * outputs
                    for j in 0..<outputs { weights[row + j] *= f[j] }
                }
            }
        }
        return rescaled
    }

    /// Constrains the filters of a conv2d weight `[outChannels, in, kh, kw]`. Returns how many were rescaled.
    @discardableResult
    public func applyConv(_ weights: UnsafeMutableBufferPointer<Float>, outChannels: Int) -> Int {
        precondition(outChannels > 0 && weights.count % outChannels == 0,
                     "max norm: \(weights.count) weights do not split into \(outChannels) filters")
        let size = weights.count / outChannels
        let c = Double(maxNorm)
        var rescaled = 0
        for o in 0..<outChannels {
            let start = o * size
            var sum = 0.0
            for k in start..<(start + size) {
                let w = Double(weights[k])
                sum += w * w
            }
            let n = sum.squareRoot()
            guard n > c else { continue }
            let scale = Float(c / n)
            for k in start..<(start + size) { weights[k] *= scale }
            rescaled += 1
        }
        return rescaled
    }
}
