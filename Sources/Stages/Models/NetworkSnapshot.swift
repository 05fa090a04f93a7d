import Foundation
import Learn
import PipelineStore

/// A trained network as a value: its layers' kinds and configurations, parameters and state. Rebuilds
/// a `Network` for inference; stored in HDF5 as one group per layer that h5py reads as plain arrays.
public struct NetworkSnapshot: Sendable, Equatable {
    /// One layer's description and tensors.
    public struct LayerRecord: Sendable, Equatable {
        public var kind: String
        public var configuration: [String: LayerValue]
        /// Trainable tensors by name, with their shapes.
        public var parameters: [(name: String, shape: [Int], values: [Float])]
        /// Saved state tensors by name.
        public var state: [(name: String, shape: [Int], values: [Float])]
        /// Parameters stored in a compressed form (int8, codebook, binary), by name; `parameters` holds their
        /// decoded values. The model file stores only the encoded form.
        public var encodings: [String: TensorEncoding] = [:]
        /// Pruning keep-masks of pruned parameter tensors, by name (true = kept); such tensors are stored sparse.
        public var masks: [String: [Bool]] = [:]

        public static func == (a: LayerRecord, b: LayerRecord) -> Bool {
            a.kind == b.kind && a.configuration == b.configuration && a.masks == b.masks
                && a.parameters.map(\.name) == b.parameters.map(\.name) && a.parameters.map(\.values) == b.parameters.map(\.values)
                && a.state.map(\.name) == b.state.map(\.name) && a.state.map(\.values) == b.state.map(\.values)
                && a.encodings == b.encodings
        }
    }

    /// Per-sample input shape.
    public var inputShape: [Int]
    /// Per-sample output shape (logits).
    public var outputShape: [Int]
    /// The layers in order.
    public var layers: [LayerRecord]

    /// Captures `network`'s structure, parameters and state.
    public init(_ network: Network) {
        inputShape = network.inputShape
        outputShape = network.outputShape
        layers = network.layers.enumerated().map { index, layer in
            LayerRecord(
                kind: layer.kind, configuration: layer.configuration,
                parameters: network.layout.filter { $0.layer == index }.map { ($0.spec.name, $0.spec.shape, Array(network.parameters[$0.range])) },
                state: network.stateLayout.filter { $0.layer == index }.map { ($0.spec.name, $0.spec.shape, Array(network.state[$0.range])) })
        }
    }

    init(inputShape: [Int], outputShape: [Int], layers: [LayerRecord]) {
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.layers = layers
    }

