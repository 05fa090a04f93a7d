import Foundation

/// Softmax cross-entropy over logits, fused (the gradient is taken with respect to the logits), with
/// optional label smoothing ε and class weights w, following PyTorch's `CrossEntropyLoss` (reduction "mean").
///
/// For sample i with log-probabilities `log p = z − logsumexp(z)` over K classes and smoothed target
/// `q = (1 − ε)·onehot(y) + ε/K`:
///
///     l_i = −Σ_c w_c·q_c·log p_c,          loss = Σ_i l_i / Σ_i w_{y_i}
///     ∂loss/∂z_c = ((Σ_k w_k·q_k)·p_c − w_c·q_c) / Σ_i w_{y_i}
///
/// (without weights, w = 1: `l_i = −Σ q_c log p_c`, the divisor is the batch size and the gradient
/// `(p − q)/N`). With `.values` targets each row is a target distribution t (soft labels, PyTorch's
/// "class probabilities"): `q = (1 − ε)·t + ε/K` and the divisor is the batch size even with weights, as
/// in PyTorch. When every weight in the batch is 0 the loss and gradient are 0.
public struct CrossEntropyLoss: Loss {
    /// "cross_entropy".
    public var name: String { "cross_entropy" }
    /// Label smoothing ε in [0, 1].
    public let labelSmoothing: Float
    /// Per-class weights (as many as output columns), or nil for 1.
    public let classWeights: [Float]?

    /// Creates the loss.
    public init(labelSmoothing: Float = 0, classWeights: [Float]? = nil) {
        precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "cross_entropy: label smoothing must be in [0, 1]")
        precondition(classWeights?.allSatisfy { $0 >= 0 && $0.isFinite } ?? true,
                     "cross_entropy: class weights must be ≥ 0")
        self.labelSmoothing = labelSmoothing
        self.classWeights = classWeights
    }

    /// The weighted mean loss and its gradient with respect to the logits.
    public func evaluate(output: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, width: Int,
                         gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        LossSupport.check(name, output: output, targets: targets, batch: batch, width: width, gradient: gradient)
        if let w = classWeights {
            precondition(w.count == width, "cross_entropy: \(w.count) class weights for \(width) classes")
        }
        let k = width
        let eps = Double(labelSmoothing)
        let uniform = eps / Double(k)
        let weights = classWeights ?? []
        return weights.withUnsafeBufferPointer { w -> Double in
            let weighted = !w.isEmpty
            var weightSum = 0.0
            if weighted { for c in 0..<k { weightSum += Double(w[c]) } }
            var total = 0.0, divisor = 0.0
            for i in 0..<batch {
                let row = i * k
                var m = -Double.infinity
                for c in 0..<k { m = max(m, Double(output[row + c])) }
                var sumExp = 0.0
                for c in 0..<k { sumExp += exp(Double(output[row + c]) - m) }
                let lse = m + log(sumExp)
                var loss = 0.0, aSum = 0.0
                switch targets {
                case .classes(let classes):
                    let y = LossSupport.classIndex(classes, i, classes: k, loss: name)
                    let wy = weighted ? Double(w[y]) : 1
                    divisor += wy
                    // a_c = w_c·q_c; Σ_c a_c = (1 − ε)·w_y + (ε/K)·Σ w
                    aSum = (1 - eps) * wy + uniform * (weighted ? weightSum : Double(k))
                    for c in 0..<k {
                        let logP = Double(output[row + c]) - lse
                        let a = (weighted ? Double(w[c]) : 1) * ((c == y ? 1 - eps : 0) + uniform)
                        loss -= a * logP
                        gradient[row + c] = Float(aSum * exp(logP) - a)
                    }
                case .values(let t):
                    divisor += 1
                    for c in 0..<k {
                        aSum += (weighted ? Double(w[c]) : 1) * ((1 - eps) * Double(t[row + c]) + uniform)
                    }
                    for c in 0..<k {
                        let logP = Double(output[row + c]) - lse
                        let a = (weighted ? Double(w[c]) : 1) * ((1 - eps) * Double(t[row + c]) + uniform)
                        loss -= a * logP
                        gradient[row + c] = Float(aSum * exp(logP) - a)
                    }
                }
                total += loss
            }
            guard divisor > 0 else {
                for j in 0..<gradient.count { gradient[j] = 0 }
                return 0
            }
            let scale = Float(1 / divisor)
            for j in 0..<gradient.count { gradient[j] *= scale }
            return total / divisor
        }
    }
}
