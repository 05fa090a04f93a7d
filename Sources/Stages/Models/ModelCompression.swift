import Foundation
import Learn
import PipelineStore

/// What the compression stages share: reading a network model, per-layer activations on calibration data,
/// accuracy before and after, and storage sizes per layer.
enum ModelCompression {
    /// The network in a model artifact, or a clear error for other families.
    static func network(_ stored: StoredModel, path: String) throws -> NetworkSnapshot {
        guard case .network(let snapshot) = stored.model else {
            throw StageError("'\(path)' holds a \(stored.model.family) model; compression applies to networks (mlp, sequential)")
        }
        return snapshot
    }

    /// The inputs of every layer (inference mode, float network) for `rows` samples of `x`: element `i` holds the
    /// values layer `i` receives, row-major.
    static func layerInputs(_ snapshot: NetworkSnapshot, x: [Float], rows: Int) throws -> [[Float]] {
        let network = try snapshot.makeNetwork()
        var unused = SeededGenerator(seed: 0)
        var inputs: [[Float]] = []
        var current = x
        for (index, layer) in network.layers.enumerated() {
            inputs.append(current)
            let width = network.layerOutputShapes[index].reduce(1, *)
            var next = [Float](repeating: 0, count: rows * width)
            current.withUnsafeBufferPointer { xp in
                next.withUnsafeMutableBufferPointer { layer.forward(xp, batch: rows, into: $0, mode: .inference, generator: &unused) }
            }
            current = next
        }
        return inputs
    }

    /// Accuracy of `model` on a labelled dataset.
    static func accuracy(_ model: ModelArtifact, on data: Dataset) throws -> Double {
        guard let labels = data.labels, data.rows > 0 else { throw StageError("the evaluation dataset has no labels") }
        let p = try model.predictProbabilities(data.floatFeatures(), rows: data.rows)
        let predicted = EvaluateStage.argmax(p, rows: data.rows, classes: model.classes)
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(data.rows)
    }

    /// The first `limit` rows of a dataset's features as floats (all rows when it has fewer).
    static func rows(_ data: Dataset, limit: Int) -> (x: [Float], rows: Int) {
        let n = min(limit, data.rows)
        return (Array(data.floatFeatures().prefix(n * data.columns)), n)
    }

    /// Bytes of a layer's parameters as dense float32, and as stored (encoded tensors at their encoded size).
    static func bytes(_ layer: NetworkSnapshot.LayerRecord) -> (dense: Int, stored: Int) {
        var dense = 0, stored = 0
        for tensor in layer.parameters {
            dense += 4 * tensor.values.count
            stored += layer.encodings[tensor.name]?.storageBytes ?? 4 * tensor.values.count
        }
        return (dense, stored)
    }

    /// Metrics every compression stage reports: parameter bytes before and after and their ratio, and the
    /// accuracy change on `data` (when given).
    static func metrics(before: NetworkSnapshot, after: NetworkSnapshot, data: Dataset?) throws -> [String: Double] {
        let denseBytes = before.layers.reduce(0) { $0 + bytes($1).stored }
        let storedBytes = after.layers.reduce(0) { $0 + bytes($1).stored }
        var metrics: [String: Double] = ["parameter_bytes_before": Double(denseBytes), "parameter_bytes_after": Double(storedBytes),
                                         "compression_ratio": Double(denseBytes) / Double(max(storedBytes, 1)),
                                         "parameters_after": Double(after.parameterCount)]
        if let data, data.labels != nil {
            let a = try accuracy(.network(before), on: data), b = try accuracy(.network(after), on: data)
            metrics["accuracy_before"] = a
            metrics["accuracy_after"] = b
            metrics["accuracy_change"] = b - a
        }
        return metrics
    }

    /// Writes the compressed network as a model artifact carrying the source model's names.
    static func write(_ snapshot: NetworkSnapshot, like stored: StoredModel, context: StageContext, attributes: [String: HDF5AttributeValue]) throws -> String {
        let path = context.outputPath("model")
        try StoredModel(model: .network(snapshot), classNames: stored.classNames, sampleShape: stored.sampleShape, history: stored.history, schedule: stored.schedule)
            .write(to: path, provenance: context.provenance, attributes: attributes)
        return path
    }
}
