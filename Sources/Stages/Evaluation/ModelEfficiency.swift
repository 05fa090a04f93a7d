import Foundation
import Learn
import PipelineStore

/// Size and cost of a model: what is fixed by the model file (parameters, nonzeros, FLOPs, bytes — deterministic,
/// written to the metrics artifact) and what is measured on this machine (latency, throughput — wall-clock,
/// reported only in the lockfile so the hashed artifacts stay bit-identical between runs).
struct ModelEfficiency {
    /// One row of the per-layer table (networks).
    struct Layer {
        var name: String
        var parameters: Int
        var nonzeros: Int
        var flops: Int
    }

    /// Trainable numbers (networks: parameters; softmax regression: weights + bias; plug-in families: every
    /// number stored in the model file outside `/history`).
    var parameters: Int
    /// How many of them are non-zero.
    var nonzeros: Int
    /// Multiply-adds ×2 per sample for one forward pass, when known for the family.
    var flopsPerSample: Int?
    /// Size of the model file in bytes.
    var modelBytes: Int
    /// Per-layer rows (networks only).
    var layers: [Layer]

    /// Reads the static figures of the model at `path`.
    static func of(_ stored: StoredModel, path: String) throws -> ModelEfficiency {
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        switch stored.model {
        case .softmaxRegression(let m):
            let nonzeros = m.weights.lazy.filter { $0 != 0 }.count + m.bias.lazy.filter { $0 != 0 }.count
            return ModelEfficiency(parameters: m.weights.count + m.bias.count, nonzeros: nonzeros,
                                   flopsPerSample: 2 * m.features * m.classes, modelBytes: bytes, layers: [])
        case .network(let snapshot):
            let network = try snapshot.makeNetwork()
            var layers: [Layer] = []
            for (index, record) in snapshot.layers.enumerated() {
                let values = record.parameters.flatMap(\.values)
                layers.append(Layer(name: "\(index):\(record.kind)", parameters: values.count, nonzeros: values.lazy.filter { $0 != 0 }.count,
                                    flops: network.layers[index].flopsPerSample))
            }
            return ModelEfficiency(parameters: layers.reduce(0) { $0 + $1.parameters }, nonzeros: layers.reduce(0) { $0 + $1.nonzeros },
                                   flopsPerSample: network.flopsPerSample, modelBytes: bytes, layers: layers)
        case .fitted:
            let file = try HDF5File.open(path)
            defer { try? file.close() }
            var parameters = 0, nonzeros = 0
            try countNumbers(in: file.root, parameters: &parameters, nonzeros: &nonzeros)
            return ModelEfficiency(parameters: parameters, nonzeros: nonzeros, flopsPerSample: nil, modelBytes: bytes, layers: [])
        }
    }

    private static func countNumbers(in group: HDF5Group, parameters: inout Int, nonzeros: inout Int) throws {
        for child in try group.children() where child.name != "history" {
            if child.isGroup {
                try countNumbers(in: try group.group(child.name), parameters: &parameters, nonzeros: &nonzeros)
            } else {
                let dataset = try group.dataset(child.name)
                guard dataset.elementType != .string else { continue }
                let values = try dataset.read(as: Double.self)
                parameters += values.count
                nonzeros += values.lazy.filter { $0 != 0 }.count
            }
        }
    }

    /// Writes the static figures into `group`.
    func write(to group: HDF5Group) throws {
        try group.setAttribute("parameters", .int(Int64(parameters)))
        try group.setAttribute("nonzeros", .int(Int64(nonzeros)))
        try group.setAttribute("model_bytes", .int(Int64(modelBytes)))
        if let flopsPerSample { try group.setAttribute("flops_per_sample", .int(Int64(flopsPerSample))) }
        guard !layers.isEmpty else { return }
        _ = try group.createStringDataset("layer_names", layers.map(\.name))
        _ = try group.createDataset("layer_parameters", shape: [layers.count], data: layers.map { Int64($0.parameters) })
        _ = try group.createDataset("layer_nonzeros", shape: [layers.count], data: layers.map { Int64($0.nonzeros) })
        _ = try group.createDataset("layer_flops", shape: [layers.count], data: layers.map { Int64($0.flops) })
    }

    /// The static figures as lockfile / summary numbers.
    var scalars: [(String, Double)] {
        [("parameters", Double(parameters)), ("nonzeros", Double(nonzeros)), ("model_bytes", Double(modelBytes))]
            + (flopsPerSample.map { [("flops_per_sample", Double($0))] } ?? [])
    }
}

/// Wall-clock inference timing: batch-1 latency percentiles and throughput at a larger batch.
enum InferenceTiming {
    /// Predicts single rows `repeats` times (cycling through the data) and `batch`-row blocks for at least
    /// `minimumSeconds`; returns p50/p95 latency in milliseconds and rows per second.
    static func measure(_ model: ModelArtifact, x: [Float], rows: Int, columns: Int, repeats: Int, batch: Int,
                        minimumSeconds: Double = 0.1) throws -> [String: Double] {
        guard rows > 0 else { return [:] }
        // Networks are built once (as a server would keep them) and timed to the logits; other families predict.
        let predict: ([Float], Int) throws -> Void
        if case .network(let snapshot) = model {
            let network = try snapshot.makeNetwork()
            predict = { x, n in _ = x.withUnsafeBufferPointer { network.predict($0, rows: n) } }
        } else {
            predict = { x, n in _ = try model.predict(x, rows: n) }
        }
        var latencies: [Double] = []
        for r in 0..<repeats {
            let row = r % rows
            let one = Array(x[(row * columns)..<((row + 1) * columns)])
            let start = DispatchTime.now().uptimeNanoseconds
            try predict(one, 1)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        latencies.sort()
        let size = min(batch, rows)
        let block = Array(x[0..<(size * columns)])
        var done = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            try predict(block, size)
            done += size
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minimumSeconds
        return ["latency_p50_ms": Bootstrap.percentile(latencies, 0.5), "latency_p95_ms": Bootstrap.percentile(latencies, 0.95),
                "throughput_rows_per_s": Double(done) / elapsed, "throughput_batch": Double(size)]
    }
}
