// Inverted dropout with a deterministic mask drawn from the caller's generator.

/// Inverted dropout.
///
/// Training: for every element of the batch in row-major order the layer draws one `u = nextFloat()`;
/// the element is dropped (0) when `u < rate` and kept, scaled by `1 / (1 − rate)`, otherwise — so each
/// element survives with probability `1 − rate` and the expected output equals the input. The mask (and so
/// the output) is a pure function of the generator's state. Inference: the identity, with no draws.
/// With `rate == 0` training is the identity too and draws nothing.
public final class DropoutLayer: ParameterFreeLayer {
    /// Probability of dropping an element, in `[0, 1)`.
    public let rate: Double

    private var count = 0
    private let mask = ScratchBuffer<Float>()
    private var masked = false

    /// Creates a dropout layer. Precondition: `0 ≤ rate < 1`.
    public init(rate: Double) {
        precondition(rate >= 0 && rate < 1, "dropout: rate must be in [0, 1), got \(rate)")
        self.rate = rate
    }

    /// "dropout".
    public var kind: String { "dropout" }
    /// `["rate": rate]`.
    public var configuration: [String: LayerValue] { ["rate": .double(rate)] }

    /// Any non-empty shape of positive extents; returns it unchanged.
    public func build(inputShape: [Int]) throws -> [Int] {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError("dropout expects a non-empty input shape of positive extents, found \(shapeText(inputShape))")
        }
        count = inputShape.reduce(1, *)
        return inputShape
    }

    /// Training: `y = x · mask` with mask ∈ {0, 1/(1−rate)}; inference: `y = x`.
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        let n = batch * count
        precondition(x.count >= n && y.count >= n, "dropout: buffer too small for batch \(batch)")
        masked = mode == .training && rate > 0
        guard n > 0 else { return }
        let xp = x.baseAddress!, yp = y.baseAddress!
        guard masked else { yp.update(from: xp, count: n); return }
        let m = mask.reserve(n)
        let threshold = Float(rate), keep = Float(1 / (1 - rate))
        for i in 0..<n { m[i] = generator.nextFloat() < threshold ? 0 : keep }
        for i in 0..<n { yp[i] = xp[i] * m[i] }
    }

    /// `dx = dy · mask` after a training forward, `dx = dy` after an inference one.
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        guard let dx else { return }
        let n = batch * count
        precondition(dy.count >= n && dx.count >= n, "dropout: buffer too small for batch \(batch)")
        guard n > 0 else { return }
        let dyp = dy.baseAddress!, dxp = dx.baseAddress!
        guard masked else { dxp.update(from: dyp, count: n); return }
        let m = UnsafePointer(mask.reserve(n))
        for i in 0..<n { dxp[i] = dyp[i] * m[i] }
    }

    /// One multiply per element (training).
    public var flopsPerSample: Int { count }
}
