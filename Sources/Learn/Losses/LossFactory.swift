/// Builds losses from their YAML name and options.
///
/// | name | options | type |
/// | --- | --- | --- |
/// | `cross_entropy` | `label_smoothing` (0); `classWeights` | `CrossEntropyLoss` |
/// | `binary_cross_entropy` (or `bce`) | — | `BinaryCrossEntropyLoss` |
/// | `mse` | — | `MeanSquaredErrorLoss` |
/// | `mae` | — | `MeanAbsoluteErrorLoss` |
/// | `huber` | `delta` (1) | `HuberLoss` |
/// | `hinge` | — | `HingeLoss` |
public enum LossFactory {
    /// The accepted loss names.
    public static let names = ["binary_cross_entropy", "cross_entropy", "hinge", "huber", "mae", "mse"]

    /// Creates the loss `name` (case-insensitive). `classWeights` is only for `cross_entropy` (one weight
    /// ≥ 0 per class; the count is checked against the output width when the loss is evaluated). Throws
    /// `OptionError` for an unknown name, an unknown option or a value out of range.
    public static func make(name: String, options: [String: Double] = [:], classWeights: [Float]? = nil) throws -> any Loss {
        let key = name.lowercased() == "bce" ? "binary_cross_entropy" : name.lowercased()
        if key != "cross_entropy" && classWeights != nil {
            throw OptionError("\(key): class weights are only for cross_entropy")
        }
        switch key {
        case "cross_entropy":
            let r = try OptionReader(key, options, allowed: ["label_smoothing"])
            if let w = classWeights {
                guard !w.isEmpty, w.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                    throw OptionError("cross_entropy: class weights must be a non-empty list of numbers ≥ 0")
                }
            }
            return CrossEntropyLoss(
                labelSmoothing: Float(try r.number("label_smoothing", 0, "in [0, 1]", { $0 >= 0 && $0 <= 1 })),
                classWeights: classWeights)
        case "binary_cross_entropy":
            _ = try OptionReader(key, options, allowed: [])
            return BinaryCrossEntropyLoss()
        case "mse":
            _ = try OptionReader(key, options, allowed: [])
            return MeanSquaredErrorLoss()
        case "mae":
            _ = try OptionReader(key, options, allowed: [])
            return MeanAbsoluteErrorLoss()
        case "huber":
            let r = try OptionReader(key, options, allowed: ["delta"])
            return HuberLoss(delta: Float(try r.number("delta", 1, "> 0", { $0 > 0 })))
        case "hinge":
            _ = try OptionReader(key, options, allowed: [])
            return HingeLoss()
        default:
            throw OptionError("unknown loss '\(name)' (accepted: \(names.joined(separator: ", ")))")
        }
    }
}
