import XCTest
@testable import Learn

/// Reference numbers from scikit-learn 1.9.1 (/tmp/ref/ref3.py):
///
///     yt = [0,0,0,1,1,1,1,2,2,3,0,1];  yp = [0,1,0,1,1,2,1,2,0,0,0,1];  labels = [0,1,2,3,4]
///     accuracy_score(yt, yp)                                  → 0.6666666666666666
///     precision_recall_fscore_support(yt, yp, labels=labels, zero_division="warn")
///         p [0.6, 0.8, 0.5, 0.0, 0.0]  r [0.75, 0.8, 0.5, 0.0, 0.0]  f [0.6666666666666666, 0.8, 0.5, 0.0, 0.0]
///         s [4, 5, 2, 1, 0]
///     average="macro"                                         → (0.38, 0.41, 0.39333333333333337)
///     f1_score(yt, yp, labels=labels, average="weighted")     → 0.6388888888888888
///     confusion_matrix(yt, yp, labels=labels) → [[3,1,0,0,0],[0,4,1,0,0],[1,0,1,0,0],[1,0,0,0,0],[0,0,0,0,0]]
///     P = np.array([[((i*3 + j*5) % 7) + 1 for j in range(5)] for i in range(12)], dtype=np.float32)
///     P /= P.sum(1, keepdims=True); P[4] = [0, 1, 0, 0, 0]; P[9] = [0.5, 0.5, 0, 0, 0]   (float32)
///     log_loss(yt, P, labels=labels)                          → 2.7898452281951904  (float32 eps clipping)
final class MetricsTests: XCTestCase {
    let yt: [Int32] = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 0, 1]
    let yp: [Int32] = [0, 1, 0, 1, 1, 2, 1, 2, 0, 0, 0, 1]

    func probabilities() -> [Float] {
        var p = [Float](repeating: 0, count: 12 * 5)
        for i in 0..<12 {
            var s: Float = 0
            for j in 0..<5 { p[i * 5 + j] = Float(((i * 3 + j * 5) % 7) + 1); s += p[i * 5 + j] }
            for j in 0..<5 { p[i * 5 + j] /= s }
        }
        for j in 0..<5 { p[4 * 5 + j] = j == 1 ? 1 : 0 }
        for j in 0..<5 { p[9 * 5 + j] = j < 2 ? 0.5 : 0 }
        return p
    }

    func testAgainstSklearn() {
        let r = ClassificationReport(trueLabels: yt, predicted: yp, probabilities: probabilities(), classes: 5)
        XCTAssertEqual(r.accuracy, 0.6666666666666666, accuracy: 1e-15)
        let p = [0.6, 0.8, 0.5, 0.0, 0.0], rc = [0.75, 0.8, 0.5, 0.0, 0.0]
        let f = [0.6666666666666666, 0.8, 0.5, 0.0, 0.0]
        for c in 0..<5 {
            XCTAssertEqual(r.precision[c], p[c], accuracy: 1e-15)
            XCTAssertEqual(r.recall[c], rc[c], accuracy: 1e-15)
            XCTAssertEqual(r.f1[c], f[c], accuracy: 1e-15)
        }
        XCTAssertEqual(r.support, [4, 5, 2, 1, 0])
        XCTAssertEqual(r.macroPrecision, 0.38, accuracy: 1e-15)
        XCTAssertEqual(r.macroRecall, 0.41, accuracy: 1e-15)
        XCTAssertEqual(r.macroF1, 0.39333333333333337, accuracy: 1e-15)
        XCTAssertEqual(r.weightedF1, 0.6388888888888888, accuracy: 1e-15)
        XCTAssertEqual(r.confusion, [[3, 1, 0, 0, 0], [0, 4, 1, 0, 0], [1, 0, 1, 0, 0], [1, 0, 0, 0, 0],
                                     [0, 0, 0, 0, 0]])
        XCTAssertEqual(r.logLoss!, 2.7898452281951904, accuracy: 1e-6)
    }

    func testNoProbabilitiesAndEmpty() {
        let r = ClassificationReport(trueLabels: yt, predicted: yt, classes: 4)
        XCTAssertNil(r.logLoss)
        XCTAssertEqual(r.accuracy, 1)
        XCTAssertEqual(r.macroF1, 1)
        let e = ClassificationReport(trueLabels: [], predicted: [], probabilities: [], classes: 3)
        XCTAssertEqual(e.accuracy, 0)
        XCTAssertEqual(e.weightedF1, 0)
        XCTAssertEqual(e.logLoss, 0)
        XCTAssertEqual(e.confusion, [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
    }
}
