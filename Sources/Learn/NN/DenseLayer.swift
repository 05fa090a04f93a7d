// Fully connected layer: y = x·W + b over the whole batch with one cblas_sgemm.

/// A fully connected layer: `y = x·W + b`.
///
/// Input of any per-sample rank is treated as flattened to `in = ∏ shape` features. Parameters:
/// `weight [in, units]` (role `.weight`) and `bias [units]` (role `.bias`). Forward is one `cblas_sgemm`
/// (after broadcasting the bias into `y`, with β = 1); backward is two (`dW = xᵀ·dy`, `dx = dy·Wᵀ`) plus a
/// column sum for `db`. No allocation after `build`.
public final class DenseLayer: Layer {
    /// Number of output features.
    public let units: Int
    /// Number of input features (valid after `build`).
    public private(set) var inputCount = 0

    private var weight = unboundBuffer, bias = unboundBuffer
    private var weightGrad = unboundBuffer, biasGrad = unboundBuffer
    private var lastInput: UnsafePointer<Float>?

    /// Creates a dense layer with `units` outputs. Precondition: `units ≥ 1`.
    public init(units: Int) {
        precondition(units >= 1, "dense: units must be ≥ 1, got \(units)")
        self.units = units
    }

    /// "dense".
    public var kind: String { "dense" }
    /// `["units": units]`.
    public var configuration: [String: LayerValue] { ["units": .int(units)] }

    /// Accepts any non-empty shape of positive extents; returns `[units]`.
    public func build(inputShape: [Int]) throws -> [Int] {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError("dense expects a non-empty input shape of positive extents, found \(shapeText(inputShape))")
        }
        inputCount = inputShape.reduce(1, *)
        return [units]
    }

    /// `weight [in, units]`, `bias [units]`.
    public var parameters: [ParameterSpec] {
        [ParameterSpec("weight", shape: [inputCount, units], role: .weight),
         ParameterSpec("bias", shape: [units], role: .bias)]
    }
    /// None.
    public var state: [ParameterSpec] { [] }

    /// Keeps the weight and bias slices.
    public func bind(parameters: [UnsafeMutableBufferPointer<Float>], gradients: [UnsafeMutableBufferPointer<Float>],
                     state: [UnsafeMutableBufferPointer<Float>]) {
        precondition(parameters.count == 2 && gradients.count == 2, "dense binds two parameter tensors")
        precondition(parameters[0].count == inputCount * units && parameters[1].count == units, "dense: slice sizes")
        weight = parameters[0]; bias = parameters[1]
        weightGrad = gradients[0]; biasGrad = gradients[1]
    }

    /// Weight from `initializer` (fans in, units); bias 0.
    public func initialize(_ initializer: Initializer, generator: inout SeededGenerator) {
        initializer.fill(weight, shape: [inputCount, units], generator: &generator)
        bias.update(repeating: 0)
    }

    /// `y = x·W + b`.
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        precondition(x.count >= batch * inputCount && y.count >= batch * units, "dense: buffer too small for batch \(batch)")
        guard batch > 0 else { return }
        let yp = y.baseAddress!, bp = bias.baseAddress!
        for r in 0..<batch { (yp + r * units).update(from: bp, count: units) }
        gemm(transposeA: false, transposeB: false, m: batch, n: units, k: inputCount,
             alpha: 1, a: x.baseAddress, lda: inputCount, b: UnsafePointer(weight.baseAddress), ldb: units,
             beta: 1, c: yp, ldc: units)
        lastInput = x.baseAddress
    }

    /// `dW = xᵀ·dy`, `db = Σ_rows dy`, `dx = dy·Wᵀ`.
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        precondition(dy.count >= batch * units, "dense: dy too small for batch \(batch)")
        guard batch > 0, let dyp = dy.baseAddress else {
            weightGrad.update(repeating: 0); biasGrad.update(repeating: 0)
            return
        }
        gemm(transposeA: true, transposeB: false, m: inputCount, n: units, k: batch,
             alpha: 1, a: lastInput, lda: inputCount, b: dyp, ldb: units,
             beta: 0, c: weightGrad.baseAddress, ldc: units)
        let db = biasGrad.baseAddress!
        db.update(repeating: 0, count: units)
        for r in 0..<batch {
            let row = dyp + r * units
            for j in 0..<units { db[j] += row[j] }
        }
        if let dx {
            precondition(dx.count >= batch * inputCount, "dense: dx too small for batch \(batch)")
            gemm(transposeA: false, transposeB: true, m: batch, n: inputCount, k: units,
                 alpha: 1, a: dyp, lda: units, b: UnsafePointer(weight.baseAddress), ldb: units,
                 beta: 0, c: dx.baseAddress, ldc: inputCount)
        }
    }

    /// `2·in·units + units` (multiply-adds plus the bias).
    public var flopsPerSample: Int { 2 * inputCount * units + units }
}
