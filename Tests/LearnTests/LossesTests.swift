import Foundation
import XCTest
@testable import Learn

/// Targets held in arrays for tests.
enum LossTestTargets {
    case classes([Int32])
    case values([Float])
}

/// Evaluates `loss` on arrays; returns the loss and the gradient.
func lossTestEvaluate(_ loss: any Loss, _ output: [Float], _ targets: LossTestTargets, batch: Int, width: Int) -> (Double, [Float]) {
    var gradient = [Float](repeating: .nan, count: output.count)
    let value = output.withUnsafeBufferPointer { o in
        gradient.withUnsafeMutableBufferPointer { g -> Double in
            switch targets {
            case .classes(let c):
                return c.withUnsafeBufferPointer { loss.evaluate(output: o, targets: .classes($0), batch: batch, width: width, gradient: g) }
            case .values(let v):
                return v.withUnsafeBufferPointer { loss.evaluate(output: o, targets: .values($0), batch: batch, width: width, gradient: g) }
            }
        }
    }
    return (value, gradient)
}

final class LossesTests: XCTestCase {
    func assertLoss(_ loss: any Loss, _ output: [Float], _ targets: LossTestTargets, batch: Int, width: Int,
                    value: Double, gradient: [Double], file: StaticString = #filePath, line: UInt = #line) {
        let (v, g) = lossTestEvaluate(loss, output, targets, batch: batch, width: width)
        XCTAssertEqual(v, value, accuracy: 1e-6 * max(1, abs(value)), "loss", file: file, line: line)
        XCTAssertEqual(g.count, gradient.count, file: file, line: line)
        for (a, e) in zip(g, gradient) {
            XCTAssertEqual(Double(a), e, accuracy: 1e-6, "gradient \(g)", file: file, line: line)
        }
    }

    // MARK: Values by hand

    // Logits [[1, 2, 3], [0, 0, 0]], classes [2, 0]:
    //   row 0: lse = log(e + e² + e³) = 3 + log(1 + e⁻¹ + e⁻²) = 3.407605964, p = [0.0900306, 0.2447285, 0.6652410],
    //          l₀ = lse − 3 = 0.407605964
    //   row 1: lse = log 3 = 1.098612289, p = ⅓ each, l₁ = 1.098612289
    // (cross-checked with python3 loss_ref.py, whose text is at the end of this file)
    static let logits: [Float] = [1, 2, 3, 0, 0, 0]

    func testCrossEntropy() {
        // mean = (0.407605964 + 1.098612289)/2 = 0.753109127; gradient (p − onehot)/2
        assertLoss(CrossEntropyLoss(), Self.logits, .classes([2, 0]), batch: 2, width: 3, value: 0.7531091265562452,
                   gradient: [0.0900306 / 2, 0.2447285 / 2, (0.6652410 - 1) / 2, -1.0 / 3, 1.0 / 6, 1.0 / 6])
    }

    func testCrossEntropyLabelSmoothing() {
        // ε = 0.3, K = 3: q = (1 − ε)·onehot + ε/K = [0.1, 0.1, 0.8] for row 0, [0.8, 0.1, 0.1] for row 1.
        // l₀ = lse − (0.1·1 + 0.1·2 + 0.8·3) = 3.407605964 − 2.7 = 0.707605964; l₁ = log 3 (uniform p, Σq = 1)
        // mean = (0.707605964 + 1.098612289)/2 = 0.903109127; gradient (p − q)/2
        assertLoss(CrossEntropyLoss(labelSmoothing: 0.3), Self.logits, .classes([2, 0]), batch: 2, width: 3,
                   value: 0.9031091265562452,
                   gradient: [(0.0900306 - 0.1) / 2, (0.2447285 - 0.1) / 2, (0.6652410 - 0.8) / 2,
                              (1.0 / 3 - 0.8) / 2, (1.0 / 3 - 0.1) / 2, (1.0 / 3 - 0.1) / 2])
    }

