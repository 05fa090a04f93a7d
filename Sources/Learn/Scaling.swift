// Column-wise feature scaling fitted on a row-major matrix (scikit-learn semantics).

/// Element types a scaler can read: `Float` features or raw `UInt8` pixels.
public protocol ScalerInput: Sendable {
    /// The value widened to `Double` (exact for both conforming types).
    var scalerDouble: Double { get }
    /// The value as `Float` (exact for both conforming types).
    var scalerFloat: Float { get }
}

extension Float: ScalerInput {
    /// `Double(self)`.
    @inline(__always) public var scalerDouble: Double { Double(self) }
    /// `self`.
    @inline(__always) public var scalerFloat: Float { self }
}

extension UInt8: ScalerInput {
    /// `Double(self)`.
    @inline(__always) public var scalerDouble: Double { Double(self) }
    /// `Float(self)`.
    @inline(__always) public var scalerFloat: Float { Float(self) }
}

/// Standardisation `z = (x − mean) / scale` per column, like scikit-learn's `StandardScaler()`.
///
/// Fitting: mean and population variance (ddof 0) are accumulated in `Double` with the corrected two-pass
/// algorithm (`var = (Σd² − (Σd)²/n) / n`, `d = x − mean`), as scikit-learn does. A column is treated as constant
/// (scale 1) when `var ≤ n·ε·var + (n·mean·ε)²` with `ε = Double.ulpOfOne` (scikit-learn's `_is_constant_feature`),
/// which includes every zero-variance column; otherwise `scale = sqrt(var)`. Both are stored rounded to `Float`.
public struct StandardScaler: Sendable, Equatable, Codable {
    /// Per-column mean (`cols` entries).
    public var mean: [Float]
    /// Per-column divisor: the population standard deviation, or 1 for (near-)constant columns.
    public var scale: [Float]

    /// Number of columns the scaler was fitted on.
    public var cols: Int { mean.count }

    /// A scaler from explicit parameters (e.g. restored from storage). Precondition: equal lengths, `scale` non-zero.
    public init(mean: [Float], scale: [Float]) {
        precondition(mean.count == scale.count, "mean and scale lengths differ")
        self.mean = mean
        self.scale = scale
    }

