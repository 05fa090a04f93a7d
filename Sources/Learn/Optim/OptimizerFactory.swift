/// Builds optimizers from their YAML name and numeric options.
///
/// Names and options (booleans are written 0 or 1; the learning rate is not an option: it comes from the
/// schedule at every step):
///
/// | name | options (defaults) |
/// | --- | --- |
/// | `sgd` | `momentum` (0), `nesterov` (0), `weight_decay` (0) |
/// | `adagrad` | `eps` (1e-10), `lr_decay` (0), `initial_accumulator` (0), `weight_decay` (0) |
/// | `rmsprop` | `alpha` (0.99), `eps` (1e-8), `momentum` (0), `centered` (0), `weight_decay` (0) |
/// | `adam` | `beta1` (0.9), `beta2` (0.999), `eps` (1e-8), `weight_decay` (0, coupled L2) |
/// | `adamw` | `beta1` (0.9), `beta2` (0.999), `eps` (1e-8), `weight_decay` (0.01, decoupled) |
/// | `nadam` | `beta1` (0.9), `beta2` (0.999), `eps` (1e-8), `momentum_decay` (0.004), `weight_decay` (0) |
public enum OptimizerFactory {
    /// The accepted optimizer names.
    public static let names = ["adagrad", "adam", "adamw", "nadam", "rmsprop", "sgd"]

    /// Creates the optimizer `name` (case-insensitive) with `options`; throws `OptionError` for an unknown
    /// name, an unknown option or a value out of range.
    public static func make(name: String, options: [String: Double] = [:]) throws -> any Optimizer {
        let key = name.lowercased()
        let nonNegative = "≥ 0"
        let isNonNegative: (Double) -> Bool = { $0 >= 0 }
        let beta = "in [0, 1)"
        let isBeta: (Double) -> Bool = { $0 >= 0 && $0 < 1 }
        switch key {
        case "sgd":
            let r = try OptionReader(key, options, allowed: ["momentum", "nesterov", "weight_decay"])
            let momentum = try r.number("momentum", 0, nonNegative, isNonNegative)
            let nesterov = try r.flag("nesterov", false)
            if nesterov && momentum == 0 { throw OptionError("sgd: 'nesterov' requires 'momentum' > 0") }
            return SGD(momentum: Float(momentum), nesterov: nesterov,
                       weightDecay: Float(try r.number("weight_decay", 0, nonNegative, isNonNegative)))
        case "adagrad":
            let r = try OptionReader(key, options, allowed: ["eps", "lr_decay", "initial_accumulator", "weight_decay"])
            return Adagrad(epsilon: Float(try r.number("eps", 1e-10, nonNegative, isNonNegative)),
                           lrDecay: Float(try r.number("lr_decay", 0, nonNegative, isNonNegative)),
                           initialAccumulator: Float(try r.number("initial_accumulator", 0, nonNegative, isNonNegative)),
                           weightDecay: Float(try r.number("weight_decay", 0, nonNegative, isNonNegative)))
        case "rmsprop":
            let r = try OptionReader(key, options, allowed: ["alpha", "eps", "momentum", "centered", "weight_decay"])
            return RMSprop(alpha: Float(try r.number("alpha", 0.99, "in [0, 1]", { $0 >= 0 && $0 <= 1 })),
                           epsilon: Float(try r.number("eps", 1e-8, nonNegative, isNonNegative)),
                           momentum: Float(try r.number("momentum", 0, nonNegative, isNonNegative)),
                           centered: try r.flag("centered", false),
                           weightDecay: Float(try r.number("weight_decay", 0, nonNegative, isNonNegative)))
        case "adam", "adamw":
            let r = try OptionReader(key, options, allowed: ["beta1", "beta2", "eps", "weight_decay"])
            let b1 = Float(try r.number("beta1", 0.9, beta, isBeta))
            let b2 = Float(try r.number("beta2", 0.999, beta, isBeta))
            let eps = Float(try r.number("eps", 1e-8, nonNegative, isNonNegative))
            if key == "adam" {
                return Adam(beta1: b1, beta2: b2, epsilon: eps,
                            weightDecay: Float(try r.number("weight_decay", 0, nonNegative, isNonNegative)))
            }
            return AdamW(beta1: b1, beta2: b2, epsilon: eps,
                         weightDecay: Float(try r.number("weight_decay", 0.01, nonNegative, isNonNegative)))
        case "nadam":
            let r = try OptionReader(key, options, allowed: ["beta1", "beta2", "eps", "momentum_decay", "weight_decay"])
            return NAdam(beta1: Float(try r.number("beta1", 0.9, beta, isBeta)),
                         beta2: Float(try r.number("beta2", 0.999, beta, isBeta)),
                         epsilon: Float(try r.number("eps", 1e-8, nonNegative, isNonNegative)),
                         momentumDecay: Float(try r.number("momentum_decay", 0.004, nonNegative, isNonNegative)),
                         weightDecay: Float(try r.number("weight_decay", 0, nonNegative, isNonNegative)))
        default:
            throw OptionError("unknown optimizer '\(name)' (accepted: \(names.joined(separator: ", ")))")
        }
    }
}
