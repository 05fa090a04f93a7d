import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `quantize`: post-training int8 quantization of a network's dense layers. Weights become int8 codes with
/// scales and zero points (per tensor or per output unit); activations are quantized per batch at run time
/// (`dynamic`) or with a range measured on the calibration dataset (`static`, min/max or percentile).
/// Inference runs an int8 × int8 → int32 GEMM (or, with `kernel: dequantize`, float sgemm on dequantized
/// weights). Other layers (convolutions, batch norm, activations) stay float.
public struct QuantizeStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "quantize", summary: "Post-training int8 quantization of a network's dense layers (weights int8 + scales; int8 GEMM inference).",
            params: [
                ParamDecl("scheme", .choice(QuantizationScheme.allCases.map(\.rawValue)), default: .string("symmetric"),
                          help: "Weights: 'symmetric' (zero point 0, codes ±127) or 'affine' (min/max mapped to −128…127 with a zero point)."),
                ParamDecl("granularity", .choice(["per_tensor", "per_channel"]), default: .string("per_channel"),
                          help: "One weight scale per layer, or one per output unit."),
                ParamDecl("activations", .choice(ActivationQuantization.allCases.map(\.rawValue)), default: .string("static"),
                          help: "'static': input ranges measured on the calibration input; 'dynamic': each batch's range at run time."),
                ParamDecl("calibration", .choice(["minmax", "percentile"]), default: .string("minmax"),
                          help: "How static ranges are measured: smallest/largest value, or the percentile below."),
                ParamDecl("percentile", .number(min: 50, max: 100, exclusiveMin: true), default: .double(99.99),
                          help: "With calibration: percentile, the range is [100 − p, p] percentiles of each layer's inputs."),
                ParamDecl("calibration_rows", .int(min: 1), default: .int(1000), help: "Rows of the calibration input used to measure ranges."),
                ParamDecl("kernel", .choice(QuantizedKernel.allCases.map(\.rawValue)), default: .string("int8"),
                          help: "'int8': int8 × int8 → int32 GEMM; 'dequantize': weights dequantized to float, float sgemm."),
            ],
            inputs: [InputRule(.model), InputRule(.dataset, min: 0, max: 1)],
            outputs: { _ in [OutputDecl("model", .model)] },
            check: { context in
                guard context.params["activations"]?.stringValue ?? "static" == "static",
                      context.params["kernel"]?.stringValue ?? "int8" == "int8",
                      !context.inputs.contains(where: { $0.type == .dataset }) else { return [] }
                return [KindProblem(.inputs, "static activation quantization needs a calibration dataset input",
                                    hint: "inputs: {model: train.model, calibration: scale.validation}, or activations: dynamic")]
            })
    }

    public func run(_ context: StageContext) throws -> StageResult {
        let modelPath = context.inputs(of: .model)[0].input.path
        let stored = try StoredModel.read(from: modelPath)
        let source = try ModelCompression.network(stored, path: modelPath)
        let data = try context.inputs(of: .dataset).first.map { try Dataset.read(from: $0.input.path) }
        let scheme = QuantizationScheme(rawValue: context.string("scheme"))!
        let perChannel = context.string("granularity") == "per_channel"
        let kernel = QuantizedKernel(rawValue: context.string("kernel"))!
        let activations = ActivationQuantization(rawValue: context.string("activations"))!
        let needsRanges = activations == .static && kernel == .int8
        let method: CalibrationMethod = context.string("calibration") == "percentile" ? .percentile(context.double("percentile")) : .minMax

        var layerInputs: [[Float]] = []
        if needsRanges {
            guard let data else { throw StageError("static activation quantization needs a calibration dataset input") }
            guard data.columns == source.inputShape.reduce(1, *) else {
                throw StageError("the calibration input has \(data.columns) features per row; the model expects \(source.inputShape.reduce(1, *))")
            }
            let sample = ModelCompression.rows(data, limit: context.int("calibration_rows"))
            layerInputs = try ModelCompression.layerInputs(source, x: sample.x, rows: sample.rows)
        }
        var quantized = source
        var count = 0
        for (index, layer) in source.layers.enumerated() where layer.kind == "dense" {
            guard let weight = layer.parameters.first(where: { $0.name == "weight" }), let bias = layer.parameters.first(where: { $0.name == "bias" }),
                  weight.shape.count == 2 else { throw StageError("model file: dense layer \(index) lacks weight or bias") }
            let tensor = QuantizedTensor(quantizing: weight.values, shape: weight.shape, scheme: scheme, channelAxis: perChannel ? 1 : nil)
            var configuration: [String: LayerValue] = ["units": .int(weight.shape[1]), "kernel": .string(kernel.rawValue),
                                                       "activations": .string(needsRanges ? "static" : "dynamic")]
            if needsRanges {
                let range = method.range(of: layerInputs[index])
                let p = QuantizationParameters.covering(min: range.min, max: range.max, scheme: .affine)
                configuration["input_scale"] = .double(Double(p.scale))
                configuration["input_zero_point"] = .int(Int(p.zeroPoint))
            }
            var record = NetworkSnapshot.LayerRecord(kind: "dense_int8", configuration: configuration,
                                                     parameters: [(weight.name, weight.shape, tensor.dequantized()), bias], state: [])
            record.encodings["weight"] = .int8(tensor)
            quantized.layers[index] = record
            count += 1
        }
        guard count > 0 else { throw StageError("the model has no dense layers to quantize") }
        context.report(.note("quantized \(count) dense layer(s) to int8 (\(scheme.rawValue), \(perChannel ? "per channel" : "per tensor"), \(needsRanges ? "static" : "dynamic") activations, \(kernel.rawValue) kernel)"))
        var metrics = try ModelCompression.metrics(before: source, after: quantized, data: data)
        metrics["quantized_layers"] = Double(count)
        let path = try ModelCompression.write(quantized, like: stored, context: context,
                                              attributes: ["compressed_by": .string("quantize int8 \(scheme.rawValue) \(context.string("granularity"))")])
        return StageResult(outputs: ["model": path], metrics: metrics)
    }
}
