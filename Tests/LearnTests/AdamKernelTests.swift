import Foundation
import Learn
import XCTest

/// The vectorised C kernel behind Adam must give exactly what the scalar formula gives (bit for bit),
/// so speed never changes results or invalidates cached models.
final class AdamKernelTests: XCTestCase {
    func testKernelMatchesTheScalarFormulaBitForBit() throws {
        var g = SeededGenerator(seed: 42)
        let n = 1003   // not a multiple of the vector width
        var parameters = (0..<n).map { _ in Float(g.nextGaussian()) }
        var reference = parameters
        var m = [Float](repeating: 0, count: n), v = [Float](repeating: 0, count: n)
        var adam = Adam()
        let mask = [Float](repeating: 1, count: n)
        for step in 1...3 {
            let gradients = (0..<n).map { _ in Float(g.nextGaussian()) * 0.1 }
            let lr: Float = 0.01
            parameters.withUnsafeMutableBufferPointer { p in
                gradients.withUnsafeBufferPointer { gp in mask.withUnsafeBufferPointer { adam.step(parameters: p, gradients: gp, decayMask: $0, learningRate: lr) } }
            }
            // PyTorch's Adam, written out in scalar Float arithmetic in the same order.
            let t = Double(step)
            let stepSize = Float(Double(lr) / (1 - pow(Double(Float(0.9)), t)))
            let correction = Float(1 / (1 - pow(Double(Float(0.999)), t)).squareRoot())
            for i in 0..<n {
                m[i] = 0.9 * m[i] + (1 - 0.9) * gradients[i]
                v[i] = Float(0.999) * v[i] + (1 - Float(0.999)) * gradients[i] * gradients[i]
                reference[i] -= stepSize * m[i] / (v[i].squareRoot() * correction + Float(1e-8))
            }
        }
        XCTAssertEqual(parameters, reference)
        XCTAssertEqual(adam.checkpoint.vectors["exp_avg"], m)
        XCTAssertEqual(adam.checkpoint.vectors["exp_avg_sq"], v)
    }
}
