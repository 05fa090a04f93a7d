import Learn

/// Per-layer size and cost of a (possibly pruned) network, as `pipeline show` reports it.
public struct LayerSparsity: Sendable, Equatable {
    /// Layer index and kind.
    public var index: Int, kind: String
    /// Trainable values (dense count).
    public var parameters: Int
    /// Nonzero trainable values.
    public var nonzeros: Int
    /// Forward FLOPs per sample of the dense layer, and counting only nonzero weights (a multiply-add is 2).
    public var denseFLOPs: Int, effectiveFLOPs: Int
    /// Bytes of the parameters as dense float32, and as stored (pruned tensors in their sparse layout).
    public var denseBytes: Int, storedBytes: Int

    /// Fraction of zero parameters.
    public var sparsity: Double { parameters == 0 ? 0 : 1 - Double(nonzeros) / Double(parameters) }
}

/// Which pruned layers inference runs sparse.
public enum SparseInference {
    /// Dense layers whose weight density (nonzeros / size) is at most this run on CSR at inference
    /// (`SparseDenseLayer`); denser ones stay on sgemm. From `make bench-sparse`'s crossover sweep.
    public static let maxDensity = 0.15
}

extension NetworkSnapshot {
    /// The keep-mask over `network.parameters` (built from this snapshot) from the stored tensor masks
    /// (1 keep, 0 pruned), or nil when no tensor is pruned.
    public func keepMask(for network: Network) -> [Float]? {
        guard layers.contains(where: { !$0.masks.isEmpty }) else { return nil }
        var mask = [Float](repeating: 1, count: network.parameterCount)
        for entry in network.layout {
            guard let keep = layers[entry.layer].masks[entry.spec.name], keep.count == entry.range.count else { continue }
            for (offset, kept) in keep.enumerated() where !kept { mask[entry.range.lowerBound + offset] = 0 }
        }
        return mask
    }

    /// Records `mask` (over `network.parameters`, the network this snapshot was taken of) as per-tensor
    /// masks of every weight tensor it prunes at least one element of.
    public mutating func recordMasks(_ mask: [Float], network: Network) {
        for entry in network.layout where entry.spec.role == .weight {
            let keep = mask[entry.range].map { $0 != 0 }
            if keep.contains(false) { layers[entry.layer].masks[entry.spec.name] = keep } else { layers[entry.layer].masks[entry.spec.name] = nil }
        }
    }

    /// The network for inference: dense layers whose weights are at most `SparseInference.maxDensity`
    /// nonzero become `SparseDenseLayer`s running on their CSR form; everything else as `makeNetwork()`.
    public func makeInferenceNetwork(maxDensity: Double = SparseInference.maxDensity) throws -> Network {
        var sparse: [SparseDenseLayer] = []
        let built: [any Layer] = try layers.map { record in
            if record.kind == "dense", case .int(let units)? = record.configuration["units"],
               let weight = record.parameters.first(where: { $0.name == "weight" }), !weight.values.isEmpty,
               Double(weight.values.filter { $0 != 0 }.count) <= maxDensity * Double(weight.values.count) {
                let layer = SparseDenseLayer(units: units)
                sparse.append(layer)
                return layer
            }
            return try LayerFactory.make(kind: record.kind, configuration: record.configuration)
        }
        let network = try Network(inputShape: inputShape, layers: built)
        try fill(network)
        for layer in sparse { layer.compile() }
        return network
    }

    /// Parameters, nonzeros, FLOPs and bytes per layer.
    public func layerSparsity() throws -> [LayerSparsity] {
        let network = try makeNetwork()
        return layers.enumerated().map { index, record in
            let parameters = record.parameters.reduce(0) { $0 + $1.values.count }
            let nonzeros = record.parameters.reduce(0) { $0 + $1.values.filter { $0 != 0 }.count }
            let dense = network.layers[index].flopsPerSample
            var effective = dense
            if let weight = record.parameters.first(where: { $0.name == "weight" }), !weight.values.isEmpty {
                // Weight multiply-adds scale with the nonzero share; the bias and any per-output terms stay.
                let weightNonzeros = weight.values.filter { $0 != 0 }.count
                let positions = max(1, network.layerOutputShapes[index].reduce(1, *) / max(1, weight.shape[weight.shape.count == 2 ? 1 : 0]))
                let weightFLOPs = 2 * weight.values.count * positions
                effective = dense - weightFLOPs + 2 * weightNonzeros * positions
            }
            var stored = 0
            for tensor in record.parameters {
                if let keep = record.masks[tensor.name] {
                    let size = SparseTensorStorage.bytes(elements: tensor.values.count, kept: keep.filter { $0 }.count, rows: tensor.shape.first ?? 1)
                    stored += min(size.csr, size.bitmask)
                } else {
                    stored += 4 * tensor.values.count
                }
            }
            return LayerSparsity(index: index, kind: record.kind, parameters: parameters, nonzeros: nonzeros, denseFLOPs: dense,
                                 effectiveFLOPs: effective, denseBytes: 4 * parameters, storedBytes: stored)
        }
    }
}
