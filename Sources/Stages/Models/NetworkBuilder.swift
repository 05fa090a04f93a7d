import Learn
import PipelineSpec

/// Turns the normalised `model:` parameter of the `mlp` and `sequential` families into layers.
enum NetworkBuilder {
    /// The per-sample input shape: images gain a channel axis (`[H, W]` → `[1, H, W]`) when the model
    /// starts with a convolution or pooling layer; otherwise the sample shape as stored.
    static func inputShape(for model: [String: ParamValue], sampleShape: [Int]) -> [Int] {
        let first = model["layers"]?.listValue?.first?.mapValue?["type"]?.stringValue
        if ["conv2d", "max_pool", "avg_pool"].contains(first ?? ""), sampleShape.count == 2 { return [1] + sampleShape }
        return sampleShape
    }

    /// Per-layer penalties written on `sequential` dense/conv2d entries, by index in `layers(for:classes:)`.
    static func layerPenalties(for model: [String: ParamValue]) throws -> [Int: Penalty] {
        guard model["type"]?.stringValue == "sequential" else { return [:] }
        var penalties: [Int: Penalty] = [:]
        var index = 0
        for entry in model["layers"]?.listValue?.compactMap(\.mapValue) ?? [] {
            if entry["l1"] != nil || entry["l2"] != nil {
                penalties[index] = Penalty(l1: Float(entry["l1"]?.doubleValue ?? 0), l2: Float(entry["l2"]?.doubleValue ?? 0))
            }
            index += try layer(entry).count
        }
        return penalties
    }

    /// The layers (output layer included for `mlp`) and the weight initialiser.
    static func layers(for model: [String: ParamValue], classes: Int) throws -> ([any Layer], Initializer) {
        let initializer = Self.initializer(model["init"]?.stringValue ?? "xavier_uniform")
        switch model["type"]?.stringValue {
        case "mlp":
            var layers: [any Layer] = []
            let activation = model["activation"]?.stringValue ?? "relu"
            let dropout = model["dropout"]?.doubleValue ?? 0
            for width in model["layers"]?.listValue?.compactMap(\.intValue) ?? [] {
                layers.append(DenseLayer(units: width))
                if model["batch_norm"]?.boolValue == true { layers.append(BatchNormLayer()) }
                layers.append(try activationLayer(activation, alpha: nil))
                if dropout > 0 { layers.append(DropoutLayer(rate: dropout)) }
            }
            layers.append(DenseLayer(units: classes))
            return (layers, initializer)
        case "sequential":
            var layers: [any Layer] = []
            for entry in model["layers"]?.listValue?.compactMap(\.mapValue) ?? [] { layers += try Self.layer(entry) }
            return (layers, initializer)
        case let other:
            throw StageError("model type '\(other ?? "?")' is not a network")
        }
    }

    /// One `layers:` entry (a dense or conv2d with `activation:` becomes two layers).
    static func layer(_ entry: [String: ParamValue]) throws -> [any Layer] {
        func pair(_ key: String, default value: Int) -> (Int, Int) {
            if let list = entry[key]?.listValue?.compactMap(\.intValue), list.count >= 2 { return (list[0], list[1]) }
            let n = entry[key]?.intValue ?? value
            return (n, n)
        }
        var layers: [any Layer]
        switch entry["type"]?.stringValue ?? "" {
        case "dense":
            layers = [DenseLayer(units: entry["units"]!.intValue!)]
        case "conv2d":
            let padding: Conv2DPadding
            switch entry["padding"] {
            case .string("same")?: padding = .same
            case .int(let n)?: padding = .explicit(height: n, width: n)
            default: padding = .valid
            }
            layers = [Conv2DLayer(filters: entry["filters"]!.intValue!, kernel: pair("kernel", default: 3), stride: pair("stride", default: 1), padding: padding)]
        case "max_pool":
            let size = pair("size", default: 2)
            layers = [MaxPool2DLayer(size: size, stride: entry["stride"] == nil ? size : pair("stride", default: 1))]
        case "avg_pool":
            let size = pair("size", default: 2)
            layers = [AvgPool2DLayer(size: size, stride: entry["stride"] == nil ? size : pair("stride", default: 1))]
        case "flatten":
            layers = [FlattenLayer()]
        case "dropout":
            layers = [DropoutLayer(rate: entry["rate"]?.doubleValue ?? 0.5)]
        case "batch_norm":
            layers = [BatchNormLayer(momentum: entry["momentum"]?.doubleValue ?? 0.1, epsilon: entry["epsilon"]?.doubleValue ?? 1e-5)]
        case "activation":
            layers = [try activationLayer(entry["function"]!.stringValue!, alpha: entry["alpha"]?.doubleValue)]
        case let other:
            throw StageError("unknown layer type '\(other)'")
        }
        if let function = entry["activation"]?.stringValue { layers.append(try activationLayer(function, alpha: nil)) }
        return layers
    }

    static func activationLayer(_ name: String, alpha: Double?) throws -> any Layer {
        var configuration: [String: LayerValue] = ["activation": .string(name)]
        if let alpha { configuration["alpha"] = .double(alpha) }
        return try LayerFactory.make(kind: "activation", configuration: configuration)
    }

    static func initializer(_ name: String) -> Initializer {
        switch name {
        case "xavier_normal": return .xavierNormal
        case "he_uniform": return .heUniform
        case "he_normal": return .heNormal
        case "lecun_uniform": return .lecunUniform
        case "lecun_normal": return .lecunNormal
        case "zeros": return .zeros
        default: return .xavierUniform
        }
    }
}
