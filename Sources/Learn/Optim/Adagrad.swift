import Foundation

/// Adagrad in PyTorch's form (`torch.optim.Adagrad`):
///
///     g ← ∇θ + λ·mask·θ                    (coupled L2 `weightDecay`)
///     t ← t + 1;  clr = lr / (1 + (t − 1)·lrDecay)
///     s ← s + g²                            (s starts at `initialAccumulator`, default 0)
///     θ ← θ − clr·g / (√s + ε)              (ε = 1e-10)
///
/// Checkpoint vector: "sum".
public struct Adagrad: Optimizer, CoupledDecayUpdate {
    /// "adagrad".
    public var name: String { "adagrad" }
    /// ε added to √s.
    public let epsilon: Float
    /// Learning-rate decay per step (PyTorch's `lr_decay`).
    public let lrDecay: Float
    /// Initial value of the accumulator.
    public let initialAccumulator: Float
    /// Coupled L2 coefficient λ.
    public let weightDecay: Float

    private var steps = 0
    private var sum: [Float] = []

    /// Creates the optimizer.
    public init(epsilon: Float = 1e-10, lrDecay: Float = 0, initialAccumulator: Float = 0, weightDecay: Float = 0) {
        precondition(epsilon >= 0 && lrDecay >= 0 && initialAccumulator >= 0 && weightDecay >= 0,
                     "adagrad: hyperparameters must be ≥ 0")
        self.epsilon = epsilon
        self.lrDecay = lrDecay
        self.initialAccumulator = initialAccumulator
        self.weightDecay = weightDecay
    }

    /// Applies one update.
    public mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                              decayMask: UnsafeBufferPointer<Float>, learningRate: Float) {
        OptimizerSupport.check(parameters, gradients, decayMask, needsMask: weightDecay != 0, optimizer: name)
        OptimizerSupport.prepare(&sum, count: parameters.count, initial: initialAccumulator, name: "sum", optimizer: name)
        steps += 1
        dispatch(parameters: parameters, gradients: gradients, decayMask: decayMask, weightDecay: weightDecay,
                 learningRate: learningRate)
    }

    /// The update proper, specialised for how the gradient is read.
    mutating func update<G: GradientSource>(_ g: G, parameters: UnsafeMutableBufferPointer<Float>, learningRate: Float) {
        let n = parameters.count
        let clr = Float(Double(learningRate) / (1 + Double(steps - 1) * Double(lrDecay)))
        let eps = epsilon
        sum.withUnsafeMutableBufferPointer { s in
            for i in 0..<n {
                let gi = g[i]
                let si = s[i] + gi * gi
                s[i] = si
                parameters[i] -= clr * gi / (si.squareRoot() + eps)
            }
        }
    }

    /// Step count and "sum".
    public var checkpoint: OptimizerCheckpoint {
        get { OptimizerCheckpoint(steps: steps, vectors: sum.isEmpty ? [:] : ["sum": sum]) }
        set {
            steps = newValue.steps
            sum = newValue.vectors["sum"] ?? []
        }
    }
}
