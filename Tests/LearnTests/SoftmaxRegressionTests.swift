import XCTest
@testable import Learn

/// The 3-class problem below and its scikit-learn optimum come from /tmp/ref/ref2.py (scikit-learn 1.9.1):
///
///     n, d, k = 60, 4, 3
///     off = [[1.0, 0.0, -0.5, 0.25], [-0.5, 1.0, 0.5, -0.25], [0.0, -1.0, 0.0, 0.5]]
///     y = np.array([(i * 7) % 3 for i in range(n)])
///     X = np.array([[(((i*37 + j*11) % 17) - 8) / 4.0 + off[y[i]][j] for j in range(d)] for i in range(n)],
///                  dtype=np.float32)
///     clf = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-12, max_iter=100000).fit(X.astype(np.float64), y)
///     clf.coef_      → [[0.8191064379188738, 0.04948072879530142, -0.21560467470015074, -0.6840270586800572],
///                       [-0.15291483859201105, 0.8887638694626001, 0.6279199356227819, 0.3396564805035605],
///                       [-0.6661915993268624, -0.9382445982579019, -0.41231526092263127, 0.3443705781764971]]
///     clf.intercept_ → [0.14640126842386578, -0.06755322359628066, -0.07884804482758492]
///     mean-CE objective with l2 = 1/(C·n) at that optimum → 0.6918171441110105; training accuracy 0.7333333333333333
///
/// scikit-learn minimises C·Σ CE + ½‖W‖², i.e. (C·n)·(mean CE + ½·(1/(C·n))·‖W‖²): same optimum for l2 = 1/60.
final class SoftmaxRegressionTests: XCTestCase {
    static let n = 60, d = 4, k = 3
    static let sklearnCoef: [[Double]] = [
        [0.8191064379188738, 0.04948072879530142, -0.21560467470015074, -0.6840270586800572],
        [-0.15291483859201105, 0.8887638694626001, 0.6279199356227819, 0.3396564805035605],
        [-0.6661915993268624, -0.9382445982579019, -0.41231526092263127, 0.3443705781764971],
    ]
    static let sklearnIntercept: [Double] = [0.14640126842386578, -0.06755322359628066, -0.07884804482758492]
    static let sklearnObjective = 0.6918171441110105

