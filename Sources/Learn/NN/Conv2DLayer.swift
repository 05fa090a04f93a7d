// 2-D convolution (cross-correlation, as in every DL framework) by im2col + one cblas_sgemm per batch.

/// Padding of a 2-D convolution.
public enum Conv2DPadding: Sendable, Equatable, ExpressibleByStringLiteral {
    /// No padding: output `⌊(in − k) / s⌋ + 1`.
    case valid
    /// TensorFlow's "same": output `⌈in / s⌉`; the total padding `max((out − 1)·s + k − in, 0)` is split with
    /// the smaller half before (top/left) and the larger after (bottom/right).
    case same
    /// `height` zero rows above and below, `width` zero columns left and right: output
    /// `⌊(in + 2p − k) / s⌋ + 1`.
    case explicit(height: Int, width: Int)

    /// "same" or "valid"; nil for anything else.
    public init?(name: String) {
        switch name {
        case "same": self = .same
        case "valid": self = .valid
        default: return nil
        }
    }

    /// Allows `padding: "same"` / `padding: "valid"` in code. Traps on any other literal.
    public init(stringLiteral value: String) {
        guard let p = Conv2DPadding(name: value) else { preconditionFailure("padding must be \"same\" or \"valid\", got \"\(value)\"") }
        self = p
    }
}

/// A 2-D convolution over `[channels, height, width]` samples.
///
/// Parameters: `weight [filters, channels, kh, kw]` (role `.weight`), `bias [filters]` (role `.bias`).
/// Output `[filters, outH, outW]`. Forward lowers the whole batch with im2col into a column matrix
/// `[C·kh·kw, batch·outH·outW]` kept in the layer (grown for the largest batch seen), multiplies it by the
/// weight with one `cblas_sgemm` and scatters the result into NCHW order while adding the bias. Backward
/// uses two more GEMMs (`dW = dY·colᵀ`, `dcol = Wᵀ·dY`) and col2im.
public final class Conv2DLayer: Layer {
    /// Number of output channels.
    public let filters: Int
    /// Kernel extent (height, width).
    public let kernel: (height: Int, width: Int)
    /// Stride (height, width).
    public let stride: (height: Int, width: Int)
    /// Padding mode.
    public let padding: Conv2DPadding

    private var inC = 0, inH = 0, inW = 0, outH = 0, outW = 0, padTop = 0, padLeft = 0
    private var weight = unboundBuffer, bias = unboundBuffer
    private var weightGrad = unboundBuffer, biasGrad = unboundBuffer
    private let columns = ScratchBuffer<Float>()
    private let product = ScratchBuffer<Float>()
    private var lastBatch = 0

    /// Creates a convolution. Preconditions: all extents ≥ 1, explicit padding ≥ 0.
    public init(filters: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: Conv2DPadding = .valid) {
        precondition(filters >= 1 && kernel.0 >= 1 && kernel.1 >= 1 && stride.0 >= 1 && stride.1 >= 1,
                     "conv2d: filters, kernel and stride must be ≥ 1")
        if case .explicit(let ph, let pw) = padding { precondition(ph >= 0 && pw >= 0, "conv2d: padding must be ≥ 0") }
        self.filters = filters
        self.kernel = (kernel.0, kernel.1)
        self.stride = (stride.0, stride.1)
        self.padding = padding
    }

