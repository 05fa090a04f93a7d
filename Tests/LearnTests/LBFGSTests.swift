import XCTest
@testable import Learn

final class LBFGSTests: XCTestCase {
    func testRosenbrock() {
        var calls = 0
        let r = LBFGS.minimize(x0: [-1.2, 1.0], maxIterations: 500, tolerance: 1e-10) { x, g in
            calls += 1
            let a = x[0], b = x[1]
            g[0] = -2 * (1 - a) - 400 * a * (b - a * a)
            g[1] = 200 * (b - a * a)
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a)
        }
        XCTAssertEqual(r.status, .converged)
        XCTAssertEqual(r.x[0], 1, accuracy: 1e-8)
        XCTAssertEqual(r.x[1], 1, accuracy: 1e-8)
        XCTAssertLessThan(r.value, 1e-16)
        XCTAssertLessThan(r.iterations, 100)
        XCTAssertEqual(r.evaluations, calls)
    }

    func testConvexQuadraticClosedForm() {
        // f(x) = ½ xᵀAx − bᵀx with A SPD (tridiagonal, n = 50): minimiser solves A x = b.
        let n = 50
        var b = [Double](repeating: 0, count: n)
        for i in 0..<n { b[i] = Double(i % 7) - 3 }
        func applyA(_ x: UnsafeBufferPointer<Double>, _ i: Int) -> Double {
            var v = (2.0 + Double(i) / 10) * x[i]
            if i > 0 { v -= x[i - 1] }
            if i < n - 1 { v -= x[i + 1] }
            return v
        }
        var iterates: [LBFGS.Iteration] = []
        let r = LBFGS.minimize(x0: [Double](repeating: 0, count: n), maxIterations: 1000, tolerance: 1e-10,
                               progress: { it, _ in iterates.append(it) }) { x, g in
            var f = 0.0
            for i in 0..<n {
                let ax = applyA(x, i)
                g[i] = ax - b[i]
                f += 0.5 * x[i] * ax - b[i] * x[i]
            }
            return f
        }
        XCTAssertEqual(r.status, .converged)
        // Residual check: A x* = b.
        r.x.withUnsafeBufferPointer { xp in
            for i in 0..<n { XCTAssertEqual(applyA(xp, i), b[i], accuracy: 1e-9) }
        }
        XCTAssertEqual(iterates.count, r.iterations)
        // Monotone up to the objective's rounding (approximate-Wolfe steps may gain ≤ 1e-12·|f|).
        for (p, q) in zip(iterates, iterates.dropFirst()) {
            XCTAssertLessThanOrEqual(q.value, p.value + 1e-12 * abs(p.value))
        }
    }

    func testZeroIterationsAndAlreadyOptimal() {
        let r = LBFGS.minimize(x0: [0, 0], maxIterations: 10, tolerance: 1e-8) { x, g in
            g[0] = 2 * x[0]; g[1] = 2 * x[1]
            return x[0] * x[0] + x[1] * x[1]
        }
        XCTAssertEqual(r.status, .converged)
        XCTAssertEqual(r.iterations, 0)
        let s = LBFGS.minimize(x0: [3, 4], maxIterations: 0, tolerance: 1e-8) { x, g in
            g[0] = 2 * x[0]; g[1] = 2 * x[1]
            return x[0] * x[0] + x[1] * x[1]
        }
        XCTAssertEqual(s.status, .maxIterations)
        XCTAssertEqual(s.value, 25)
    }
}