    func testCrossEntropyClassWeights() {
        // w = [1, 2, 0.5]: (w₂·l₀ + w₀·l₁)/(w₂ + w₀) = (0.5·0.407605964 + 1.098612289)/1.5 = 0.868276847
        // gradient: row 0 w₂·(p − onehot)/1.5, row 1 w₀·(p − onehot)/1.5
        assertLoss(CrossEntropyLoss(classWeights: [1, 2, 0.5]), Self.logits, .classes([2, 0]), batch: 2, width: 3,
                   value: 0.8682768472602,
                   gradient: [0.5 * 0.0900306 / 1.5, 0.5 * 0.2447285 / 1.5, 0.5 * (0.6652410 - 1) / 1.5,
                              (1.0 / 3 - 1) / 1.5, 1.0 / 3 / 1.5, 1.0 / 3 / 1.5])
        // Smoothing and weights together (PyTorch's formula: −Σ_c w_c q_c log p_c / Σ w_y), by loss_ref.py:
        assertLoss(CrossEntropyLoss(labelSmoothing: 0.3, classWeights: [1, 2, 0.5]), Self.logits, .classes([2, 0]),
                   batch: 2, width: 3, value: 1.2259113854750543,
                   gradient: [-0.024652399187155793, -0.01912671350776113, 0.04377911269491678, -0.3, 0.1, 0.2])
    }

    func testCrossEntropySoftTargetsMatchClasses() {
        let hard = lossTestEvaluate(CrossEntropyLoss(labelSmoothing: 0.1), Self.logits, .classes([2, 0]), batch: 2, width: 3)
        let soft = lossTestEvaluate(CrossEntropyLoss(labelSmoothing: 0.1), Self.logits, .values([0, 0, 1, 1, 0, 0]),
                                batch: 2, width: 3)
        XCTAssertEqual(hard.0, soft.0, accuracy: 1e-12)
        for (a, b) in zip(hard.1, soft.1) { XCTAssertEqual(a, b, accuracy: 1e-7) }
    }

    func testCrossEntropyIsStableForHugeLogits() {
        let (v, g) = lossTestEvaluate(CrossEntropyLoss(), [1000, 0, -1000, 0], .classes([1, 0]), batch: 2, width: 2)
        XCTAssertEqual(v, (1000 + 1000) / 2, accuracy: 1e-9)
        XCTAssertEqual(g, [0.5, -0.5, -0.5, 0.5])
    }

    func testCrossEntropyAllZeroWeights() {
        let (v, g) = lossTestEvaluate(CrossEntropyLoss(classWeights: [0, 1]), [1, 2], .classes([0]), batch: 1, width: 2)
        XCTAssertEqual(v, 0)
        XCTAssertEqual(g, [0, 0])
    }

    func testBinaryCrossEntropy() {
        // x = [2, −1, 0, 3], t = [1, 0, 0.5, 1]: l = max(x,0) − x·t + log(1 + e^−|x|)
        //   = [log(1 + e⁻²), log(1 + e⁻¹), log 2, log(1 + e⁻³)] = [0.126928011, 0.313261688, 0.693147181, 0.048587352]
        // mean = 1.181924230/4 = 0.295481058; gradient (σ(x) − t)/4 = [(0.880797 − 1), 0.268941, 0, (0.952574 − 1)]/4
        assertLoss(BinaryCrossEntropyLoss(), [2, -1, 0, 3], .values([1, 0, 0.5, 1]), batch: 2, width: 2,
                   value: 0.2954810576737207,
                   gradient: [-0.02980073050552942, 0.06723535534249878, 0, -0.011856468294391659])
        // Width 1 with class targets equals values 0/1.
        let a = lossTestEvaluate(BinaryCrossEntropyLoss(), [2, -1], .classes([1, 0]), batch: 2, width: 1)
        let b = lossTestEvaluate(BinaryCrossEntropyLoss(), [2, -1], .values([1, 0]), batch: 2, width: 1)
        XCTAssertEqual(a.0, b.0)
        XCTAssertEqual(a.1, b.1)
        // Stable for large logits: l(−200, t = 1) = 200.
        XCTAssertEqual(lossTestEvaluate(BinaryCrossEntropyLoss(), [-200], .values([1]), batch: 1, width: 1).0, 200, accuracy: 1e-9)
    }

