// Network construction, layout, forward/predict, shape errors, and the LayerFactory round trip.

import XCTest
import Learn

final class NNNetworkTests: XCTestCase {
    func testLayoutDecayMaskAndShapes() throws {
        let net = try Network(inputShape: [1, 6, 6], layers: [
            Conv2DLayer(filters: 2, kernel: (3, 3)), BatchNormLayer(), ActivationLayer(.relu),
            MaxPool2DLayer(size: 2), FlattenLayer(), DenseLayer(units: 3),
        ])
        XCTAssertEqual(net.inputShape, [1, 6, 6])
        XCTAssertEqual(net.outputShape, [3])
        XCTAssertEqual(net.layerOutputShapes, [[2, 4, 4], [2, 4, 4], [2, 4, 4], [2, 2, 2], [8], [3]])
        XCTAssertEqual(net.layers.count, 6)
        XCTAssertEqual(net.parameterCount, 18 + 2 + 2 + 2 + 24 + 3)
        XCTAssertEqual(net.parameters.count, net.parameterCount)
        XCTAssertEqual(net.gradients.count, net.parameterCount)
        XCTAssertEqual(net.state.count, 4)
        XCTAssertEqual(net.layout.map(\.layer), [0, 0, 1, 1, 5, 5])
        XCTAssertEqual(net.layout.map(\.spec.name), ["weight", "bias", "scale", "shift", "weight", "bias"])
        XCTAssertEqual(net.layout.map(\.range), [0..<18, 18..<20, 20..<22, 22..<24, 24..<48, 48..<51])
        XCTAssertEqual(net.stateLayout.map(\.range), [0..<2, 2..<4])
        XCTAssertEqual(net.stateLayout.map(\.layer), [1, 1])
        var expectedMask = [Float](repeating: 0, count: 51)
        for i in 0..<18 { expectedMask[i] = 1 }
        for i in 24..<48 { expectedMask[i] = 1 }
        XCTAssertEqual(net.decayMask, expectedMask)
        XCTAssertEqual(net.flopsPerSample, net.layers.reduce(0) { $0 + $1.flopsPerSample })
        XCTAssertEqual(net.flopsPerSample, (2 * 2 * 9 * 16 + 2 * 16) + 64 + 32 + 32 + 0 + (2 * 8 * 3 + 3))
    }

