import CKernels
import Foundation

/// Adam in PyTorch's form (`torch.optim.Adam`, amsgrad off), with optional coupled L2:
///
///     g ← ∇θ + λ·mask·θ                    (coupled `weightDecay`, PyTorch's `weight_decay`)
///     t ← t + 1
///     m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
///     θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// Defaults β1 = 0.9, β2 = 0.999, ε = 1e-8. Checkpoint vectors: "exp_avg" (m), "exp_avg_sq" (v).
public struct Adam: Optimizer, CoupledDecayUpdate {
    /// "adam".
    public var name: String { "adam" }
    /// Decay of the first moment.
    public let beta1: Float
    /// Decay of the second moment.
    public let beta2: Float
    /// ε added to the denominator.
    public let epsilon: Float
    /// Coupled L2 coefficient λ (added to the gradient; use `AdamW` for decoupled decay).
    public let weightDecay: Float

    private var moments = AdamMoments()

    /// Creates the optimizer.
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        AdamMoments.validate(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, optimizer: "adam")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// Applies one update.
    public mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                              decayMask: UnsafeBufferPointer<Float>, learningRate: Float) {
        OptimizerSupport.check(parameters, gradients, decayMask, needsMask: weightDecay != 0, optimizer: name)
        dispatch(parameters: parameters, gradients: gradients, decayMask: decayMask, weightDecay: weightDecay,
                 learningRate: learningRate)
    }

    /// The update proper, specialised for how the gradient is read.
    mutating func update<G: GradientSource>(_ g: G, parameters: UnsafeMutableBufferPointer<Float>, learningRate: Float) {
        moments.adamStep(parameters: parameters, gradient: g, learningRate: learningRate,
                         beta1: beta1, beta2: beta2, epsilon: epsilon, optimizer: name)
    }

    /// Step count, "exp_avg" and "exp_avg_sq".
    public var checkpoint: OptimizerCheckpoint {
        get { moments.checkpoint }
        set { moments.checkpoint = newValue }
    }
}

/// AdamW in PyTorch's form (`torch.optim.AdamW`): decoupled weight decay applied to the parameters before
/// the Adam update, masked by the decay mask, then Adam on the raw gradient:
///
///     θ ← θ − lr·λ·mask·θ
///     (then the `Adam` update with λ = 0)
///
/// Defaults β1 = 0.9, β2 = 0.999, ε = 1e-8, λ = 0.01 (PyTorch's default). Checkpoint vectors as `Adam`.
public struct AdamW: Optimizer {
    /// "adamw".
    public var name: String { "adamw" }
    /// Decay of the first moment.
    public let beta1: Float
    /// Decay of the second moment.
    public let beta2: Float
    /// ε added to the denominator.
    public let epsilon: Float
    /// Decoupled weight decay λ.
    public let weightDecay: Float

    private var moments = AdamMoments()

    /// Creates the optimizer.
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        AdamMoments.validate(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, optimizer: "adamw")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// Applies one update.
    public mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                              decayMask: UnsafeBufferPointer<Float>, learningRate: Float) {
        OptimizerSupport.check(parameters, gradients, decayMask, needsMask: weightDecay != 0, optimizer: name)
        OptimizerSupport.decoupledDecay(parameters, decayMask, factor: learningRate * weightDecay)
        moments.adamStep(parameters: parameters, gradient: RawGradient(gradients: gradients), learningRate: learningRate,
                         beta1: beta1, beta2: beta2, epsilon: epsilon, optimizer: name)
    }

    /// Step count, "exp_avg" and "exp_avg_sq".
    public var checkpoint: OptimizerCheckpoint {
        get { moments.checkpoint }
        set { moments.checkpoint = newValue }
    }
}

/// NAdam in PyTorch's form (`torch.optim.NAdam`, momentum_decay ψ = 0.004, after Dozat 2016 with
/// PyTorch's momentum schedule), with optional coupled L2:
///
///     g ← ∇θ + λ·mask·θ
///     t ← t + 1
///     μ_t = β1·(1 − ½·0.96^(t·ψ));   μ_{t+1} = β1·(1 − ½·0.96^((t+1)·ψ));   Π_t = μ_1·…·μ_t
///     m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
///     d = √(v / (1 − β2ᵗ)) + ε
///     θ ← θ − lr·(1 − μ_t)/(1 − Π_t) · g/d − lr·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/d
///
/// Π_t is recomputed from the step count when a checkpoint is restored (in the same order, so bit-identically).
/// Defaults β1 = 0.9, β2 = 0.999, ε = 1e-8. Checkpoint vectors as `Adam`.
public struct NAdam: Optimizer, CoupledDecayUpdate {
    /// "nadam".
    public var name: String { "nadam" }
    /// Decay of the first moment.
    public let beta1: Float
    /// Decay of the second moment.
    public let beta2: Float
    /// ε added to the denominator.
    public let epsilon: Float
    /// Momentum decay ψ of the momentum schedule.
    public let momentumDecay: Float
    /// Coupled L2 coefficient λ.
    public let weightDecay: Float

    private var moments = AdamMoments()
    private var muProduct: Double = 1

