// Forward-pass behaviour of every layer against hand-computed values and closed forms.

import Foundation
import XCTest
import Learn

final class NNLayerTests: XCTestCase {
    // MARK: Conv2D

    /// Direct cross-correlation with zero padding, written independently of im2col.
    private func naiveConv(_ x: [Float], batch: Int, c: Int, h: Int, w: Int, weight: [Float], bias: [Float], filters: Int,
                           kh: Int, kw: Int, sh: Int, sw: Int, ph: Int, pw: Int) -> (y: [Float], oh: Int, ow: Int) {
        let oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1
        var y = [Float](repeating: 0, count: batch * filters * oh * ow)
        for n in 0..<batch {
            for f in 0..<filters {
                for i in 0..<oh {
                    for j in 0..<ow {
                        var s = Double(bias[f])
                        for ch in 0..<c {
                            for a in 0..<kh {
                                for b in 0..<kw {
                                    let r = i * sh - ph + a, q = j * sw - pw + b
                                    guard r >= 0, r < h, q >= 0, q < w else { continue }
                                    s += Double(x[((n * c + ch) * h + r) * w + q]) * Double(weight[((f * c + ch) * kh + a) * kw + b])
                                }
                            }
                        }
                        y[((n * filters + f) * oh + i) * ow + j] = Float(s)
                    }
                }
            }
        }
        return (y, oh, ow)
    }