    // Regression: o = [1, 2, 3, 4], t = [1.5, 2, 1, 5] (batch 2, width 2), d = o − t = [−0.5, 0, 2, −1]
    static let regressionOutput: [Float] = [1, 2, 3, 4]
    static let regressionTargets = LossTestTargets.values([1.5, 2, 1, 5])

    func testMSE() {
        // (0.25 + 0 + 4 + 1)/4 = 1.3125; gradient 2d/4 = [−0.25, 0, 1, −0.5]
        assertLoss(MeanSquaredErrorLoss(), Self.regressionOutput, Self.regressionTargets, batch: 2, width: 2,
                   value: 1.3125, gradient: [-0.25, 0, 1, -0.5])
    }

    func testMAE() {
        // (0.5 + 0 + 2 + 1)/4 = 0.875; gradient sign(d)/4 with 0 at d = 0
        assertLoss(MeanAbsoluteErrorLoss(), Self.regressionOutput, Self.regressionTargets, batch: 2, width: 2,
                   value: 0.875, gradient: [-0.25, 0, 0.25, -0.25])
    }

    func testHuber() {
        // δ = 1: [½·0.25, 0, 1·(2 − ½), ½·1 (|d| = δ is quadratic)] = [0.125, 0, 1.5, 0.5], mean 0.53125;
        // gradient [d, d, δ·sign d, d]/4 = [−0.125, 0, 0.25, −0.25]
        assertLoss(HuberLoss(), Self.regressionOutput, Self.regressionTargets, batch: 2, width: 2,
                   value: 0.53125, gradient: [-0.125, 0, 0.25, -0.25])
        // δ = 0.4: [0.4·(0.5 − 0.2), 0, 0.4·(2 − 0.2), 0.4·(1 − 0.2)] = [0.12, 0, 0.72, 0.32], mean 0.29
        assertLoss(HuberLoss(delta: 0.4), Self.regressionOutput, Self.regressionTargets, batch: 2, width: 2,
                   value: 0.29, gradient: [-0.1, 0, 0.1, -0.1])
    }

    func testHingeBinary() {
        // f = [0.5, −2, 0.3], classes [1, 0, 0] → y = [+1, −1, −1]; margins 1 − y·f = [0.5, −1, 1.3]
        // loss (0.5 + 0 + 1.3)/3 = 0.6; gradient −y/3 where the margin is positive: [−⅓, 0, ⅓]
        assertLoss(HingeLoss(), [0.5, -2, 0.3], .classes([1, 0, 0]), batch: 3, width: 1,
                   value: 0.6, gradient: [-1.0 / 3, 0, 1.0 / 3])
        // Values in {−1, 1} give the same.
        assertLoss(HingeLoss(), [0.5, -2, 0.3], .values([1, -1, -1]), batch: 3, width: 1,
                   value: 0.6, gradient: [-1.0 / 3, 0, 1.0 / 3])
    }

    func testHingeMultiClass() {
        // f = [[1, 2, 0.5], [3, 0, 1]], classes [0, 0]:
        //   row 0: rival j* = 1, l = 1 + 2 − 1 = 2;  row 1: j* = 2, l = max(0, 1 + 1 − 3) = 0
        // loss 2/2 = 1; gradient row 0: +½ at j*, −½ at y
        assertLoss(HingeLoss(), [1, 2, 0.5, 3, 0, 1], .classes([0, 0]), batch: 2, width: 3,
                   value: 1, gradient: [-0.5, 0.5, 0, 0, 0, 0])
    }

    // MARK: Finite differences