    static func problem() -> (x: [Float], y: [Int32]) {
        let off: [[Float]] = [[1.0, 0.0, -0.5, 0.25], [-0.5, 1.0, 0.5, -0.25], [0.0, -1.0, 0.0, 0.5]]
        var x = [Float](repeating: 0, count: n * d)
        var y = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            y[i] = Int32((i * 7) % 3)
            for j in 0..<d { x[i * d + j] = Float(((i * 37 + j * 11) % 17) - 8) / 4 + off[Int(y[i])][j] }
        }
        return (x, y)
    }

    func fit(_ config: SoftmaxRegressionConfig, seed: UInt64 = 1) -> SoftmaxRegressionModel {
        let (x, y) = Self.problem()
        var g = SeededGenerator(seed: seed)
        return x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                SoftmaxRegression.fit(x: xb, rows: Self.n, cols: Self.d, labels: yb, classes: Self.k, config: config,
                                      generator: &g)
            }
        }
    }

    func objective(_ m: SoftmaxRegressionModel, l2: Float) -> Double {
        let (x, y) = Self.problem()
        return x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                m.weights.withUnsafeBufferPointer { w in
                    m.bias.withUnsafeBufferPointer { b in
                        SoftmaxRegression.objective(x: xb, rows: Self.n, cols: Self.d, labels: yb, classes: Self.k,
                                                    weights: w, bias: b, l2: l2)
                    }
                }
            }
        }
    }

    func testGradientMatchesFiniteDifferences() {
        var g = SeededGenerator(seed: 77)
        let n = 40, d = 6, k = 4
        let x = (0..<(n * d)).map { _ in Float(g.nextGaussian()) }
        let y = (0..<n).map { _ in Int32(g.nextInt(below: k)) }
        let w = (0..<(d * k)).map { _ in Float(g.nextGaussian()) * 0.5 }
        let b = (0..<k).map { _ in Float(g.nextGaussian()) * 0.5 }
        let l2: Float = 0.3
        func J(_ w: [Float], _ b: [Float], _ gw: UnsafeMutableBufferPointer<Float>? = nil,
               _ gb: UnsafeMutableBufferPointer<Float>? = nil) -> Double {
            x.withUnsafeBufferPointer { xb in y.withUnsafeBufferPointer { yb in
                w.withUnsafeBufferPointer { wb in b.withUnsafeBufferPointer { bb in
                    SoftmaxRegression.objective(x: xb, rows: n, cols: d, labels: yb, classes: k, weights: wb,
                                                bias: bb, l2: l2, weightGradient: gw, biasGradient: gb)
                } }
            } }
        }
        var gw = [Float](repeating: 0, count: d * k), gb = [Float](repeating: 0, count: k)
        _ = gw.withUnsafeMutableBufferPointer { gwp in gb.withUnsafeMutableBufferPointer { J(w, b, gwp, $0) } }
        let h: Float = 1e-2
        var num = [Double](), ana = [Double]()
        for i in 0..<(d * k) {
            var wp = w, wm = w
            wp[i] += h; wm[i] -= h
            num.append((J(wp, b) - J(wm, b)) / Double(wp[i] - wm[i]))
            ana.append(Double(gw[i]))
        }
        for j in 0..<k {
            var bp = b, bm = b
            bp[j] += h; bm[j] -= h
            num.append((J(w, bp) - J(w, bm)) / Double(bp[j] - bm[j]))
            ana.append(Double(gb[j]))
        }
        let diff = zip(num, ana).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        let norm = ana.map { $0 * $0 }.reduce(0, +).squareRoot()
        XCTAssertLessThan(diff / norm, 1e-3, "relative gradient error \(diff / norm)")
        for (u, v) in zip(num, ana) { XCTAssertEqual(u, v, accuracy: 1e-3 * max(1, abs(v))) }
    }

    func testLBFGSMatchesSklearnOptimum() {
        let l2 = Float(1.0 / 60.0)
        var history: [EpochRecord] = []
        let (x, y) = Self.problem()
        var g = SeededGenerator(seed: 1)
        let m = x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                SoftmaxRegression.fit(x: xb, rows: Self.n, cols: Self.d, labels: yb, classes: Self.k,
                                      config: .init(optimizer: .lbfgs, epochs: 500, l2: l2, tolerance: 1e-6),
                                      generator: &g, validation: (xb, yb, Self.n)) { history.append($0) }
            }
        }
        XCTAssertEqual(m.history, history)
        XCTAssertNotEqual(m.stopReason, .diverged)
        print("L-BFGS on the sklearn problem: \(m.history.count) iterations, stop \(m.stopReason), "
              + "‖g‖∞ \(m.history.last!.gradientNorm!), J \(m.history.last!.trainLoss)")
        XCTAssertLessThan(m.history.last!.gradientNorm!, 1e-4)
        for j in 0..<Self.d {
            for c in 0..<Self.k {
                XCTAssertEqual(Double(m.weights[j * Self.k + c]), Self.sklearnCoef[c][j], accuracy: 1e-3)
            }
        }
        // The bias is defined up to a common shift (it is not penalised); compare centred values.
        let mean = m.bias.reduce(0, +) / Float(Self.k)
        for c in 0..<Self.k { XCTAssertEqual(Double(m.bias[c] - mean), Self.sklearnIntercept[c], accuracy: 1e-3) }
        XCTAssertEqual(objective(m, l2: l2), Self.sklearnObjective, accuracy: 1e-6)
        XCTAssertEqual(m.history.last!.validationAccuracy!, 0.7333333333333333, accuracy: 1e-12)
        let acc = Double(zip(m.predict(x, rows: Self.n), y).filter { $0 == $1 }.count) / Double(Self.n)
        XCTAssertEqual(acc, 0.7333333333333333, accuracy: 1e-12)
        let p = m.predictProbabilities(x, rows: Self.n)
        for i in 0..<Self.n {
            XCTAssertEqual(p[(i * 3)..<(i * 3 + 3)].reduce(0, +), 1, accuracy: 1e-6)
        }
    }

    func testSGDApproachesLBFGSOptimum() {
        let l2 = Float(1.0 / 60.0)
        let m = fit(.init(optimizer: .sgd, epochs: 300, batchSize: 8, learningRate: 0.05, momentum: 0.9, l2: l2,
                          tolerance: 0, lrDecay: 0.05))
        XCTAssertEqual(m.history.count, 300)
        XCTAssertEqual(m.stopReason, .maxEpochs)
        let j = objective(m, l2: l2)
        XCTAssertEqual(j, Self.sklearnObjective, accuracy: 2e-3, "SGD objective \(j)")
        XCTAssertGreaterThanOrEqual(j, Self.sklearnObjective - 1e-6)
        XCTAssertEqual(m.history[5].learningRate, Double(Float(0.05) / (1 + 0.05 * 5)), accuracy: 1e-9)
    }

    func testDeterminism() {
        for opt in [SoftmaxRegressionConfig.Optimizer.sgd, .lbfgs] {
            let cfg = SoftmaxRegressionConfig(optimizer: opt, epochs: 20, batchSize: 7, l2: 0.01)
            let a = fit(cfg, seed: 9), b = fit(cfg, seed: 9)
            XCTAssertEqual(a.weights.map(\.bitPattern), b.weights.map(\.bitPattern))
            XCTAssertEqual(a.bias.map(\.bitPattern), b.bias.map(\.bitPattern))
            XCTAssertEqual(a, b)
            if opt == .sgd {
                XCTAssertNotEqual(a.weights, fit(cfg, seed: 10).weights)  // shuffling order depends on the seed
            }
        }
    }

    func testSGDEarlyStoppingAndDivergence() {
        let stopped = fit(.init(optimizer: .sgd, epochs: 1000, batchSize: 60, learningRate: 0.01, momentum: 0,
                                l2: 0.01, tolerance: 1e-3, patience: 3))
        XCTAssertEqual(stopped.stopReason, .converged)
        XCTAssertLessThan(stopped.history.count, 1000)
        // With l2 = 1 and lr = 1e30 each step multiplies W by about −1e30: overflow → non-finite loss.
        let diverged = fit(.init(optimizer: .sgd, epochs: 50, batchSize: 60, learningRate: 1e30, momentum: 0.9,
                                 l2: 1, tolerance: 0))
        XCTAssertEqual(diverged.stopReason, .diverged)
    }
}
