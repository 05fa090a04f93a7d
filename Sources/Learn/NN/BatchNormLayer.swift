// Batch normalisation per feature ([F] inputs) or per channel ([C, …] inputs).

/// Batch normalisation (Ioffe & Szegedy, 2015) with PyTorch's conventions.
///
/// Statistics are per feature for `[F]` samples and per channel for `[C, H, W]` samples (generally: per
/// index of the first axis, pooled over the batch and the remaining axes; `m` = batch · ∏ rest values each).
/// Parameters `scale` γ (role `.scale`) and `shift` β (role `.shift`), state `runningMean` and
/// `runningVariance` (roles `.runningMean`, `.runningVariance`), all `[C]`.
///
/// - Training: `y = γ·(x − μ_B)/√(σ²_B + ε) + β` with the batch mean μ_B and the BIASED batch variance
///   σ²_B = Σ(x − μ_B)²/m; then `running = (1 − momentum)·running + momentum·batch`, where the variance
///   fed to the running average is the UNBIASED σ²_B·m/(m − 1) (the biased one when m = 1). This is PyTorch's
///   `BatchNorm` convention (note: Keras's `momentum` is the weight of the OLD value, i.e. 1 − this one).
/// - Inference: `y = γ·(x − running mean)/√(running variance + ε) + β`; no state changes.
///
/// Statistics are accumulated in Double.
public final class BatchNormLayer: Layer {
    /// Weight of the new batch statistic in the running averages (PyTorch convention), in `[0, 1]`.
    public let momentum: Double
    /// Added to the variance before the square root.
    public let epsilon: Double

    private var channels = 0, spatial = 0
    private var scale = unboundBuffer, shift = unboundBuffer
    private var scaleGrad = unboundBuffer, shiftGrad = unboundBuffer
    private var runningMean = unboundBuffer, runningVariance = unboundBuffer
    private let normalized = ScratchBuffer<Float>()       // x̂ of the last forward
    private let inverseStd = ScratchBuffer<Float>()       // 1/√(σ² + ε) per channel of the last forward
    private let sums = ScratchBuffer<Double>()            // per-channel accumulators (2·C)
    private var lastMode = Mode.inference, lastBatch = 0

    /// Creates a batch-norm layer. Preconditions: `0 ≤ momentum ≤ 1`, `epsilon > 0`.
    public init(momentum: Double = 0.1, epsilon: Double = 1e-5) {
        precondition(momentum >= 0 && momentum <= 1, "batch_norm: momentum must be in [0, 1]")
        precondition(epsilon > 0, "batch_norm: epsilon must be > 0")
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// "batch_norm".
    public var kind: String { "batch_norm" }
    /// `["momentum": momentum, "epsilon": epsilon]`.
    public var configuration: [String: LayerValue] { ["momentum": .double(momentum), "epsilon": .double(epsilon)] }

    /// Accepts `[F]` or `[C, …]` (rank ≤ 3); returns the shape unchanged.
    public func build(inputShape: [Int]) throws -> [Int] {
        guard (1...3).contains(inputShape.count), inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError("batch_norm expects a [features] or [channels, height, width] input, found \(shapeText(inputShape))")
        }
        channels = inputShape[0]
        spatial = inputShape.dropFirst().reduce(1, *)
        return inputShape
    }

    /// `scale [C]`, `shift [C]`.
    public var parameters: [ParameterSpec] {
        [ParameterSpec("scale", shape: [channels], role: .scale), ParameterSpec("shift", shape: [channels], role: .shift)]
    }
    /// `runningMean [C]`, `runningVariance [C]`.
    public var state: [ParameterSpec] {
        [ParameterSpec("runningMean", shape: [channels], role: .runningMean),
         ParameterSpec("runningVariance", shape: [channels], role: .runningVariance)]
    }

    /// Keeps the four slices.
    public func bind(parameters: [UnsafeMutableBufferPointer<Float>], gradients: [UnsafeMutableBufferPointer<Float>],
                     state: [UnsafeMutableBufferPointer<Float>]) {
        precondition(parameters.count == 2 && gradients.count == 2 && state.count == 2, "batch_norm binds 2 parameters and 2 states")
        precondition(parameters.allSatisfy { $0.count == channels } && state.allSatisfy { $0.count == channels }, "batch_norm: slice sizes")
        scale = parameters[0]; shift = parameters[1]
        scaleGrad = gradients[0]; shiftGrad = gradients[1]
        runningMean = state[0]; runningVariance = state[1]
    }

    /// Scale 1, shift 0, running mean 0, running variance 1 (no draws).
    public func initialize(_ initializer: Initializer, generator: inout SeededGenerator) {
        scale.update(repeating: 1); shift.update(repeating: 0)
        runningMean.update(repeating: 0); runningVariance.update(repeating: 1)
    }

