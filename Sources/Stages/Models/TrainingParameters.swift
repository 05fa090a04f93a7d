import PipelineSpec

/// The YAML declarations of the `train` kind's structured parameters: model, optimizer, schedule,
/// loss, warm-up and early stopping. Validation, defaults, help and the JSON Schema all come from here.
enum TrainingParameters {
    static func number(_ name: String, _ value: Double, min: Double? = 0, exclusiveMin: Bool = false, max: Double? = nil,
                       _ help: String) -> ParamDecl {
        ParamDecl(name, .number(min: min, max: max, exclusiveMin: exclusiveMin), default: .double(value), help: help)
    }

    static let activations = ["relu", "leaky_relu", "elu", "sigmoid", "tanh", "softmax", "gelu"]
    static let initializers = ["xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "zeros"]

    static let kernel: ParamType = .oneOf([.int(min: 1), .list(of: .int(min: 1), minCount: 2)])

    /// One layer of a `sequential` model.
    static let layer: ParamType = .union(discriminator: "type", variants: [
        UnionVariant("dense", fields: [
            ParamDecl("units", .int(min: 1), required: true, help: "Output width."),
            ParamDecl("activation", .choice(activations), help: "Activation applied after the layer."),
            ParamDecl("l1", .number(min: 0), help: "L1 penalty on this layer's weights (replaces the stage's l1 and l2 here)."),
            ParamDecl("l2", .number(min: 0), help: "L2 penalty on this layer's weights (replaces the stage's l1 and l2 here)."),
        ], primary: "units", help: "Fully connected layer: y = x·W + b."),
        UnionVariant("conv2d", fields: [
            ParamDecl("filters", .int(min: 1), required: true, help: "Output channels."),
            ParamDecl("kernel", kernel, default: .int(3), help: "Kernel size (n or [h, w])."),
            ParamDecl("stride", kernel, default: .int(1), help: "Stride (n or [h, w])."),
            ParamDecl("padding", .oneOf([.choice(["valid", "same"]), .int(min: 0)]), default: .string("valid"),
                      help: "'valid' (none), 'same' (keeps size at stride 1), or a number of zero rows/columns."),
            ParamDecl("activation", .choice(activations), help: "Activation applied after the layer."),
            ParamDecl("l1", .number(min: 0), help: "L1 penalty on this layer's weights (replaces the stage's l1 and l2 here)."),
            ParamDecl("l2", .number(min: 0), help: "L2 penalty on this layer's weights (replaces the stage's l1 and l2 here)."),
        ], primary: "filters", help: "2-D convolution (im2col + GEMM) over [channels, height, width] samples."),
        UnionVariant("max_pool", fields: [
            ParamDecl("size", kernel, default: .int(2), help: "Window size."),
            ParamDecl("stride", .oneOf([.int(min: 1), .list(of: .int(min: 1), minCount: 2)]), help: "Stride (default: the window size)."),
        ], primary: "size", help: "Max pooling."),
        UnionVariant("avg_pool", fields: [
            ParamDecl("size", kernel, default: .int(2), help: "Window size."),
            ParamDecl("stride", .oneOf([.int(min: 1), .list(of: .int(min: 1), minCount: 2)]), help: "Stride (default: the window size)."),
        ], primary: "size", help: "Average pooling."),
        UnionVariant("flatten", help: "Flattens each sample to a vector."),
        UnionVariant("dropout", fields: [number("rate", 0.5, max: 1, "Fraction of units dropped while training (inverted dropout).")],
                     primary: "rate", help: "Dropout (off at inference)."),
        UnionVariant("batch_norm", fields: [number("momentum", 0.1, max: 1, "Weight of the batch in the running statistics."),
                                            number("epsilon", 1e-5, exclusiveMin: true, "Added to the variance.")],
                     help: "Batch normalisation (per feature, or per channel for images)."),
        UnionVariant("activation", fields: [
            ParamDecl("function", .choice(activations), required: true, help: "The function."),
            ParamDecl("alpha", .number(min: 0), help: "Slope for leaky_relu (default 0.01) or scale for elu (default 1)."),
        ], primary: "function", help: "Element-wise activation."),
    ])

    /// `model:`: the built-in network families plus every plug-in family of `ModelFamilyCatalog.builtIn`.
    static let model: ParamType = .union(discriminator: "type", variants: networkFamilies + ModelFamilyCatalog.builtIn.declarations)

    /// Families trained by the network engine (and softmax regression's L-BFGS/SGD).
    static let networkFamilies: [UnionVariant] = [
        UnionVariant("softmax_regression", help: "Multinomial logistic regression (L-BFGS or SGD)."),
        UnionVariant("mlp", fields: [
            ParamDecl("layers", .list(of: .int(min: 1)), default: .list([.int(100)]), help: "Hidden layer widths."),
            ParamDecl("activation", .choice(activations), default: .string("relu"), help: "Hidden activation."),
            number("dropout", 0, max: 1, "Dropout after each hidden layer."),
            ParamDecl("batch_norm", .bool, default: .bool(false), help: "Batch normalisation before each hidden activation."),
            ParamDecl("init", .choice(initializers), default: .string("xavier_uniform"), help: "Weight initialiser."),
        ], help: "Multi-layer perceptron; the output layer (one unit per class) is added."),
        UnionVariant("sequential", fields: [
            ParamDecl("layers", .list(of: layer, minCount: 1), required: true, help: "Layers in order; the last must output one value per class."),
            ParamDecl("init", .choice(initializers), default: .string("he_uniform"), help: "Weight initialiser."),
        ], help: "Any stack of layers (e.g. LeNet-5)."),
    ]

    static func weightDecay(_ value: Double = 0) -> ParamDecl {
        number("weight_decay", value, "L2 weight decay (decoupled for adamw, added to the gradient otherwise).")
    }

    /// `optimizer:`.
    static let optimizer: ParamType = .union(discriminator: "type", variants: [
        UnionVariant("sgd", fields: [number("lr", 0.01, exclusiveMin: true, "Learning rate."), number("momentum", 0, max: 1, "Momentum."),
                                     ParamDecl("nesterov", .bool, default: .bool(false), help: "Nesterov momentum."), weightDecay()],
                     primary: "lr", help: "Stochastic gradient descent, optionally with (Nesterov) momentum."),
        UnionVariant("adagrad", fields: [number("lr", 0.01, exclusiveMin: true, "Learning rate."), number("eps", 1e-10, exclusiveMin: true, "Denominator term."), weightDecay()],
                     primary: "lr", help: "Adagrad."),
        UnionVariant("rmsprop", fields: [number("lr", 0.01, exclusiveMin: true, "Learning rate."), number("alpha", 0.99, max: 1, "Smoothing constant."),
                                         number("eps", 1e-8, exclusiveMin: true, "Denominator term."), number("momentum", 0, max: 1, "Momentum."),
                                         ParamDecl("centered", .bool, default: .bool(false), help: "Normalise by the estimated variance."), weightDecay()],
                     primary: "lr", help: "RMSprop."),
        UnionVariant("adam", fields: [number("lr", 0.001, exclusiveMin: true, "Learning rate."), number("beta1", 0.9, max: 1, "First-moment decay."),
                                      number("beta2", 0.999, max: 1, "Second-moment decay."), number("eps", 1e-8, exclusiveMin: true, "Denominator term."), weightDecay()],
                     primary: "lr", help: "Adam with bias correction."),
        UnionVariant("adamw", fields: [number("lr", 0.001, exclusiveMin: true, "Learning rate."), number("beta1", 0.9, max: 1, "First-moment decay."),
                                       number("beta2", 0.999, max: 1, "Second-moment decay."), number("eps", 1e-8, exclusiveMin: true, "Denominator term."), weightDecay(0.01)],
                     primary: "lr", help: "Adam with decoupled weight decay."),
        UnionVariant("nadam", fields: [number("lr", 0.002, exclusiveMin: true, "Learning rate."), number("beta1", 0.9, max: 1, "First-moment decay."),
                                       number("beta2", 0.999, max: 1, "Second-moment decay."), number("eps", 1e-8, exclusiveMin: true, "Denominator term."),
                                       number("momentum_decay", 0.004, "Momentum decay ψ."), weightDecay()],
                     primary: "lr", help: "Adam with Nesterov momentum."),
        UnionVariant("lbfgs", help: "Full-batch L-BFGS (softmax_regression only)."),
    ])

    /// `schedule:`.
    static let schedule: ParamType = .union(discriminator: "type", variants: [
        UnionVariant("constant", help: "The optimizer's learning rate throughout."),
        UnionVariant("step", fields: [ParamDecl("step_size", .int(min: 1), required: true, help: "Epochs between decays."), number("gamma", 0.1, "Decay factor.")],
                     primary: "step_size", help: "Multiply by gamma every step_size epochs."),
        UnionVariant("multi_step", fields: [ParamDecl("milestones", .list(of: .int(min: 1), minCount: 1), required: true, help: "Epochs at which to decay."),
                                           number("gamma", 0.1, "Decay factor.")],
                     primary: "milestones", help: "Multiply by gamma at each milestone epoch."),
        UnionVariant("exponential", fields: [number("gamma", 0.95, exclusiveMin: true, "Factor per epoch.")], primary: "gamma", help: "Multiply by gamma every epoch."),
        UnionVariant("cosine", fields: [ParamDecl("t_max", .int(min: 1), help: "Epochs of one half-period (default: all epochs)."),
                                        number("eta_min", 0, "Lowest learning rate.")],
                     primary: "t_max", help: "Cosine annealing."),
        UnionVariant("cosine_restarts", fields: [ParamDecl("t_0", .int(min: 1), required: true, help: "Epochs until the first restart."),
                                                 ParamDecl("t_mult", .int(min: 1), default: .int(1), help: "Period growth factor."),
                                                 number("eta_min", 0, "Lowest learning rate.")],
                     primary: "t_0", help: "Cosine annealing with warm restarts (SGDR)."),
        UnionVariant("reduce_on_plateau", fields: [number("factor", 0.1, exclusiveMin: true, max: 1, "Reduction factor."),
                                         ParamDecl("patience", .int(min: 0), default: .int(10), help: "Epochs without improvement before reducing."),
                                         number("threshold", 1e-4, "Smallest relative improvement that counts."),
                                         ParamDecl("cooldown", .int(min: 0), default: .int(0), help: "Epochs to wait after a reduction."),
                                         number("min_lr", 0, "Lowest learning rate.")],
                     help: "Reduce on plateau of the validation loss (or the early-stopping metric)."),
        UnionVariant("one_cycle", fields: [ParamDecl("max_lr", .number(min: 0, exclusiveMin: true), required: true, help: "Peak learning rate."),
                                           number("pct_start", 0.3, exclusiveMin: true, max: 1, "Fraction of steps spent increasing."),
                                           number("div_factor", 25, exclusiveMin: true, "Initial rate = max_lr / div_factor."),
                                           number("final_div_factor", 1e4, exclusiveMin: true, "Final rate = initial / final_div_factor.")],
                     primary: "max_lr", help: "One-cycle policy (per step)."),
    ])

    /// `warmup:`.
    static let warmup: ParamType = .object([
        ParamDecl("epochs", .int(min: 1), required: true, help: "Length of the linear ramp, in epochs."),
        number("start_factor", 0.1, exclusiveMin: true, max: 1, "Fraction of the rate at the start of the ramp."),
    ])

    /// `loss:`.
    static let loss: ParamType = .union(discriminator: "type", variants: [
        UnionVariant("cross_entropy", fields: [
            number("label_smoothing", 0, max: 1, "Mix the one-hot target with a uniform one."),
            ParamDecl("class_weights", .oneOf([.choice(["balanced"]), .list(of: .number(min: 0), minCount: 2)]),
                      help: "Per-class weights, or 'balanced' (n / (classes · count))."),
        ], help: "Softmax cross-entropy on logits."),
        UnionVariant("binary_cross_entropy", help: "Sigmoid cross-entropy per output against one-hot targets."),
        UnionVariant("mse", help: "Mean squared error against one-hot targets."),
        UnionVariant("mae", help: "Mean absolute error against one-hot targets."),
        UnionVariant("huber", fields: [number("delta", 1, exclusiveMin: true, "Where the loss turns linear.")], primary: "delta", help: "Huber loss against one-hot targets."),
        UnionVariant("hinge", help: "Multi-class hinge (Crammer–Singer)."),
    ])

    /// `early_stopping:`.
    static let earlyStopping: ParamType = .object([
        ParamDecl("monitor", .choice(["val_loss", "val_accuracy", "val_macro_f1", "train_loss", "train_accuracy"]), default: .string("val_loss"),
                  help: "Metric to watch (validation metrics need a validation input)."),
        ParamDecl("patience", .int(min: 1), default: .int(5), help: "Epochs without improvement before stopping."),
        number("min_delta", 0, "Smallest change that counts as an improvement."),
        ParamDecl("restore_best", .bool, default: .bool(true), help: "End with the best epoch's weights."),
    ])
}
