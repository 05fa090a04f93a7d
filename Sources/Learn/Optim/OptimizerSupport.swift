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

/// The gradient with PyTorch's coupled `weight_decay` (L2 added to the gradient): `g + λ·mask·θ`, read
/// element by element (so no scratch vector is needed). An empty mask means 1 everywhere.
struct CoupledGradient {
    let gradients: UnsafeBufferPointer<Float>
    let parameters: UnsafeMutableBufferPointer<Float>
    let mask: UnsafeBufferPointer<Float>
    let weightDecay: Float

    @inline(__always)
    subscript(i: Int) -> Float {
        if weightDecay == 0 { return gradients[i] }
        return gradients[i] + (mask.isEmpty ? weightDecay : weightDecay * mask[i]) * parameters[i]
    }
}
