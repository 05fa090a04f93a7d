// A dense layer with int8 weights: int8 × int8 → int32 GEMM on quantized activations, or weight-only
// dequantization into sgemm.

import CKernels

/// How a quantized dense layer computes `x·W + b`.
public enum QuantizedKernel: String, Sendable, CaseIterable {
    /// Activations quantized to int8 (affine), int8 × int8 → int32 GEMM (`Int8Product`), then
    /// rescaled with zero-point corrections.
    case int8
    /// Weights dequantized once to float; float activations; one `cblas_sgemm` (weight-only quantization).
    case dequantize
}

/// Where the activation range comes from.
public enum ActivationQuantization: String, Sendable, CaseIterable {
    /// Per batch at run time: the batch's min and max (dynamic quantization).
    case dynamic
    /// Fixed scale and zero point measured on calibration data (static quantization).
    case `static`
}

/// `y = x·W + b` with `W` stored as int8 (`[in, units]`, per-tensor or per-output-unit scales).
///
/// With `kernel: .int8`, inputs are quantized affinely, `q_x = clamp(round(x/s_x) + z_x, −128, 127)`, and
///
///     y_ij = s_x·s_j·(Σ_k q_x,ik·q_w,kj − z_j·Σ_k q_x,ik − z_x·Σ_k q_w,kj + K·z_x·z_j) + b_j
///
/// where the sum Σ_k q_x·q_w is exact in int32. The layer is for inference; `backward` passes gradients
/// straight through the dequantized weights (and produces the bias gradient).
public final class QuantizedDenseLayer: EncodedWeightLayer {
    /// Output width.
    public let units: Int
    /// Kernel.
    public let kernel: QuantizedKernel
    /// Activation range source.
    public let activations: ActivationQuantization
    /// Input scale and zero point for `.static`.
    public let inputParameters: QuantizationParameters?
    /// Input width (after `build`).
    public private(set) var inputCount = 0

    private var bias = unboundBuffer, biasGrad = unboundBuffer
    private var product: Int8Product?         // the weight codes transposed to [units, in], and packed
    private var packedInput: [Int32] = []
    private var columnSums: [Int32] = []     // Σ_k q_w,kj per unit
    private var scales: [Float] = [], zeroPoints: [Int32] = []
    private var floatWeight: [Float] = []    // dequantized [in, units] (dequantize kernel and backward)
    private var quantizedInput: [Int8] = [], rowSums: [Int32] = [], accumulators: [Int32] = []
    private var loaded = false

    /// Creates the layer. Static activation quantization needs `inputParameters`.
    public init(units: Int, kernel: QuantizedKernel, activations: ActivationQuantization, inputParameters: QuantizationParameters?) {
        precondition(units >= 1, "dense_int8: units must be ≥ 1")
        precondition(activations == .dynamic || inputParameters != nil, "dense_int8: static activations need an input scale")
        self.units = units
        self.kernel = kernel
        self.activations = activations
        self.inputParameters = inputParameters
    }

    /// "dense_int8".
    public var kind: String { "dense_int8" }

    /// Units, kernel, activation mode and (static) the input scale and zero point.
    public var configuration: [String: LayerValue] {
        var c: [String: LayerValue] = ["units": .int(units), "kernel": .string(kernel.rawValue), "activations": .string(activations.rawValue)]
        if let p = inputParameters, activations == .static {
            c["input_scale"] = .double(Double(p.scale))
            c["input_zero_point"] = .int(Int(p.zeroPoint))
        }
        return c
    }