    /// Class probabilities (softmax of the logits), `rows × classes`. Pruned dense layers run on their
    /// sparse form (see `makeInferenceNetwork`).
    public func predictProbabilities(_ x: [Float], rows: Int) throws -> [Float] {
        let network = try makeInferenceNetwork()
        var logits = x.withUnsafeBufferPointer { network.predict($0, rows: rows) }
        let k = outputShape.reduce(1, *)
        logits.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows {
                let row = UnsafeMutableBufferPointer(rebasing: p[(r * k)..<((r + 1) * k)])
                let top = row.max() ?? 0
                var sum: Float = 0
                for i in 0..<k { row[i] = expf(row[i] - top); sum += row[i] }
                for i in 0..<k { row[i] /= sum }
            }
        }
        return logits
    }

    /// Parameters, nonzeros and FLOPs per layer, for `pipeline show` and reports.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameters.reduce(0) { $0 + $1.values.count } } }

    /// A network with these layers, parameters and state.
    public func makeNetwork() throws -> Network {
        let network = try Network(inputShape: inputShape, layers: try layers.map { try LayerFactory.make(kind: $0.kind, configuration: $0.configuration) })
        try fill(network)
        return network
    }

    /// Copies the parameters and state into `network` (built from these layers).
    func fill(_ network: Network) throws {
        for entry in network.layout {
            guard let tensor = layers[entry.layer].parameters.first(where: { $0.name == entry.spec.name }), tensor.values.count == entry.range.count else {
                throw StageError("model file: layer \(entry.layer) (\(layers[entry.layer].kind)) lacks parameter '\(entry.spec.name)' of \(entry.range.count) values")
            }
            _ = UnsafeMutableBufferPointer(rebasing: network.parameters[entry.range]).update(fromContentsOf: tensor.values)
        }
        for entry in network.stateLayout {
            guard let tensor = layers[entry.layer].state.first(where: { $0.name == entry.spec.name }), tensor.values.count == entry.range.count else {
                throw StageError("model file: layer \(entry.layer) (\(layers[entry.layer].kind)) lacks state '\(entry.spec.name)'")
            }
            _ = UnsafeMutableBufferPointer(rebasing: network.state[entry.range]).update(fromContentsOf: tensor.values)
        }
        try loadEncodedWeights(into: network)
    }

    /// Writes `/network` under `group`: attribute `input_shape`, and `layers/NN_kind` groups holding the
    /// layer's configuration as attributes and its tensors as datasets.
    func write(to group: HDF5Group) throws {
        let network = try group.createGroup("network")
        try network.setAttribute("input_shape", .ints(inputShape.map(Int64.init)))
        try network.setAttribute("output_shape", .ints(outputShape.map(Int64.init)))
        try network.setAttribute("output", .string("logits (apply softmax for class probabilities)"))
        let layersGroup = try network.createGroup("layers")
        for (index, layer) in layers.enumerated() {
            let g = try layersGroup.createGroup(String(format: "%02d_%@", index, layer.kind))
            try g.setAttribute("kind", .string(layer.kind))
            for key in layer.configuration.keys.sorted() {
                let value: HDF5AttributeValue
                switch layer.configuration[key]! {
                case .int(let i): value = .int(Int64(i))
                case .double(let d): value = .double(d)
                case .string(let s): value = .string(s)
                case .ints(let v): value = .ints(v.map(Int64.init))
                }
                try g.setAttribute("config." + key, value)
            }
            for tensor in layer.parameters {
                if let encoding = layer.encodings[tensor.name] { try Self.write(encoding, named: tensor.name, to: g); continue }
                if let mask = layer.masks[tensor.name] {
                    try SparseTensorStorage.write(tensor.values, shape: tensor.shape, keep: mask, name: tensor.name, to: g)
                } else {
                    _ = try g.createDataset(tensor.name, shape: tensor.shape, data: tensor.values)
                }
            }
            for tensor in layer.state {
                let d = try g.createDataset(tensor.name, shape: tensor.shape, data: tensor.values)
                try d.setAttribute("role", .string("state (not trained)"))
            }
        }
    }

    /// Reads what `write(to:)` wrote.
    static func read(from group: HDF5Group) throws -> NetworkSnapshot {
        let network = try group.group("network")
        let inputShape = try network.intList("input_shape")
        let layersGroup = try network.group("layers")
        var layers: [LayerRecord] = []
        for child in try layersGroup.children() where child.isGroup {
            let g = try layersGroup.group(child.name)
            guard let kind = try g.attribute("kind")?.stringValue else { throw StageError("model file: layer group \(child.name) has no kind") }
            var configuration: [String: LayerValue] = [:]
            for name in try g.attributeNames() where name.hasPrefix("config.") {
                let key = String(name.dropFirst("config.".count))
                switch try g.attribute(name) {
                case .int(let i)?: configuration[key] = .int(Int(i))
                case .double(let d)?: configuration[key] = .double(d)
                case .string(let s)?: configuration[key] = .string(s)
                case .ints(let v)?: configuration[key] = .ints(v.map(Int.init))
                default: continue
                }
            }
            var record = LayerRecord(kind: kind, configuration: configuration, parameters: [], state: [])
            // Parameters stored as groups (encoded or sparse) first, then plain datasets.
            for child in try g.children() where child.isGroup {
                let sub = try g.group(child.name)
                if try sub.attribute("encoding") != nil {
                    let encoding = try Self.readEncoding(sub)
                    record.parameters.append((child.name, encoding.shape, encoding.decoded()))
                    record.encodings[child.name] = encoding
                } else {
                    let tensor = try SparseTensorStorage.read(from: sub)
                    record.parameters.append((child.name, tensor.shape, tensor.values))
                    record.masks[child.name] = tensor.keep
                }
            }
            for child in try g.children() where !child.isGroup {
                let d = try g.dataset(child.name)
                let tensor = (name: child.name, shape: d.shape, values: try d.read(as: Float.self))
                if try d.attribute("role") != nil { record.state.append(tensor) } else { record.parameters.append(tensor) }
            }
            layers.append(record)
        }
        return NetworkSnapshot(inputShape: inputShape, outputShape: try network.intList("output_shape"), layers: layers)
    }
}
