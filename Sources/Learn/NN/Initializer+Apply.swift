// Applying an `Initializer` to a tensor: fan computation and the draws, in element order.

extension Initializer {
    /// Fan-in and fan-out of a tensor of `shape`, following the conventions of `ParameterSpec`:
    /// - rank 2, dense `[in, out]`: fanIn = in, fanOut = out;
    /// - rank ≥ 3, convolution `[out, in, k…]`: fanIn = in · ∏k, fanOut = out · ∏k;
    /// - rank 1 `[n]`: fanIn = fanOut = n; rank 0: 1 and 1.
    public static func fans(shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[0], shape[1])
        default:
            let receptive = shape.dropFirst(2).reduce(1, *)
            return (shape[1] * receptive, shape[0] * receptive)
        }
    }

    /// Fills `values` (a tensor of `shape`, row-major) with draws from `generator`, one draw per element
    /// in element order.
    ///
    /// Uniform schemes take one `nextFloat()` `u` per element and write `low + (high − low) · u`
    /// (computed in Double, rounded to Float), so values lie in `[low, high)`. Normal schemes take one
    /// `nextGaussian()` `g` (two 64-bit draws) per element and write `mean + std · g`. `.zeros` draws nothing.
    /// Fans are those of `fans(shape:)`; a fan of 0 is treated as 1.
    ///
    /// Precondition: `values.count == shape.reduce(1, *)`.
    public func fill(_ values: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator) {
        precondition(values.count == shape.reduce(1, *), "buffer has \(values.count) elements, shape \(shape) needs \(shape.reduce(1, *))")
        let (fi, fo) = Self.fans(shape: shape)
        let fanIn = Double(max(fi, 1)), fanOut = Double(max(fo, 1))
        switch self {
        case .xavierUniform:
            let a = (6.0 / (fanIn + fanOut)).squareRoot()
            Self.uniform(values, low: -a, high: a, &generator)
        case .xavierNormal:
            Self.normal(values, mean: 0, std: (2.0 / (fanIn + fanOut)).squareRoot(), &generator)
        case .heUniform:
            let a = (6.0 / fanIn).squareRoot()
            Self.uniform(values, low: -a, high: a, &generator)
        case .heNormal:
            Self.normal(values, mean: 0, std: (2.0 / fanIn).squareRoot(), &generator)
        case .lecunUniform:
            let a = (3.0 / fanIn).squareRoot()
            Self.uniform(values, low: -a, high: a, &generator)
        case .lecunNormal:
            Self.normal(values, mean: 0, std: (1.0 / fanIn).squareRoot(), &generator)
        case .uniform(let low, let high):
            Self.uniform(values, low: Double(low), high: Double(high), &generator)
        case .normal(let mean, let std):
            Self.normal(values, mean: Double(mean), std: Double(std), &generator)
        case .zeros:
            values.update(repeating: 0)
        }
    }

    /// Returns a new tensor of `shape` filled as by `fill(_:shape:generator:)`.
    public func values(shape: [Int], generator: inout SeededGenerator) -> [Float] {
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        out.withUnsafeMutableBufferPointer { fill($0, shape: shape, generator: &generator) }
        return out
    }

    private static func uniform(_ values: UnsafeMutableBufferPointer<Float>, low: Double, high: Double,
                                _ generator: inout SeededGenerator) {
        let width = high - low
        for i in values.indices { values[i] = Float(low + width * Double(generator.nextFloat())) }
    }

    private static func normal(_ values: UnsafeMutableBufferPointer<Float>, mean: Double, std: Double,
                               _ generator: inout SeededGenerator) {
        for i in values.indices { values[i] = Float(mean + std * generator.nextGaussian()) }
    }
}