    /// Any non-empty shape; returns `[units]`.
    public func build(inputShape: [Int]) throws -> [Int] {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError("dense_int8 expects a non-empty input shape of positive extents, found \(shapeText(inputShape))")
        }
        inputCount = inputShape.reduce(1, *)
        return [units]
    }

    /// The float bias only (the weight is encoded).
    public var parameters: [ParameterSpec] { [ParameterSpec("bias", shape: [units], role: .bias)] }
    /// None.
    public var state: [ParameterSpec] { [] }
    /// `["weight"]`.
    public var encodedTensorNames: [String] { ["weight"] }

    /// Keeps the bias slice.
    public func bind(parameters: [UnsafeMutableBufferPointer<Float>], gradients: [UnsafeMutableBufferPointer<Float>],
                     state: [UnsafeMutableBufferPointer<Float>]) {
        precondition(parameters.count == 1 && parameters[0].count == units, "dense_int8 binds its bias")
        bias = parameters[0]
        biasGrad = gradients[0]
    }

    /// Bias 0 (weights come from `load(encoded:)`).
    public func initialize(_ initializer: Initializer, generator: inout SeededGenerator) { bias.update(repeating: 0) }

    /// Takes the int8 weight `[in, units]` (per tensor, or per unit along axis 1).
    public func load(encoded: [String: TensorEncoding]) throws {
        guard case .int8(let w)? = encoded["weight"] else { throw LayerError("dense_int8 needs an int8-encoded 'weight'") }
        guard w.shape == [inputCount, units] else {
            throw LayerError("dense_int8: weight shape \(shapeText(w.shape)) does not match [\(inputCount), \(units)]")
        }
        guard w.channelAxis == nil || w.channelAxis == 1 else { throw LayerError("dense_int8: per-channel scales must be per output unit (axis 1)") }
        let perUnit = w.channelAxis == 1
        scales = (0..<units).map { w.scales[perUnit ? $0 : 0] }
        zeroPoints = (0..<units).map { w.zeroPoints[perUnit ? $0 : 0] }
        var codesT = [Int8](repeating: 0, count: w.values.count)
        columnSums = [Int32](repeating: 0, count: units)
        let k = inputCount, n = units
        w.values.withUnsafeBufferPointer { src in
            codesT.withUnsafeMutableBufferPointer { dst in
                for r in 0..<k {
                    for j in 0..<n { dst[j * k + r] = src[r * n + j]; columnSums[j] += Int32(src[r * n + j]) }
                }
            }
        }
        product = Int8Product(bt: codesT, n: n, k: k)
        floatWeight = w.dequantized()
        loaded = true
    }

    /// The input's quantization parameters for this batch (static: fixed; dynamic: the batch's range).
    func inputQuantization(_ x: UnsafeBufferPointer<Float>) -> QuantizationParameters {
        if activations == .static, let p = inputParameters { return p }
        var lo: Float = 0, hi: Float = 0
        for v in x { lo = min(lo, v); hi = max(hi, v) }
        return .covering(min: lo, max: hi, scheme: .affine)
    }

    /// `y = x·W + b` (see the type's documentation for the int8 path).
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        precondition(loaded, "dense_int8: weights not loaded")
        precondition(x.count >= batch * inputCount && y.count >= batch * units, "dense_int8: buffer too small for batch \(batch)")
        guard batch > 0 else { return }
        let k = inputCount, n = units
        let yp = y.baseAddress!, bp = bias.baseAddress!
        if kernel == .dequantize {
            for r in 0..<batch { (yp + r * n).update(from: bp, count: n) }
            floatWeight.withUnsafeBufferPointer { w in
                gemm(transposeA: false, transposeB: false, m: batch, n: n, k: k, alpha: 1, a: x.baseAddress, lda: k,
                     b: w.baseAddress, ldb: n, beta: 1, c: yp, ldc: n)
            }
            return
        }
        let input = UnsafeBufferPointer(rebasing: x[0..<(batch * k)])
        let p = inputQuantization(input)
        if quantizedInput.count < batch * k { quantizedInput = [Int8](repeating: 0, count: batch * k) }
        if accumulators.count < batch * n { accumulators = [Int32](repeating: 0, count: batch * n); rowSums = [Int32](repeating: 0, count: batch) }
        let inverse = 1 / p.scale
        quantizedInput.withUnsafeMutableBufferPointer { q in
            rowSums.withUnsafeMutableBufferPointer { sums in
                for r in 0..<batch {
                    sums[r] = pipeline_quantize_int8(x.baseAddress! + r * k, q.baseAddress! + r * k, k, inverse, p.zeroPoint, -128, 127)
                }
            }
            accumulators.withUnsafeMutableBufferPointer { acc in
                product!.multiply(q.baseAddress!, rows: batch, into: acc.baseAddress!, scratch: &packedInput)
            }
        }
        let zx = p.zeroPoint, kk = Int32(k)
        accumulators.withUnsafeBufferPointer { acc in
            rowSums.withUnsafeBufferPointer { sums in
                scales.withUnsafeBufferPointer { s in
                    zeroPoints.withUnsafeBufferPointer { z in
                        columnSums.withUnsafeBufferPointer { cs in
                            for r in 0..<batch {
                                let row = r * n, rs = sums[r]
                                for j in 0..<n {
                                    // Widened to Int64: the corrections can exceed int32 for wide layers.
                                    let exact = Int64(acc[row + j]) - Int64(z[j]) * Int64(rs) - Int64(zx) * Int64(cs[j]) + Int64(kk) * Int64(zx) * Int64(z[j])
                                    yp[row + j] = p.scale * s[j] * Float(exact) + bp[j]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Straight-through: `dx = dy·Wᵀ` with the dequantized weights; `db = Σ_rows dy`.
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        let n = units, k = inputCount
        let db = biasGrad.baseAddress!
        db.update(repeating: 0, count: n)
        guard batch > 0, let dyp = dy.baseAddress else { return }
        for r in 0..<batch { for j in 0..<n { db[j] += dyp[r * n + j] } }
        if let dx {
            floatWeight.withUnsafeBufferPointer { w in
                gemm(transposeA: false, transposeB: true, m: batch, n: k, k: n, alpha: 1, a: dyp, lda: n, b: w.baseAddress, ldb: n,
                     beta: 0, c: dx.baseAddress, ldc: k)
            }
        }
    }

    /// `2·in·units + units` operations (integer multiply-adds plus the bias).
    public var flopsPerSample: Int { 2 * inputCount * units + units }
}

extension QuantizedDenseLayer {
    /// Builds the layer from its stored configuration (see `LayerFactory`).
    static func make(_ configuration: [String: LayerValue]) throws -> QuantizedDenseLayer {
        let r = try ConfigurationReader(kind: "dense_int8", configuration: configuration,
                                        allowed: ["units", "kernel", "activations", "input_scale", "input_zero_point"])
        func choice<T: RawRepresentable>(_ key: String, _ type: T.Type, default value: T) throws -> T where T.RawValue == String {
            guard let raw = r.raw(key) else { return value }
            guard case .string(let s) = raw, let v = T(rawValue: s) else {
                throw r.error(key, expected: "one of the names documented for dense_int8", found: raw)
            }
            return v
        }
        let units = try r.int("units", minimum: 1)
        let kernel = try choice("kernel", QuantizedKernel.self, default: .int8)
        let activations = try choice("activations", ActivationQuantization.self, default: .dynamic)
        var input: QuantizationParameters?
        if activations == .static {
            let scale = try r.double("input_scale", expected: "a number > 0") { $0 > 0 && $0.isFinite }
            let zero = try r.int("input_zero_point", minimum: -128)
            guard zero <= 127 else { throw LayerError("dense_int8: input_zero_point must be in [−128, 127], found \(zero)") }
            input = QuantizationParameters(scale: Float(scale), zeroPoint: Int32(zero))
        }
        return QuantizedDenseLayer(units: units, kernel: kernel, activations: activations, inputParameters: input)
    }
}
