import XCTest
@testable import Learn

final class RegularizationTests: XCTestCase {
    func assertClose(_ a: [Float], _ b: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-6, "\(a) vs \(b)", file: file, line: line) }
    }

    func testElasticNetWithMask() {
        // l1 = 0.1, l2 = 0.5, θ = [2, −1, 0, 0.5], mask [1, 1, 1, 0]:
        // gradient += [0.1·1 + 0.5·2, 0.1·(−1) + 0.5·(−1), 0 (sign 0 = 0), 0 (masked)] = [1.1, −0.6, 0, 0]
        // value = 0.1·(2 + 1 + 0) + ½·0.5·(4 + 1 + 0) = 0.3 + 1.25 = 1.55
        let p = Penalty(l1: 0.1, l2: 0.5)
        let theta: [Float] = [2, -1, 0, 0.5], mask: [Float] = [1, 1, 1, 0]
        var g: [Float] = [1, 1, 1, 1]
        let value = theta.withUnsafeBufferPointer { t in
            g.withUnsafeMutableBufferPointer { gp in mask.withUnsafeBufferPointer { p.apply(parameters: t, gradients: gp, mask: $0) } }
        }
        XCTAssertEqual(value, 1.55, accuracy: 1e-6)
        assertClose(g, [2.1, 0.4, 1, 1])
    }

    func testPenaltyOverRange() {
        // range 1..<4 of θ = [2, −1, 0, 0.5]: gradient += [—, −0.6, 0, 0.1 + 0.25 = 0.35]
        // value = 0.1·(1 + 0 + 0.5) + ½·0.5·(1 + 0 + 0.25) = 0.15 + 0.3125 = 0.4625
        let p = Penalty(l1: 0.1, l2: 0.5)
        let theta: [Float] = [2, -1, 0, 0.5]
        var g: [Float] = [0, 0, 0, 0]
        let value = theta.withUnsafeBufferPointer { t in
            g.withUnsafeMutableBufferPointer { p.apply(parameters: t, gradients: $0, range: 1..<4) }
        }
        XCTAssertEqual(value, 0.4625, accuracy: 1e-6)
        assertClose(g, [0, -0.6, 0, 0.35])
        XCTAssertEqual(theta.withUnsafeBufferPointer { p.value(parameters: $0, range: 1..<4) }, 0.4625, accuracy: 1e-6)
    }

    func testL1OnlyAndL2Only() {
        let theta: [Float] = [2, -1]
        var g: [Float] = [0, 0]
        // L2 only, ½ convention: value ½·0.5·(4 + 1) = 1.25, gradient 0.5·θ = [1, −0.5]
        var v = theta.withUnsafeBufferPointer { t in
            g.withUnsafeMutableBufferPointer { Penalty(l2: 0.5).apply(parameters: t, gradients: $0, range: 0..<2) }
        }
        XCTAssertEqual(v, 1.25, accuracy: 1e-6)
        assertClose(g, [1, -0.5])
        // L1 only: value 0.2·3 = 0.6, gradient += 0.2·sign(θ)
        v = theta.withUnsafeBufferPointer { t in
            g.withUnsafeMutableBufferPointer { Penalty(l1: 0.2).apply(parameters: t, gradients: $0, range: 0..<2) }
        }
        XCTAssertEqual(v, 0.6, accuracy: 1e-7)
        assertClose(g, [1.2, -0.7])
        XCTAssertTrue(Penalty().isZero)
    }

    func testClipByGlobalNorm() {
        // ‖[3, 4]‖ = 5 > 1: scaled by 1/5 → [0.6, 0.8]; returns 5
        var g: [Float] = [3, 4]
        XCTAssertEqual(g.withUnsafeMutableBufferPointer { GradientClipping.clipByGlobalNorm($0, maxNorm: 1) }, 5, accuracy: 1e-6)
        assertClose(g, [0.6, 0.8])
        // ‖[1, 2, 2]‖ = 3 > 1.5: ×0.5 → [0.5, 1, 1]
        var h: [Float] = [1, 2, 2]
        XCTAssertEqual(h.withUnsafeMutableBufferPointer { GradientClipping.clipByGlobalNorm($0, maxNorm: 1.5) }, 3, accuracy: 1e-6)
        assertClose(h, [0.5, 1, 1])
        // Below the limit: unchanged.
        var k: [Float] = [3, 4]
        XCTAssertEqual(k.withUnsafeMutableBufferPointer { GradientClipping.clipByGlobalNorm($0, maxNorm: 10) }, 5, accuracy: 1e-6)
        XCTAssertEqual(k, [3, 4])
    }

    func testClipByGlobalNormAcrossBuffers() {
        // joint norm √(3² + 4²) = 5 > 2: each buffer ×0.4
        var a: [Float] = [3], b: [Float] = [4]
        let norm = a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in GradientClipping.clipByGlobalNorm([pa, pb], maxNorm: 2) }
        }
        XCTAssertEqual(norm, 5, accuracy: 1e-6)
        assertClose(a + b, [1.2, 1.6])
    }

    func testClipByValue() {
        var g: [Float] = [-3, 0.5, 2, -0.1]
        XCTAssertEqual(g.withUnsafeMutableBufferPointer { GradientClipping.clipByValue($0, limit: 1) }, 2)
        XCTAssertEqual(g, [-1, 0.5, 1, -0.1])
    }

    func testMaxNormDenseColumns() {
        // [in 2, out 3] rows [3, 0.6, 1], [4, 0.8, 0]: column norms 5, 1, 1. c = 2: column 0 ×0.4 → [1.2, 1.6]
        var w: [Float] = [3, 0.6, 1, 4, 0.8, 0]
        let n = w.withUnsafeMutableBufferPointer { MaxNormConstraint(maxNorm: 2).applyDense($0, inputs: 2, outputs: 3) }
        XCTAssertEqual(n, 1)
        assertClose(w, [1.2, 0.6, 1, 1.6, 0.8, 0])
    }

    func testMaxNormConvFilters() {
        // [out 2, in 1, 1, 2]: filters [3, 4] (norm 5) and [0.3, 0.4] (norm 0.5); c = 1 → [0.6, 0.8], unchanged
        var w: [Float] = [3, 4, 0.3, 0.4]
        let n = w.withUnsafeMutableBufferPointer { MaxNormConstraint(maxNorm: 1).applyConv($0, outChannels: 2) }
        XCTAssertEqual(n, 1)
        assertClose(w, [0.6, 0.8, 0.3, 0.4])
        // [out 1, in 2, 1, 1]: one filter [6, 8], norm 10 → ×0.3
        var v: [Float] = [6, 8]
        v.withUnsafeMutableBufferPointer { _ = MaxNormConstraint(maxNorm: 3).applyConv($0, outChannels: 1) }
        assertClose(v, [1.8, 2.4])
    }
}
