import CKernels
import XCTest
@testable import Learn

/// Quantization, the int8 GEMM, weight sharing, binarization and low-rank factorisation against closed forms,
/// hand-computed cases and exact integer arithmetic.
final class CompressionTests: XCTestCase {
    // MARK: Quantization

    func testQuantizeDequantizeErrorIsAtMostHalfAStepPerElement() {
        let values = randomValues(500, seed: 11, low: -3, high: 1.5) + [0]
        for scheme in QuantizationScheme.allCases {
            for axis in [nil, 1] as [Int?] {
                let tensor = QuantizedTensor(quantizing: values, shape: [167, 3], scheme: scheme, channelAxis: axis)
                let back = tensor.dequantized()
                for i in values.indices {
                    let scale = tensor.scales[axis == nil ? 0 : i % 3]
                    XCTAssertLessThanOrEqual(abs(values[i] - back[i]), scale / 2 * (1 + 1e-5), "\(scheme) axis \(String(describing: axis)) element \(i)")
                }
            }
        }
    }

    func testScaleAndZeroPointByHand() {
        // Symmetric over [−2, 1]: s = 2/127, z = 0.
        XCTAssertEqual(QuantizationParameters.covering(min: -2, max: 1, scheme: .symmetric), QuantizationParameters(scale: 2 / 127, zeroPoint: 0))
        // Affine over [−1, 3]: s = 4/255, z = round(−128 + 1/s) = round(−128 + 63.75) = −64.
        let affine = QuantizationParameters.covering(min: -1, max: 3, scheme: .affine)
        XCTAssertEqual(affine.scale, 4 / 255, accuracy: 1e-9)
        XCTAssertEqual(affine.zeroPoint, -64)
        XCTAssertEqual(affine.quantize(0, scheme: .affine), -64, "0 is exact")
        XCTAssertEqual(affine.quantize(3, scheme: .affine), 127)
        XCTAssertEqual(affine.quantize(-1, scheme: .affine), -128)
        // A range of positive values is widened to contain 0: [0, 2] → s = 2/255, z = −128.
        XCTAssertEqual(QuantizationParameters.covering(min: 0.5, max: 2, scheme: .affine).zeroPoint, -128)
    }

    func testPerChannelBeatsPerTensorWhenChannelRangesDiffer() {
        // Dense weight [2, 2]: unit 0 has weights ±100, unit 1 has weights ±0.01. Per tensor, s = 100/127 rounds
        // unit 1 to zero; per channel, unit 1 gets its own s = 0.01/127 and is exact.
        let w: [Float] = [100, 0.01, -100, -0.01]
        let perTensor = QuantizedTensor(quantizing: w, shape: [2, 2], scheme: .symmetric, channelAxis: nil).dequantized()
        let perChannel = QuantizedTensor(quantizing: w, shape: [2, 2], scheme: .symmetric, channelAxis: 1).dequantized()
        XCTAssertEqual(perTensor[1], 0)
        XCTAssertEqual(perTensor[3], 0)
        XCTAssertEqual(perChannel[1], 0.01, accuracy: 1e-9)
        XCTAssertEqual(perChannel[3], -0.01, accuracy: 1e-9)
        XCTAssertEqual(perChannel[0], 100, accuracy: 1e-4)
    }

    func testPercentileCalibrationIgnoresOutliers() {
        var values = (0..<1001).map { Float($0) / 1000 }   // 0 … 1
        values[500] = 1000                                  // one outlier
        XCTAssertEqual(CalibrationMethod.minMax.range(of: values).max, 1000)
        // Nearest rank: index round(0.99 · 1000) = 990 of the sorted values (0.991 after the outlier moved to the end).
        let range = CalibrationMethod.percentile(99).range(of: values)
        XCTAssertEqual(range.max, values.sorted()[990])
        XCTAssertEqual(range.min, values.sorted()[10])
    }

    // MARK: int8 GEMM

