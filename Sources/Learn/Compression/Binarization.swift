// XNOR-Net style binary weights: w ≈ α·sign(w) with α = mean|w| per layer or per row.

/// Binary weights: one sign bit per weight and a scale α per layer or per output unit.
public struct BinaryWeights: Sendable, Equatable {
    /// The tensor's shape.
    public var shape: [Int]
    /// Signs packed 8 per byte, most significant bit first: bit set means +α, clear means −α.
    public var bits: [UInt8]
    /// α: one per tensor, or one per index along `channelAxis`.
    public var scales: [Float]
    /// The axis with its own α (nil: one for the whole tensor).
    public var channelAxis: Int?

    /// Creates the form from its parts.
    public init(shape: [Int], bits: [UInt8], scales: [Float], channelAxis: Int?) {
        precondition(bits.count == (shape.reduce(1, *) + 7) / 8, "binary weights: \(bits.count) bytes for shape \(shape)")
        self.shape = shape
        self.bits = bits
        self.scales = scales
        self.channelAxis = channelAxis
    }

    /// Binarizes `values` (Rastegari et al. 2016, XNOR-Net): `sign(w)` (+1 for w ≥ 0) times
    /// `α = mean|w|` over the whole tensor, or over each index along `channelAxis` (e.g. 1 for a dense weight
    /// `[in, out]`: one α per output unit). This α minimises ‖w − α·sign(w)‖² for the given signs.
    public init(binarizing values: [Float], shape: [Int], channelAxis: Int?) {
        precondition(values.count == shape.reduce(1, *), "binarize: \(values.count) values for shape \(shape)")
        let channels = channelAxis.map { shape[$0] } ?? 1
        let inner = channelAxis.map { shape[($0 + 1)...].reduce(1, *) } ?? 1
        var sums = [Double](repeating: 0, count: channels), counts = [Int](repeating: 0, count: channels)
        var bits = [UInt8](repeating: 0, count: (values.count + 7) / 8)
        for (i, v) in values.enumerated() {
            let c = channelAxis == nil ? 0 : (i / inner) % channels
            sums[c] += Double(abs(v))
            counts[c] += 1
            if v >= 0 { bits[i >> 3] |= 0x80 >> UInt8(i & 7) }
        }
        self.init(shape: shape, bits: bits, scales: (0..<channels).map { counts[$0] > 0 ? Float(sums[$0] / Double(counts[$0])) : 0 },
                  channelAxis: channelAxis)
    }

    /// `±α` per weight.
    public func decoded() -> [Float] {
        let count = shape.reduce(1, *)
        let channels = scales.count
        let inner = channelAxis.map { shape[($0 + 1)...].reduce(1, *) } ?? 1
        return (0..<count).map { i in
            let alpha = scales[channelAxis == nil ? 0 : (i / inner) % channels]
            return bits[i >> 3] & (0x80 >> UInt8(i & 7)) != 0 ? alpha : -alpha
        }
    }
}