    /// Fits on a row-major `rows × cols` Float matrix. Precondition: `x.count == rows * cols`, `rows ≥ 1`.
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int) -> StandardScaler {
        fitGeneric(x, rows: rows, cols: cols)
    }

    /// Fits on a row-major `rows × cols` UInt8 matrix without converting it to Float first.
    public static func fit(_ x: UnsafeBufferPointer<UInt8>, rows: Int, cols: Int) -> StandardScaler {
        fitGeneric(x, rows: rows, cols: cols)
    }

    static func fitGeneric<T: ScalerInput>(_ x: UnsafeBufferPointer<T>, rows: Int, cols: Int) -> StandardScaler {
        precondition(rows >= 1 && cols >= 0, "need at least one row")
        precondition(x.count == rows * cols, "x.count (\(x.count)) != rows*cols (\(rows * cols))")
        guard let base = x.baseAddress else { return StandardScaler(mean: [], scale: []) }
        var sum = [Double](repeating: 0, count: cols)
        var sq = [Double](repeating: 0, count: cols)
        var corr = [Double](repeating: 0, count: cols)
        let n = Double(rows)
        sum.withUnsafeMutableBufferPointer { s in
            let s = s.baseAddress!
            for i in 0..<rows {
                let row = base + i * cols
                for j in 0..<cols { s[j] += row[j].scalerDouble }
            }
            for j in 0..<cols { s[j] /= n }  // now the mean
        }
        sum.withUnsafeBufferPointer { m in
            sq.withUnsafeMutableBufferPointer { q in
                corr.withUnsafeMutableBufferPointer { c in
                    let m = m.baseAddress!, q = q.baseAddress!, c = c.baseAddress!
                    for i in 0..<rows {
                        let row = base + i * cols
                        for j in 0..<cols {
                            let d = row[j].scalerDouble - m[j]
                            q[j] += d * d
                            c[j] += d
                        }
                    }
                }
            }
        }
        var meanF = [Float](repeating: 0, count: cols)
        var scaleF = [Float](repeating: 1, count: cols)
        let eps = Double.ulpOfOne
        for j in 0..<cols {
            let mu = sum[j]
            let variance = max(0, (sq[j] - corr[j] * corr[j] / n) / n)
            let bound = n * eps * variance + (n * mu * eps) * (n * mu * eps)
            meanF[j] = Float(mu)
            scaleF[j] = variance <= bound ? 1 : Float(variance.squareRoot())
        }
        return StandardScaler(mean: meanF, scale: scaleF)
    }

    /// Writes `(x − mean) / scale` (computed in Float) for a row-major `rows × cols` matrix into `out`.
    ///
    /// Preconditions: `x.count == out.count == rows * cols`. `out` may be the same memory as `x`.
    public func transform(_ x: UnsafeBufferPointer<Float>, rows: Int, into out: UnsafeMutableBufferPointer<Float>) {
        transformGeneric(x, rows: rows, into: out)
    }

    /// Writes `(Float(x) − mean) / scale` for a row-major UInt8 matrix into `out` (no intermediate Float copy).
    public func transform(_ x: UnsafeBufferPointer<UInt8>, rows: Int, into out: UnsafeMutableBufferPointer<Float>) {
        transformGeneric(x, rows: rows, into: out)
    }

    /// Convenience: returns the transformed copy of a row-major `rows × cols` Float matrix.
    public func transform(_ x: [Float], rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { transform(xb, rows: rows, into: $0) } }
        return out
    }

    func transformGeneric<T: ScalerInput>(_ x: UnsafeBufferPointer<T>, rows: Int,
                                          into out: UnsafeMutableBufferPointer<Float>) {
        let cols = self.cols
        precondition(x.count == rows * cols && out.count == rows * cols, "buffer sizes must be rows*cols")
        guard let xb = x.baseAddress, let ob = out.baseAddress else { return }
        mean.withUnsafeBufferPointer { m in
            scale.withUnsafeBufferPointer { s in
                let m = m.baseAddress!, s = s.baseAddress!
                for i in 0..<rows {
                    let src = xb + i * cols, dst = ob + i * cols
                    for j in 0..<cols { dst[j] = (src[j].scalerFloat - m[j]) / s[j] }
                }
            }
        }
    }
}

/// Min–max scaling to `featureRange` per column, like scikit-learn's `MinMaxScaler(feature_range=(lo, hi))`.
///
/// Fitting records the column minimum and maximum; `scale = (hi − lo) / range` where `range = max − min`, except
/// that a range below `10·Float.ulpOfOne` counts as 0 and is replaced by 1 (scikit-learn's `_handle_zeros_in_scale`),
/// and `offset = lo − min·scale` (computed in Double, stored as Float). Transform is `x·scale + offset` in Float,
/// so constant columns map to `lo`.
public struct MinMaxScaler: Sendable, Equatable, Codable {
    /// The target interval `(lo, hi)`, `lo < hi`.
    public var featureRange: (min: Float, max: Float) {
        get { (rangeMin, rangeMax) }
        set { rangeMin = newValue.min; rangeMax = newValue.max }
    }
    private var rangeMin: Float
    private var rangeMax: Float
    /// Per-column minimum seen during fit.
    public var dataMin: [Float]
    /// Per-column maximum seen during fit.
    public var dataMax: [Float]
    /// Per-column multiplier (scikit-learn's `scale_`).
    public var scale: [Float]
    /// Per-column additive term (scikit-learn's `min_`).
    public var offset: [Float]

    /// Number of columns the scaler was fitted on.
    public var cols: Int { dataMin.count }

    /// Builds the scaler from column extrema. Preconditions: equal lengths, `min ≤ max` per column, `lo < hi`.
    public init(dataMin: [Float], dataMax: [Float], featureRange: (min: Float, max: Float) = (0, 1)) {
        precondition(dataMin.count == dataMax.count, "dataMin and dataMax lengths differ")
        precondition(featureRange.min < featureRange.max, "feature range must satisfy min < max")
        self.rangeMin = featureRange.min
        self.rangeMax = featureRange.max
        self.dataMin = dataMin
        self.dataMax = dataMax
        let lo = Double(featureRange.min), hi = Double(featureRange.max)
        var scale = [Float](repeating: 1, count: dataMin.count)
        var offset = [Float](repeating: 0, count: dataMin.count)
        for j in dataMin.indices {
            var range = Double(dataMax[j]) - Double(dataMin[j])
            if range < 10 * Double(Float.ulpOfOne) { range = 1 }
            let s = Float((hi - lo) / range)
            scale[j] = s
            offset[j] = Float(lo - Double(dataMin[j]) * Double(s))
        }
        self.scale = scale
        self.offset = offset
    }

