// Element-wise activations and the per-sample softmax.

import Foundation

/// An activation function; the raw value is the name written in YAML.
public enum Activation: String, Sendable, Equatable, CaseIterable {
    /// max(x, 0).
    case relu
    /// x for x > 0, α·x otherwise (α default 0.01).
    case leakyRelu = "leaky_relu"
    /// x for x > 0, α·(eˣ − 1) otherwise (α default 1).
    case elu
    /// 1 / (1 + e⁻ˣ), evaluated without overflow for either sign.
    case sigmoid
    /// tanh x.
    case tanh
    /// exp(xᵢ − max) / Σ exp(xⱼ − max) along the last axis of each sample.
    case softmax
    /// The exact GELU x·Φ(x) = x·½(1 + erf(x/√2)) (not the tanh approximation).
    case gelu

    /// The default α: 0.01 for leaky ReLU, 1 for ELU, nil for the others (which take no parameter).
    public var defaultAlpha: Double? {
        switch self {
        case .leakyRelu: return 0.01
        case .elu: return 1.0
        default: return nil
        }
    }
}

/// An activation layer: applies `function` to every element (softmax: to every row along the last axis).
///
/// Forward remembers `x` and `y` (valid until backward, by the `Layer` contract); backward computes
/// `dx = dy · f′(x)` (softmax: `dx = y ⊙ (dy − Σ dy·y)` per row). At the kinks (relu, leaky relu, elu at 0)
/// the derivative of the left side is used.
public final class ActivationLayer: ParameterFreeLayer {
    /// The function.
    public let function: Activation
    /// α for leaky ReLU and ELU; nil for the other functions.
    public let alpha: Double?

    private var count = 0, rowLength = 1
    private var lastInput: UnsafePointer<Float>?, lastOutput: UnsafePointer<Float>?

    /// Creates an activation layer; `alpha` defaults to `function.defaultAlpha` and is ignored (nil) for
    /// functions without a parameter.
    public init(_ function: Activation, alpha: Double? = nil) {
        self.function = function
        self.alpha = function.defaultAlpha == nil ? nil : (alpha ?? function.defaultAlpha)
    }

    /// "activation".
    public var kind: String { "activation" }
    /// `["activation": name]`, plus `"alpha"` for leaky ReLU and ELU.
    public var configuration: [String: LayerValue] {
        var c: [String: LayerValue] = ["activation": .string(function.rawValue)]
        if let alpha { c["alpha"] = .double(alpha) }
        return c
    }

    /// Any non-empty shape of positive extents; returns it unchanged.
    public func build(inputShape: [Int]) throws -> [Int] {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw LayerError("activation expects a non-empty input shape of positive extents, found \(shapeText(inputShape))")
        }
        count = inputShape.reduce(1, *)
        rowLength = inputShape.last!
        return inputShape
    }

    /// `y = f(x)`.
    public func forward(_ x: UnsafeBufferPointer<Float>, batch: Int, into y: UnsafeMutableBufferPointer<Float>, mode: Mode,
                        generator: inout SeededGenerator) {
        let n = batch * count
        precondition(x.count >= n && y.count >= n, "activation: buffer too small for batch \(batch)")
        lastInput = x.baseAddress; lastOutput = UnsafePointer(y.baseAddress)
        guard n > 0 else { return }
        let xp = x.baseAddress!, yp = y.baseAddress!
        let a = Float(alpha ?? 0)
        switch function {
        case .relu:
            for i in 0..<n { yp[i] = max(xp[i], 0) }
        case .leakyRelu:
            for i in 0..<n { let v = xp[i]; yp[i] = v > 0 ? v : a * v }
        case .elu:
            for i in 0..<n { let v = xp[i]; yp[i] = v > 0 ? v : a * Float(expm1(Double(v))) }
        case .sigmoid:
            for i in 0..<n {
                let v = xp[i]
                if v >= 0 { yp[i] = 1 / (1 + exp(-v)) } else { let e = exp(v); yp[i] = e / (1 + e) }
            }
        case .tanh:
            for i in 0..<n { yp[i] = Foundation.tanh(xp[i]) }
        case .gelu:
            for i in 0..<n { let v = Double(xp[i]); yp[i] = Float(v * 0.5 * (1 + erf(v * 0.5.squareRoot()))) }
        case .softmax:
            let L = rowLength
            for r in 0..<(n / L) {
                let src = xp + r * L, dst = yp + r * L
                var m = src[0]
                for k in 1..<L { m = max(m, src[k]) }
                var s: Float = 0
                for k in 0..<L { let e = exp(src[k] - m); dst[k] = e; s += e }
                let inv = 1 / s
                for k in 0..<L { dst[k] *= inv }
            }
        }
    }

    /// `dx = dy · f′(x)`.
    public func backward(_ dy: UnsafeBufferPointer<Float>, batch: Int, gradInput dx: UnsafeMutableBufferPointer<Float>?) {
        guard let dx else { return }
        let n = batch * count
        precondition(dy.count >= n && dx.count >= n, "activation: buffer too small for batch \(batch)")
        guard n > 0, let xp = lastInput, let yp = lastOutput else { return }
        let g = dy.baseAddress!, d = dx.baseAddress!
        let a = Float(alpha ?? 0)
        switch function {
        case .relu:
            for i in 0..<n { let gi = g[i]; d[i] = xp[i] > 0 ? gi : 0 }  // unconditional loads: vectorises
        case .leakyRelu:
            for i in 0..<n { let gi = g[i]; d[i] = xp[i] > 0 ? gi : a * gi }
        case .elu:
            for i in 0..<n { let gi = g[i], yi = yp[i]; d[i] = xp[i] > 0 ? gi : gi * (yi + a) }
        case .sigmoid:
            for i in 0..<n { let s = yp[i]; d[i] = g[i] * s * (1 - s) }
        case .tanh:
            for i in 0..<n { let t = yp[i]; d[i] = g[i] * (1 - t * t) }
        case .gelu:
            let invSqrt2 = 0.5.squareRoot(), invSqrt2Pi = 1 / (2 * Double.pi).squareRoot()
            for i in 0..<n {
                let v = Double(xp[i])
                let cdf = 0.5 * (1 + erf(v * invSqrt2)), pdf = exp(-0.5 * v * v) * invSqrt2Pi
                d[i] = g[i] * Float(cdf + v * pdf)
            }
        case .softmax:
            let L = rowLength
            for r in 0..<(n / L) {
                let o = r * L
                var dot: Float = 0
                for k in 0..<L { dot += g[o + k] * yp[o + k] }
                for k in 0..<L { d[o + k] = yp[o + k] * (g[o + k] - dot) }
            }
        }
    }

    /// Approximate cost per element: relu and leaky relu 1, tanh/sigmoid/elu 4, softmax 5, gelu 10.
    public var flopsPerSample: Int {
        let perElement: Int
        switch function {
        case .relu, .leakyRelu: perElement = 1
        case .elu, .sigmoid, .tanh: perElement = 4
        case .softmax: perElement = 5
        case .gelu: perElement = 10
        }
        return perElement * count
    }
}