    /// Creates a convolution with explicit symmetric padding `(height, width)`.
    public convenience init(filters: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int)) {
        self.init(filters: filters, kernel: kernel, stride: stride, padding: .explicit(height: padding.0, width: padding.1))
    }

    /// "conv2d".
    public var kind: String { "conv2d" }

    /// `filters`, `kernel [h, w]`, `stride [h, w]`, `padding` ("same", "valid" or `[h, w]`).
    public var configuration: [String: LayerValue] {
        let pad: LayerValue
        switch padding {
        case .valid: pad = .string("valid")
        case .same: pad = .string("same")
        case .explicit(let h, let w): pad = .ints([h, w])
        }
        return ["filters": .int(filters), "kernel": .ints([kernel.height, kernel.width]),
                "stride": .ints([stride.height, stride.width]), "padding": pad]
    }

    /// Input must be `[C, H, W]`; returns `[filters, outH, outW]`.
    public func build(inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError("conv2d expects a [channels, height, width] input, found \(shapeText(inputShape))")
        }
        inC = inputShape[0]; inH = inputShape[1]; inW = inputShape[2]
        func extent(_ n: Int, _ k: Int, _ s: Int) -> (out: Int, before: Int) {
            if padding == .same {
                let out = (n + s - 1) / s
                return (out, max((out - 1) * s + k - n, 0) / 2)
            }
            return (n >= k ? (n - k) / s + 1 : 0, 0)
        }
        var ph = 0, pw = 0
        if case .explicit(let h, let w) = padding { ph = h; pw = w }
        switch padding {
        case .explicit:
            outH = inH + 2 * ph >= kernel.height ? (inH + 2 * ph - kernel.height) / stride.height + 1 : 0
            outW = inW + 2 * pw >= kernel.width ? (inW + 2 * pw - kernel.width) / stride.width + 1 : 0
            padTop = ph; padLeft = pw
        default:
            let eh = extent(inH, kernel.height, stride.height), ew = extent(inW, kernel.width, stride.width)
            outH = eh.out; outW = ew.out; padTop = eh.before; padLeft = ew.before
        }
        guard outH >= 1, outW >= 1 else {
            throw LayerError("conv2d: kernel \(kernel.height)×\(kernel.width) with padding \(configuration["padding"]!.text) "
                             + "does not fit input \(shapeText(inputShape)) (expected height ≥ \(kernel.height - 2 * ph), width ≥ \(kernel.width - 2 * pw))")
        }
        return [filters, outH, outW]
    }

    /// `weight [filters, C, kh, kw]`, `bias [filters]`.
    public var parameters: [ParameterSpec] {
        [ParameterSpec("weight", shape: [filters, inC, kernel.height, kernel.width], role: .weight),
         ParameterSpec("bias", shape: [filters], role: .bias)]
    }
    /// None.
    public var state: [ParameterSpec] { [] }

    /// Keeps the weight and bias slices.
    public func bind(parameters: [UnsafeMutableBufferPointer<Float>], gradients: [UnsafeMutableBufferPointer<Float>],
                     state: [UnsafeMutableBufferPointer<Float>]) {
        precondition(parameters.count == 2 && gradients.count == 2, "conv2d binds two parameter tensors")
        precondition(parameters[0].count == filters * patch && parameters[1].count == filters, "conv2d: slice sizes")
        weight = parameters[0]; bias = parameters[1]
        weightGrad = gradients[0]; biasGrad = gradients[1]
    }

    /// Weight from `initializer` (fanIn = C·kh·kw, fanOut = filters·kh·kw); bias 0.
    public func initialize(_ initializer: Initializer, generator: inout SeededGenerator) {
        initializer.fill(weight, shape: [filters, inC, kernel.height, kernel.width], generator: &generator)
        bias.update(repeating: 0)
    }

    private var patch: Int { inC * kernel.height * kernel.width }
    private var positions: Int { outH * outW }

    /// im2col, one GEMM, scatter with bias.
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        let P = positions, K = patch, N = batch * P
        precondition(x.count >= batch * inC * inH * inW && y.count >= batch * filters * P, "conv2d: buffer too small for batch \(batch)")
        lastBatch = batch
        guard batch > 0 else { return }
        let col = columns.reserve(K * N)
        im2col(x.baseAddress!, batch: batch, into: col)
        let tmp = product.reserve(filters * N)
        gemm(transposeA: false, transposeB: false, m: filters, n: N, k: K,
             alpha: 1, a: UnsafePointer(weight.baseAddress), lda: K, b: UnsafePointer(col), ldb: N,
             beta: 0, c: tmp, ldc: N)
        let yp = y.baseAddress!, bp = bias.baseAddress!
        for n in 0..<batch {
            for f in 0..<filters {
                let src = tmp + f * N + n * P, dst = yp + (n * filters + f) * P
                let b = bp[f]
                for p in 0..<P { dst[p] = src[p] + b }
            }
        }
    }

    /// Gathers dY as `[filters, batch·P]`, then `dW = dY·colᵀ`, `db = Σ dY`, `dcol = Wᵀ·dY` and col2im.
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        precondition(batch == lastBatch, "conv2d: backward batch \(batch) differs from forward batch \(lastBatch)")
        let P = positions, K = patch, N = batch * P
        precondition(dy.count >= batch * filters * P, "conv2d: dy too small for batch \(batch)")
        guard batch > 0 else {
            weightGrad.update(repeating: 0); biasGrad.update(repeating: 0)
            return
        }
        let dyT = product.reserve(filters * N), col = columns.reserve(K * N)
        let dyp = dy.baseAddress!, db = biasGrad.baseAddress!
        for f in 0..<filters { db[f] = 0 }
        for n in 0..<batch {
            for f in 0..<filters {
                let src = dyp + (n * filters + f) * P, dst = dyT + f * N + n * P
                var s: Float = 0
                for p in 0..<P { let v = src[p]; dst[p] = v; s += v }
                db[f] += s
            }
        }
        gemm(transposeA: false, transposeB: true, m: filters, n: K, k: N,
             alpha: 1, a: UnsafePointer(dyT), lda: N, b: UnsafePointer(col), ldb: N,
             beta: 0, c: weightGrad.baseAddress, ldc: K)
        guard let dx else { return }
        precondition(dx.count >= batch * inC * inH * inW, "conv2d: dx too small for batch \(batch)")
        // The columns are no longer needed: reuse them for dcol.
        gemm(transposeA: true, transposeB: false, m: K, n: N, k: filters,
             alpha: 1, a: UnsafePointer(weight.baseAddress), lda: K, b: UnsafePointer(dyT), ldb: N,
             beta: 0, c: col, ldc: N)
        col2im(UnsafePointer(col), batch: batch, into: dx.baseAddress!)
    }

    /// `2·filters·C·kh·kw·outH·outW + filters·outH·outW`.
    public var flopsPerSample: Int { 2 * filters * patch * positions + filters * positions }

    /// Valid output-column range `[start, end)` for kernel column `j`: those `ow` with `0 ≤ ow·s − padLeft + j < W`.
    @inline(__always)
    private func columnRange(_ j: Int) -> (Int, Int) {
        let s = stride.width
        let start = max(0, ceilDiv(padLeft - j, s))
        let end = min(outW, floorDiv(inW - 1 + padLeft - j, s) + 1)
        return (start, max(start, end))
    }

    /// col[(c·kh + i)·kw + j][n·P + oh·outW + ow] = x[n, c, oh·sh − padTop + i, ow·sw − padLeft + j] (0 outside).
    private func im2col(_ x: UnsafePointer<Float>, batch: Int, into col: UnsafeMutablePointer<Float>) {
        let P = positions, N = batch * P, HW = inH * inW
        let kh = kernel.height, kw = kernel.width, sh = stride.height, sw = stride.width
        for c in 0..<inC {
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((c * kh + i) * kw + j) * N
                    let (start, end) = columnRange(j)
                    let offset = j - padLeft
                    for n in 0..<batch {
                        let plane = x + (n * inC + c) * HW
                        let dst = row + n * P
                        for oh in 0..<outH {
                            let ih = oh * sh - padTop + i
                            let d = dst + oh * outW
                            guard ih >= 0 && ih < inH else { d.update(repeating: 0, count: outW); continue }
                            let src = plane + ih * inW + offset
                            if start > 0 { d.update(repeating: 0, count: start) }
                            if sw == 1 {
                                (d + start).update(from: src + start, count: end - start)
                            } else {
                                for ow in start..<end { d[ow] = src[ow * sw] }
                            }
                            if end < outW { (d + end).update(repeating: 0, count: outW - end) }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: dx = 0, then every column entry is added back to the input element it came from.
    private func col2im(_ col: UnsafePointer<Float>, batch: Int, into dx: UnsafeMutablePointer<Float>) {
        let P = positions, N = batch * P, HW = inH * inW
        let kh = kernel.height, kw = kernel.width, sh = stride.height, sw = stride.width
        dx.update(repeating: 0, count: batch * inC * HW)
        for c in 0..<inC {
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((c * kh + i) * kw + j) * N
                    let (start, end) = columnRange(j)
                    let offset = j - padLeft
                    for n in 0..<batch {
                        let plane = dx + (n * inC + c) * HW
                        let src = row + n * P
                        for oh in 0..<outH {
                            let ih = oh * sh - padTop + i
                            guard ih >= 0 && ih < inH else { continue }
                            let s = src + oh * outW
                            let d = plane + ih * inW + offset
                            if sw == 1 {
                                for ow in start..<end { d[ow] += s[ow] }
                            } else {
                                for ow in start..<end { d[ow * sw] += s[ow] }
                            }
                        }
                    }
                }
            }
        }
    }
}
