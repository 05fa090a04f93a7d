// Test helpers for the NN layers: a harness owning one built, bound layer and a finite-difference checker.

import XCTest
import Learn

/// One layer built for `inputShape`, bound to buffers the harness owns. Keeps the last forward input and
/// output alive until the next forward (the `Layer` contract).
final class LayerHarness {
    let layer: any Layer
    let inputShape: [Int]
    let outputShape: [Int]
    let inputCount: Int
    let outputCount: Int
    let params: [UnsafeMutableBufferPointer<Float>]
    let grads: [UnsafeMutableBufferPointer<Float>]
    let states: [UnsafeMutableBufferPointer<Float>]
    private var x = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)
    private var y = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)

    init(_ layer: any Layer, inputShape: [Int]) throws {
        self.layer = layer
        self.inputShape = inputShape
        outputShape = try layer.build(inputShape: inputShape)
        inputCount = inputShape.reduce(1, *)
        outputCount = outputShape.reduce(1, *)
        func make(_ specs: [ParameterSpec]) -> [UnsafeMutableBufferPointer<Float>] {
            specs.map { spec in
                let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: spec.count)
                b.initialize(repeating: 0)
                return b
            }
        }
        params = make(layer.parameters)
        grads = make(layer.parameters)
        states = make(layer.state)
        layer.bind(parameters: params, gradients: grads, state: states)
    }

    deinit {
        for b in params + grads + states { b.deallocate() }
        x.deallocate(); y.deallocate()
    }

    /// Sets the values of parameter tensor `index`.
    func setParameter(_ index: Int, _ values: [Float]) {
        precondition(values.count == params[index].count)
        for i in values.indices { params[index][i] = values[i] }
    }

    /// Sets the values of state tensor `index`.
    func setState(_ index: Int, _ values: [Float]) {
        precondition(values.count == states[index].count)
        for i in values.indices { states[index][i] = values[i] }
    }

    func forward(_ input: [Float], batch: Int, mode: Mode = .training, seed: UInt64 = 99) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return forward(input, batch: batch, mode: mode, generator: &generator)
    }

    func forward(_ input: [Float], batch: Int, mode: Mode, generator: inout SeededGenerator) -> [Float] {
        precondition(input.count == batch * inputCount, "test input has \(input.count) values, expected \(batch * inputCount)")
        x.deallocate(); y.deallocate()
        x = .allocate(capacity: max(input.count, 1))
        y = .allocate(capacity: max(batch * outputCount, 1))
        _ = x.initialize(from: input)
        y.initialize(repeating: .nan)
        layer.forward(UnsafeBufferPointer(rebasing: x[0..<input.count]), batch: batch,
                      into: UnsafeMutableBufferPointer(rebasing: y[0..<(batch * outputCount)]), mode: mode, generator: &generator)
        return Array(y[0..<(batch * outputCount)])
    }

    /// Back-propagates `dy` and returns dx.
    func backward(_ dy: [Float], batch: Int) -> [Float] {
        var dx = [Float](repeating: .nan, count: batch * inputCount)
        dy.withUnsafeBufferPointer { d in
            dx.withUnsafeMutableBufferPointer { layer.backward(d, batch: batch, gradInput: $0) }
        }
        return dx
    }
}

/// Deterministic test data.
func randomValues(_ count: Int, seed: UInt64, low: Float = -1, high: Float = 1) -> [Float] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in low + (high - low) * g.nextFloat() }
}

/// Values with |v| ≥ `gap` (away from kinks at 0).
func valuesAwayFromZero(_ count: Int, seed: UInt64, gap: Float = 0.1) -> [Float] {
    randomValues(count, seed: seed).map { $0 >= 0 ? $0 + gap : $0 - gap }
}

/// Distinct values 0.1 apart in random order (no ties, no argmax switches under ±0.01), centred near 0.
func distinctValues(_ count: Int, seed: UInt64) -> [Float] {
    var g = SeededGenerator(seed: seed)
    return g.permutation(n: count).map { Float($0) * 0.1 - Float(count) * 0.05 }
}

