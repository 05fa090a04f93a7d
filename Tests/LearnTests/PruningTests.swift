import CKernels
import Learn
import XCTest

/// Magnitude pruning, the Zhu–Gupta schedule, masks through training, and the CSR kernels.
final class PruningTests: XCTestCase {
    // MARK: Zhu & Gupta's cubic schedule

    func testZhuGuptaScheduleMatchesHandComputedValues() {
        // s_i = 0, s_f = 0.9, t0 = 0, t_end = 10, Δt = 2 → n = 5; s_k = 0.9 + (0 − 0.9)(1 − k/5)³.
        let g = GradualPruning(initialSparsity: 0, finalSparsity: [0.9], scope: .layer, startStep: 0, endStep: 10, frequency: 2)
        XCTAssertEqual(g.updates, 5)
        let expected = [0, 0.9 - 0.9 * 0.512, 0.9 - 0.9 * 0.216, 0.9 - 0.9 * 0.064, 0.9 - 0.9 * 0.008, 0.9]  // 0, .4392, .7056, .8424, .8928, .9
        for k in 0...5 { XCTAssertEqual(g.sparsity(update: k, final: 0.9), expected[k], accuracy: 1e-12, "k = \(k)") }
        XCTAssertEqual(g.sparsity(update: 1, final: 0.9), 0.4392, accuracy: 1e-12)
        XCTAssertEqual((0...12).map { g.update(atBoundary: $0) }, [0, nil, 1, nil, 2, nil, 3, nil, 4, nil, 5, nil, nil])

        // s_i = 0.2, s_f = 0.8, t0 = 3, t_end = 10, Δt = 2 → n = ⌈7/2⌉ = 4, updates at 3, 5, 7, 9, 11.
        let h = GradualPruning(initialSparsity: 0.2, finalSparsity: [0.8, 0.5], scope: .layer, startStep: 3, endStep: 10, frequency: 2)
        XCTAssertEqual(h.updates, 4)
        XCTAssertEqual((0...13).compactMap { h.update(atBoundary: $0) }, [0, 1, 2, 3, 4])
        XCTAssertNil(h.update(atBoundary: 4))
        XCTAssertEqual(h.update(atBoundary: 11), 4)
        // k = 2: (1 − 1/2)³ = 0.125 → 0.8 − 0.6·0.125 = 0.725 and 0.5 − 0.3·0.125 = 0.4625.
        let t = h.targets(update: 2, tensors: 2)
        XCTAssertEqual(t[0], 0.725, accuracy: 1e-12)
        XCTAssertEqual(t[1], 0.4625, accuracy: 1e-12)
    }

    // MARK: Magnitude pruning

    func testLayerWiseAndGlobalThresholdsDifferOnADesignedCase() {
        // Tensor A = [1, −2, 3, −4] (small weights), a bias 9 in between (never pruned), tensor B = [10, 20, −30, 40].
        let values: [Float] = [1, -2, 3, -4, 9, 10, 20, -30, 40]
        let tensors = [0..<4, 5..<9]
        func run(_ sparsity: [Double], _ scope: PruningScope) -> ([Float], [Float]) {
            var p = values, mask = [Float](repeating: 1, count: values.count)
            p.withUnsafeMutableBufferPointer { MagnitudePruning.prune($0, mask: &mask, tensors: tensors, sparsity: sparsity, scope: scope) }
            return (p, mask)
        }
        // Layer-wise 50 %: each tensor loses its two smallest.
        XCTAssertEqual(run([0.5, 0.5], .layer).0, [0, 0, 3, -4, 9, 0, 0, -30, 40])
        // Global 50 %: the four smallest of all eight are all in A.
        XCTAssertEqual(run([0.5], .global).0, [0, 0, 0, 0, 9, 10, 20, -30, 40])
        XCTAssertEqual(run([0.5], .global).1, [0, 0, 0, 0, 1, 1, 1, 1, 1])
        // Global 75 % (6 of 8): A and then 10, 20.
        XCTAssertEqual(run([0.75], .global).0, [0, 0, 0, 0, 9, 0, 0, -30, 40])
        // Per-layer targets, rounded to the nearest count: 25 % of 4 = 1, 60 % of 4 = 2.4 → 2.
        XCTAssertEqual(run([0.25, 0.6], .layer).0, [0, -2, 3, -4, 9, 0, 0, -30, 40])
    }

