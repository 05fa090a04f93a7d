// The compact stored forms of a weight tensor (int8, codebook, binary) behind one type.

/// A weight tensor in a compressed form. Every form decodes to the float values inference (or a float
/// layer) uses; the model file stores the form itself.
public enum TensorEncoding: Sendable, Equatable {
    /// int8 codes with scales and zero points.
    case int8(QuantizedTensor)
    /// k-means codebook and one uint8 index per weight (weight sharing).
    case codebook(SharedWeights)
    /// Signs packed 8 per byte with per-layer or per-row scales (binarization).
    case binary(BinaryWeights)

    /// "int8", "codebook" or "binary".
    public var name: String {
        switch self {
        case .int8: return "int8"
        case .codebook: return "codebook"
        case .binary: return "binary"
        }
    }

    /// The tensor's shape.
    public var shape: [Int] {
        switch self {
        case .int8(let t): return t.shape
        case .codebook(let s): return s.shape
        case .binary(let b): return b.shape
        }
    }

    /// The float values this form stands for.
    public func decoded() -> [Float] {
        switch self {
        case .int8(let t): return t.dequantized()
        case .codebook(let s): return s.decoded()
        case .binary(let b): return b.decoded()
        }
    }

    /// Bytes of the stored form's payload (codes, scales, zero points, codebook, bits).
    public var storageBytes: Int {
        switch self {
        case .int8(let t): return t.values.count + 4 * t.scales.count + 4 * t.zeroPoints.count
        case .codebook(let s): return s.indices.count + 4 * s.centroids.count
        case .binary(let b): return b.bits.count + 4 * b.scales.count
        }
    }
}

/// A layer whose weights arrive in a compressed form (after `Network` has bound its float parameters).
public protocol EncodedWeightLayer: Layer {
    /// Names of the tensors the layer needs in encoded form.
    var encodedTensorNames: [String] { get }
    /// Takes the encoded tensors by name; throws `LayerError` when one is missing or has the wrong shape.
    func load(encoded: [String: TensorEncoding]) throws
}
