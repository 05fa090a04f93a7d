// 2-D average pooling (no padding).

/// Average pooling over `[C, H, W]` samples with window `size` and `stride` (default: the window), no padding.
///
/// Output `[C, ⌊(H − kh)/sh⌋ + 1, ⌊(W − kw)/sw⌋ + 1]`; every output is the mean of its `kh·kw` inputs, and
/// backward spreads `dy / (kh·kw)` back over the window (overlapping windows accumulate).
public final class AvgPool2DLayer: ParameterFreeLayer {
    /// Window and stride.
    public let window: PoolWindow
    /// Window (height, width).
    public var size: (height: Int, width: Int) { window.size }
    /// Stride (height, width).
    public var stride: (height: Int, width: Int) { window.stride }

    private var c = 0, h = 0, w = 0, oh = 0, ow = 0

    /// Creates an average-pooling layer. Preconditions: extents ≥ 1.
    public init(size: (Int, Int), stride: (Int, Int)? = nil) {
        window = PoolWindow(kind: "avg_pool", size: size, stride: stride)
    }

    /// Creates a square average-pooling layer.
    public convenience init(size: Int, stride: Int? = nil) {
        self.init(size: (size, size), stride: stride.map { ($0, $0) })
    }

    /// "avg_pool".
    public var kind: String { "avg_pool" }
    /// `size [h, w]`, `stride [h, w]`.
    public var configuration: [String: LayerValue] { window.configuration }

    /// Input must be `[C, H, W]` with the window fitting.
    public func build(inputShape: [Int]) throws -> [Int] {
        (c, h, w, oh, ow) = try buildPool(kind: kind, inputShape: inputShape, size: size, stride: stride)
        return [c, oh, ow]
    }

    /// Window means.
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        let P = oh * ow, HW = h * w
        precondition(x.count >= batch * c * HW && y.count >= batch * c * P, "avg_pool: buffer too small for batch \(batch)")
        guard batch > 0 else { return }
        let xp = x.baseAddress!, yp = y.baseAddress!
        let kh = size.height, kw = size.width, sh = stride.height, sw = stride.width
        let scale = 1 / Float(kh * kw)
        for plane in 0..<(batch * c) {
            let src = xp + plane * HW
            var o = plane * P
            for i in 0..<oh {
                for j in 0..<ow {
                    var s: Float = 0
                    for a in 0..<kh {
                        let row = src + (i * sh + a) * w + j * sw
                        for b in 0..<kw { s += row[b] }
                    }
                    yp[o] = s * scale
                    o += 1
                }
            }
        }
    }

    /// dx = 0, then every window gets `dy / (kh·kw)` added.
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        guard let dx, batch > 0 else { return }
        let P = oh * ow, HW = h * w
        precondition(dy.count >= batch * c * P && dx.count >= batch * c * HW, "avg_pool: buffer too small for batch \(batch)")
        let dxp = dx.baseAddress!, dyp = dy.baseAddress!
        let kh = size.height, kw = size.width, sh = stride.height, sw = stride.width
        let scale = 1 / Float(kh * kw)
        dxp.update(repeating: 0, count: batch * c * HW)
        for plane in 0..<(batch * c) {
            let dst = dxp + plane * HW
            var o = plane * P
            for i in 0..<oh {
                for j in 0..<ow {
                    let g = dyp[o] * scale
                    for a in 0..<kh {
                        let row = dst + (i * sh + a) * w + j * sw
                        for b in 0..<kw { row[b] += g }
                    }
                    o += 1
                }
            }
        }
    }

    /// `C·outH·outW·(kh·kw + 1)` (sums and one scaling).
    public var flopsPerSample: Int { c * oh * ow * (size.height * size.width + 1) }
}
