// 2-D max pooling (no padding) that remembers the argmax of every window for backward.

/// Output extent of a pooling window without padding: `⌊(n − k) / s⌋ + 1`, or 0 when the window does not fit.
@inline(__always)
func pooledExtent(_ n: Int, _ k: Int, _ s: Int) -> Int { n >= k ? (n - k) / s + 1 : 0 }

/// Shape checks shared by the pooling layers.
func buildPool(kind: String, inputShape: [Int], size: (height: Int, width: Int),
               stride: (height: Int, width: Int)) throws -> (c: Int, h: Int, w: Int, oh: Int, ow: Int) {
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
        throw LayerError("\(kind) expects a [channels, height, width] input, found \(shapeText(inputShape))")
    }
    let oh = pooledExtent(inputShape[1], size.height, stride.height)
    let ow = pooledExtent(inputShape[2], size.width, stride.width)
    guard oh >= 1, ow >= 1 else {
        throw LayerError("\(kind): window \(size.height)×\(size.width) does not fit input \(shapeText(inputShape)) "
                         + "(expected height ≥ \(size.height) and width ≥ \(size.width))")
    }
    return (inputShape[0], inputShape[1], inputShape[2], oh, ow)
}

/// Max pooling over `[C, H, W]` samples with window `size` and `stride` (default: the window), no padding.
///
/// Output `[C, ⌊(H − kh)/sh⌋ + 1, ⌊(W − kw)/sw⌋ + 1]`. Ties go to the first maximum in row-major window
/// order; backward routes each output gradient to that element (overlapping windows accumulate).
public final class MaxPool2DLayer: ParameterFreeLayer {
    /// Window and stride.
    public let window: PoolWindow
    /// Window (height, width).
    public var size: (height: Int, width: Int) { window.size }
    /// Stride (height, width).
    public var stride: (height: Int, width: Int) { window.stride }

    private var c = 0, h = 0, w = 0, oh = 0, ow = 0
    private let argmax = ScratchBuffer<Int>()
    private var lastBatch = 0

    /// Creates a max-pooling layer. Preconditions: extents ≥ 1.
    public init(size: (Int, Int), stride: (Int, Int)? = nil) {
        window = PoolWindow(kind: "max_pool", size: size, stride: stride)
    }

    /// Creates a square max-pooling layer.
    public convenience init(size: Int, stride: Int? = nil) {
        self.init(size: (size, size), stride: stride.map { ($0, $0) })
    }

    /// "max_pool".
    public var kind: String { "max_pool" }
    /// `size [h, w]`, `stride [h, w]`.
    public var configuration: [String: LayerValue] { window.configuration }

    /// Input must be `[C, H, W]` with the window fitting.
    public func build(inputShape: [Int]) throws -> [Int] {
        (c, h, w, oh, ow) = try buildPool(kind: kind, inputShape: inputShape, size: size, stride: stride)
        return [c, oh, ow]
    }

    /// Window maxima; remembers each argmax (index into the batch input).
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        let P = oh * ow, HW = h * w
        precondition(x.count >= batch * c * HW && y.count >= batch * c * P, "max_pool: buffer too small for batch \(batch)")
        lastBatch = batch
        guard batch > 0 else { return }
        let am = argmax.reserve(batch * c * P)
        let xp = x.baseAddress!, yp = y.baseAddress!
        let kh = size.height, kw = size.width, sh = stride.height, sw = stride.width
        for plane in 0..<(batch * c) {
            let base = plane * HW
            let src = xp + base
            var o = plane * P
            for i in 0..<oh {
                for j in 0..<ow {
                    var bestIndex = (i * sh) * w + j * sw
                    var best = src[bestIndex]
                    for a in 0..<kh {
                        let rowStart = (i * sh + a) * w + j * sw
                        for b in 0..<kw {
                            // Branch-free selects: random data would mispredict a branch half the time.
                            let v = src[rowStart + b], greater = v > best
                            best = greater ? v : best
                            bestIndex = greater ? rowStart + b : bestIndex
                        }
                    }
                    yp[o] = best
                    am[o] = base + bestIndex
                    o += 1
                }
            }
        }
    }

    /// dx = 0, then dx[argmax] += dy.
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        precondition(batch == lastBatch, "max_pool: backward batch \(batch) differs from forward batch \(lastBatch)")
        guard let dx, batch > 0 else { return }
        let n = batch * c * oh * ow
        precondition(dy.count >= n && dx.count >= batch * c * h * w, "max_pool: buffer too small for batch \(batch)")
        let dxp = dx.baseAddress!, dyp = dy.baseAddress!
        let am = UnsafePointer(argmax.reserve(n))
        dxp.update(repeating: 0, count: batch * c * h * w)
        for o in 0..<n { dxp[am[o]] += dyp[o] }
    }

    /// `C·outH·outW·kh·kw` comparisons.
    public var flopsPerSample: Int { c * oh * ow * size.height * size.width }
}
