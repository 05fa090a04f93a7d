/// Whether a forward pass is for training (dropout active, batch-norm uses batch statistics and updates its
/// running averages) or inference.
public enum Mode: Sendable, Equatable {
    case training
    case inference
}

/// One named tensor a layer owns: trainable parameters (weights, biases, batch-norm scale/shift) or
/// saved state (batch-norm running statistics).
public struct ParameterSpec: Sendable, Equatable {
    /// What the tensor is; penalties and weight decay apply to `.weight` only.
    public enum Role: String, Sendable, Equatable, Codable {
        case weight, bias, scale, shift, runningMean, runningVariance
    }

    /// Name within the layer, e.g. "weight", "bias".
    public let name: String
    /// Shape. Conventions: dense weight `[in, out]`; conv2d weight `[outChannels, inChannels, kh, kw]`.
    public let shape: [Int]
    /// Role.
    public let role: Role

    /// Creates a spec.
    public init(_ name: String, shape: [Int], role: Role) {
        self.name = name
        self.shape = shape
        self.role = role
    }

    /// Element count.
    public var count: Int { shape.reduce(1, *) }
}

/// A problem building a network: a layer that does not fit the shape it receives.
public struct LayerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Which layer and what is wrong (expected vs found).
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// A network layer.
///
/// Layers are classes: a layer keeps pointers into its network's flat parameter, gradient and state
/// buffers (given once by `bind`), and whatever its forward pass must remember for backward. Samples are
/// row-major; image tensors are `[channels, height, width]` per sample (NCHW for a batch).
///
/// Contract for one training step: `forward` then `backward` with the same batch. The `x` passed to
/// forward and the `y` it wrote stay valid and unchanged until `backward` returns. `backward` OVERWRITES
/// the layer's gradient buffers with dL/dθ for this batch (the incoming dL/dy is already scaled for a mean
/// loss, so gradients are sums over the batch of per-sample terms), and writes dL/dx when `dx` is non-nil.
public protocol Layer: AnyObject {
    /// The kind as written in YAML and stored in HDF5: "dense", "conv2d", "max_pool", "avg_pool",
    /// "flatten", "dropout", "batch_norm", "activation".
    var kind: String { get }
    /// Hyperparameters as stored in a model file (e.g. ["units": 300], ["activation": "relu"]): enough,
    /// with `kind`, to rebuild the layer.
    var configuration: [String: LayerValue] { get }
    /// Configures the layer for per-sample input `shape` and returns the per-sample output shape.
    func build(inputShape: [Int]) throws -> [Int]
    /// Trainable tensors (valid after `build`).
    var parameters: [ParameterSpec] { get }
    /// Non-trainable tensors saved with the model (valid after `build`).
    var state: [ParameterSpec] { get }
    /// Gives the layer its slices of the network's buffers, in the order of `parameters` / `state`.
    func bind(parameters: [UnsafeMutableBufferPointer<Float>], gradients: [UnsafeMutableBufferPointer<Float>],
              state: [UnsafeMutableBufferPointer<Float>])
    /// Fills parameters with initial values (biases and shifts 0, scales 1, running variance 1) using
    /// `initializer` for weights.
    func initialize(_ initializer: Initializer, generator: inout SeededGenerator)
    /// Computes `y` for `batch` samples. Dropout draws its mask from `generator` in training mode only.
    func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                 generator: inout SeededGenerator)
    /// Back-propagates `dy` (see the contract above).
    func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?)
    /// Floating-point operations of one forward pass for one sample (a multiply-add counts 2).
    var flopsPerSample: Int { get }
}

/// A layer hyperparameter value, for storing a layer's configuration.
public enum LayerValue: Sendable, Equatable, Codable {
    case int(Int)
    case double(Double)
    case string(String)
    case ints([Int])
}

/// A layer with no parameters and no state (pooling, flatten, dropout, activations): the protocol's
/// parameter plumbing is empty, once, here.
public protocol ParameterFreeLayer: Layer {}

extension ParameterFreeLayer {
    /// None.
    public var parameters: [ParameterSpec] { [] }
    /// None.
    public var state: [ParameterSpec] { [] }
    /// Nothing to bind.
    public func bind(parameters: [UnsafeMutableBufferPointer<Float>], gradients: [UnsafeMutableBufferPointer<Float>],
                     state: [UnsafeMutableBufferPointer<Float>]) {}
    /// Nothing to initialize.
    public func initialize(_ initializer: Initializer, generator: inout SeededGenerator) {}
}
