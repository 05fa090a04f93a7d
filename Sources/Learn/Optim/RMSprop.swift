/// RMSprop in PyTorch's form (`torch.optim.RMSprop`):
///
///     g ← ∇θ + λ·mask·θ                    (coupled L2 `weightDecay`)
///     s ← α·s + (1 − α)·g²                  (α = 0.99)
///     centered:  a ← α·a + (1 − α)·g;  d = √(s − a²) + ε      otherwise  d = √s + ε    (ε = 1e-8)
///     momentum μ > 0:  b ← μ·b + g/d;  θ ← θ − lr·b           otherwise  θ ← θ − lr·g/d
///
/// All state starts at zero. Checkpoint vectors: "square_avg", "grad_avg" (centered), "momentum_buffer" (μ > 0).
public struct RMSprop: Optimizer, CoupledDecayUpdate {
    /// "rmsprop".
    public var name: String { "rmsprop" }
    /// Smoothing constant α.
    public let alpha: Float
    /// ε added to the denominator.
    public let epsilon: Float
    /// Momentum μ (0: none).
    public let momentum: Float
    /// Whether to normalise by the estimated variance instead of the uncentered second moment.
    public let centered: Bool
    /// Coupled L2 coefficient λ.
    public let weightDecay: Float

    private var steps = 0
    private var squareAverage: [Float] = []
    private var gradientAverage: [Float] = []
    private var buffer: [Float] = []

    /// Creates the optimizer.
    public init(alpha: Float = 0.99, epsilon: Float = 1e-8, momentum: Float = 0, centered: Bool = false,
                weightDecay: Float = 0) {
        precondition(alpha >= 0 && alpha <= 1, "rmsprop: alpha must be in [0, 1]")
        precondition(epsilon >= 0 && momentum >= 0 && weightDecay >= 0, "rmsprop: hyperparameters must be ≥ 0")
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.centered = centered
        self.weightDecay = weightDecay
    }

    /// Applies one update.
    public mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                              decayMask: UnsafeBufferPointer<Float>, learningRate: Float) {
        OptimizerSupport.check(parameters, gradients, decayMask, needsMask: weightDecay != 0, optimizer: name)
        let n = parameters.count
        OptimizerSupport.prepare(&squareAverage, count: n, name: "square_avg", optimizer: name)
        // Unused vectors stay empty; their pointers are then never read.
        if centered { OptimizerSupport.prepare(&gradientAverage, count: n, name: "grad_avg", optimizer: name) }
        if momentum > 0 { OptimizerSupport.prepare(&buffer, count: n, name: "momentum_buffer", optimizer: name) }
        steps += 1
        dispatch(parameters: parameters, gradients: gradients, decayMask: decayMask, weightDecay: weightDecay,
                 learningRate: learningRate)
    }

    /// The update proper, specialised for how the gradient is read.
    mutating func update<G: GradientSource>(_ g: G, parameters: UnsafeMutableBufferPointer<Float>, learningRate: Float) {
        let n = parameters.count
        let alpha = self.alpha, beta = 1 - self.alpha, eps = epsilon, mu = momentum, lr = learningRate
        let centered = self.centered, useMomentum = momentum > 0
        squareAverage.withUnsafeMutableBufferPointer { s in
            gradientAverage.withUnsafeMutableBufferPointer { a in
                buffer.withUnsafeMutableBufferPointer { b in
                    for i in 0..<n {
                        let gi = g[i]
                        let si = alpha * s[i] + beta * gi * gi
                        s[i] = si
                        let d: Float
                        if centered {
                            let ai = alpha * a[i] + beta * gi
                            a[i] = ai
                            d = (si - ai * ai).squareRoot() + eps
                        } else {
                            d = si.squareRoot() + eps
                        }
                        if useMomentum {
                            let bi = mu * b[i] + gi / d
                            b[i] = bi
                            parameters[i] -= lr * bi
                        } else {
                            parameters[i] -= lr * gi / d
                        }
                    }
                }
            }
        }
    }

    /// Step count and "square_avg", "grad_avg", "momentum_buffer" (those in use).
    public var checkpoint: OptimizerCheckpoint {
        get {
            var vectors: [String: [Float]] = [:]
            if !squareAverage.isEmpty { vectors["square_avg"] = squareAverage }
            if !gradientAverage.isEmpty { vectors["grad_avg"] = gradientAverage }
            if !buffer.isEmpty { vectors["momentum_buffer"] = buffer }
            return OptimizerCheckpoint(steps: steps, vectors: vectors)
        }
        set {
            steps = newValue.steps
            squareAverage = newValue.vectors["square_avg"] ?? []
            gradientAverage = newValue.vectors["grad_avg"] ?? []
            buffer = newValue.vectors["momentum_buffer"] ?? []
        }
    }
}