    func testShapeErrorsNameLayerAndShapes() {
        XCTAssertThrowsError(try Network(inputShape: [10], layers: [DenseLayer(units: 4), Conv2DLayer(filters: 2, kernel: (3, 3))])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("layer 1 (conv2d)"), text)
            XCTAssertTrue(text.contains("[4]"), text)
            XCTAssertTrue(text.contains("[channels, height, width]"), text)
        }
        XCTAssertThrowsError(try Network(inputShape: [1, 4, 4], layers: [MaxPool2DLayer(size: 2), Conv2DLayer(filters: 1, kernel: (3, 3))])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("layer 1 (conv2d)"), text)
            XCTAssertTrue(text.contains("[1, 2, 2]"), text)
        }
        XCTAssertThrowsError(try Network(inputShape: [3], layers: [FlattenLayer(), MaxPool2DLayer(size: 2)])) { error in
            XCTAssertTrue("\(error)".contains("layer 1 (max_pool)"), "\(error)")
        }
        XCTAssertThrowsError(try Network(inputShape: [2, 3], layers: [BatchNormLayer(), FlattenLayer(), BatchNormLayer(), DenseLayer(units: 1), AvgPool2DLayer(size: 1)])) { error in
            XCTAssertTrue("\(error)".contains("layer 4 (avg_pool)"), "\(error)")
        }
        XCTAssertThrowsError(try Network(inputShape: [], layers: [DenseLayer(units: 1)]))
        XCTAssertThrowsError(try Network(inputShape: [0, 3], layers: [DenseLayer(units: 1)]))
        XCTAssertThrowsError(try Network(inputShape: [3], layers: []))
        let shared = DenseLayer(units: 3)
        XCTAssertThrowsError(try Network(inputShape: [3], layers: [shared, ActivationLayer(.relu), shared])) { error in
            XCTAssertTrue("\(error)".contains("layer 2 (dense) is the same object as layer 0"), "\(error)")
        }
    }

    func testForwardPredictAndBatchGrowth() throws {
        let net = try Network(inputShape: [5], layers: [DenseLayer(units: 8), ActivationLayer(.relu), DropoutLayer(rate: 0.5),
                                                        DenseLayer(units: 3), ActivationLayer(.softmax)])
        var g = SeededGenerator(seed: 1)
        net.initialize(.heNormal, generator: &g)
        let rows = 37
        let x = randomValues(rows * 5, seed: 2)
        let all = x.withUnsafeBufferPointer { Array(net.forward($0, batch: rows, mode: .inference, generator: &g)) }
        XCTAssertEqual(all.count, rows * 3)
        for r in 0..<rows { XCTAssertEqual(all[(r * 3)..<(r * 3 + 3)].reduce(0, +), 1, accuracy: 1e-5) }
        let predicted = x.withUnsafeBufferPointer { net.predict($0, rows: rows, batchSize: 8) }
        XCTAssertEqual(predicted, all)
        XCTAssertEqual(x.withUnsafeBufferPointer { net.predict($0, rows: rows) }, all)
        // Training mode is stochastic (dropout) but deterministic under the seed.
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let t1 = x.withUnsafeBufferPointer { Array(net.forward($0, batch: 4, mode: .training, generator: &g1)) }
        let t2 = x.withUnsafeBufferPointer { Array(net.forward($0, batch: 4, mode: .training, generator: &g2)) }
        XCTAssertEqual(t1, t2)
        XCTAssertNotEqual(t1, Array(all[0..<12]))
        // Backward after a training step fills gradients.
        let dOut = randomValues(12, seed: 4)
        x.withUnsafeBufferPointer { xs in
            var g3 = SeededGenerator(seed: 3)
            _ = net.forward(xs, batch: 4, mode: .training, generator: &g3)
            dOut.withUnsafeBufferPointer { net.backward($0, batch: 4) }
        }
        XCTAssertTrue(net.gradients.contains { $0 != 0 })
        XCTAssertTrue(net.gradients.allSatisfy { $0.isFinite })
    }

    func testBatchNormNetworkUpdatesStateOnlyInTraining() throws {
        let net = try Network(inputShape: [3], layers: [BatchNormLayer()])
        var g = SeededGenerator(seed: 1)
        net.initialize(.zeros, generator: &g)
        let x: [Float] = [1, 2, 3, 3, 2, 1]
        _ = x.withUnsafeBufferPointer { net.predict($0, rows: 2) }
        XCTAssertEqual(Array(net.state), [0, 0, 0, 1, 1, 1])
        _ = x.withUnsafeBufferPointer { net.forward($0, batch: 2, mode: .training, generator: &g) }
        XCTAssertEqual(Array(net.state[0..<3]), [0.2, 0.2, 0.2])
        XCTAssertEqual(net.state[3], 0.9 + 0.1 * 2, accuracy: 1e-6)   // unbiased variance of {1, 3} is 2
        XCTAssertEqual(net.state[4], 0.9, accuracy: 1e-6)
    }

    func testEmptyBatch() throws {
        let net = try Network(inputShape: [1, 4, 4], layers: [
            Conv2DLayer(filters: 2, kernel: (3, 3), padding: .same), BatchNormLayer(), ActivationLayer(.relu),
            MaxPool2DLayer(size: 2), AvgPool2DLayer(size: 1), FlattenLayer(), DropoutLayer(rate: 0.5), DenseLayer(units: 3),
        ])
        var g = SeededGenerator(seed: 1)
        net.initialize(.heNormal, generator: &g)
        let empty: [Float] = []
        let y = empty.withUnsafeBufferPointer { net.forward($0, batch: 0, mode: .training, generator: &g) }
        XCTAssertEqual(y.count, 0)
        empty.withUnsafeBufferPointer { net.backward($0, batch: 0) }
        XCTAssertTrue(net.gradients.allSatisfy { $0 == 0 })
        XCTAssertEqual(empty.withUnsafeBufferPointer { net.predict($0, rows: 0) }, [])
    }

    // MARK: LayerFactory

    private func allLayers() -> [any Layer] {
        [DenseLayer(units: 7),
         Conv2DLayer(filters: 4, kernel: (3, 5), stride: (2, 1), padding: (1, 2)),
         Conv2DLayer(filters: 2, kernel: (3, 3), padding: .same),
         Conv2DLayer(filters: 2, kernel: (1, 1)),
         MaxPool2DLayer(size: (2, 3), stride: (1, 2)), MaxPool2DLayer(size: 2),
         AvgPool2DLayer(size: 3, stride: 1),
         FlattenLayer(),
         DropoutLayer(rate: 0.25),
         BatchNormLayer(momentum: 0.05, epsilon: 1e-3), BatchNormLayer(),
         QuantizedDenseLayer(units: 5, kernel: .int8, activations: .dynamic, inputParameters: nil),
         QuantizedDenseLayer(units: 2, kernel: .int8, activations: .static, inputParameters: QuantizationParameters(scale: 0.05, zeroPoint: -7)),
         QuantizedDenseLayer(units: 3, kernel: .dequantize, activations: .dynamic, inputParameters: nil)]
        + Activation.allCases.map { ActivationLayer($0) }
        + [ActivationLayer(.leakyRelu, alpha: 0.2), ActivationLayer(.elu, alpha: 0.7)]
    }

    func testFactoryRoundTripForEveryKind() throws {
        let layers = allLayers()
        XCTAssertEqual(Set(layers.map(\.kind)), Set(LayerFactory.kinds))
        for layer in layers {
            let rebuilt = try LayerFactory.make(kind: layer.kind, configuration: layer.configuration)
            XCTAssertEqual(rebuilt.kind, layer.kind)
            XCTAssertEqual(rebuilt.configuration, layer.configuration, layer.kind)
            XCTAssertTrue(type(of: rebuilt) == type(of: layer), layer.kind)
            // Same shapes and specs once built.
            let shape = layer.kind == "dense" || layer.kind == "activation" || layer.kind == "dropout" ? [6, 8, 8] : [3, 8, 8]
            XCTAssertEqual(try rebuilt.build(inputShape: shape), try layer.build(inputShape: shape), layer.kind)
            XCTAssertEqual(rebuilt.parameters, layer.parameters)
            XCTAssertEqual(rebuilt.state, layer.state)
        }
    }

    func testFactoryDefaultsAndLenientNumbers() throws {
        let conv = try LayerFactory.make(kind: "conv2d", configuration: ["filters": .int(3), "kernel": .int(3)])
        XCTAssertEqual(conv.configuration["stride"], .ints([1, 1]))
        XCTAssertEqual(conv.configuration["padding"], .string("valid"))
        let pool = try LayerFactory.make(kind: "max_pool", configuration: ["size": .ints([2, 3])])
        XCTAssertEqual(pool.configuration["stride"], .ints([2, 3]))
        let bn = try LayerFactory.make(kind: "batch_norm", configuration: [:])
        XCTAssertEqual(bn.configuration, ["momentum": .double(0.1), "epsilon": .double(1e-5)])
        XCTAssertEqual(try LayerFactory.make(kind: "dense", configuration: ["units": .double(4)]).configuration, ["units": .int(4)])
        XCTAssertEqual(try LayerFactory.make(kind: "dropout", configuration: ["rate": .int(0)]).configuration, ["rate": .double(0)])
        let elu = try LayerFactory.make(kind: "activation", configuration: ["activation": .string("elu")])
        XCTAssertEqual(elu.configuration["alpha"], .double(1))
    }

    func testFactoryErrorsSayWhatWasExpected() {
        func message(_ kind: String, _ configuration: [String: LayerValue]) -> String {
            do {
                _ = try LayerFactory.make(kind: kind, configuration: configuration)
                return "no error"
            } catch { return "\(error)" }
        }
        let unknown = message("lstm", [:])
        XCTAssertTrue(unknown.contains("unknown layer kind 'lstm'") && unknown.contains("dense") && unknown.contains("batch_norm"), unknown)
        XCTAssertTrue(message("dense", [:]).contains("missing 'units' (expected an integer ≥ 1)"), message("dense", [:]))
        XCTAssertTrue(message("dense", ["units": .string("x")]).contains("'units' must be an integer ≥ 1, found string \"x\""))
        XCTAssertTrue(message("dense", ["units": .int(0)]).contains("found integer 0"))
        XCTAssertTrue(message("dense", ["units": .int(3), "unit": .int(1)]).contains("unknown configuration key 'unit'; expected 'units'"))
        XCTAssertTrue(message("conv2d", ["filters": .int(1), "kernel": .int(3), "padding": .string("full")]).contains("\"same\", \"valid\""))
        XCTAssertTrue(message("conv2d", ["filters": .int(1), "kernel": .ints([3])]).contains("pair [height, width]"))
        XCTAssertTrue(message("dropout", ["rate": .double(1)]).contains("a number in [0, 1)"))
        XCTAssertTrue(message("activation", ["activation": .string("swish")]).contains("\"leaky_relu\""))
        XCTAssertTrue(message("activation", ["activation": .string("relu"), "alpha": .double(0.1)]).contains("only to leaky_relu and elu"))
        XCTAssertTrue(message("flatten", ["x": .int(1)]).contains("expected no keys"))
        XCTAssertTrue(message("batch_norm", ["momentum": .double(2)]).contains("in [0, 1]"))
    }
}
