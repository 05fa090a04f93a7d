import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `compress`: shrinks a network's dense layers by one method — `weight_sharing` (k-means codebook of 2^bits
/// values per layer, optionally with centroid fine-tuning on the `data` input), `binarize` (α·sign(w)) or
/// `low_rank` (truncated SVD: one dense layer becomes two).
public struct CompressStage: StageKind {
    public init() {}

    static let method: ParamType = .union(discriminator: "type", variants: [
        UnionVariant("weight_sharing", fields: [
            ParamDecl("bits", .int(min: 1, max: 8), default: .int(5), help: "Codebook of 2^bits shared values per layer."),
            ParamDecl("iterations", .int(min: 1), default: .int(100), help: "Most k-means (Lloyd) iterations."),
            ParamDecl("fine_tune", .object([
                ParamDecl("epochs", .int(min: 0), default: .int(1), help: "Passes over the data input."),
                ParamDecl("lr", .number(min: 0, exclusiveMin: true), default: .double(0.001), help: "Step size for the centroids."),
                ParamDecl("batch_size", .int(min: 1), default: .int(128), help: "Rows per step."),
            ]), help: "Fine-tune the centroids (gradients summed per cluster) on the data input."),
        ], primary: "bits", help: "Deep Compression weight sharing: k-means with linear initialisation; stored as codebook + uint8 indices."),
        UnionVariant("binarize", fields: [
            ParamDecl("scale", .choice(["per_layer", "per_row"]), default: .string("per_row"),
                      help: "α = mean|w| over the layer, or per output unit."),
        ], primary: "scale", help: "XNOR-Net binary weights α·sign(w); stored as bits + scales."),
        UnionVariant("low_rank", fields: [
            ParamDecl("rank", .int(min: 1), help: "Singular values kept per layer."),
            ParamDecl("energy", .number(min: 0, max: 1, exclusiveMin: true), help: "Keep the fewest singular values with Σσ² ≥ this fraction of the total."),
        ], help: "Truncated SVD W ≈ (U·Σ)·Vᵀ: a dense layer becomes two, only where that has fewer weights."),
    ])

    public var signature: StageSignature {
        StageSignature(
            kind: "compress", summary: "Compress a network's dense layers: weight sharing (k-means codebook), binarization or low-rank SVD.",
            params: [
                ParamDecl("method", Self.method, required: true, help: "The compression method and its options."),
                ParamDecl("skip_last", .bool, default: .bool(false), help: "Leave the output layer uncompressed."),
            ],
            inputs: [InputRule(.model), InputRule(.dataset, min: 0, max: 1)],
            outputs: { _ in [OutputDecl("model", .model)] },
            check: { context in
                var problems: [KindProblem] = []
                let method = context.params["method"]?.mapValue
                if method?["type"]?.stringValue == "low_rank", (method?["rank"] == nil) == (method?["energy"] == nil) {
                    problems.append(KindProblem(.param("method"), "low_rank needs exactly one of 'rank' and 'energy'",
                                                hint: "method: {type: low_rank, rank: 32} or {type: low_rank, energy: 0.9}"))
                }
                if method?["type"]?.stringValue == "weight_sharing", let epochs = method?["fine_tune"]?.mapValue?["epochs"]?.intValue, epochs > 0,
                   !context.inputs.contains(where: { $0.type == .dataset }) {
                    problems.append(KindProblem(.inputs, "fine-tuning the centroids needs a labelled dataset input",
                                                hint: "inputs: {model: train.model, data: scale.train}"))
                }
                return problems
            })
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let modelPath = context.inputs(of: .model)[0].input.path
        let stored = try StoredModel.read(from: modelPath)
        let source = try ModelCompression.network(stored, path: modelPath)
        let data = try context.inputs(of: .dataset).first.map { try Dataset.read(from: $0.input.path) }
        if let data, data.columns != source.inputShape.reduce(1, *) {
            throw StageError("the data input has \(data.columns) features per row; the model expects \(source.inputShape.reduce(1, *))")
        }
        let method = context.param("method").mapValue!
        let denseIndices = source.layers.indices.filter { source.layers[$0].kind == "dense" }
        let targets = context.bool("skip_last") ? Array(denseIndices.dropLast()) : denseIndices
        guard !targets.isEmpty else { throw StageError("the model has no dense layers to compress") }
        var compressed: NetworkSnapshot
        var metrics: [String: Double] = [:]
        switch method["type"]?.stringValue {
        case "weight_sharing":
            (compressed, metrics) = try shareWeights(source, layers: targets, options: method, data: data, context: context)
        case "binarize":
            compressed = source
            for index in targets {
                let w = try Self.weight(of: source.layers[index], index: index)
                let binary = BinaryWeights(binarizing: w.values, shape: w.shape, channelAxis: method["scale"]?.stringValue == "per_layer" ? nil : 1)
                Self.replaceWeight(in: &compressed.layers[index], with: .binary(binary))
            }
        default:
            let rule: LowRankFactors.RankRule = method["rank"]?.intValue.map { .count($0) } ?? .energy(method["energy"]?.doubleValue ?? 1)
            (compressed, metrics) = try factorise(source, layers: targets, rule: rule)
        }
        metrics.merge(try ModelCompression.metrics(before: source, after: compressed, data: data)) { a, _ in a }
        let path = try ModelCompression.write(compressed, like: stored, context: context,
                                              attributes: ["compressed_by": .string("compress \(method["type"]?.stringValue ?? "?")")])
        return StageResult(outputs: ["model": path], metrics: metrics)
    }