    /// Central differences of the returned loss against the analytic gradient, element by element.
    func checkGradient(_ loss: any Loss, _ output: [Float], _ targets: LossTestTargets, batch: Int, width: Int,
                       h: Float = 1e-2, file: StaticString = #filePath, line: UInt = #line) {
        let (_, analytic) = lossTestEvaluate(loss, output, targets, batch: batch, width: width)
        for j in 0..<output.count {
            var plus = output, minus = output
            plus[j] += h
            minus[j] -= h
            let fp = lossTestEvaluate(loss, plus, targets, batch: batch, width: width).0
            let fm = lossTestEvaluate(loss, minus, targets, batch: batch, width: width).0
            let numeric = (fp - fm) / (Double(plus[j]) - Double(minus[j]))
            let a = Double(analytic[j])
            let error = abs(numeric - a) / max(abs(numeric), abs(a), 1e-4)
            XCTAssertLessThan(error, 1e-3, "\(loss.name) element \(j): numeric \(numeric), analytic \(a)",
                              file: file, line: line)
        }
    }

    func randomOutputs(_ count: Int, seed: UInt64, scale: Float = 2) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float.random(in: -scale...scale, using: &g) }
    }

    func testFiniteDifferencesCrossEntropy() {
        let out = randomOutputs(4 * 5, seed: 1)
        let classes: [Int32] = [0, 3, 4, 3]
        checkGradient(CrossEntropyLoss(), out, .classes(classes), batch: 4, width: 5)
        checkGradient(CrossEntropyLoss(labelSmoothing: 0.2), out, .classes(classes), batch: 4, width: 5)
        checkGradient(CrossEntropyLoss(classWeights: [1, 0.5, 2, 3, 0.25]), out, .classes(classes), batch: 4, width: 5)
        checkGradient(CrossEntropyLoss(labelSmoothing: 0.15, classWeights: [1, 0.5, 2, 3, 0.25]), out,
                      .classes(classes), batch: 4, width: 5)
        var g = SeededGenerator(seed: 9)
        var soft = (0..<20).map { _ in Float.random(in: 0...1, using: &g) }
        for r in 0..<4 {
            let s = soft[r * 5..<(r + 1) * 5].reduce(0, +)
            for c in 0..<5 { soft[r * 5 + c] /= s }
        }
        checkGradient(CrossEntropyLoss(labelSmoothing: 0.1, classWeights: [1, 0.5, 2, 3, 0.25]), out, .values(soft),
                      batch: 4, width: 5)
    }

    func testFiniteDifferencesBinaryCrossEntropy() {
        let out = randomOutputs(3 * 4, seed: 2, scale: 4)
        var g = SeededGenerator(seed: 3)
        let t = (0..<12).map { _ in Float.random(in: 0...1, using: &g) }
        checkGradient(BinaryCrossEntropyLoss(), out, .values(t), batch: 3, width: 4)
        checkGradient(BinaryCrossEntropyLoss(), [0.3, -1.2], .classes([1, 0]), batch: 2, width: 1)
    }

    func testFiniteDifferencesRegression() {
        // Differences kept ≥ 0.1 away from the kinks (0 for MAE, ±δ for Huber) so central differences with
        // h = 0.01 stay on one side.
        let out = randomOutputs(3 * 3, seed: 4)
        let offsets: [Float] = [0.5, -0.3, 1.7, -2.2, 0.15, -0.8, 3.0, -0.45, 1.2]
        let t = zip(out, offsets).map { $0 - $1 }
        checkGradient(MeanSquaredErrorLoss(), out, .values(t), batch: 3, width: 3)
        checkGradient(MeanAbsoluteErrorLoss(), out, .values(t), batch: 3, width: 3)
        checkGradient(HuberLoss(), out, .values(t), batch: 3, width: 3)
        checkGradient(HuberLoss(delta: 0.6), out, .values(t), batch: 3, width: 3)
    }

    func testFiniteDifferencesHinge() {
        // Margins away from 0 and no near-ties between wrong classes.
        checkGradient(HingeLoss(), [0.5, -2, 0.3, 1.6], .classes([1, 0, 0, 1]), batch: 4, width: 1)
        checkGradient(HingeLoss(), [1, 2, 0.5, 3, 0, 1, -0.2, 0.4, 0.9], .classes([0, 0, 2]), batch: 3, width: 3)
    }

    // MARK: Factory

    func testFactory() throws {
        XCTAssertTrue(try LossFactory.make(name: "cross_entropy") is CrossEntropyLoss)
        let ce = try XCTUnwrap(try LossFactory.make(name: "cross_entropy", options: ["label_smoothing": 0.1],
                                                    classWeights: [1, 2]) as? CrossEntropyLoss)
        XCTAssertEqual(ce.labelSmoothing, 0.1)
        XCTAssertEqual(ce.classWeights, [1, 2])
        XCTAssertTrue(try LossFactory.make(name: "bce") is BinaryCrossEntropyLoss)
        XCTAssertEqual(try LossFactory.make(name: "binary_cross_entropy").name, "binary_cross_entropy")
        XCTAssertEqual((try LossFactory.make(name: "huber", options: ["delta": 0.5]) as? HuberLoss)?.delta, 0.5)
        for name in LossFactory.names { XCTAssertEqual(try LossFactory.make(name: name).name, name) }

        func message(_ name: String, _ options: [String: Double], _ weights: [Float]? = nil) -> String {
            do { _ = try LossFactory.make(name: name, options: options, classWeights: weights); return "" }
            catch { return "\(error)" }
        }
        XCTAssertTrue(message("nll", [:]).contains("unknown loss 'nll'"))
        XCTAssertTrue(message("mse", ["delta": 1]).contains("unknown option 'delta'"))
        XCTAssertTrue(message("huber", ["delta": 0]).contains("'delta' must be > 0"))
        XCTAssertTrue(message("cross_entropy", ["label_smoothing": 1.5]).contains("in [0, 1]"))
        XCTAssertTrue(message("mse", [:], [1]).contains("only for cross_entropy"))
        XCTAssertTrue(message("cross_entropy", [:], [-1]).contains("≥ 0"))
    }
}