    func testPruningIsMonotoneBreaksTiesByPositionAndThresholds() {
        var p: [Float] = [5, 1, 1, 1, 7]
        var mask: [Float] = [0, 1, 1, 1, 1]  // element 0 already pruned (its value is stale on purpose)
        p.withUnsafeMutableBufferPointer { MagnitudePruning.prune($0, mask: &mask, tensors: [0..<5], sparsity: [0.4], scope: .layer) }
        // Two to prune: the already-pruned one counts first, then the first of the tied ones.
        XCTAssertEqual(mask, [0, 0, 1, 1, 1])
        XCTAssertEqual(p, [0, 0, 1, 1, 7])
        var q: [Float] = [0.05, -0.2, 0.009, 0.3, -0.01]
        var m = [Float](repeating: 1, count: 5)
        q.withUnsafeMutableBufferPointer { MagnitudePruning.prune($0, mask: &m, tensors: [0..<5], threshold: 0.06) }
        XCTAssertEqual(m, [0, 1, 0, 1, 0])
        XCTAssertEqual(MagnitudePruning.sparsity(of: m, tensors: [0..<5]), 0.6, accuracy: 1e-12)
    }

    // MARK: Masks through training

    private func blobs(rows: Int = 240, seed: UInt64 = 5) -> InMemoryBatchSource {
        var g = SeededGenerator(seed: seed)
        var x: [Float] = [], y: [Int32] = []
        for i in 0..<rows {
            let c = i % 3
            for d in 0..<6 { x.append(Float(g.nextGaussian()) + (d % 3 == c ? 2.5 : 0)) }
            y.append(Int32(c))
        }
        return InMemoryBatchSource(storage: .float32(x), labels: y, columns: 6)
    }

    private func network() throws -> Network {
        let net = try Network(inputShape: [6], layers: [DenseLayer(units: 16), ActivationLayer(.relu), DenseLayer(units: 3)])
        var g = SeededGenerator(seed: 11)
        net.initialize(.heNormal, generator: &g)
        return net
    }

    func testPrunedWeightsStayExactlyZeroAfterEveryStepForEveryOptimizer() throws {
        let optimizers: [(String, any Optimizer)] = [
            ("sgd+nesterov", SGD(momentum: 0.9, nesterov: true, weightDecay: 1e-3)), ("adagrad", Adagrad(weightDecay: 1e-3)),
            ("rmsprop", RMSprop(momentum: 0.9, centered: true, weightDecay: 1e-3)), ("adam", Adam(weightDecay: 1e-3)),
            ("adamw", AdamW(weightDecay: 0.1)), ("nadam", NAdam()),
        ]
        let data = blobs()
        for (name, optimizer) in optimizers {
            // Train densely for 2 epochs (so momentum/moment state is nonzero everywhere), then prune 60 %
            // and continue from that state: the saved state must not resurrect pruned weights.
            let net = try network()
            let config = TrainingConfig(epochs: 2, batchSize: 16, loss: CrossEntropyLoss(), optimizer: optimizer,
                                        schedule: ConstantSchedule(baseRate: 0.05), penalty: Penalty(l1: 1e-4, l2: 1e-4), maxNorm: 3)
            var dense = Trainer(network: net, config: config, generator: SeededGenerator(seed: 3))
            try dense.run(network: net, training: data, validation: nil)
            var mask = [Float](repeating: 1, count: net.parameterCount)
            let weights = net.layout.filter { $0.spec.role == .weight }.map(\.range)
            MagnitudePruning.prune(net.parameters, mask: &mask, tensors: weights, sparsity: [0.6, 0.6], scope: .layer)
            var state = dense.state
            state.epochsDone = 0
            state.parameters = Array(net.parameters)
            state.mask = mask
            var fine = Trainer(network: net, config: config, resumingFrom: state)
            XCTAssertNotEqual(state.optimizer.vectors.values.map { $0.filter { $0 != 0 }.count }.reduce(0, +), 0, "\(name): optimizer state is live")
            var steps = 0
            try fine.run(network: net, training: data, validation: nil, events: { event in
                guard case .batch = event else { return }
                steps += 1
                for i in 0..<mask.count where mask[i] == 0 { XCTAssertEqual(net.parameters[i], 0, "\(name): weight \(i) after step \(steps)") }
            })
            XCTAssertEqual(steps, 2 * 15)
            XCTAssertEqual(MagnitudePruning.sparsity(of: mask, tensors: weights), 0.6, accuracy: 0.01)
            let nonzeroKept = (0..<mask.count).filter { mask[$0] == 1 && net.parameters[$0] != 0 }.count
            XCTAssertGreaterThan(nonzeroKept, mask.filter { $0 == 1 }.count / 2, "\(name): kept weights still train")
        }
    }

