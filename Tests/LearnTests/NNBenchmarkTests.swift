// Optional speed measurement (LEARN_BENCH=1; meaningful in release: swift test -c release -Xswiftc -enable-testing).

import Foundation
import XCTest
import Learn

final class NNBenchmarkTests: XCTestCase {
    /// Forward + backward of a 784-300-100-10 ReLU MLP at batch 128; prints time per step and GFLOP/s
    /// (counting the GEMM work actually done: forward and dW of every layer, dx of all but the first).
    func testMLPForwardBackwardSpeed() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["LEARN_BENCH"] == "1", "set LEARN_BENCH=1 to run")
        let net = try Network(inputShape: [784], layers: [
            DenseLayer(units: 300), ActivationLayer(.relu), DenseLayer(units: 100), ActivationLayer(.relu),
            DenseLayer(units: 10), ActivationLayer(.softmax),
        ])
        var g = SeededGenerator(seed: 1)
        net.initialize(.heNormal, generator: &g)
        let batch = 128
        let x = randomValues(batch * 784, seed: 2, low: 0, high: 1)
        let dOut = randomValues(batch * 10, seed: 3)
        func step() {
            x.withUnsafeBufferPointer { xs in
                _ = net.forward(xs, batch: batch, mode: .training, generator: &g)
                dOut.withUnsafeBufferPointer { net.backward($0, batch: batch) }
            }
        }
        for _ in 0..<20 { step() }
        let steps = 500
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { step() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // GEMM work actually done per step: forward and dW for all three layers, dx for the last two.
        let forwardGemm = 2 * (784 * 300 + 300 * 100 + 100 * 10), dxGemm = 2 * (300 * 100 + 100 * 10)
        let flops = Double((2 * forwardGemm + dxGemm) * batch * steps)
        let perStep = seconds / Double(steps)
        print(String(format: "NN bench 784-300-100-10 batch %d: %.1f µs/step, %.1f GFLOP/s, %.2f s per 60k-sample epoch",
                     batch, perStep * 1e6, flops / seconds / 1e9, perStep * 60000 / Double(batch)))
        // Lower bound: the same eight GEMMs alone (forward 3, dW 3, dx 2) on preallocated matrices.
        let sizes = [(784, 300), (300, 100), (100, 10)]
        var xs = sizes.map { Matrix(rows: batch, cols: $0.0, repeating: 0.5) }
        let ws = sizes.map { Matrix(rows: $0.0, cols: $0.1, repeating: 0.01) }
        var ys = sizes.map { Matrix(rows: batch, cols: $0.1) }
        var dws = ws
        func gemms() {
            for l in 0..<3 {
                Matrix.multiply(xs[l], ws[l], into: &ys[l])
                Matrix.multiply(xs[l], transposeA: true, ys[l], into: &dws[l])
                if l > 0 { Matrix.multiply(ys[l], ws[l], transposeB: true, into: &xs[l]) }
            }
        }
        for _ in 0..<20 { gemms() }
        let g0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { gemms() }
        let gemmSeconds = Double(DispatchTime.now().uptimeNanoseconds - g0) / 1e9
        print(String(format: "NN bench GEMMs alone: %.1f µs/step (%.0f %% of the network step)",
                     gemmSeconds / Double(steps) * 1e6, 100 * gemmSeconds / seconds))
        _ = (ws, dws)
        // Inference throughput.
        let rows = 10_000
        let xi = randomValues(rows * 784, seed: 4, low: 0, high: 1)
        let t0 = DispatchTime.now().uptimeNanoseconds
        _ = xi.withUnsafeBufferPointer { net.predict($0, rows: rows) }
        let ti = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "NN bench predict %d rows: %.1f ms, %.1f GFLOP/s", rows, ti * 1e3,
                     Double(net.flopsPerSample * rows) / ti / 1e9))
    }

    /// Conv forward + backward (32 filters 3×3 same on 1×28×28, batch 64).
    func testConvForwardBackwardSpeed() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["LEARN_BENCH"] == "1", "set LEARN_BENCH=1 to run")
        let net = try Network(inputShape: [1, 28, 28], layers: [
            Conv2DLayer(filters: 32, kernel: (3, 3), padding: .same), ActivationLayer(.relu), MaxPool2DLayer(size: 2),
            Conv2DLayer(filters: 64, kernel: (3, 3), padding: .same), ActivationLayer(.relu), MaxPool2DLayer(size: 2),
            FlattenLayer(), DenseLayer(units: 10),
        ])
        var g = SeededGenerator(seed: 1)
        net.initialize(.heNormal, generator: &g)
        let batch = 64
        let x = randomValues(batch * 784, seed: 2, low: 0, high: 1)
        let dOut = randomValues(batch * 10, seed: 3)
        func step() {
            x.withUnsafeBufferPointer { xs in
                _ = net.forward(xs, batch: batch, mode: .training, generator: &g)
                dOut.withUnsafeBufferPointer { net.backward($0, batch: batch) }
            }
        }
        for _ in 0..<3 { step() }
        let steps = 30
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { step() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let flops = 3.0 * Double(net.flopsPerSample * batch * steps)  // approximate: the first layer's dx is skipped
        print(String(format: "NN bench conv 32-64 batch %d: %.2f ms/step, %.1f GFLOP/s", batch,
                     seconds / Double(steps) * 1e3, flops / seconds / 1e9))
    }
}