    /// Fits on a row-major `rows × cols` Float matrix. Preconditions: `rows ≥ 1`, `x.count == rows * cols`.
    public static func fit(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int,
                           featureRange: (min: Float, max: Float) = (0, 1)) -> MinMaxScaler {
        fitGeneric(x, rows: rows, cols: cols, featureRange: featureRange)
    }

    /// Fits on a row-major `rows × cols` UInt8 matrix.
    public static func fit(_ x: UnsafeBufferPointer<UInt8>, rows: Int, cols: Int,
                           featureRange: (min: Float, max: Float) = (0, 1)) -> MinMaxScaler {
        fitGeneric(x, rows: rows, cols: cols, featureRange: featureRange)
    }

    static func fitGeneric<T: ScalerInput>(_ x: UnsafeBufferPointer<T>, rows: Int, cols: Int,
                                           featureRange: (min: Float, max: Float)) -> MinMaxScaler {
        precondition(rows >= 1 && cols >= 0, "need at least one row")
        precondition(x.count == rows * cols, "x.count (\(x.count)) != rows*cols (\(rows * cols))")
        var lo = [Float](repeating: .infinity, count: cols)
        var hi = [Float](repeating: -.infinity, count: cols)
        if let base = x.baseAddress {
            lo.withUnsafeMutableBufferPointer { l in
                hi.withUnsafeMutableBufferPointer { h in
                    let l = l.baseAddress!, h = h.baseAddress!
                    for i in 0..<rows {
                        let row = base + i * cols
                        for j in 0..<cols {
                            let v = row[j].scalerFloat
                            l[j] = Swift.min(l[j], v)
                            h[j] = Swift.max(h[j], v)
                        }
                    }
                }
            }
        }
        return MinMaxScaler(dataMin: lo, dataMax: hi, featureRange: featureRange)
    }

    /// Writes `x·scale + offset` for a row-major Float matrix into `out` (`out` may alias `x`).
    public func transform(_ x: UnsafeBufferPointer<Float>, rows: Int, into out: UnsafeMutableBufferPointer<Float>) {
        transformGeneric(x, rows: rows, into: out)
    }

    /// Writes `Float(x)·scale + offset` for a row-major UInt8 matrix into `out`.
    public func transform(_ x: UnsafeBufferPointer<UInt8>, rows: Int, into out: UnsafeMutableBufferPointer<Float>) {
        transformGeneric(x, rows: rows, into: out)
    }

    /// Convenience: returns the transformed copy of a row-major `rows × cols` Float matrix.
    public func transform(_ x: [Float], rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { transform(xb, rows: rows, into: $0) } }
        return out
    }

    func transformGeneric<T: ScalerInput>(_ x: UnsafeBufferPointer<T>, rows: Int,
                                          into out: UnsafeMutableBufferPointer<Float>) {
        let cols = self.cols
        precondition(x.count == rows * cols && out.count == rows * cols, "buffer sizes must be rows*cols")
        guard let xb = x.baseAddress, let ob = out.baseAddress else { return }
        scale.withUnsafeBufferPointer { s in
            offset.withUnsafeBufferPointer { o in
                let s = s.baseAddress!, o = o.baseAddress!
                for i in 0..<rows {
                    let src = xb + i * cols, dst = ob + i * cols
                    for j in 0..<cols { dst[j] = src[j].scalerFloat * s[j] + o[j] }
                }
            }
        }
    }

    /// Equal when every stored parameter is equal.
    public static func == (a: MinMaxScaler, b: MinMaxScaler) -> Bool {
        a.rangeMin == b.rangeMin && a.rangeMax == b.rangeMax && a.dataMin == b.dataMin && a.dataMax == b.dataMax
            && a.scale == b.scale && a.offset == b.offset
    }
}
