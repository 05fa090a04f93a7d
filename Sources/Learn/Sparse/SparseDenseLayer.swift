// A dense layer whose inference forward pass runs on the CSR form of its (pruned) weights.

/// A fully connected layer (`kind` "dense", same parameters and configuration as `DenseLayer`) that, once
/// `compile()`d, computes inference forward passes with `SparseProduct` over Wᵀ in CSR, skipping the
/// pruned (zero) weights. Training-mode passes and backward use the dense engine (and drop the compiled
/// form, since training changes the weights).
public final class SparseDenseLayer: Layer {
    private let dense: DenseLayer
    private var weight = unboundBuffer, bias = unboundBuffer
    private var scratch: [Float] = []
    /// The compiled Wᵀ, or nil until `compile()`.
    public private(set) var matrix: CSRMatrix?

    /// Creates a layer with `units` outputs. Precondition: `units ≥ 1`.
    public init(units: Int) { dense = DenseLayer(units: units) }

    /// "dense": files and snapshots do not distinguish the two engines.
    public var kind: String { dense.kind }
    /// `["units": units]`.
    public var configuration: [String: LayerValue] { dense.configuration }
    /// As `DenseLayer`.
    public func build(inputShape: [Int]) throws -> [Int] { try dense.build(inputShape: inputShape) }
    /// `weight [in, units]`, `bias [units]`.
    public var parameters: [ParameterSpec] { dense.parameters }
    /// None.
    public var state: [ParameterSpec] { [] }

    /// Binds like `DenseLayer` and keeps the weight and bias slices for `compile()`.
    public func bind(parameters: [UnsafeMutableBufferPointer<Float>], gradients: [UnsafeMutableBufferPointer<Float>],
                     state: [UnsafeMutableBufferPointer<Float>]) {
        dense.bind(parameters: parameters, gradients: gradients, state: state)
        weight = parameters[0]
        bias = parameters[1]
    }

    /// As `DenseLayer`.
    public func initialize(_ initializer: Initializer, generator: inout SeededGenerator) {
        dense.initialize(initializer, generator: &generator)
        matrix = nil
    }

    /// Builds the CSR form of the current weights (their nonzeros); call after the weights are final.
    public func compile() {
        matrix = CSRMatrix(transposing: UnsafeBufferPointer(weight), inputs: dense.inputCount, outputs: dense.units)
    }

    /// Inference with a compiled matrix: the sparse product. Otherwise the dense forward pass.
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        if mode == .inference, let matrix {
            SparseProduct.multiply(matrix, bias: UnsafeBufferPointer(bias), x: x, batch: batch, into: y, scratch: &scratch)
            return
        }
        if mode == .training { matrix = nil }
        dense.forward(x, batch: batch, into: y, mode: mode, generator: &generator)
    }

    /// As `DenseLayer` (dense gradients).
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        dense.backward(dy, batch: batch, gradInput: dx)
    }

    /// The dense count, `2·in·units + units`; the effective count is `2·nonzeros + units`.
    public var flopsPerSample: Int { dense.flopsPerSample }
}
