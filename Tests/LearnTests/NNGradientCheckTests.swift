// Finite-difference gradient checks for every layer type and for a Network.

import XCTest
import Learn

final class NNGradientCheckTests: XCTestCase {
    func testDense() throws {
        try checkLayerGradients(DenseLayer(units: 5), inputShape: [4], batch: 3)
    }

    func testDenseFlattensHigherRankInput() throws {
        try checkLayerGradients(DenseLayer(units: 3), inputShape: [2, 2, 3], batch: 2)
    }

    func testConv2DStride2Padding1() throws {
        try checkLayerGradients(Conv2DLayer(filters: 3, kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
                                inputShape: [2, 5, 6], batch: 2)
    }

    func testConv2DSameAndValid() throws {
        try checkLayerGradients(Conv2DLayer(filters: 2, kernel: (3, 2), padding: .same), inputShape: [2, 4, 5], batch: 2)
        try checkLayerGradients(Conv2DLayer(filters: 2, kernel: (2, 3), stride: (1, 2), padding: .valid),
                                inputShape: [3, 4, 7], batch: 2)
        try checkLayerGradients(Conv2DLayer(filters: 2, kernel: (4, 4), stride: (3, 2), padding: .same),
                                inputShape: [1, 7, 6], batch: 1)
    }

    func testMaxPool() throws {
        try checkLayerGradients(MaxPool2DLayer(size: 2), inputShape: [2, 4, 6], batch: 2,
                                input: distinctValues(2 * 2 * 4 * 6, seed: 3))
        // Overlapping windows (stride < size).
        try checkLayerGradients(MaxPool2DLayer(size: (3, 2), stride: (1, 1)), inputShape: [1, 5, 4], batch: 2,
                                input: distinctValues(2 * 5 * 4, seed: 4))
    }

    func testAvgPool() throws {
        try checkLayerGradients(AvgPool2DLayer(size: 2), inputShape: [2, 4, 6], batch: 2)
        try checkLayerGradients(AvgPool2DLayer(size: (3, 2), stride: (1, 2)), inputShape: [2, 5, 5], batch: 2)
    }

    func testFlatten() throws {
        try checkLayerGradients(FlattenLayer(), inputShape: [2, 3, 2], batch: 3)
    }

    func testDropoutTrainingAndInference() throws {
        try checkLayerGradients(DropoutLayer(rate: 0.4), inputShape: [12], batch: 4, mode: .training)
        try checkLayerGradients(DropoutLayer(rate: 0.4), inputShape: [12], batch: 4, mode: .inference)
    }

    func testBatchNormTrainingFeatures() throws {
        try checkLayerGradients(BatchNormLayer(), inputShape: [5], batch: 6)
    }

    func testBatchNormTrainingChannels() throws {
        try checkLayerGradients(BatchNormLayer(momentum: 0.2), inputShape: [3, 2, 3], batch: 2)
    }

    func testBatchNormInference() throws {
        try checkLayerGradients(BatchNormLayer(), inputShape: [2, 2, 2], batch: 3, mode: .inference) { h in
            h.setState(0, [0.3, -0.2])
            h.setState(1, [0.5, 2.0])
        }
    }

    func testActivations() throws {
        for f in Activation.allCases {
            let shape = f == .softmax ? [2, 4] : [7]
            let input = valuesAwayFromZero(3 * shape.reduce(1, *), seed: 17).map { $0 * 2 }
            try checkLayerGradients(ActivationLayer(f), inputShape: shape, batch: 3, input: input)
        }
        try checkLayerGradients(ActivationLayer(.leakyRelu, alpha: 0.3), inputShape: [6], batch: 2,
                                input: valuesAwayFromZero(12, seed: 1))
        try checkLayerGradients(ActivationLayer(.elu, alpha: 0.5), inputShape: [6], batch: 2,
                                input: valuesAwayFromZero(12, seed: 2))
    }

    /// The checker itself must reject wrong gradients: one element halved, a sign flip, a 3 % scale error.
    func testCheckerCatchesWrongGradients() {
        let numeric: [Double] = [1.0, -2.0, 0.5, 0.25]
        XCTAssertNil(gradientMismatch(numeric, [1.0, -2.0, 0.5, 0.25]))
        XCTAssertNotNil(gradientMismatch(numeric, [1.0, -1.0, 0.5, 0.25]))
        XCTAssertNotNil(gradientMismatch(numeric, [1.0, -2.0, -0.5, 0.25]))
        XCTAssertNotNil(gradientMismatch(numeric, numeric.map { Float($0 * 1.03) }))
        XCTAssertNotNil(gradientMismatch([0, 0], [0, 0]))
    }

    // MARK: Network

    /// Parameter gradients through `Network.forward`/`backward`, against central differences of L = Σ r·y.
    private func checkNetwork(_ network: Network, batch: Int, input: [Float], file: StaticString = #filePath, line: UInt = #line) {
        let outWidth = network.outputShape.reduce(1, *)
        let r = randomValues(batch * outWidth, seed: 23)
        func loss() -> Double {
            var g = SeededGenerator(seed: 1)
            return input.withUnsafeBufferPointer { x in
                let y = network.forward(x, batch: batch, mode: .training, generator: &g)
                var s = 0.0
                for i in 0..<y.count { s += Double(r[i]) * Double(y[i]) }
                return s
            }
        }
        input.withUnsafeBufferPointer { x in
            var g = SeededGenerator(seed: 1)
            _ = network.forward(x, batch: batch, mode: .training, generator: &g)
            r.withUnsafeBufferPointer { network.backward($0, batch: batch) }
        }
        let analytic = Array(network.gradients)
        var numeric = [Double](repeating: 0, count: network.parameterCount)
        let eps: Float = 1e-2
        for i in 0..<network.parameterCount {
            let saved = network.parameters[i]
            network.parameters[i] = saved + eps; let lp = loss()
            network.parameters[i] = saved - eps; let lm = loss()
            network.parameters[i] = saved
            numeric[i] = (lp - lm) / (2 * Double(eps))
        }
        for entry in network.layout {
            assertGradientsClose(Array(numeric[entry.range]), Array(analytic[entry.range]),
                                 "layer \(entry.layer) \(entry.spec.name)", file: file, line: line)
        }
    }

    func testTwoLayerNetwork() throws {
        let net = try Network(inputShape: [4], layers: [DenseLayer(units: 6), ActivationLayer(.tanh), DenseLayer(units: 3)])
        var g = SeededGenerator(seed: 3)
        net.initialize(.xavierUniform, generator: &g)
        for i in 0..<net.parameterCount { net.parameters[i] += Float(g.nextDouble() - 0.5) * 0.2 }
        checkNetwork(net, batch: 5, input: randomValues(20, seed: 9))
    }

    func testConvolutionalNetwork() throws {
        let net = try Network(inputShape: [2, 6, 6], layers: [
            // (Batch norm directly after the convolution would make the conv bias gradient exactly 0.)
            Conv2DLayer(filters: 3, kernel: (3, 3), padding: .same), ActivationLayer(.tanh), BatchNormLayer(),
            AvgPool2DLayer(size: 2), FlattenLayer(), DropoutLayer(rate: 0.25), DenseLayer(units: 4), ActivationLayer(.softmax),
        ])
        var g = SeededGenerator(seed: 4)
        net.initialize(.heNormal, generator: &g)
        for i in 0..<net.parameterCount { net.parameters[i] += Float(g.nextDouble() - 0.5) * 0.2 }
        checkNetwork(net, batch: 3, input: randomValues(3 * 72, seed: 10))
    }
}