    func testConv2DMatchesNaiveConvolutionStride2Padding1() throws {
        let (batch, c, h, w, filters) = (3, 3, 7, 8, 4)
        let layer = Conv2DLayer(filters: filters, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        let harness = try LayerHarness(layer, inputShape: [c, h, w])
        let weight = randomValues(filters * c * 9, seed: 1), bias = randomValues(filters, seed: 2)
        harness.setParameter(0, weight); harness.setParameter(1, bias)
        let x = randomValues(batch * c * h * w, seed: 3)
        let y = harness.forward(x, batch: batch)
        let expected = naiveConv(x, batch: batch, c: c, h: h, w: w, weight: weight, bias: bias, filters: filters,
                                 kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1)
        XCTAssertEqual(harness.outputShape, [filters, expected.oh, expected.ow])
        XCTAssertEqual(harness.outputShape, [4, 4, 4])
        XCTAssertEqual(y.count, expected.y.count)
        for i in y.indices { XCTAssertEqual(y[i], expected.y[i], accuracy: 1e-4, "element \(i)") }
    }

    func testConv2DMatchesNaiveConvolutionRectangular() throws {
        let layer = Conv2DLayer(filters: 2, kernel: (2, 3), stride: (1, 2), padding: (0, 2))
        let harness = try LayerHarness(layer, inputShape: [2, 5, 6])
        let weight = randomValues(2 * 2 * 6, seed: 4), bias = randomValues(2, seed: 5)
        harness.setParameter(0, weight); harness.setParameter(1, bias)
        let x = randomValues(2 * 2 * 5 * 6, seed: 6)
        let y = harness.forward(x, batch: 2)
        let expected = naiveConv(x, batch: 2, c: 2, h: 5, w: 6, weight: weight, bias: bias, filters: 2,
                                 kh: 2, kw: 3, sh: 1, sw: 2, ph: 0, pw: 2)
        XCTAssertEqual(harness.outputShape, [2, expected.oh, expected.ow])
        for i in y.indices { XCTAssertEqual(y[i], expected.y[i], accuracy: 1e-4, "element \(i)") }
    }

    func testConv2DHandComputed() throws {
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        // 2×2 kernel, valid: out = [[1·1+2·2+4·3+5·4, …]] + 0.5.
        let valid = try LayerHarness(Conv2DLayer(filters: 1, kernel: (2, 2)), inputShape: [1, 3, 3])
        valid.setParameter(0, [1, 2, 3, 4]); valid.setParameter(1, [0.5])
        XCTAssertEqual(valid.outputShape, [1, 2, 2])
        XCTAssertEqual(valid.forward(x, batch: 1), [37.5, 47.5, 67.5, 77.5])
        // 3×3 kernel of ones, "same": neighbourhood sums.
        let same = try LayerHarness(Conv2DLayer(filters: 1, kernel: (3, 3), padding: .same), inputShape: [1, 3, 3])
        same.setParameter(0, [Float](repeating: 1, count: 9)); same.setParameter(1, [0])
        XCTAssertEqual(same.outputShape, [1, 3, 3])
        XCTAssertEqual(same.forward(x, batch: 1), [12, 21, 16, 27, 45, 33, 24, 39, 28])
        // Same kernel, stride 2, padding 1: corners of the sums above.
        let strided = try LayerHarness(Conv2DLayer(filters: 1, kernel: (3, 3), stride: (2, 2), padding: (1, 1)), inputShape: [1, 3, 3])
        strided.setParameter(0, [Float](repeating: 1, count: 9)); strided.setParameter(1, [0])
        XCTAssertEqual(strided.forward(x, batch: 1), [12, 16, 24, 28])
    }

    func testConv2DShapesAndFlops() throws {
        let layer = Conv2DLayer(filters: 8, kernel: (5, 5), stride: (2, 2), padding: "same")
        XCTAssertEqual(try layer.build(inputShape: [3, 28, 27]), [8, 14, 14])
        XCTAssertEqual(layer.parameters, [ParameterSpec("weight", shape: [8, 3, 5, 5], role: .weight),
                                          ParameterSpec("bias", shape: [8], role: .bias)])
        XCTAssertEqual(layer.flopsPerSample, 2 * 8 * 75 * 196 + 8 * 196)
        XCTAssertThrowsError(try Conv2DLayer(filters: 1, kernel: (3, 3)).build(inputShape: [1, 2, 5]))
        XCTAssertThrowsError(try Conv2DLayer(filters: 1, kernel: (3, 3)).build(inputShape: [9]))
    }

    /// A bigger batch after a smaller one regrows the column buffer; a smaller one after reuses it.
    func testConv2DBatchSizesChange() throws {
        let harness = try LayerHarness(Conv2DLayer(filters: 2, kernel: (3, 3), padding: .same), inputShape: [1, 4, 4])
        harness.setParameter(0, randomValues(18, seed: 1))
        let x = randomValues(5 * 16, seed: 2)
        let all = harness.forward(x, batch: 5)
        let first = harness.forward(Array(x[0..<16]), batch: 1)
        XCTAssertEqual(first, Array(all[0..<32]))
        XCTAssertEqual(harness.forward(x, batch: 5), all)
    }

    // MARK: Pooling

    private let grid: [Float] = [1, 9, 2, 3,
                                 4, 0, 8, 5,
                                 7, 6, 12, 1,
                                 3, 15, 4, 2]

    func testMaxPoolHandComputed() throws {
        let h = try LayerHarness(MaxPool2DLayer(size: 2, stride: 2), inputShape: [1, 4, 4])
        XCTAssertEqual(h.outputShape, [1, 2, 2])
        XCTAssertEqual(h.forward(grid, batch: 1), [9, 8, 15, 12])
        let dx = h.backward([1, 2, 3, 4], batch: 1)
        XCTAssertEqual(dx, [0, 1, 0, 0,
                            0, 0, 2, 0,
                            0, 0, 4, 0,
                            0, 3, 0, 0])
    }

    func testAvgPoolHandComputed() throws {
        let h = try LayerHarness(AvgPool2DLayer(size: 2, stride: 2), inputShape: [1, 4, 4])
        XCTAssertEqual(h.outputShape, [1, 2, 2])
        XCTAssertEqual(h.forward(grid, batch: 1), [3.5, 4.5, 7.75, 4.75])
        let dx = h.backward([4, 8, 12, 16], batch: 1)
        XCTAssertEqual(dx, [1, 1, 2, 2,
                            1, 1, 2, 2,
                            3, 3, 4, 4,
                            3, 3, 4, 4])
    }

    func testPoolingPerChannelAndBatch() throws {
        let h = try LayerHarness(MaxPool2DLayer(size: (2, 2)), inputShape: [2, 4, 4])
        let x = grid + grid.map { -$0 } + grid.map { $0 * 2 } + grid
        XCTAssertEqual(h.forward(x, batch: 2), [9, 8, 15, 12, -0, -2, -3, -1, 18, 16, 30, 24, 9, 8, 15, 12])
        XCTAssertThrowsError(try MaxPool2DLayer(size: 5).build(inputShape: [1, 4, 4])) { error in
            XCTAssertTrue("\(error)".contains("max_pool"), "\(error)")
        }
    }

    // MARK: Flatten

    func testFlatten() throws {
        let h = try LayerHarness(FlattenLayer(), inputShape: [3, 4, 5])
        XCTAssertEqual(h.outputShape, [60])
        let x = randomValues(120, seed: 1)
        XCTAssertEqual(h.forward(x, batch: 2), x)
        XCTAssertEqual(h.backward(x, batch: 2), x)
        XCTAssertEqual(FlattenLayer().flopsPerSample, 0)
    }

    // MARK: Dropout

    func testDropoutInferenceIsIdentity() throws {
        let h = try LayerHarness(DropoutLayer(rate: 0.5), inputShape: [10])
        let x = randomValues(30, seed: 1)
        var g = SeededGenerator(seed: 5)
        let before = g
        XCTAssertEqual(h.forward(x, batch: 3, mode: .inference, generator: &g), x)
        XCTAssertEqual(g, before, "inference draws nothing")
        XCTAssertEqual(h.backward(x, batch: 3), x)
    }

    func testDropoutTraining() throws {
        let rate = 0.3, n = 1000, batch = 100
        let h = try LayerHarness(DropoutLayer(rate: rate), inputShape: [n])
        let x = randomValues(n * batch, seed: 2, low: 0.5, high: 1.5)
        var g = SeededGenerator(seed: 42)
        let y = h.forward(x, batch: batch, mode: .training, generator: &g)
        var zeros = 0
        for i in y.indices {
            if y[i] == 0 { zeros += 1 } else { XCTAssertEqual(y[i], x[i] / Float(1 - rate), accuracy: 1e-6) }
        }
        XCTAssertEqual(Double(zeros) / Double(y.count), rate, accuracy: 0.01)
        // One nextFloat per element in row-major order; dropped when u < rate.
        var replay = SeededGenerator(seed: 42)
        for i in y.indices {
            let dropped = replay.nextFloat() < Float(rate)
            XCTAssertEqual(y[i] == 0, dropped, "element \(i)")
            if (y[i] == 0) != dropped { break }
        }
        XCTAssertEqual(replay, g, "exactly one draw per element")
        // Deterministic under the seed; another seed gives another mask.
        XCTAssertEqual(h.forward(x, batch: batch, mode: .training, seed: 42), y)
        XCTAssertNotEqual(h.forward(x, batch: batch, mode: .training, seed: 43), y)
        // Backward applies the same mask.
        _ = h.forward(x, batch: batch, mode: .training, seed: 42)
        let ones = [Float](repeating: 1, count: x.count)
        let dx = h.backward(ones, batch: batch)
        for i in stride(from: 0, to: dx.count, by: 97) { XCTAssertEqual(dx[i], y[i] == 0 ? 0 : Float(1 / (1 - rate)), accuracy: 1e-6) }
    }

    // MARK: Batch norm

    func testBatchNormTrainingNormalisesAndUpdatesRunningStatistics() throws {
        let layer = BatchNormLayer(momentum: 0.1, epsilon: 1e-5)
        let (batch, features) = (64, 3)
        let h = try LayerHarness(layer, inputShape: [features])
        var g = SeededGenerator(seed: 1)
        layer.initialize(.zeros, generator: &g)
        var x = [Float](repeating: 0, count: batch * features)
        for b in 0..<batch { for f in 0..<features { x[b * features + f] = Float(f * 5) + Float(f + 1) * (g.nextFloat() * 2 - 1) } }
        let y = h.forward(x, batch: batch, mode: .training)
        for f in 0..<features {
            let col = (0..<batch).map { Double(y[$0 * features + f]) }
            let mean = col.reduce(0, +) / Double(batch)
            let variance = col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(batch)
            XCTAssertEqual(mean, 0, accuracy: 1e-5)
            XCTAssertEqual(variance, 1, accuracy: 1e-3)
            // Running statistics after one step: 0.9·0 + 0.1·mean, 0.9·1 + 0.1·unbiased variance.
            let xs = (0..<batch).map { Double(x[$0 * features + f]) }
            let xm = xs.reduce(0, +) / Double(batch)
            let unbiased = xs.map { ($0 - xm) * ($0 - xm) }.reduce(0, +) / Double(batch - 1)
            XCTAssertEqual(Double(h.states[0][f]), 0.1 * xm, accuracy: 1e-5)
            XCTAssertEqual(Double(h.states[1][f]), 0.9 + 0.1 * unbiased, accuracy: 1e-4)
        }
    }

    func testBatchNormPerChannelAndInference() throws {
        let layer = BatchNormLayer(momentum: 0.5, epsilon: 1e-3)
        let h = try LayerHarness(layer, inputShape: [2, 3, 3])
        var g = SeededGenerator(seed: 2)
        layer.initialize(.zeros, generator: &g)
        h.setParameter(0, [2, 0.5]); h.setParameter(1, [1, -1])
        let batch = 4
        let x = randomValues(batch * 18, seed: 3, low: -2, high: 3)
        let y = h.forward(x, batch: batch, mode: .training)
        for c in 0..<2 {
            var vals: [Double] = []
            for b in 0..<batch { for k in 0..<9 { vals.append(Double(y[(b * 2 + c) * 9 + k])) } }
            let mean = vals.reduce(0, +) / Double(vals.count)
            let sd = (vals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(vals.count)).squareRoot()
            XCTAssertEqual(mean, [1.0, -1.0][c], accuracy: 1e-5, "shift")
            XCTAssertEqual(sd, [2.0, 0.5][c], accuracy: 2e-3, "scale (ε = 1e-3 shrinks it slightly)")
        }
        // Inference uses the running statistics and leaves them alone.
        h.setState(0, [0.5, -1]); h.setState(1, [4, 0.25])
        let yi = h.forward(x, batch: batch, mode: .inference)
        for b in 0..<batch {
            for c in 0..<2 {
                for k in 0..<9 {
                    let i = (b * 2 + c) * 9 + k
                    let mean: Float = [0.5, -1][c], variance: Float = [4, 0.25][c]
                    let expected = [Float(2), 0.5][c] * (x[i] - mean) / (variance + 1e-3).squareRoot() + [Float(1), -1][c]
                    XCTAssertEqual(yi[i], expected, accuracy: 1e-5)
                }
            }
        }
        XCTAssertEqual(Array(h.states[0]), [0.5, -1])
        XCTAssertEqual(Array(h.states[1]), [4, 0.25])
    }

    func testBatchNormSpecs() throws {
        let layer = BatchNormLayer()
        XCTAssertEqual(try layer.build(inputShape: [3, 4, 4]), [3, 4, 4])
        XCTAssertEqual(layer.parameters.map(\.role), [.scale, .shift])
        XCTAssertEqual(layer.state.map(\.role), [.runningMean, .runningVariance])
        XCTAssertEqual(layer.state.map(\.name), ["runningMean", "runningVariance"])
        XCTAssertEqual(layer.parameters.map(\.shape), [[3], [3]])
        XCTAssertEqual(layer.momentum, 0.1)
        XCTAssertEqual(layer.epsilon, 1e-5)
    }

    // MARK: Activations

    private func apply(_ f: Activation, alpha: Double? = nil, _ x: [Float], shape: [Int]? = nil) throws -> [Float] {
        let h = try LayerHarness(ActivationLayer(f, alpha: alpha), inputShape: shape ?? [x.count])
        return h.forward(x, batch: 1)
    }

    func testActivationsClosedForms() throws {
        XCTAssertEqual(try apply(.relu, [-1, 0, 2.5]), [0, 0, 2.5])
        let leaky = try apply(.leakyRelu, [-2, 3])
        XCTAssertEqual(leaky[0], -0.02, accuracy: 1e-7); XCTAssertEqual(leaky[1], 3)
        XCTAssertEqual(try apply(.leakyRelu, alpha: 0.2, [-2])[0], -0.4, accuracy: 1e-7)
        let elu = try apply(.elu, [-1, 2])
        XCTAssertEqual(Double(elu[0]), exp(-1.0) - 1, accuracy: 1e-7); XCTAssertEqual(elu[1], 2)
        XCTAssertEqual(Double(try apply(.elu, alpha: 0.5, [-1])[0]), 0.5 * (exp(-1.0) - 1), accuracy: 1e-7)
        let sig = try apply(.sigmoid, [0, 2, -2, -100, 100])
        XCTAssertEqual(sig[0], 0.5)
        XCTAssertEqual(Double(sig[1]), 1 / (1 + exp(-2.0)), accuracy: 1e-7)
        XCTAssertEqual(Double(sig[2]), 1 / (1 + exp(2.0)), accuracy: 1e-7)
        XCTAssertEqual(sig[3], 0, accuracy: 1e-30); XCTAssertEqual(sig[4], 1)
        let th = try apply(.tanh, [0.5, -3])
        XCTAssertEqual(Double(th[0]), tanh(0.5), accuracy: 1e-7); XCTAssertEqual(Double(th[1]), tanh(-3.0), accuracy: 1e-7)
        let gelu = try apply(.gelu, [1, -1, 0, 3])
        XCTAssertEqual(Double(gelu[0]), 0.8413447460685429, accuracy: 1e-7)
        XCTAssertEqual(Double(gelu[1]), -0.15865525393145707, accuracy: 1e-7)
        XCTAssertEqual(gelu[2], 0)
        XCTAssertEqual(Double(gelu[3]), 3 * 0.9986501019683699, accuracy: 1e-6)
    }

    func testSoftmaxAlongLastAxisIsStable() throws {
        let s = try apply(.softmax, [1, 2, 3])
        let e = [exp(1.0), exp(2.0), exp(3.0)], z = e.reduce(0, +)
        for i in 0..<3 { XCTAssertEqual(Double(s[i]), e[i] / z, accuracy: 1e-7) }
        let big = try apply(.softmax, [1000, 1001, -1000, 0], shape: [2, 2])
        XCTAssertEqual(Double(big[0]), 1 / (1 + exp(1.0)), accuracy: 1e-7)
        XCTAssertEqual(Double(big[1]), 1 / (1 + exp(-1.0)), accuracy: 1e-7)
        XCTAssertEqual(big[2], 0, accuracy: 1e-30)
        XCTAssertEqual(big[3], 1)
        XCTAssertFalse(big.contains { $0.isNaN })
    }

    func testActivationConfiguration() {
        XCTAssertEqual(ActivationLayer(.relu).configuration, ["activation": .string("relu")])
        XCTAssertNil(ActivationLayer(.relu, alpha: 3).alpha)
        XCTAssertEqual(ActivationLayer(.leakyRelu).configuration, ["activation": .string("leaky_relu"), "alpha": .double(0.01)])
        XCTAssertEqual(ActivationLayer(.elu).alpha, 1.0)
        XCTAssertEqual(Activation(rawValue: "leaky_relu"), .leakyRelu)
    }

    // MARK: Dense

    func testDenseForwardAndSpecs() throws {
        let layer = DenseLayer(units: 2)
        let h = try LayerHarness(layer, inputShape: [3])
        h.setParameter(0, [1, 2, 3, 4, 5, 6])   // [in 3, out 2]
        h.setParameter(1, [0.5, -1])
        let expected: [Float] = [-3.5, -5, 5.5, 7]  // rows [1,0,-1]·W + b and [2,1,0]·W + b
        XCTAssertEqual(h.forward([1, 0, -1, 2, 1, 0], batch: 2), expected)
        XCTAssertEqual(layer.parameters, [ParameterSpec("weight", shape: [3, 2], role: .weight),
                                          ParameterSpec("bias", shape: [2], role: .bias)])
        XCTAssertEqual(layer.flopsPerSample, 14)
    }
}
