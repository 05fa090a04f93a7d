// A sequential network owning flat parameter, gradient and state buffers and the activation buffers.

/// A sequential stack of layers with flat parameter, gradient and state buffers.
///
/// The three buffers are allocated once in `init` (zero-filled; call `initialize` or load values before use)
/// and freed in `deinit`; every layer is bound to its slices in layer order, and within a layer in the
/// order of its `parameters` / `state` (see `layout`, `stateLayout`). Activation buffers (one per layer
/// output) and two gradient ping-pong buffers are owned by the network and grown to the largest batch seen,
/// so training steps after the first allocate nothing.
///
/// Threading: a network is mutable, unsynchronised state (raw buffers, per-layer scratch memory); it must be
/// used from one thread at a time, and is deliberately not `Sendable`.
public final class Network {
    /// Per-sample input shape.
    public let inputShape: [Int]
    /// Per-sample output shape (that of the last layer).
    public let outputShape: [Int]
    /// The layers, in order.
    public let layers: [any Layer]
    /// Per-sample output shapes of every layer.
    public let layerOutputShapes: [[Int]]
    /// Trainable parameters, flat (see `layout`).
    public let parameters: UnsafeMutableBufferPointer<Float>
    /// Gradients, laid out like `parameters`; `backward` overwrites them.
    public let gradients: UnsafeMutableBufferPointer<Float>
    /// Non-trainable state (batch-norm running statistics), flat (see `stateLayout`).
    public let state: UnsafeMutableBufferPointer<Float>
    /// Where each parameter tensor lives in `parameters` / `gradients`, in layer order.
    public let layout: [(layer: Int, spec: ParameterSpec, range: Range<Int>)]
    /// Where each state tensor lives in `state`, in layer order.
    public let stateLayout: [(layer: Int, spec: ParameterSpec, range: Range<Int>)]
    /// 1 for elements of `.weight` tensors (weight decay and penalties apply), 0 elsewhere; as long as `parameters`.
    public let decayMask: [Float]

