import Foundation
import Learn
import PipelineStore
import Stages

/// `pipeline bench sparse`: dense (sgemm) against sparse (CSR) inference on the same pruned weights, at
/// batch 1 and batch 256, over a sweep of sparsities, with the model file sizes.
enum SparseBench {
    struct Row {
        var sparsity: Double
        var dense1: Double, sparse1: Double, dense256: Double, sparse256: Double
        var denseBytes: Int, sparseBytes: Int
    }

    /// LeNet-300-100 with weights from `model` (a pruned network model file) or random ones pruned to `sparsity`.
    static func measure(model: String?, sparsity: Double, repeats: Int, scratch: String) throws -> Row {
        var snapshot: NetworkSnapshot
        if let model {
            guard case .network(let s) = try StoredModel.read(from: model).model else { throw ValidationErrorText("'\(model)' is not a network model") }
            snapshot = s
        } else {
            let network = try Network(inputShape: [784], layers: [DenseLayer(units: 300), ActivationLayer(.relu), DenseLayer(units: 100),
                                                                   ActivationLayer(.relu), DenseLayer(units: 10)])
            var g = SeededGenerator(seed: 1)
            network.initialize(.heUniform, generator: &g)
            var mask = [Float](repeating: 1, count: network.parameterCount)
            let weights = network.layout.filter { $0.spec.role == .weight }.map(\.range)
            MagnitudePruning.prune(network.parameters, mask: &mask, tensors: weights, sparsity: weights.map { _ in sparsity }, scope: .layer)
            snapshot = NetworkSnapshot(network)
            snapshot.recordMasks(mask, network: network)
        }
        let dense = try snapshot.makeNetwork()
        let sparse = try snapshot.makeInferenceNetwork(maxDensity: 1)
        let rows = 1024, width = dense.inputShape.reduce(1, *)
        var g = SeededGenerator(seed: 2)
        let x = (0..<(rows * width)).map { _ in Float(g.nextGaussian()) }
        // The engines agree before they are timed.
        let a = x.withUnsafeBufferPointer { dense.predict($0, rows: 256) }, b = x.withUnsafeBufferPointer { sparse.predict($0, rows: 256) }
        let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
        guard worst < 1e-3 else { throw ValidationErrorText("sparse and dense outputs differ by \(worst)") }

        func bytes(_ s: NetworkSnapshot) throws -> Int {
            let path = scratch + "/model-\(UUID().uuidString).h5"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try StoredModel(model: .network(s), classNames: [], sampleShape: s.inputShape)
                .write(to: path, provenance: Provenance(stage: "bench", kind: "bench", fingerprint: "-"), attributes: [:])
            return (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        }
        var unmasked = snapshot
        for i in unmasked.layers.indices { unmasked.layers[i].masks = [:] }
        let weights = snapshot.layers.flatMap { $0.parameters.filter { $0.name == "weight" }.map(\.values) }
        let zeros = weights.reduce(0) { $0 + $1.filter { $0 == 0 }.count }, total = weights.reduce(0) { $0 + $1.count }
        return Row(sparsity: Double(zeros) / Double(total),
                   dense1: InferenceBenchmark.secondsPerPass(dense, x: x, rows: rows, batch: 1, repeats: repeats),
                   sparse1: InferenceBenchmark.secondsPerPass(sparse, x: x, rows: rows, batch: 1, repeats: repeats),
                   dense256: InferenceBenchmark.secondsPerPass(dense, x: x, rows: rows, batch: 256, repeats: repeats),
                   sparse256: InferenceBenchmark.secondsPerPass(sparse, x: x, rows: rows, batch: 256, repeats: repeats),
                   denseBytes: try bytes(unmasked), sparseBytes: try bytes(snapshot))
    }

    static func report(model: String?, sweep: [Double], repeats: Int) throws -> String {
        let scratch = NSTemporaryDirectory() + "pipeline-bench-sparse-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var lines: [String] = []
        func line(_ label: String, _ r: Row) -> String {
            String(format: "%@ %6.2f %%  b1: dense %8.1f µs sparse %8.1f µs ×%5.2f   b256: dense %8.1f µs sparse %8.1f µs ×%5.2f   file %8d → %8d B",
                   label, 100 * r.sparsity, r.dense1 * 1e6, r.sparse1 * 1e6, r.dense1 / r.sparse1, r.dense256 * 1e6, r.sparse256 * 1e6,
                   r.dense256 / r.sparse256, r.denseBytes, r.sparseBytes)
        }
        if let model {
            let r = try measure(model: model, sparsity: 0, repeats: repeats, scratch: scratch)
            lines.append(line("model ", r))
            lines.append(String(format: "model speedup batch 1: %.2fx  batch 256: %.2fx  file: %d -> %d bytes", r.dense1 / r.sparse1, r.dense256 / r.sparse256,
                                r.denseBytes, r.sparseBytes))
        }
        var crossover1: Double?, crossover256: Double?
        for s in sweep {
            let r = try measure(model: nil, sparsity: s, repeats: repeats, scratch: scratch)
            lines.append(line("sweep ", r))
            if crossover1 == nil, r.sparse1 < r.dense1 { crossover1 = s }
            if crossover256 == nil, r.sparse256 < r.dense256 { crossover256 = s }
        }
        if !sweep.isEmpty {
            func text(_ v: Double?) -> String { v.map { String(format: "%.0f %%", 100 * $0) } ?? "none in the sweep" }
            lines.append("crossover (lowest swept sparsity where sparse is faster): batch 1: \(text(crossover1))  batch 256: \(text(crossover256))")
        }
        return lines.joined(separator: "\n")
    }
}

/// A benchmark failure with a message.
struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