    func testGradualPruningReachesEachLayersTargetAndResumesBitIdentically() throws {
        let data = blobs()
        func config() -> TrainingConfig {
            var c = TrainingConfig(epochs: 6, batchSize: 16, loss: CrossEntropyLoss(), optimizer: Adam(),
                                   schedule: ConstantSchedule(baseRate: 0.01))
            // 15 steps per epoch: prune from step 0 to step 60 every 10 steps (n = 6), then 2 epochs fine-tuning.
            c.pruning = GradualPruning(initialSparsity: 0, finalSparsity: [0.75, 0.5], scope: .layer, startStep: 0, endStep: 60, frequency: 10)
            return c
        }
        let straight = try network()
        var trainer = Trainer(network: straight, config: config(), generator: SeededGenerator(seed: 3))
        var sparsityAfterEpoch: [Double] = []
        try trainer.run(network: straight, training: data, validation: nil, checkpoint: { state in
            sparsityAfterEpoch.append(MagnitudePruning.sparsity(of: state.mask!, tensors: [0..<96]))
        })
        let mask = try XCTUnwrap(trainer.state.mask)
        // Layer 0's weight is 6×16 = 96 values → 72 pruned; layer 2's is 16×3 = 48 → 24 pruned.
        XCTAssertEqual(mask[0..<96].filter { $0 == 0 }.count, 72)
        XCTAssertEqual(mask[112..<160].filter { $0 == 0 }.count, 24)
        XCTAssertEqual(mask[96..<112].filter { $0 == 0 }.count, 0, "biases are never pruned")
        for i in mask.indices where mask[i] == 0 { XCTAssertEqual(straight.parameters[i], 0) }
        // After epoch 1 (15 steps) the last update was k = 1 at step 10: 0.75·(1 − (5/6)³) = 0.3159…, round(30.3) = 30 of 96.
        XCTAssertEqual(sparsityAfterEpoch[0], 30.0 / 96, accuracy: 1e-12)
        XCTAssertEqual(sparsityAfterEpoch.last!, 0.75, accuracy: 1e-12)

        // Killed after epoch 2 and resumed from the saved state (mask included): the same bits.
        struct Killed: Error {}
        var saved: TrainerState?
        let first = try network()
        var interrupted = Trainer(network: first, config: config(), generator: SeededGenerator(seed: 3))
        XCTAssertThrowsError(try interrupted.run(network: first, training: data, validation: nil, checkpoint: { state in
            saved = state
            if state.epochsDone == 2 { throw Killed() }
        }))
        let second = try network()
        var resumed = Trainer(network: second, config: config(), resumingFrom: saved!)
        try resumed.run(network: second, training: data, validation: nil)
        XCTAssertEqual(Array(second.parameters), Array(straight.parameters))
        XCTAssertEqual(resumed.state.mask, trainer.state.mask)
    }

    // MARK: CSR