    /// Normalises with batch statistics (training, updating the running averages) or running ones (inference).
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        let C = channels, S = spatial, n = batch * C * S
        precondition(x.count >= n && y.count >= n, "batch_norm: buffer too small for batch \(batch)")
        lastMode = mode; lastBatch = batch
        guard batch > 0 else { return }
        let xp = x.baseAddress!, yp = y.baseAddress!
        let xhat = normalized.reserve(n), inv = inverseStd.reserve(C)
        let mean = sums.reserve(2 * C), acc = mean + C
        if mode == .training {
            let m = Double(batch * S)
            mean.update(repeating: 0, count: 2 * C)
            for b in 0..<batch {
                for c in 0..<C {
                    let row = xp + (b * C + c) * S
                    var s = 0.0
                    for k in 0..<S { s += Double(row[k]) }
                    mean[c] += s
                }
            }
            for c in 0..<C { mean[c] /= m }
            for b in 0..<batch {
                for c in 0..<C {
                    let row = xp + (b * C + c) * S
                    let mu = mean[c]
                    var s = 0.0
                    for k in 0..<S { let d = Double(row[k]) - mu; s += d * d }
                    acc[c] += s
                }
            }
            let mom = Float(momentum)
            for c in 0..<C {
                let biased = acc[c] / m
                inv[c] = Float(1 / (biased + epsilon).squareRoot())
                let unbiased = m > 1 ? acc[c] / (m - 1) : biased
                runningMean[c] = (1 - mom) * runningMean[c] + mom * Float(mean[c])
                runningVariance[c] = (1 - mom) * runningVariance[c] + mom * Float(unbiased)
            }
        } else {
            for c in 0..<C {
                mean[c] = Double(runningMean[c])
                inv[c] = Float(1 / (Double(runningVariance[c]) + epsilon).squareRoot())
            }
        }
        for b in 0..<batch {
            for c in 0..<C {
                let o = (b * C + c) * S
                let src = xp + o, h = xhat + o, dst = yp + o
                let mu = Float(mean[c]), s = inv[c], g = scale[c], be = shift[c]
                for k in 0..<S {
                    let v = (src[k] - mu) * s
                    h[k] = v
                    dst[k] = g * v + be
                }
            }
        }
    }

    /// dγ = Σ dy·x̂, dβ = Σ dy; training: dx = γ/(m·σ)·(m·dy − dβ − x̂·dγ); inference: dx = γ·dy/σ_running.
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        precondition(batch == lastBatch, "batch_norm: backward batch \(batch) differs from forward batch \(lastBatch)")
        let C = channels, S = spatial, n = batch * C * S
        precondition(dy.count >= n, "batch_norm: dy too small for batch \(batch)")
        guard batch > 0, let dyp = dy.baseAddress else {
            scaleGrad.update(repeating: 0); shiftGrad.update(repeating: 0)
            return
        }
        let xhat = UnsafePointer(normalized.reserve(n)), inv = UnsafePointer(inverseStd.reserve(C))
        let dBeta = sums.reserve(2 * C), dGamma = dBeta + C
        dBeta.update(repeating: 0, count: 2 * C)
        for b in 0..<batch {
            for c in 0..<C {
                let o = (b * C + c) * S
                let g = dyp + o, h = xhat + o
                var sb = 0.0, sg = 0.0
                for k in 0..<S { sb += Double(g[k]); sg += Double(g[k] * h[k]) }
                dBeta[c] += sb; dGamma[c] += sg
            }
        }
        for c in 0..<C { shiftGrad[c] = Float(dBeta[c]); scaleGrad[c] = Float(dGamma[c]) }
        guard let dx else { return }
        precondition(dx.count >= n, "batch_norm: dx too small for batch \(batch)")
        let dxp = dx.baseAddress!
        let training = lastMode == .training
        let m = Float(batch * S)
        for b in 0..<batch {
            for c in 0..<C {
                let o = (b * C + c) * S
                let g = dyp + o, h = xhat + o, d = dxp + o
                if training {
                    let k0 = scale[c] * inv[c] / m, db = Float(dBeta[c]), dg = Float(dGamma[c])
                    for k in 0..<S { d[k] = k0 * (m * g[k] - db - h[k] * dg) }
                } else {
                    let k0 = scale[c] * inv[c]
                    for k in 0..<S { d[k] = k0 * g[k] }
                }
            }
        }
    }

    /// 2 per element (one fused scale-and-shift, as at inference).
    public var flopsPerSample: Int { 2 * channels * spatial }
}