    func testInt8GEMMEqualsTheExactIntegerProduct() {
        var generator = SeededGenerator(seed: 5)
        let m = 7, n = 5, k = 300   // k past every vector width, with a remainder
        let a = (0..<(m * k)).map { _ in Int8(truncatingIfNeeded: Int(generator.next() % 256) - 128) }
        let bt = (0..<(n * k)).map { _ in Int8(truncatingIfNeeded: Int(generator.next() % 256) - 128) }
        var c = [Int32](repeating: 0, count: m * n)
        pipeline_int8_gemm_nt(a, bt, &c, m, n, k)
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0
                for p in 0..<k { exact += Int(a[i * k + p]) * Int(bt[j * k + p]) }
                XCTAssertEqual(Int(c[i * n + j]), exact)
            }
        }
        // Extremes: −128·−128 summed 300 times.
        let low = [Int8](repeating: -128, count: k)
        var one: [Int32] = [0]
        pipeline_int8_gemm_nt(low, low, &one, 1, 1, k)
        XCTAssertEqual(one[0], Int32(128 * 128 * k))
    }

    /// The exact product Σ_p a[i, p]·bt[j, p] in Int, the reference for both int8 kernels.
    private func exactProduct(_ a: [Int8], _ bt: [Int8], m: Int, n: Int, k: Int) -> [Int32] {
        var c = [Int32](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0
            for p in 0..<k { s += Int(a[i * k + p]) * Int(bt[j * k + p]) }
            c[i * n + j] = Int32(s)
        } }
        return c
    }

    func testBlockedInt8GEMMEqualsTheExactIntegerProductForEveryShape() {
        var generator = SeededGenerator(seed: 6)
        func codes(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8(truncatingIfNeeded: Int(generator.next() % 256) - 128) } }
        // Rows around the block of 4, columns around the block of 16, odd and even depths.
        for (m, n, k) in [(4, 16, 2), (5, 17, 3), (7, 15, 301), (9, 33, 64), (12, 1, 1), (130, 40, 785)] {
            let a = codes(m * k), bt = codes(n * k)
            var packedB = [Int16](repeating: 0, count: pipeline_int8_packed_b_count(n, k))
            var packedA = [Int32](repeating: -1, count: pipeline_int8_packed_a_count(m, k))
            pipeline_int8_pack_b(bt, n, k, &packedB)
            pipeline_int8_pack_a(a, m, k, &packedA, 0, m)
            var c = [Int32](repeating: 0, count: m * n)
            pipeline_int8_gemm_packed(packedA, packedB, &c, m, n, k, 0, m)
            XCTAssertEqual(c, exactProduct(a, bt, m: m, n: n, k: k), "\(m) × \(n) × \(k)")
        }
        // Extremes: −128·−128 summed over a long depth, in every lane of a tile.
        let k = 1001
        let low = [Int8](repeating: -128, count: 4 * k), lowB = [Int8](repeating: -128, count: 16 * k)
        var packedB = [Int16](repeating: 0, count: pipeline_int8_packed_b_count(16, k))
        var packedA = [Int32](repeating: 0, count: pipeline_int8_packed_a_count(4, k))
        pipeline_int8_pack_b(lowB, 16, k, &packedB)
        pipeline_int8_pack_a(low, 4, k, &packedA, 0, 4)
        var c = [Int32](repeating: 0, count: 64)
        pipeline_int8_gemm_packed(packedA, packedB, &c, 4, 16, k, 0, 4)
        XCTAssertEqual(c, [Int32](repeating: Int32(128 * 128 * k), count: 64))
    }

    func testInt8ProductIsTheSameForEveryPathAndThreadSplit() {
        var generator = SeededGenerator(seed: 8)
        func codes(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8(truncatingIfNeeded: Int(generator.next() % 256) - 128) } }
        let n = 37, k = 300
        let bt = codes(n * k), product = Int8Product(bt: bt, n: n, k: k)
        for m in [1, 3, 4, 6, 257] {
            let a = codes(m * k)
            let reference = exactProduct(a, bt, m: m, n: n, k: k)
            if m == 257 { XCTAssertGreaterThan(m * n * k, Int8Product.parallelThreshold, "the split path runs") }
            var scratch: [Int32] = []
            for threads in [1, 2, 3] {
                var c = [Int32](repeating: 0, count: m * n)
                product.multiply(a, rows: m, into: &c, scratch: &scratch, threads: threads)
                XCTAssertEqual(c, reference, "m \(m), threads \(threads)")
            }
        }
    }

    func testQuantizedDenseLayerMatchesDequantizedArithmetic() throws {
        let inputs = 6, units = 4
        let w = randomValues(inputs * units, seed: 21)
        let bias: [Float] = [0.1, -0.2, 0.3, 0]
        // Batch 3 runs the dot-product kernel, 9 the register-blocked one (with a partial block of rows).
        for batch in [3, 9] { for scheme in QuantizationScheme.allCases {
        let x = randomValues(batch * inputs, seed: 22, low: 0, high: 2)
            let tensor = QuantizedTensor(quantizing: w, shape: [inputs, units], scheme: scheme, channelAxis: 1)
            let layer = QuantizedDenseLayer(units: units, kernel: .int8, activations: .dynamic, inputParameters: nil)
            let network = try Network(inputShape: [inputs], layers: [layer])
            _ = network.parameters.update(fromContentsOf: bias)
            try layer.load(encoded: ["weight": .int8(tensor)])
            let y = x.withUnsafeBufferPointer { network.predict($0, rows: batch) }
            // Reference: dequantize both operands and multiply in Double.
            var lo: Float = 0, hi: Float = 0
            for v in x { lo = min(lo, v); hi = max(hi, v) }
            let p = QuantizationParameters.covering(min: lo, max: hi, scheme: .affine)
            let dx = x.map { p.dequantize(p.quantize($0, scheme: .affine)) }
            let dw = tensor.dequantized()
            for i in 0..<batch {
                for j in 0..<units {
                    var sum = Double(bias[j])
                    for k in 0..<inputs { sum += Double(dx[i * inputs + k]) * Double(dw[k * units + j]) }
                    XCTAssertEqual(Double(y[i * units + j]), sum, accuracy: 1e-5, "\(scheme) [\(i), \(j)]")
                }
            }
            // And it is close to the float layer: within the quantization error.
            for i in 0..<batch {
                for j in 0..<units {
                    var exact = Double(bias[j])
                    for k in 0..<inputs { exact += Double(x[i * inputs + k]) * Double(w[k * units + j]) }
                    XCTAssertEqual(Double(y[i * units + j]), exact, accuracy: 0.05)
                }
            }
        } }
    }

    // MARK: Weight sharing

    func testKMeansHasTwoToTheBitsCentroidsAndNearestAssignments() {
        let values = randomValues(400, seed: 31, low: -1, high: 1)
        for bits in [1, 2, 3, 5] {
            let shared = SharedWeights(clustering: values, shape: [20, 20], bits: bits)
            XCTAssertEqual(shared.centroids.count, 1 << bits)
            for (i, v) in values.enumerated() {
                let mine = abs(v - shared.centroids[Int(shared.indices[i])])
                for c in shared.centroids { XCTAssertLessThanOrEqual(mine, abs(v - c) + 1e-7, "bits \(bits): weight \(i) is not at its nearest centroid") }
            }
            // At convergence every non-empty centroid is its cluster's mean.
            for c in 0..<shared.centroids.count {
                let members = values.indices.filter { shared.indices[$0] == c }.map { Double(values[$0]) }
                if !members.isEmpty { XCTAssertEqual(Double(shared.centroids[c]), members.reduce(0, +) / Double(members.count), accuracy: 1e-5) }
            }
        }
    }

    func testKMeansLinearInitialisationAndConvergenceByHand() {
        // Values 0, 1, 9, 10 with k = 2: init centroids 0 and 10 (min, max); clusters {0, 1}, {9, 10}; means 0.5, 9.5.
        let shared = SharedWeights(clustering: [0, 1, 9, 10], shape: [4], bits: 1)
        XCTAssertEqual(shared.centroids, [0.5, 9.5])
        XCTAssertEqual(shared.indices, [0, 0, 1, 1])
        XCTAssertEqual(shared.decoded(), [0.5, 0.5, 9.5, 9.5])
    }

    func testCentroidGradientIsTheFiniteDifferenceOfTheLossInTheCentroid() throws {
        let dense = DenseLayer(units: 3)
        let network = try Network(inputShape: [4], layers: [dense])
        var generator = SeededGenerator(seed: 8)
        network.initialize(.xavierUniform, generator: &generator)
        let weightRange = network.layout[0].range
        let shared = SharedWeights(clustering: Array(network.parameters[weightRange]), shape: [4, 3], bits: 2)
        _ = UnsafeMutableBufferPointer(rebasing: network.parameters[weightRange]).update(fromContentsOf: shared.decoded())
        let x = randomValues(5 * 4, seed: 9)
        let labels: [Int32] = [0, 1, 2, 1, 0]
        let loss = CrossEntropyLoss()
        func lossValue(_ centroids: [Float]) -> Double {
            let w = SharedWeights(shape: [4, 3], centroids: centroids, indices: shared.indices).decoded()
            _ = UnsafeMutableBufferPointer(rebasing: network.parameters[weightRange]).update(fromContentsOf: w)
            var g = [Float](repeating: 0, count: 15)
            let out = x.withUnsafeBufferPointer { network.predict($0, rows: 5) }
            return out.withUnsafeBufferPointer { o in labels.withUnsafeBufferPointer { l in g.withUnsafeMutableBufferPointer {
                loss.evaluate(output: o, targets: .classes(l), batch: 5, width: 3, gradient: $0) } } }
        }
        _ = lossValue(shared.centroids)
        var unused = SeededGenerator(seed: 0)
        let out = x.withUnsafeBufferPointer { network.forward($0, batch: 5, mode: .inference, generator: &unused) }
        var g = [Float](repeating: 0, count: 15)
        _ = labels.withUnsafeBufferPointer { l in g.withUnsafeMutableBufferPointer { loss.evaluate(output: out, targets: .classes(l), batch: 5, width: 3, gradient: $0) } }
        g.withUnsafeBufferPointer { network.backward($0, batch: 5) }
        let analytic = shared.centroidGradients(UnsafeBufferPointer(rebasing: network.gradients[weightRange]))
        var numeric: [Double] = []
        for c in 0..<shared.centroids.count {
            var up = shared.centroids, down = shared.centroids
            up[c] += 1e-3; down[c] -= 1e-3
            numeric.append((lossValue(up) - lossValue(down)) / 2e-3)
        }
        assertGradientsClose(numeric, analytic, "centroid gradients")
    }

    // MARK: Binarization

    func testBinarizationAlphaIsTheMeanAbsoluteValue() {
        // Dense [2, 3]: columns (units) are (1, −3), (−2, 4), (0.5, 0.5).
        let w: [Float] = [1, -2, 0.5, -3, 4, 0.5]
        let perLayer = BinaryWeights(binarizing: w, shape: [2, 3], channelAxis: nil)
        let alpha: Float = 11.0 / 6   // mean of |1|, |−2|, |0.5|, |−3|, |4|, |0.5|
        XCTAssertEqual(perLayer.scales, [alpha])
        XCTAssertEqual(perLayer.bits, [0b1010_1100])
        let expected: [Float] = [alpha, -alpha, alpha, -alpha, alpha, alpha]
        XCTAssertEqual(perLayer.decoded(), expected)
        let perUnit = BinaryWeights(binarizing: w, shape: [2, 3], channelAxis: 1)
        XCTAssertEqual(perUnit.scales, [2, 3, 0.5])
        XCTAssertEqual(perUnit.decoded(), [2, -3, 0.5, -2, 3, 0.5])
    }

    // MARK: Low rank

    func testSingularValuesMatchNumpyAndTheErrorIsTheDroppedEnergy() throws {
        // np.linalg.svd(np.array([[1,2,3,4],[2,0,1,-1],[0,1,-2,3]], dtype=float), compute_uv=False)
        //   → [5.77503376, 3.72188081, 1.6723003]
        let w: [Float] = [1, 2, 3, 4, 2, 0, 1, -1, 0, 1, -2, 3]
        let full = try LowRankFactors(factorising: w, rows: 3, cols: 4, rule: .count(3))
        XCTAssertEqual(full.singularValues[0], 5.77503376, accuracy: 1e-5)
        XCTAssertEqual(full.singularValues[1], 3.72188081, accuracy: 1e-5)
        XCTAssertEqual(full.singularValues[2], 1.6723003, accuracy: 1e-5)
        for (a, b) in zip(full.product(rows: 3, cols: 4), w) { XCTAssertEqual(a, b, accuracy: 1e-5) }

        let big = randomValues(40 * 30, seed: 41)
        for rank in [1, 5, 17] {
            let f = try LowRankFactors(factorising: big, rows: 40, cols: 30, rule: .count(rank))
            let approx = f.product(rows: 40, cols: 30)
            let error = zip(approx, big).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
            XCTAssertEqual(error, f.droppedNorm, accuracy: 1e-4 * max(1, f.droppedNorm), "rank \(rank)")
        }
    }

    func testEnergyRuleKeepsTheFewestValuesReachingTheFraction() throws {
        // σ = 5.775, 3.722, 1.672: σ² = 33.35, 13.85, 2.80 of 50 in all. Kept fractions: 0.667, 0.944, 1.
        // 0.6 → rank 1; 0.9 → rank 2; 0.99 → rank 3.
        let w: [Float] = [1, 2, 3, 4, 2, 0, 1, -1, 0, 1, -2, 3]
        XCTAssertEqual(try LowRankFactors(factorising: w, rows: 3, cols: 4, rule: .energy(0.6)).rank, 1)
        XCTAssertEqual(try LowRankFactors(factorising: w, rows: 3, cols: 4, rule: .energy(0.9)).rank, 2)
        XCTAssertEqual(try LowRankFactors(factorising: w, rows: 3, cols: 4, rule: .energy(0.99)).rank, 3)
    }

    // MARK: Distillation

    func testDistillationLossAndGradientByHand() {
        // numpy: pt = softmax(t/T), ps = softmax(s/T) with t = [2, 1, 0.1], s = [0.5, 1.5, −0.3], T = 2, α = 0.7, y = 0:
        //   α·T²·Σ pt·log(pt/ps) + (1 − α)·(−log softmax(s)[0]) = 0.7051140396644892
        //   gradient α·T·(ps − pt) + (1 − α)·(softmax(s) − onehot(0)) = [-0.50857062, 0.46511207, 0.04345855]
        let d = Distillation(teacherLogits: [9, 9, 9, 2, 1, 0.1], temperature: 2, alpha: 0.7)
        let s: [Float] = [0.5, 1.5, -0.3]
        var g = [Float](repeating: 0, count: 3)
        let label: [Int32] = [0]
        let hard = s.withUnsafeBufferPointer { o in label.withUnsafeBufferPointer { l in g.withUnsafeMutableBufferPointer {
            CrossEntropyLoss().evaluate(output: o, targets: .classes(l), batch: 1, width: 3, gradient: $0) } } }
        let rows = [1]
        let loss = s.withUnsafeBufferPointer { o in rows.withUnsafeBufferPointer { r in g.withUnsafeMutableBufferPointer { d.blend(hardLoss: hard, student: o, rows: r, width: 3, gradient: $0) } } }
        XCTAssertEqual(loss, 0.7051140396644892, accuracy: 1e-6)
        for (a, b) in zip(g, [-0.50857062, 0.46511207, 0.04345855]) { XCTAssertEqual(Double(a), b, accuracy: 1e-6) }
    }

    func testDistillationGradientMatchesFiniteDifferences() {
        let batch = 4, width = 5
        let d = Distillation(teacherLogits: randomValues(batch * width, seed: 51, low: -3, high: 3), temperature: 3, alpha: 0.6)
        let labels: [Int32] = [0, 4, 2, 2]
        let rows = [3, 1, 0, 2]
        func evaluate(_ s: [Float]) -> (Double, [Float]) {
            var g = [Float](repeating: 0, count: batch * width)
            let hard = s.withUnsafeBufferPointer { o in labels.withUnsafeBufferPointer { l in g.withUnsafeMutableBufferPointer {
                CrossEntropyLoss().evaluate(output: o, targets: .classes(l), batch: batch, width: width, gradient: $0) } } }
            let loss = s.withUnsafeBufferPointer { o in rows.withUnsafeBufferPointer { r in g.withUnsafeMutableBufferPointer {
                d.blend(hardLoss: hard, student: o, rows: r, width: width, gradient: $0) } } }
            return (loss, g)
        }
        let s = randomValues(batch * width, seed: 52, low: -2, high: 2)
        let analytic = evaluate(s).1
        let numeric = s.indices.map { i -> Double in
            var up = s, down = s
            up[i] += 1e-2; down[i] -= 1e-2
            return (evaluate(up).0 - evaluate(down).0) / 2e-2
        }
        assertGradientsClose(numeric, analytic, "distillation")
    }

    // MARK: Quantization-aware training

    func testFakeQuantizedStepUsesTheGradientAtTheQuantizedWeightsAndUpdatesTheMasters() throws {
        // One full-batch SGD step with fake quantization: master ← w − lr·∇L(dq(q(w))) (straight-through).
        let x = randomValues(8 * 5, seed: 61)
        let labels: [Int32] = [0, 1, 2, 0, 1, 2, 0, 1]
        func network() throws -> Network {
            let n = try Network(inputShape: [5], layers: [DenseLayer(units: 3)])
            var g = SeededGenerator(seed: 62)
            n.initialize(.xavierUniform, generator: &g)
            _ = n.parameters.update(fromContentsOf: randomValues(n.parameterCount, seed: 63))
            return n
        }
        let trained = try network(), reference = try network()
        let master = Array(trained.parameters)
        let fake = FakeQuantization(scheme: .affine, perChannel: true)
        _ = fake.apply(to: reference)
        var unused = SeededGenerator(seed: 0)
        let out = x.withUnsafeBufferPointer { reference.forward($0, batch: 8, mode: .training, generator: &unused) }
        var g = [Float](repeating: 0, count: 24)
        _ = labels.withUnsafeBufferPointer { l in g.withUnsafeMutableBufferPointer { CrossEntropyLoss().evaluate(output: out, targets: .classes(l), batch: 8, width: 3, gradient: $0) } }
        g.withUnsafeBufferPointer { reference.backward($0, batch: 8) }
        let lr: Float = 0.5
        var config = TrainingConfig(epochs: 1, batchSize: 8, shuffle: false, loss: CrossEntropyLoss(), optimizer: SGD(), schedule: ConstantSchedule(baseRate: lr))
        config.fakeQuantization = fake
        var trainer = Trainer(network: trained, config: config, generator: SeededGenerator(seed: 1))
        try trainer.run(network: trained, training: InMemoryBatchSource(storage: .float32(x), labels: labels, columns: 5), validation: nil)
        for i in master.indices {
            XCTAssertEqual(trained.parameters[i], master[i] - lr * reference.gradients[i], accuracy: 1e-6, "parameter \(i)")
        }
        // The stored weights are the float masters, not their quantized values.
        XCTAssertNotEqual(Array(trained.parameters[0..<15]), QuantizedTensor(quantizing: Array(trained.parameters[0..<15]), shape: [5, 3], scheme: .affine, channelAxis: 1).dequantized())
    }
}