/*
 loss_ref.py (run as `python3 loss_ref.py`):

import math
def ce(rows, ys, eps=0.0, w=None):
    K = len(rows[0]); w = w or [1.0]*K; tot = 0.0; div = 0.0; grads = []
    for z, y in zip(rows, ys):
        m = max(z); lse = m + math.log(sum(math.exp(v - m) for v in z))
        q = [(1-eps)*(c == y) + eps/K for c in range(K)]
        a = [w[c]*q[c] for c in range(K)]
        tot += -sum(a[c]*(z[c]-lse) for c in range(K)); div += w[y]
        grads.append([sum(a)*math.exp(z[c]-lse) - a[c] for c in range(K)])
    return tot/div, [[g/div for g in r] for r in grads]
print("ce", ce([[1,2,3],[0,0,0]], [2,0]))
print("ce smooth 0.3", ce([[1,2,3],[0,0,0]], [2,0], eps=0.3))
print("ce weights", ce([[1,2,3],[0,0,0]], [2,0], w=[1,2,0.5]))
print("ce smooth+weights", ce([[1,2,3],[0,0,0]], [2,0], eps=0.3, w=[1,2,0.5]))
bce = [max(x,0)-x*t+math.log1p(math.exp(-abs(x))) for x, t in zip([2,-1,0,3],[1,0,0.5,1])]
print("bce", sum(bce)/4, [(1/(1+math.exp(-x))-t)/4 for x, t in zip([2,-1,0,3],[1,0,0.5,1])])

Output:
ce (0.7531091265562452, [[0.04501528658519022, 0.12236423552739879, -0.16737952211258916], [-0.33333333333333337, 0.16666666666666666, 0.16666666666666666]])
ce smooth 0.3 (0.9031091265562452, [[-0.0049847134148097855, 0.07236423552739879, -0.06737952211258919], [-0.23333333333333334, 0.11666666666666664, 0.11666666666666664]])
ce weights (0.8682768472602, [[0.030010191056793478, 0.08157615701826586, -0.11158634807505945], [-0.4444444444444445, 0.2222222222222222, 0.2222222222222222]])
ce smooth+weights (1.2259113854750543, [[-0.024652399187155793, -0.01912671350776113, 0.04377911269491678], [-0.3, 0.09999999999999996, 0.19999999999999996]])
bce 0.2954810576737207 [-0.02980073050552942, 0.06723535534249878, 0.0, -0.011856468294391659]
*/
