/// Weight initialization schemes. Fan-in/fan-out follow the shape conventions of `ParameterSpec`:
/// dense `[in, out]` → fanIn = in, fanOut = out; conv2d `[out, in, kh, kw]` → fanIn = in·kh·kw,
/// fanOut = out·kh·kw.
public enum Initializer: Sendable, Equatable {
    /// U(−a, a), a = √(6 / (fanIn + fanOut)).
    case xavierUniform
    /// N(0, 2 / (fanIn + fanOut)).
    case xavierNormal
    /// U(−a, a), a = √(6 / fanIn).
    case heUniform
    /// N(0, 2 / fanIn).
    case heNormal
    /// U(−a, a), a = √(3 / fanIn).
    case lecunUniform
    /// N(0, 1 / fanIn).
    case lecunNormal
    /// U(low, high).
    case uniform(low: Float, high: Float)
    /// N(mean, std²).
    case normal(mean: Float, std: Float)
    /// All zeros.
    case zeros
}
