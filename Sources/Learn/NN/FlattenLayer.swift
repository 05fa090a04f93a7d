// Reshape of every sample to one dimension.

/// Flattens each sample to `[∏ shape]` (row-major, so the data are copied unchanged).
public final class FlattenLayer: ParameterFreeLayer {
    private var count = 0

    /// Creates a flatten layer.
    public init() {}

    /// "flatten".
    public var kind: String { "flatten" }
    /// Empty: flatten has no hyperparameters.
    public var configuration: [String: LayerValue] { [:] }

    /// Any non-empty shape of positive extents; returns `[∏ shape]`.
    public func build(inputShape: [Int]) throws -> [Int] {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError("flatten expects a non-empty input shape of positive extents, found \(shapeText(inputShape))")
        }
        count = inputShape.reduce(1, *)
        return [count]
    }

    /// Copies `x` to `y`.
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        let n = batch * count
        precondition(x.count >= n && y.count >= n, "flatten: buffer too small for batch \(batch)")
        guard n > 0 else { return }
        y.baseAddress!.update(from: x.baseAddress!, count: n)
    }

    /// Copies `dy` to `dx`.
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        guard let dx else { return }
        let n = batch * count
        precondition(dy.count >= n && dx.count >= n, "flatten: buffer too small for batch \(batch)")
        guard n > 0 else { return }
        dx.baseAddress!.update(from: dy.baseAddress!, count: n)
    }

    /// 0.
    public var flopsPerSample: Int { 0 }
}
