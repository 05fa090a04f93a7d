// Rebuilding layers from (kind, configuration), as stored in a model file or written in YAML.

/// Builds layers from their `kind` and `configuration` (the inverse of `Layer.kind` / `Layer.configuration`).
///
/// Accepted configurations (keys not listed are rejected; integer pairs may be one integer `k` for `[k, k]`;
/// integers written as integral numbers and numbers written as integers are accepted):
/// - "dense": `units` (integer ≥ 1).
/// - "conv2d": `filters` (≥ 1), `kernel` (pair ≥ 1), `stride` (pair ≥ 1, default [1, 1]),
///   `padding` ("valid" (default), "same" or a pair ≥ 0).
/// - "max_pool", "avg_pool": `size` (pair ≥ 1), `stride` (pair ≥ 1, default `size`).
/// - "flatten": no keys.
/// - "dropout": `rate` (number in [0, 1)).
/// - "batch_norm": `momentum` (in [0, 1], default 0.1), `epsilon` (> 0, default 1e-5).
/// - "activation": `activation` (one of `Activation`'s raw values), `alpha` (number, leaky_relu and elu only).
/// - "dense_int8": `units`, `kernel` ("int8" or "dequantize"), `activations` ("dynamic" or "static"; static needs
///   `input_scale` > 0 and `input_zero_point` in [−128, 127]); its weight arrives encoded (`QuantizedDenseLayer`).
public enum LayerFactory {
    /// Every kind `make` knows, in documentation order.
    public static let kinds = ["dense", "conv2d", "max_pool", "avg_pool", "flatten", "dropout", "batch_norm", "activation", "dense_int8"]

    /// A new, unbuilt layer of `kind` configured by `configuration`.
    ///
    /// Throws `LayerError` for an unknown kind (naming the known ones), an unknown key, a missing key or a
    /// value of the wrong type or range (naming what was expected and what was found).
    public static func make(kind: String, configuration: [String: LayerValue]) throws -> any Layer {
        switch kind {
        case "dense":
            let r = try ConfigurationReader(kind: kind, configuration: configuration, allowed: ["units"])
            return DenseLayer(units: try r.int("units", minimum: 1))
        case "conv2d":
            let r = try ConfigurationReader(kind: kind, configuration: configuration,
                                            allowed: ["filters", "kernel", "stride", "padding"])
            let filters = try r.int("filters", minimum: 1)
            let kernel = try r.pair("kernel", minimum: 1)
            let stride = try r.pair("stride", minimum: 1, default: (1, 1))
            let expected = "\"same\", \"valid\" or a pair [height, width] of integers ≥ 0"
            var padding = Conv2DPadding.valid
            switch r.raw("padding") {
            case nil: break
            case .string(let s)?:
                guard let p = Conv2DPadding(name: s) else { throw r.error("padding", expected: expected, found: .string(s)) }
                padding = p
            case .some:
                let (h, w) = try r.pair("padding", minimum: 0)
                padding = .explicit(height: h, width: w)
            }
            return Conv2DLayer(filters: filters, kernel: kernel, stride: stride, padding: padding)
        case "max_pool", "avg_pool":
            let r = try ConfigurationReader(kind: kind, configuration: configuration, allowed: ["size", "stride"])
            let size = try r.pair("size", minimum: 1)
            let stride = try r.pair("stride", minimum: 1, default: size)
            return kind == "max_pool" ? MaxPool2DLayer(size: size, stride: stride) : AvgPool2DLayer(size: size, stride: stride)
        case "flatten":
            _ = try ConfigurationReader(kind: kind, configuration: configuration, allowed: [])
            return FlattenLayer()
        case "dropout":
            let r = try ConfigurationReader(kind: kind, configuration: configuration, allowed: ["rate"])
            return DropoutLayer(rate: try r.double("rate", expected: "a number in [0, 1)") { $0 >= 0 && $0 < 1 })
        case "batch_norm":
            let r = try ConfigurationReader(kind: kind, configuration: configuration, allowed: ["momentum", "epsilon"])
            let momentum = try r.double("momentum", expected: "a number in [0, 1]", default: 0.1) { $0 >= 0 && $0 <= 1 }
            let epsilon = try r.double("epsilon", expected: "a number > 0", default: 1e-5) { $0 > 0 && $0.isFinite }
            return BatchNormLayer(momentum: momentum, epsilon: epsilon)
        case "activation":
            let r = try ConfigurationReader(kind: kind, configuration: configuration, allowed: ["activation", "alpha"])
            let names = Activation.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            let expected = "one of \(names)"
            guard let raw = r.raw("activation") else { throw r.missingError("activation", expected: expected) }
            guard case .string(let name) = raw, let function = Activation(rawValue: name) else {
                throw r.error("activation", expected: expected, found: raw)
            }
            var alpha: Double?
            if let a = r.raw("alpha") {
                guard function.defaultAlpha != nil else {
                    throw LayerError("activation: 'alpha' applies only to leaky_relu and elu, not \(name) (found \(a.text))")
                }
                alpha = try r.double("alpha", expected: "a finite number") { $0.isFinite }
            }
            return ActivationLayer(function, alpha: alpha)
        case "dense_int8":
            return try QuantizedDenseLayer.make(configuration)
        default:
            throw LayerError("unknown layer kind '\(kind)'; expected one of \(kinds.joined(separator: ", "))")
        }
    }
}