    private let inputCount: Int
    private let outputCounts: [Int]
    private var activations: [UnsafeMutablePointer<Float>]
    private var gradientBuffers: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)
    private let gradientWidth: Int
    private var capacity = 0
    private var lastBatch = -1

    /// Builds every layer in order from `inputShape`, allocates and binds the buffers.
    ///
    /// Throws `LayerError` for an empty or non-positive input shape, an empty layer list, or a layer that does
    /// not accept the shape it receives; the message names the layer index and kind, the shape it received
    /// and the layer's own explanation. Each layer object must belong to one network only.
    public init(inputShape: [Int], layers: [any Layer]) throws {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError("network input shape must be non-empty with positive extents, found \(shapeText(inputShape))")
        }
        guard !layers.isEmpty else { throw LayerError("a network needs at least one layer") }
        var seen: [ObjectIdentifier: Int] = [:]
        for (i, layer) in layers.enumerated() {
            if let first = seen[ObjectIdentifier(layer)] {
                throw LayerError("layer \(i) (\(layer.kind)) is the same object as layer \(first); every position needs its own layer instance")
            }
            seen[ObjectIdentifier(layer)] = i
        }
        var shape = inputShape
        var shapes: [[Int]] = []
        for (i, layer) in layers.enumerated() {
            do {
                shape = try layer.build(inputShape: shape)
            } catch let error as LayerError {
                throw LayerError("layer \(i) (\(layer.kind)) cannot take input \(shapeText(shape)): \(error.description)")
            }
            shapes.append(shape)
        }
        self.inputShape = inputShape
        self.layers = layers
        self.layerOutputShapes = shapes
        self.outputShape = shape
        self.inputCount = inputShape.reduce(1, *)
        self.outputCounts = shapes.map { $0.reduce(1, *) }

        var layout: [(layer: Int, spec: ParameterSpec, range: Range<Int>)] = []
        var stateLayout: [(layer: Int, spec: ParameterSpec, range: Range<Int>)] = []
        var p = 0, s = 0
        for (i, layer) in layers.enumerated() {
            for spec in layer.parameters { layout.append((i, spec, p..<(p + spec.count))); p += spec.count }
            for spec in layer.state { stateLayout.append((i, spec, s..<(s + spec.count))); s += spec.count }
        }
        self.layout = layout
        self.stateLayout = stateLayout
        func allocate(_ n: Int) -> UnsafeMutableBufferPointer<Float> {
            let base = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            base.initialize(repeating: 0, count: max(n, 1))
            return UnsafeMutableBufferPointer(start: base, count: n)
        }
        parameters = allocate(p)
        gradients = allocate(p)
        state = allocate(s)
        var mask = [Float](repeating: 0, count: p)
        for entry in layout where entry.spec.role == .weight {
            for k in entry.range { mask[k] = 1 }
        }
        decayMask = mask

        let params = parameters, grads = gradients, st = state
        for (i, layer) in layers.enumerated() {
            let mine = layout.filter { $0.layer == i }, mineState = stateLayout.filter { $0.layer == i }
            layer.bind(parameters: mine.map { UnsafeMutableBufferPointer(rebasing: params[$0.range]) },
                       gradients: mine.map { UnsafeMutableBufferPointer(rebasing: grads[$0.range]) },
                       state: mineState.map { UnsafeMutableBufferPointer(rebasing: st[$0.range]) })
        }

        activations = outputCounts.map { _ in UnsafeMutablePointer<Float>.allocate(capacity: 1) }
        gradientBuffers = (.allocate(capacity: 1), .allocate(capacity: 1))
        // dx of layer i (i ≥ 1) has the size of layer i's input, i.e. layer i−1's output.
        gradientWidth = max(outputCounts.dropLast().max() ?? 1, 1)
    }

    deinit {
        parameters.baseAddress?.deallocate()
        gradients.baseAddress?.deallocate()
        state.baseAddress?.deallocate()
        for a in activations { a.deallocate() }
        gradientBuffers.0.deallocate()
        gradientBuffers.1.deallocate()
    }

    /// Number of trainable parameters.
    public var parameterCount: Int { parameters.count }

    /// Forward floating-point operations per sample (sum over layers; a multiply-add counts 2).
    public var flopsPerSample: Int { layers.reduce(0) { $0 + $1.flopsPerSample } }

    /// Initializes every layer in order with `initializer` for weights (biases/shifts 0, scales 1, running
    /// variances 1, running means 0). The draws are deterministic: layer after layer, tensor after tensor, in
    /// element order.
    public func initialize(_ initializer: Initializer, generator: inout SeededGenerator) {
        for layer in layers { layer.initialize(initializer, generator: &generator) }
    }

    private func reserve(batch: Int) {
        guard batch > capacity else { return }
        for i in activations.indices {
            activations[i].deallocate()
            activations[i] = .allocate(capacity: max(batch * outputCounts[i], 1))
        }
        gradientBuffers.0.deallocate()
        gradientBuffers.1.deallocate()
        gradientBuffers = (.allocate(capacity: batch * gradientWidth), .allocate(capacity: batch * gradientWidth))
        capacity = batch
    }

    /// Runs `batch` samples (`x`: `batch × ∏ inputShape`, row-major) through every layer and returns the output
    /// (`batch × ∏ outputShape`), a view of a network-owned buffer valid until the next `forward`/`predict`.
    ///
    /// For training, `x` must stay valid and unchanged until the matching `backward` returns (layers keep
    /// pointers to their inputs). Dropout draws from `generator` in training mode only.
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, mode: Mode,
                        generator: inout SeededGenerator) -> UnsafeBufferPointer<Float> {
        precondition(batch >= 0 && x.count >= batch * inputCount, "network: input has \(x.count) values, batch \(batch) needs \(batch * inputCount)")
        reserve(batch: batch)
        var input = UnsafeBufferPointer(rebasing: x[0..<(batch * inputCount)])
        for (i, layer) in layers.enumerated() {
            let out = UnsafeMutableBufferPointer(start: activations[i], count: batch * outputCounts[i])
            layer.forward(input, batch: batch, into: out, mode: mode, generator: &generator)
            input = UnsafeBufferPointer(out)
        }
        lastBatch = batch
        return input
    }

    /// Back-propagates `dOutput` (dL/dy of the last `forward`, `batch × ∏ outputShape`) through every layer,
    /// overwriting `gradients`. The input gradient of the first layer is not computed.
    ///
    /// Precondition: the previous `forward` ran with the same `batch`.
    public func backward(_ dOutput: UnsafeBufferPointer<Float>, batch: Int) {
        precondition(batch == lastBatch, "network: backward batch \(batch) differs from the last forward batch \(lastBatch)")
        precondition(dOutput.count >= batch * outputCounts[outputCounts.count - 1], "network: dOutput too small for batch \(batch)")
        var dy = dOutput
        var useFirst = true
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            if i == 0 {
                layers[0].backward(dy, batch: batch, gradInput: nil)
            } else {
                let buffer = useFirst ? gradientBuffers.0 : gradientBuffers.1
                useFirst.toggle()
                let dx = UnsafeMutableBufferPointer(start: buffer, count: batch * outputCounts[i - 1])
                layers[i].backward(dy, batch: batch, gradInput: dx)
                dy = UnsafeBufferPointer(dx)
            }
        }
    }

    /// Inference-mode outputs for `rows` samples, computed `batchSize` rows at a time; returns
    /// `rows × ∏ outputShape` values. Overwrites the activation buffers (a pending `backward` becomes invalid).
    public func predict(_ x: UnsafeBufferPointer<Float>, rows: Int, batchSize: Int = 256) -> [Float] {
        precondition(batchSize >= 1, "network: batchSize must be ≥ 1")
        precondition(rows >= 0 && x.count >= rows * inputCount, "network: input has \(x.count) values, \(rows) rows need \(rows * inputCount)")
        let width = outputCounts[outputCounts.count - 1]
        var result = [Float](repeating: 0, count: rows * width)
        var unused = SeededGenerator(seed: 0)  // inference draws nothing
        var start = 0
        result.withUnsafeMutableBufferPointer { out in
            while start < rows {
                let n = min(batchSize, rows - start)
                let chunk = UnsafeBufferPointer(rebasing: x[(start * inputCount)..<((start + n) * inputCount)])
                let y = forward(chunk, batch: n, mode: .inference, generator: &unused)
                if n * width > 0 { (out.baseAddress! + start * width).update(from: y.baseAddress!, count: n * width) }
                start += n
            }
        }
        lastBatch = -1
        return result
    }
}
