/// Helpers shared by the optimizers.
enum OptimizerSupport {
    /// Makes `vector` a zero-filled (or `initial`-filled) state vector of `count` elements on first use.
    /// A later change of the parameter count is a programming error.
    @inline(__always)
    static func prepare(_ vector: inout [Float], count: Int, initial: Float = 0, name: String, optimizer: String) {
        if vector.count == count { return }
        precondition(vector.isEmpty,
                     "\(optimizer): state '\(name)' has \(vector.count) elements but the parameter vector has \(count)")
        vector = [Float](repeating: initial, count: count)
    }

    /// Checks the buffers of one step: gradients as long as parameters; the decay mask as long as the
    /// parameters, or empty (decay applies to every element) — only consulted when `needsMask`.
    @inline(__always)
    static func check(_ parameters: UnsafeMutableBufferPointer<Float>, _ gradients: UnsafeBufferPointer<Float>,
                      _ decayMask: UnsafeBufferPointer<Float>, needsMask: Bool, optimizer: String) {
        precondition(gradients.count == parameters.count,
                     "\(optimizer): \(gradients.count) gradients for \(parameters.count) parameters")
        if needsMask {
            precondition(decayMask.isEmpty || decayMask.count == parameters.count,
                         "\(optimizer): decay mask has \(decayMask.count) elements for \(parameters.count) parameters")
        }
    }

    /// Decoupled weight decay (AdamW): `θ -= lr·λ·mask·θ`. An empty mask means 1 everywhere.
    @inline(__always)
    static func decoupledDecay(_ parameters: UnsafeMutableBufferPointer<Float>, _ decayMask: UnsafeBufferPointer<Float>,
                               factor: Float) {
        if factor == 0 { return }
        let n = parameters.count
        if decayMask.isEmpty {
            for i in 0..<n { parameters[i] -= factor * parameters[i] }
        } else {
            for i in 0..<n { parameters[i] -= (factor * decayMask[i]) * parameters[i] }
        }
    }
}

/// The gradient an optimizer reads, element by element (so no scratch vector is needed). The three
/// conformances let each optimizer's loop be specialised for "no decay", "decay everywhere" and "masked
/// decay", with no per-element branch.
protocol GradientSource {
    /// The gradient of element `i`.
    subscript(i: Int) -> Float { get }
}

/// The raw gradient.
struct RawGradient: GradientSource {
    let gradients: UnsafeBufferPointer<Float>

    @inline(__always)
    subscript(i: Int) -> Float { gradients[i] }
}

/// PyTorch's coupled `weight_decay` on every element: `g + λ·θ`.
struct UniformDecayGradient: GradientSource {
    let gradients: UnsafeBufferPointer<Float>
    let parameters: UnsafeMutableBufferPointer<Float>
    let weightDecay: Float

    @inline(__always)
    subscript(i: Int) -> Float { gradients[i] + weightDecay * parameters[i] }
}

/// PyTorch's coupled `weight_decay` where the mask allows it: `g + λ·mask·θ`.
struct MaskedDecayGradient: GradientSource {
    let gradients: UnsafeBufferPointer<Float>
    let parameters: UnsafeMutableBufferPointer<Float>
    let mask: UnsafeBufferPointer<Float>
    let weightDecay: Float

    @inline(__always)
    subscript(i: Int) -> Float { gradients[i] + (weightDecay * mask[i]) * parameters[i] }
}

/// An optimizer whose update reads the gradient with PyTorch's coupled `weight_decay`; `dispatch` picks the
/// specialised gradient source once per step.
protocol CoupledDecayUpdate {
    /// The update proper, generic over how the gradient is read.
    /// The update proper, specialised for how the gradient is read.
    mutating func update<G: GradientSource>(_ g: G, parameters: UnsafeMutableBufferPointer<Float>, learningRate: Float)
}

extension CoupledDecayUpdate {
    /// Calls `update` with `g`, `g + λ·θ` or `g + λ·mask·θ` (an empty mask means 1 everywhere).
    @inline(__always)
    mutating func dispatch(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                           decayMask: UnsafeBufferPointer<Float>, weightDecay: Float, learningRate: Float) {
        if weightDecay == 0 {
            update(RawGradient(gradients: gradients), parameters: parameters, learningRate: learningRate)
        } else if decayMask.isEmpty {
            update(UniformDecayGradient(gradients: gradients, parameters: parameters, weightDecay: weightDecay),
                   parameters: parameters, learningRate: learningRate)
        } else {
            update(MaskedDecayGradient(gradients: gradients, parameters: parameters, mask: decayMask,
                                       weightDecay: weightDecay),
                   parameters: parameters, learningRate: learningRate)
        }
    }
}
