// Post-training int8 quantization: scale/zero-point rules, per-tensor and per-channel weight quantization,
// and activation ranges from calibration data.

/// How real values map onto int8.
public enum QuantizationScheme: String, Sendable, Equatable, CaseIterable {
    /// `q = round(x / s)` in [−127, 127], zero point 0, `s = max|x| / 127`.
    case symmetric
    /// `q = round(x / s) + z` in [−128, 127], `s = (max − min) / 255` over a range widened to contain 0,
    /// `z = round(−128 − min / s)` (so 0 is exactly representable).
    case affine
}

/// One scale and zero point: `x ≈ scale · (q − zeroPoint)`.
public struct QuantizationParameters: Sendable, Equatable {
    /// Step between neighbouring codes (> 0).
    public var scale: Float
    /// The code that represents 0.
    public var zeroPoint: Int32

    /// Creates parameters.
    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The parameters covering `[min, max]` under `scheme` (see `QuantizationScheme`). A range of zero width
    /// gets scale 1 so every value still quantizes (exactly, to the zero point, when it is 0).
    public static func covering(min lower: Float, max upper: Float, scheme: QuantizationScheme) -> QuantizationParameters {
        switch scheme {
        case .symmetric:
            let bound = Swift.max(abs(lower), abs(upper))
            return QuantizationParameters(scale: bound > 0 ? bound / 127 : 1, zeroPoint: 0)
        case .affine:
            let lo = Swift.min(lower, 0), hi = Swift.max(upper, 0)
            guard hi > lo else { return QuantizationParameters(scale: 1, zeroPoint: 0) }
            let scale = (hi - lo) / 255
            let zero = (-128 - lo / scale).rounded(.toNearestOrEven)
            return QuantizationParameters(scale: scale, zeroPoint: Int32(Swift.min(127, Swift.max(-128, zero))))
        }
    }

    /// Lowest and highest code of `scheme` (symmetric leaves out −128 so the range is symmetric).
    public static func codeRange(_ scheme: QuantizationScheme) -> (lo: Int32, hi: Int32) {
        scheme == .symmetric ? (-127, 127) : (-128, 127)
    }

    /// `clamp(round(x / scale) + zeroPoint)` (rounding half to even; division as multiplication by 1/scale,
    /// exactly as the activation kernel does it).
    public func quantize(_ x: Float, scheme: QuantizationScheme) -> Int8 {
        let (lo, hi) = Self.codeRange(scheme)
        let r = (x * (1 / scale)).rounded(.toNearestOrEven) + Float(zeroPoint)
        return Int8(Swift.min(Float(hi), Swift.max(Float(lo), r)))
    }

    /// `scale · (q − zeroPoint)`.
    public func dequantize(_ q: Int8) -> Float { scale * Float(Int32(q) - zeroPoint) }
}

/// An int8 tensor with one (per-tensor) or one-per-channel scale and zero point.
public struct QuantizedTensor: Sendable, Equatable {
    /// The tensor's shape.
    public var shape: [Int]
    /// Codes in the tensor's own (row-major) order.
    public var values: [Int8]
    /// Scales: one, or one per index along `channelAxis`.
    public var scales: [Float]
    /// Zero points, as many as `scales`.
    public var zeroPoints: [Int32]
    /// The axis that has its own parameters (nil: one set for the whole tensor).
    public var channelAxis: Int?
    /// The scheme the codes follow.
    public var scheme: QuantizationScheme

    /// Creates a tensor from its parts.
    public init(shape: [Int], values: [Int8], scales: [Float], zeroPoints: [Int32], channelAxis: Int?, scheme: QuantizationScheme) {
        self.shape = shape
        self.values = values
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.channelAxis = channelAxis
        self.scheme = scheme
    }

    /// Quantizes `values` (row-major, `shape`), per tensor or per index along `channelAxis` (e.g. 1 for a dense
    /// weight `[in, out]`: one scale per output unit; 0 for a conv weight `[out, in, kh, kw]`), with each
    /// channel's range its own min and max.
    public init(quantizing values: [Float], shape: [Int], scheme: QuantizationScheme, channelAxis: Int?) {
        precondition(values.count == shape.reduce(1, *), "quantize: \(values.count) values for shape \(shape)")
        if let axis = channelAxis { precondition(axis >= 0 && axis < shape.count, "quantize: channel axis \(axis) outside shape \(shape)") }
        let channels = channelAxis.map { shape[$0] } ?? 1
        let inner = channelAxis.map { shape[($0 + 1)...].reduce(1, *) } ?? 1
        func channel(of index: Int) -> Int { channelAxis == nil ? 0 : (index / inner) % channels }
        var lows = [Float](repeating: .infinity, count: channels), highs = [Float](repeating: -.infinity, count: channels)
        for (i, v) in values.enumerated() {
            let c = channel(of: i)
            lows[c] = Swift.min(lows[c], v)
            highs[c] = Swift.max(highs[c], v)
        }
        let parameters = (0..<channels).map { c in
            lows[c].isFinite ? QuantizationParameters.covering(min: lows[c], max: highs[c], scheme: scheme) : QuantizationParameters(scale: 1, zeroPoint: 0)
        }
        var codes = [Int8](repeating: 0, count: values.count)
        for (i, v) in values.enumerated() { codes[i] = parameters[channel(of: i)].quantize(v, scheme: scheme) }
        self.init(shape: shape, values: codes, scales: parameters.map(\.scale), zeroPoints: parameters.map(\.zeroPoint),
                  channelAxis: channelAxis, scheme: scheme)
    }

    /// The parameters of channel `c` (0 for per-tensor).
    public func parameters(channel c: Int) -> QuantizationParameters {
        QuantizationParameters(scale: scales[c], zeroPoint: zeroPoints[c])
    }

    /// `scale · (q − zeroPoint)` per element.
    public func dequantized() -> [Float] {
        let channels = scales.count
        let inner = channelAxis.map { shape[($0 + 1)...].reduce(1, *) } ?? 1
        return values.enumerated().map { i, q in
            let c = channelAxis == nil ? 0 : (i / inner) % channels
            return scales[c] * Float(Int32(q) - zeroPoints[c])
        }
    }
}

/// The range of activations to quantize, measured on calibration data.
public enum CalibrationMethod: Sendable, Equatable {
    /// The smallest and largest value seen.
    case minMax
    /// The `p`-th and `(100 − p)`-th percentiles (e.g. 99.99), ignoring rare outliers.
    case percentile(Double)

    /// The range of `values` under this method. Percentiles use the nearest-rank definition on the sorted
    /// values: index `round(p/100 · (n − 1))` (and its mirror for the low end).
    public func range(of values: [Float]) -> (min: Float, max: Float) {
        guard !values.isEmpty else { return (0, 0) }
        switch self {
        case .minMax:
            return (values.min()!, values.max()!)
        case .percentile(let p):
            let sorted = values.sorted()
            let n = sorted.count
            let high = Int((p / 100 * Double(n - 1)).rounded())
            let low = Int(((100 - p) / 100 * Double(n - 1)).rounded())
            return (sorted[Swift.min(low, n - 1)], sorted[Swift.min(high, n - 1)])
        }
    }
}