    private func sparseWeight(inputs: Int, outputs: Int, density: Double, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<(inputs * outputs)).map { _ in g.nextDouble() < density ? Float(g.nextGaussian()) : 0 }
    }

    func testCSRProductEqualsTheDenseProductForEveryBatchShape() throws {
        let (inputs, outputs) = (37, 29)
        let w = sparseWeight(inputs: inputs, outputs: outputs, density: 0.15, seed: 1)
        var g = SeededGenerator(seed: 2)
        let bias = (0..<outputs).map { _ in Float(g.nextGaussian()) }
        let matrix = w.withUnsafeBufferPointer { CSRMatrix(transposing: $0, inputs: inputs, outputs: outputs) }
        XCTAssertEqual(matrix.storedCount, w.filter { $0 != 0 }.count)
        for batch in [1, 2, 7, 63, 64, 65, 200, 256, 300] {
            let x = (0..<(batch * inputs)).map { _ in Float(g.nextGaussian()) }
            // Reference: y = x·W + b in double precision over all (dense) weights.
            var reference = [Double](repeating: 0, count: batch * outputs)
            for r in 0..<batch { for j in 0..<outputs {
                var s = Double(bias[j])
                for i in 0..<inputs { s += Double(x[r * inputs + i]) * Double(w[i * outputs + j]) }
                reference[r * outputs + j] = s
            } }
            var y = [Float](repeating: .nan, count: batch * outputs), y1 = y
            var scratch: [Float] = []
            bias.withUnsafeBufferPointer { b in x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { SparseProduct.multiply(matrix, bias: b, x: xp, batch: batch, into: $0, scratch: &scratch, threads: 2) }
                y1.withUnsafeMutableBufferPointer { SparseProduct.multiply(matrix, bias: b, x: xp, batch: batch, into: $0, scratch: &scratch, threads: 1) }
            } }
            for k in y.indices { XCTAssertEqual(Double(y[k]), reference[k], accuracy: 1e-5 * max(1, abs(reference[k])), "batch \(batch), element \(k)") }
            XCTAssertEqual(y, y1, "batch \(batch): the row-block split does not change a bit")
        }
    }

    func testCSRParallelSplitIsBitIdenticalAboveTheThreshold() {
        let (inputs, outputs, batch) = (300, 100, 64)
        let w = sparseWeight(inputs: inputs, outputs: outputs, density: 0.3, seed: 9)
        let matrix = w.withUnsafeBufferPointer { CSRMatrix(transposing: $0, inputs: inputs, outputs: outputs) }
        XCTAssertGreaterThan(matrix.storedCount * batch, SparseProduct.parallelThreshold, "the 2-block path runs")
        var g = SeededGenerator(seed: 4)
        let x = (0..<(batch * inputs)).map { _ in Float(g.nextGaussian()) }
        let bias = [Float](repeating: 0.5, count: outputs)
        var results: [[Float]] = []
        var scratch: [Float] = []
        for threads in [1, 2, 3] {
            var y = [Float](repeating: 0, count: batch * outputs)
            bias.withUnsafeBufferPointer { b in x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { SparseProduct.multiply(matrix, bias: b, x: xp, batch: batch, into: $0, scratch: &scratch, threads: threads) }
            } }
            results.append(y)
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
    }

    func testCSRPanelSplitIsBitIdenticalForEveryThreadCount() {
        // 300 samples: five panels of 64, the last one partial; 2, 3 and 5 threads split panels, 7 splits rows.
        let (inputs, outputs, batch) = (300, 100, 300)
        let w = sparseWeight(inputs: inputs, outputs: outputs, density: 0.1, seed: 10)
        let matrix = w.withUnsafeBufferPointer { CSRMatrix(transposing: $0, inputs: inputs, outputs: outputs) }
        XCTAssertGreaterThan(matrix.storedCount * batch, SparseProduct.parallelThreshold, "the split paths run")
        var g = SeededGenerator(seed: 11)
        let x = (0..<(batch * inputs)).map { _ in Float(g.nextGaussian()) }
        let bias = (0..<outputs).map { _ in Float(g.nextGaussian()) }
        var results: [[Float]] = []
        var scratch: [Float] = []
        for threads in [1, 2, 3, 5, 7] {
            var y = [Float](repeating: .nan, count: batch * outputs)
            bias.withUnsafeBufferPointer { b in x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { SparseProduct.multiply(matrix, bias: b, x: xp, batch: batch, into: $0, scratch: &scratch, threads: threads) }
            } }
            results.append(y)
        }
        for r in results.dropFirst() { XCTAssertEqual(r, results[0]) }
        // Every output is the stored-order sum: compare one sample against the same sum computed here in Float.
        let sample = 299
        for j in 0..<outputs {
            var acc: Float = 0
            for k in Int(matrix.indptr[j])..<Int(matrix.indptr[j + 1]) { acc += matrix.values[k] * x[sample * inputs + Int(matrix.indices[k])] }
            XCTAssertEqual(results[0][sample * outputs + j], bias[j] + acc, "output \(j)")
        }
    }

    func testPanelPackingRoundTrips() {
        for (batch, width) in [(1, 1), (7, 9), (64, 8), (65, 17), (200, 300)] {
            let x = (0..<(batch * width)).map { Float($0) }
            let panels = (batch + SparseProduct.panel - 1) / SparseProduct.panel
            var packed = [Float](repeating: -1, count: panels * SparseProduct.panel * width)
            var back = [Float](repeating: -1, count: batch * width)
            pipeline_pack_panels(x, &packed, batch, width, 0, panels)
            for b in 0..<batch { for i in 0..<width {
                let p = b / SparseProduct.panel, lane = b % SparseProduct.panel
                XCTAssertEqual(packed[p * width * SparseProduct.panel + i * SparseProduct.panel + lane], x[b * width + i])
            } }
            pipeline_unpack_panels(packed, &back, batch, width, 0, panels)
            XCTAssertEqual(back, x, "batch \(batch), width \(width)")
        }
    }

    func testCSRMatrixFromDenseKeepsExplicitZerosOfAMask() {
        let dense: [Float] = [0, 2, 0, 0, 0, 3, 4, 0]
        let keep = [false, true, true, false, false, true, true, false]  // position 2 is kept with value 0
        let m = CSRMatrix(dense: dense, rows: 2, columns: 4, keep: keep)
        XCTAssertEqual(m.indptr, [0, 2, 4])
        XCTAssertEqual(m.indices, [1, 2, 1, 2])
        XCTAssertEqual(m.values, [2, 0, 3, 4])
        XCTAssertEqual(m.dense(), dense)
        XCTAssertEqual(m.storedPositions(), keep)
    }

    func testSparseDenseLayerInferenceEqualsDenseLayer() throws {
        let w = sparseWeight(inputs: 20, outputs: 7, density: 0.2, seed: 3)
        let dense = try Network(inputShape: [20], layers: [DenseLayer(units: 7), ActivationLayer(.relu), DenseLayer(units: 4)])
        let sparseLayer = SparseDenseLayer(units: 7)
        let sparse = try Network(inputShape: [20], layers: [sparseLayer, ActivationLayer(.relu), DenseLayer(units: 4)])
        var g = SeededGenerator(seed: 8)
        dense.initialize(.heNormal, generator: &g)
        _ = UnsafeMutableBufferPointer(rebasing: dense.parameters[0..<140]).update(fromContentsOf: w)
        _ = sparse.parameters.update(fromContentsOf: Array(dense.parameters))
        sparseLayer.compile()
        XCTAssertEqual(sparseLayer.matrix?.storedCount, w.filter { $0 != 0 }.count)
        // 5 rows: one partial panel; 300 rows: predict's batches of 256 (four full panels) and 44.
        for rows in [5, 300] {
            let x = (0..<(rows * 20)).map { _ in Float(g.nextGaussian()) }
            let a = x.withUnsafeBufferPointer { dense.predict($0, rows: rows) }
            let b = x.withUnsafeBufferPointer { sparse.predict($0, rows: rows) }
            for k in a.indices { XCTAssertEqual(a[k], b[k], accuracy: 1e-5, "rows \(rows), element \(k)") }
        }
    }
}
