// Quantization-aware training: fake-quantized dense weights in the forward pass, straight-through gradients.

/// Fake quantization of every dense weight (`.weight` tensors of rank 2) during training.
///
/// Each step's forward and backward see `dq(q(w))` (int8, `scheme`, per output unit or per tensor); the
/// optimizer then updates the float master weights with the gradient taken at `dq(q(w))`: the straight-through
/// estimator, `∂dq(q(w))/∂w := 1` (Bengio et al. 2013; Jacob et al. 2018). Weights trained this way lose less when
/// `quantize` rounds them afterwards.
public struct FakeQuantization: Sendable, Equatable {
    /// The weights' scheme.
    public var scheme: QuantizationScheme
    /// One scale per output unit (else per tensor).
    public var perChannel: Bool

    /// Creates the option.
    public init(scheme: QuantizationScheme, perChannel: Bool) {
        self.scheme = scheme
        self.perChannel = perChannel
    }

    /// Overwrites every dense weight of `network` with its fake-quantized value; returns the float masters.
    public func apply(to network: Network) -> [(range: Range<Int>, values: [Float])] {
        var saved: [(range: Range<Int>, values: [Float])] = []
        for entry in network.layout where entry.spec.role == .weight && entry.spec.shape.count == 2 {
            let master = Array(network.parameters[entry.range])
            let fake = QuantizedTensor(quantizing: master, shape: entry.spec.shape, scheme: scheme, channelAxis: perChannel ? 1 : nil).dequantized()
            _ = UnsafeMutableBufferPointer(rebasing: network.parameters[entry.range]).update(fromContentsOf: fake)
            saved.append((entry.range, master))
        }
        return saved
    }

    /// Puts the float masters back (after backward, before the optimizer step).
    public static func restore(_ saved: [(range: Range<Int>, values: [Float])], in network: Network) {
        for (range, values) in saved { _ = UnsafeMutableBufferPointer(rebasing: network.parameters[range]).update(fromContentsOf: values) }
    }
}