    static func weight(of layer: NetworkSnapshot.LayerRecord, index: Int) throws -> (name: String, shape: [Int], values: [Float]) {
        guard let w = layer.parameters.first(where: { $0.name == "weight" }), w.shape.count == 2 else {
            throw StageError("model file: dense layer \(index) has no 2-D weight")
        }
        return w
    }

    static func replaceWeight(in layer: inout NetworkSnapshot.LayerRecord, with encoding: TensorEncoding) {
        guard let position = layer.parameters.firstIndex(where: { $0.name == "weight" }) else { return }
        layer.parameters[position].values = encoding.decoded()
        layer.encodings["weight"] = encoding
    }

    /// k-means per layer, then (with a data input and epochs > 0) centroid fine-tuning.
    func shareWeights(_ source: NetworkSnapshot, layers targets: [Int], options: [String: ParamValue], data: Dataset?,
                      context: StageContext) throws -> (NetworkSnapshot, [String: Double]) {
        let bits = options["bits"]?.intValue ?? 5
        var compressed = source
        var shared: [(layer: Int, weights: SharedWeights)] = []
        for index in targets {
            let w = try Self.weight(of: source.layers[index], index: index)
            let codebook = SharedWeights(clustering: w.values, shape: w.shape, bits: bits, iterations: options["iterations"]?.intValue ?? 100)
            shared.append((index, codebook))
            Self.replaceWeight(in: &compressed.layers[index], with: .codebook(codebook))
        }
        var metrics: [String: Double] = [:]
        let tune = options["fine_tune"]?.mapValue
        if let tune, let epochs = tune["epochs"]?.intValue, epochs > 0 {
            guard let data, let labels = data.labels else { throw StageError("fine-tuning the centroids needs a labelled dataset input") }
            let network = try compressed.makeNetwork()
            var ranges: [(range: Range<Int>, weights: SharedWeights)] = shared.map { entry in
                (network.layout.first { $0.layer == entry.layer && $0.spec.name == "weight" }!.range, entry.weights)
            }
            let x = data.floatFeatures()
            let losses = x.withUnsafeBufferPointer { xp in
                labels.withUnsafeBufferPointer { lp in
                    CentroidFineTuning.run(network: network, shared: &ranges, x: xp, labels: lp, rows: data.rows, epochs: epochs,
                                           batchSize: tune["batch_size"]?.intValue ?? 128, learningRate: Float(tune["lr"]?.doubleValue ?? 0.001))
                }
            }
            for (k, entry) in shared.enumerated() { Self.replaceWeight(in: &compressed.layers[entry.layer], with: .codebook(ranges[k].weights)) }
            if let last = losses.last { metrics["fine_tune_loss"] = last }
            context.report(.note("fine-tuned \(shared.count) codebook(s) for \(epochs) epoch(s); loss per epoch " + losses.map { String(format: "%.4f", $0) }.joined(separator: ", ")))
        }
        metrics["codebook_size"] = Double(1 << bits)
        return (compressed, metrics)
    }

    /// Replaces each targeted dense layer by two (rank r) where r·(in + out) < in·out.
    func factorise(_ source: NetworkSnapshot, layers targets: [Int], rule: LowRankFactors.RankRule) throws -> (NetworkSnapshot, [String: Double]) {
        var layers: [NetworkSnapshot.LayerRecord] = []
        var factorised = 0, ranks: [Int] = []
        for (index, layer) in source.layers.enumerated() {
            guard targets.contains(index) else { layers.append(layer); continue }
            let w = try Self.weight(of: layer, index: index)
            guard let bias = layer.parameters.first(where: { $0.name == "bias" }) else { throw StageError("model file: dense layer \(index) has no bias") }
            let (rows, cols) = (w.shape[0], w.shape[1])
            let factors: LowRankFactors
            do { factors = try LowRankFactors(factorising: w.values, rows: rows, cols: cols, rule: rule) } catch let error as LayerError {
                throw StageError(error.description)
            }
            guard factors.rank * (rows + cols) < rows * cols else { layers.append(layer); continue }
            let r = factors.rank
            layers.append(NetworkSnapshot.LayerRecord(kind: "dense", configuration: ["units": .int(r)],
                                                      parameters: [("weight", [rows, r], factors.first), ("bias", [r], [Float](repeating: 0, count: r))], state: []))
            layers.append(NetworkSnapshot.LayerRecord(kind: "dense", configuration: ["units": .int(cols)],
                                                      parameters: [("weight", [r, cols], factors.second), bias], state: []))
            factorised += 1
            ranks.append(r)
        }
        var metrics: [String: Double] = ["factorised_layers": Double(factorised)]
        for (k, r) in ranks.enumerated() { metrics["rank_\(k)"] = Double(r) }
        return (NetworkSnapshot(inputShape: source.inputShape, outputShape: source.outputShape, layers: layers), metrics)
    }
}
