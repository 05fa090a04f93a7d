/// The window and stride of a 2-D pooling layer (max or average), with the checks and the stored
/// configuration both kinds share.
public struct PoolWindow: Sendable {
    /// Window (height, width).
    public let size: (height: Int, width: Int)
    /// Stride (height, width); defaults to the window.
    public let stride: (height: Int, width: Int)

    /// Creates a window. Preconditions: extents ≥ 1 (`kind` names the layer in the failure message).
    public init(kind: String, size: (Int, Int), stride: (Int, Int)?) {
        let s = stride ?? size
        precondition(size.0 >= 1 && size.1 >= 1 && s.0 >= 1 && s.1 >= 1, "\(kind): size and stride must be ≥ 1")
        self.size = (size.0, size.1)
        self.stride = (s.0, s.1)
    }

    /// `size [h, w]`, `stride [h, w]`.
    public var configuration: [String: LayerValue] {
        ["size": .ints([size.height, size.width]), "stride": .ints([stride.height, stride.width])]
    }
}