/// Why `numeric` (central differences) and `analytic` disagree, or nil when they agree: the relative error of
/// the whole vector must be < 1e-2, every element within 2e-2 relative + 1e-3 absolute, all values finite, and
/// the gradient not identically zero (a zero gradient would prove nothing).
func gradientMismatch(_ numeric: [Double], _ analytic: [Float]) -> String? {
    guard numeric.count == analytic.count else { return "sizes \(numeric.count) vs \(analytic.count)" }
    if analytic.contains(where: { !$0.isFinite }) { return "non-finite analytic gradient" }
    var diff = 0.0, nn = 0.0, na = 0.0
    var worst = -1, worstExcess = 0.0
    for i in numeric.indices {
        let n = numeric[i], a = Double(analytic[i])
        diff += (n - a) * (n - a); nn += n * n; na += a * a
        let excess = abs(n - a) - (2e-2 * max(abs(n), abs(a)) + 1e-3)
        if excess > worstExcess { worstExcess = excess; worst = i }
    }
    if nn == 0 { return "numeric gradient is identically zero" }
    let rel = diff.squareRoot() / max(nn, na).squareRoot()
    if rel >= 1e-2 { return "relative error \(rel)" }
    if worst >= 0 { return "element \(worst): numeric \(numeric[worst]) vs analytic \(analytic[worst])" }
    return nil
}

/// Asserts `gradientMismatch` finds nothing.
func assertGradientsClose(_ numeric: [Double], _ analytic: [Float], _ what: String,
                          file: StaticString = #filePath, line: UInt = #line) {
    if let problem = gradientMismatch(numeric, analytic) {
        XCTFail("\(what): \(problem)", file: file, line: line)
    }
}

/// Finite-difference check of a layer w.r.t. its input and every parameter, with L = Σ r·y (r fixed, random).
///
/// Parameters are initialised by the layer, then perturbed by U(−0.5, 0.5) so scales/biases are generic.
/// Every loss evaluation runs forward with the same generator seed (so a dropout mask is fixed).
func checkLayerGradients(_ layer: any Layer, inputShape: [Int], batch: Int, input: [Float]? = nil,
                         mode: Mode = .training, epsilon: Float = 1e-2, configure: ((LayerHarness) -> Void)? = nil,
                         file: StaticString = #filePath, line: UInt = #line) throws {
    let h = try LayerHarness(layer, inputShape: inputShape)
    var g = SeededGenerator(seed: 11)
    layer.initialize(.heUniform, generator: &g)
    for p in h.params { for i in p.indices { p[i] += Float(g.nextDouble() - 0.5) } }
    configure?(h)
    var x = input ?? randomValues(batch * h.inputCount, seed: 5)
    let r = randomValues(batch * h.outputCount, seed: 6)
    func loss() -> Double {
        let y = h.forward(x, batch: batch, mode: mode)
        var s = 0.0
        for i in y.indices { s += Double(r[i]) * Double(y[i]) }
        return s
    }
    _ = h.forward(x, batch: batch, mode: mode)
    let dx = h.backward(r, batch: batch)
    let analyticParams = h.grads.map { Array($0) }

    var numericX = [Double](repeating: 0, count: x.count)
    for i in x.indices {
        let saved = x[i]
        x[i] = saved + epsilon; let lp = loss()
        x[i] = saved - epsilon; let lm = loss()
        x[i] = saved
        numericX[i] = (lp - lm) / (2 * Double(epsilon))
    }
    assertGradientsClose(numericX, dx, "\(layer.kind) dL/dx", file: file, line: line)

    for (t, spec) in layer.parameters.enumerated() {
        let p = h.params[t]
        var numeric = [Double](repeating: 0, count: p.count)
        for i in p.indices {
            let saved = p[i]
            p[i] = saved + epsilon; let lp = loss()
            p[i] = saved - epsilon; let lm = loss()
            p[i] = saved
            numeric[i] = (lp - lm) / (2 * Double(epsilon))
        }
        assertGradientsClose(numeric, analyticParams[t], "\(layer.kind) dL/d\(spec.name)", file: file, line: line)
    }
}
