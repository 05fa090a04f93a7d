/// Stochastic gradient descent with optional momentum and Nesterov momentum, in PyTorch's form
/// (`torch.optim.SGD`, dampening 0):
///
///     g ← ∇θ + λ·mask·θ                    (coupled L2 `weightDecay`)
///     v ← μ·v + g                           (momentum buffer, zero before the first step)
///     θ ← θ − lr·v                          (classic momentum)
///     θ ← θ − lr·(g + μ·v)                  (Nesterov, with the updated v)
///
/// Without momentum: `θ ← θ − lr·g`. Checkpoint vector: "momentum_buffer" (only with momentum).
public struct SGD: Optimizer, CoupledDecayUpdate {
    /// "sgd".
    public var name: String { "sgd" }
    /// Momentum factor μ (0 disables the buffer).
    public let momentum: Float
    /// Whether to use Nesterov momentum (requires μ > 0).
    public let nesterov: Bool
    /// Coupled L2 coefficient λ added to the gradient where the decay mask is 1.
    public let weightDecay: Float

    private var steps = 0
    private var velocity: [Float] = []

    /// Creates the optimizer; μ ≥ 0, λ ≥ 0, Nesterov only with μ > 0.
    public init(momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(momentum >= 0 && momentum.isFinite, "sgd: momentum must be ≥ 0")
        precondition(!nesterov || momentum > 0, "sgd: Nesterov momentum requires momentum > 0")
        precondition(weightDecay >= 0 && weightDecay.isFinite, "sgd: weight decay must be ≥ 0")
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// Applies one update.
    public mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                              decayMask: UnsafeBufferPointer<Float>, learningRate: Float) {
        OptimizerSupport.check(parameters, gradients, decayMask, needsMask: weightDecay != 0, optimizer: name)
        steps += 1
        dispatch(parameters: parameters, gradients: gradients, decayMask: decayMask, weightDecay: weightDecay,
                 learningRate: learningRate)
    }

    /// The update proper, specialised for how the gradient is read.
    mutating func update<G: GradientSource>(_ g: G, parameters: UnsafeMutableBufferPointer<Float>, learningRate lr: Float) {
        let n = parameters.count
        guard momentum != 0 else {
            for i in 0..<n { parameters[i] -= lr * g[i] }
            return
        }
        OptimizerSupport.prepare(&velocity, count: n, name: "momentum_buffer", optimizer: name)
        let mu = momentum
        let nesterov = self.nesterov
        velocity.withUnsafeMutableBufferPointer { v in
            if nesterov {
                for i in 0..<n {
                    let gi = g[i]
                    let vi = mu * v[i] + gi
                    v[i] = vi
                    parameters[i] -= lr * (gi + mu * vi)
                }
            } else {
                for i in 0..<n {
                    let vi = mu * v[i] + g[i]
                    v[i] = vi
                    parameters[i] -= lr * vi
                }
            }
        }
    }

    /// Step count and "momentum_buffer".
    public var checkpoint: OptimizerCheckpoint {
        get { OptimizerCheckpoint(steps: steps, vectors: velocity.isEmpty ? [:] : ["momentum_buffer": velocity]) }
        set {
            steps = newValue.steps
            velocity = newValue.vectors["momentum_buffer"] ?? []
        }
    }
}
