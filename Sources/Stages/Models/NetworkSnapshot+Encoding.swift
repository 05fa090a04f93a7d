import Learn
import PipelineStore

/// Compressed parameters in model files: each encoded tensor is a group named like the tensor, with an
/// `encoding` attribute and plain arrays h5py reads without this tool.
///
/// - `int8`: `codes` (int8, the tensor's shape), `scales` (float32), `zero_points` (int32); attributes `scheme`
///   and `channel_axis` (−1: one scale for the tensor). Value = scale · (code − zero_point).
/// - `codebook`: `centroids` (float32, 2^bits), `indices` (uint8, the tensor's shape). Value = centroids[index].
/// - `binary`: `bits` (uint8, signs packed 8 per byte, most significant bit first; set = +), `scales` (float32);
///   attribute `channel_axis`. Value = ±scale.
extension NetworkSnapshot {
    static func write(_ encoding: TensorEncoding, named name: String, to layer: HDF5Group) throws {
        let g = try layer.createGroup(name)
        try g.setAttribute("encoding", .string(encoding.name))
        try g.setAttribute("shape", .ints(encoding.shape.map(Int64.init)))
        switch encoding {
        case .int8(let t):
            try g.setAttribute("meaning", .string("value = scales[c] * (codes - zero_points[c]), c the index along channel_axis (-1: one for all)"))
            try g.setAttribute("scheme", .string(t.scheme.rawValue))
            try g.setAttribute("channel_axis", .int(Int64(t.channelAxis ?? -1)))
            _ = try g.createDataset("codes", shape: t.shape, data: t.values)
            _ = try g.createDataset("scales", shape: [t.scales.count], data: t.scales)
            _ = try g.createDataset("zero_points", shape: [t.zeroPoints.count], data: t.zeroPoints)
        case .codebook(let s):
            try g.setAttribute("meaning", .string("value = centroids[indices]"))
            _ = try g.createDataset("centroids", shape: [s.centroids.count], data: s.centroids)
            _ = try g.createDataset("indices", shape: s.shape, data: s.indices)
        case .binary(let b):
            try g.setAttribute("meaning", .string("value = +scales[c] where the bit is set, -scales[c] where clear (bits packed 8 per byte, MSB first)"))
            try g.setAttribute("channel_axis", .int(Int64(b.channelAxis ?? -1)))
            _ = try g.createDataset("bits", shape: [b.bits.count], data: b.bits)
            _ = try g.createDataset("scales", shape: [b.scales.count], data: b.scales)
        }
    }

    static func readEncoding(_ g: HDF5Group) throws -> TensorEncoding {
        let shape = try g.intList("shape")
        func axis() throws -> Int? {
            let a = Int(try g.attribute("channel_axis")?.intValue ?? -1)
            return a < 0 ? nil : a
        }
        switch try g.attribute("encoding")?.stringValue {
        case "int8":
            guard let scheme = QuantizationScheme(rawValue: try g.attribute("scheme")?.stringValue ?? "") else {
                throw StageError("model file: int8 tensor \(g.path) has no valid 'scheme'")
            }
            let codes = try g.dataset("codes").read(as: Int8.self)
            let scales = try g.dataset("scales").read(as: Float.self)
            let zeros = try g.dataset("zero_points").read(as: Int32.self)
            guard codes.count == shape.reduce(1, *), scales.count == zeros.count, !scales.isEmpty else {
                throw StageError("model file: int8 tensor \(g.path) has inconsistent sizes")
            }
            return .int8(QuantizedTensor(shape: shape, values: codes, scales: scales, zeroPoints: zeros, channelAxis: try axis(), scheme: scheme))
        case "codebook":
            let centroids = try g.dataset("centroids").read(as: Float.self)
            let indices = try g.dataset("indices").read(as: UInt8.self)
            guard indices.count == shape.reduce(1, *), indices.allSatisfy({ Int($0) < centroids.count }) else {
                throw StageError("model file: codebook tensor \(g.path) has indices outside its \(centroids.count) centroids")
            }
            return .codebook(SharedWeights(shape: shape, centroids: centroids, indices: indices))
        case "binary":
            let bits = try g.dataset("bits").read(as: UInt8.self)
            guard bits.count == (shape.reduce(1, *) + 7) / 8 else { throw StageError("model file: binary tensor \(g.path) has \(bits.count) bytes for shape \(shape)") }
            return .binary(BinaryWeights(shape: shape, bits: bits, scales: try g.dataset("scales").read(as: Float.self), channelAxis: try axis()))
        case let other:
            throw StageError("model file: group \(g.path) has unknown encoding '\(other ?? "none")'")
        }
    }

    /// Hands encoded tensors to the layers that compute with them (int8 dense layers).
    func loadEncodedWeights(into network: Network) throws {
        for (index, layer) in network.layers.enumerated() {
            guard let consumer = layer as? any EncodedWeightLayer else { continue }
            do { try consumer.load(encoded: layers[index].encodings) } catch let error as LayerError {
                throw StageError("model file: layer \(index) (\(layer.kind)): \(error.description)")
            }
        }
    }
}