    /// Creates the optimizer.
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, momentumDecay: Float = 0.004,
                weightDecay: Float = 0) {
        AdamMoments.validate(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, optimizer: "nadam")
        precondition(momentumDecay >= 0, "nadam: momentum decay must be ≥ 0")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.momentumDecay = momentumDecay
        self.weightDecay = weightDecay
    }

    /// μ_t of the momentum schedule.
    private func mu(_ t: Int) -> Double {
        Double(beta1) * (1 - 0.5 * pow(0.96, Double(t) * Double(momentumDecay)))
    }

    /// Applies one update.
    public mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                              decayMask: UnsafeBufferPointer<Float>, learningRate: Float) {
        OptimizerSupport.check(parameters, gradients, decayMask, needsMask: weightDecay != 0, optimizer: name)
        moments.prepare(count: parameters.count, optimizer: name)
        moments.steps += 1
        dispatch(parameters: parameters, gradients: gradients, decayMask: decayMask, weightDecay: weightDecay,
                 learningRate: learningRate)
    }

    /// The update proper, specialised for how the gradient is read.
    mutating func update<G: GradientSource>(_ g: G, parameters: UnsafeMutableBufferPointer<Float>, learningRate: Float) {
        let n = parameters.count
        let t = moments.steps
        let muT = mu(t), muNext = mu(t + 1)
        muProduct *= muT
        let lr = Double(learningRate)
        let gradientCoefficient = Float(lr * (1 - muT) / (1 - muProduct))
        let momentCoefficient = Float(lr * muNext / (1 - muProduct * muNext))
        let inverseCorrection2 = Float(1 / (1 - pow(Double(beta2), Double(t))))
        let b1 = beta1, c1 = 1 - beta1, b2 = beta2, c2 = 1 - beta2, eps = epsilon
        moments.m.withUnsafeMutableBufferPointer { m in
            moments.v.withUnsafeMutableBufferPointer { v in
                for i in 0..<n {
                    let gi = g[i]
                    let mi = b1 * m[i] + c1 * gi
                    let vi = b2 * v[i] + c2 * gi * gi
                    m[i] = mi
                    v[i] = vi
                    let d = (vi * inverseCorrection2).squareRoot() + eps
                    parameters[i] -= gradientCoefficient * gi / d
                    parameters[i] -= momentCoefficient * mi / d
                }
            }
        }
    }

    /// Step count, "exp_avg" and "exp_avg_sq".
    public var checkpoint: OptimizerCheckpoint {
        get { moments.checkpoint }
        set {
            moments.checkpoint = newValue
            muProduct = 1
            if newValue.steps > 0 { for t in 1...newValue.steps { muProduct *= mu(t) } }
        }
    }
}

/// First and second moments shared by Adam, AdamW and NAdam.
struct AdamMoments: Sendable {
    var steps = 0
    var m: [Float] = []
    var v: [Float] = []

    static func validate(beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, optimizer: String) {
        precondition(beta1 >= 0 && beta1 < 1, "\(optimizer): beta1 must be in [0, 1)")
        precondition(beta2 >= 0 && beta2 < 1, "\(optimizer): beta2 must be in [0, 1)")
        precondition(epsilon >= 0 && weightDecay >= 0 && weightDecay.isFinite,
                     "\(optimizer): epsilon and weight decay must be ≥ 0")
    }

    mutating func prepare(count: Int, optimizer: String) {
        OptimizerSupport.prepare(&m, count: count, name: "exp_avg", optimizer: optimizer)
        OptimizerSupport.prepare(&v, count: count, name: "exp_avg_sq", optimizer: optimizer)
    }

    /// The bias-corrected Adam update with gradient `gradient`.
    mutating func adamStep<G: GradientSource>(parameters: UnsafeMutableBufferPointer<Float>, gradient g: G,
                           learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, optimizer: String) {
        let n = parameters.count
        prepare(count: n, optimizer: optimizer)
        steps += 1
        let t = Double(steps)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let inverseSqrtCorrection2 = Float(1 / (1 - pow(Double(beta2), t)).squareRoot())
        let b1 = beta1, c1 = 1 - beta1, b2 = beta2, c2 = 1 - beta2, eps = epsilon
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                var i = 0
                if let raw = g as? RawGradient {
                    // The C kernel vectorises; it does exactly the scalar arithmetic below, so results are identical.
                    pipeline_adam_update(parameters.baseAddress!, m.baseAddress!, v.baseAddress!, raw.gradients.baseAddress!, n,
                                         b1, c1, b2, c2, stepSize, inverseSqrtCorrection2, eps)
                    i = n
                }
                while i < n {
                    let gi = g[i]
                    let mi = b1 * m[i] + c1 * gi
                    let vi = b2 * v[i] + c2 * gi * gi
                    m[i] = mi
                    v[i] = vi
                    parameters[i] -= stepSize * mi / (vi.squareRoot() * inverseSqrtCorrection2 + eps)
                    i += 1
                }
            }
        }
    }

    var checkpoint: OptimizerCheckpoint {
        get { OptimizerCheckpoint(steps: steps, vectors: m.isEmpty ? [:] : ["exp_avg": m, "exp_avg_sq": v]) }
        set {
            steps = newValue.steps
            m = newValue.vectors["exp_avg"] ?? []
            v = newValue.vectors["exp_avg_sq"] ?? []
        }
    }
}
