import XCTest
@testable import Learn

/// Reference numbers from scikit-learn 1.9.1 / scipy (script /tmp/evalref/ref.py, reproduced here):
///
///     yt = np.array([0,1,2,0,1,2,0,0,1,2,2,1,0,1,2,0])
///     W = np.array([[((i*7 + j*3) % 5) + 1 for j in range(3)] for i in range(16)], dtype=np.float32)
///     P = (W / W.sum(1, keepdims=True)).astype(np.float32);  yp = P.argmax(1)
///     balanced_accuracy_score(yt, yp)                                   → 0.37777777777777777
///     precision_recall_fscore_support(yt, yp, average="micro")         → (0.375, 0.375, 0.375)
///     ... average="macro"     → (0.42857142857142855, 0.37777777777777777, 0.38047138047138046)
///     ... average="weighted"  → (0.44345238095238093, 0.375, 0.38446969696969696)
///     roc_auc_score(yt, P, multi_class="ovr", average="macro")          → 0.40808080808080804
///     roc_auc_score(yt, P, multi_class="ovr", average="weighted")       → 0.4159090909090909
///     Y = label_binarize(yt, classes=[0,1,2])
///     average_precision_score(Y, P, average="macro")                    → 0.36348697598697594
///     average_precision_score(Y, P, average="weighted")                 → 0.3711509844322344
///     average_precision_score(Y, P, average=None) → [0.48611111111111105, 0.2854395604395604, 0.3189102564102564]
///     [roc_auc_score(Y[:,c], P[:,c]) for c in range(3)] → [0.5333333333333333, 0.2909090909090909, 0.4]
///     roc_curve(Y[:,0], P[:,0]) → fpr [0, .1, .3, .6, .8, 1], tpr [0, 1/3, .5, .5, 2/3, 1]
///     brier_score_loss(yt, P, labels=[0,1,2])                            → 0.7809053659439087
///     top_k_accuracy_score(yt, P, k=2, labels=[0,1,2])                   → 0.5625
final class EvaluationMetricsTests: XCTestCase {
    let yt: [Int32] = [0, 1, 2, 0, 1, 2, 0, 0, 1, 2, 2, 1, 0, 1, 2, 0]

    var probabilities: [Float] {
        var p = [Float]()
        for i in 0..<16 {
            let w = (0..<3).map { Float(((i * 7 + $0 * 3) % 5) + 1) }
            let s = w.reduce(0, +)
            p += w.map { $0 / s }
        }
        return p
    }

    var predicted: [Int32] {
        let p = probabilities
        var out: [Int32] = []
        for i in 0..<16 {
            var best = 0
            for c in 1..<3 where p[i * 3 + c] > p[i * 3 + best] { best = c }
            out.append(Int32(best))
        }
        return out
    }

    func testAveragesAndBalancedAccuracyMatchScikitLearn() {
        XCTAssertEqual(predicted, [1, 2, 0, 1, 2, 1, 2, 0, 1, 2, 1, 2, 0, 1, 2, 1])
        let r = ClassificationReport(trueLabels: yt, predicted: predicted, classes: 3)
        XCTAssertEqual(r.balancedAccuracy, 0.37777777777777777, accuracy: 1e-15)
        XCTAssertEqual(r.microPrecision, 0.375, accuracy: 1e-15)
        XCTAssertEqual(r.microF1, 0.375, accuracy: 1e-15)
        XCTAssertEqual(r.macroPrecision, 0.42857142857142855, accuracy: 1e-15)
        XCTAssertEqual(r.macroRecall, 0.37777777777777777, accuracy: 1e-15)
        XCTAssertEqual(r.macroF1, 0.38047138047138046, accuracy: 1e-15)
        XCTAssertEqual(r.weightedPrecision, 0.44345238095238093, accuracy: 1e-15)
        XCTAssertEqual(r.weightedRecall, 0.375, accuracy: 1e-15)
        XCTAssertEqual(r.weightedF1, 0.38446969696969696, accuracy: 1e-15)
    }

    func testOneVsRestAUCAndAveragePrecisionWithTiesMatchScikitLearn() {
        let r = OneVsRestReport(trueLabels: yt, probabilities: probabilities, classes: 3)
        XCTAssertEqual(r.rocAUCMacro!, 0.40808080808080804, accuracy: 1e-14)
        XCTAssertEqual(r.rocAUCWeighted!, 0.4159090909090909, accuracy: 1e-14)
        XCTAssertEqual(r.averagePrecisionMacro!, 0.36348697598697594, accuracy: 1e-14)
        XCTAssertEqual(r.averagePrecisionWeighted!, 0.3711509844322344, accuracy: 1e-14)
        for (c, expected) in [0.48611111111111105, 0.2854395604395604, 0.3189102564102564].enumerated() {
            XCTAssertEqual(r.pr[c]!.averagePrecision, expected, accuracy: 1e-14)
        }
        for (c, expected) in [0.5333333333333333, 0.2909090909090909, 0.4].enumerated() {
            XCTAssertEqual(r.roc[c]!.auc, expected, accuracy: 1e-14)
        }
        let roc0 = r.roc[0]!
        XCTAssertEqual(roc0.fpr.count, 6)
        for (a, b) in zip(roc0.fpr, [0, 0.1, 0.3, 0.6, 0.8, 1.0]) { XCTAssertEqual(a, b, accuracy: 1e-15) }
        for (a, b) in zip(roc0.tpr, [0, 1.0 / 3, 0.5, 0.5, 2.0 / 3, 1.0]) { XCTAssertEqual(a, b, accuracy: 1e-15) }
    }

    func testBrierAndTopKMatchScikitLearn() {
        XCTAssertEqual(ProbabilityMetrics.brier(trueLabels: yt, probabilities: probabilities, classes: 3), 0.7809053659439087, accuracy: 1e-7)
        XCTAssertEqual(ProbabilityMetrics.topK(2, trueLabels: yt, probabilities: probabilities, classes: 3), 0.5625)
    }

    /// yb = [0,1,1,0,1,0,1,1,0,0];  Pb1 = np.array([.2,.8,.6,.6,.9,.1,.4,.6,.3,.5], dtype=np.float32)
    /// roc_auc_score(yb, Pb1) → 0.88;  average_precision_score(yb, Pb1) → 0.8628571428571429
    /// brier_score_loss(yb, Pb1) → 0.14799998700618744 (float32 arithmetic; half the two-column sum)
    func testBinaryCaseUsesThePositiveClassLikeScikitLearn() {
        let yb: [Int32] = [0, 1, 1, 0, 1, 0, 1, 1, 0, 0]
        let p1: [Float] = [0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 0.4, 0.6, 0.3, 0.5]
        let p = p1.flatMap { [1 - $0, $0] }
        let r = OneVsRestReport(trueLabels: yb, probabilities: p, classes: 2)
        XCTAssertEqual(r.rocAUCMacro!, 0.88, accuracy: 1e-12)
        XCTAssertEqual(r.pr[1]!.averagePrecision, 0.8628571428571429, accuracy: 1e-14)
        XCTAssertEqual(ProbabilityMetrics.brier(trueLabels: yb, probabilities: p, classes: 2), 0.14799998700618744, accuracy: 1e-6)
    }

    /// Pc = np.array([[.5,.5,0],[.9,.05,.05],[.2,.7,.1],[.34,.33,.33],[.1,.1,.8],[.25,.25,.5],[.6,.3,.1],[.05,.15,.8]], dtype=np.float32)
    /// yc = [1,0,2,0,2,2,1,2];  calibration_curve(Pc.argmax(1) == yc, Pc.max(1), n_bins=10)
    ///   → prob_true [1.0, 0.5, 0.0, 1.0], prob_pred [0.3400000035762787, 0.5, 0.6500000059604645, 0.8333333333333334]
    ///   (bins np.searchsorted(np.linspace(0,1,11)[1:-1], conf) → [4, 8, 6, 3, 8, 4, 6, 8])
    /// top_k_accuracy_score(yc, Pc, k=1, labels=[0,1,2]) → 0.75 (the tie in row 0 ranks class 1 first);  k=2 → 0.875
    func testCalibrationBinsAndTopKTiesMatchScikitLearn() {
        let p: [Float] = [0.5, 0.5, 0, 0.9, 0.05, 0.05, 0.2, 0.7, 0.1, 0.34, 0.33, 0.33, 0.1, 0.1, 0.8, 0.25, 0.25, 0.5, 0.6, 0.3, 0.1, 0.05, 0.15, 0.8]
        let y: [Int32] = [1, 0, 2, 0, 2, 2, 1, 2]
        let bins = CalibrationBins(trueLabels: y, probabilities: p, classes: 3, bins: 10)
        XCTAssertEqual(bins.counts, [0, 0, 0, 1, 2, 0, 2, 0, 3, 0])
        let nonEmpty = (0..<10).filter { bins.counts[$0] > 0 }
        XCTAssertEqual(nonEmpty.map { bins.accuracy[$0] }, [1.0, 0.5, 0.0, 1.0])
        for (a, b) in zip(nonEmpty.map { bins.meanConfidence[$0] }, [0.3400000035762787, 0.5, 0.6500000059604645, 0.8333333333333334]) {
            XCTAssertEqual(a, b, accuracy: 1e-12)
        }
        // ECE by hand: (1·|1−.34| + 2·|.5−.5| + 2·|0−.65| + 3·|1−.8333|) / 8
        XCTAssertEqual(bins.expectedCalibrationError, (0.6599999964237213 + 1.300000011920929 + 0.5) / 8, accuracy: 1e-9)
        XCTAssertEqual(ProbabilityMetrics.topK(1, trueLabels: y, probabilities: p, classes: 3), 0.75)
        XCTAssertEqual(ProbabilityMetrics.topK(2, trueLabels: y, probabilities: p, classes: 3), 0.875)
    }

    /// t = np.array([3.0,-0.5,2.0,7.0,4.2], dtype=np.float32).astype(np.float64); p likewise [2.5,0.0,2.0,8.0,3.9]
    /// mean_squared_error → 0.31799996566774097, root_mean_squared_error → 0.5639148567538729,
    /// mean_absolute_error → 0.45999994277954104, r2_score → 0.948025632539391,
    /// mean_absolute_percentage_error → 0.2761904632153148
    func testRegressionMetricsMatchScikitLearn() {
        let r = RegressionReport(targets: [3.0, -0.5, 2.0, 7.0, 4.2], predictions: [2.5, 0.0, 2.0, 8.0, 3.9])
        XCTAssertEqual(r.mse, 0.31799996566774097, accuracy: 1e-15)
        XCTAssertEqual(r.rmse, 0.5639148567538729, accuracy: 1e-15)
        XCTAssertEqual(r.mae, 0.45999994277954104, accuracy: 1e-15)
        XCTAssertEqual(r.r2, 0.948025632539391, accuracy: 1e-14)
        XCTAssertEqual(r.mape, 0.2761904632153148, accuracy: 1e-15)
    }

    /// scipy.stats.binomtest(3, 12, 0.5).pvalue → 0.14599609375;  binomtest(5, 10, .5) → 1.0
    /// b=10, c=30: (|b−c|−1)²/(b+c) = 9.025, scipy.stats.chi2.sf(9.025, 1) → 0.002663119259138558
    func testMcNemarExactAndChiSquareMatchScipy() {
        let exact = StatisticalTests.mcnemar(b: 3, c: 9)
        XCTAssertEqual(exact.method, "mcnemar_exact")
        XCTAssertEqual(exact.pValue, 0.14599609375, accuracy: 1e-13)
        XCTAssertEqual(StatisticalTests.mcnemar(b: 5, c: 5).pValue, 1)
        XCTAssertEqual(StatisticalTests.mcnemar(b: 0, c: 0).pValue, 1)
        let chi = StatisticalTests.mcnemar(b: 10, c: 30)
        XCTAssertEqual(chi.method, "mcnemar_chi2_cc")
        XCTAssertEqual(chi.statistic, 9.025, accuracy: 1e-13)
        XCTAssertEqual(chi.pValue, 0.002663119259138558, accuracy: 1e-15)
    }

    /// d = np.array([.012,.020,-.004,.015,.008,.011,.017,.003,.009,.014]); J = 10; r = .2/.8
    /// t = d.mean()/np.sqrt((1/J + r)*d.var(ddof=1)) → 2.5311617216244695;  2*scipy.stats.t.sf(t, 9) → 0.03217398556977883
    /// scipy.stats.beta.cdf(0.3, 2.5, 0.5) → 0.018927124071945658;  2*scipy.stats.t.sf(1.7, 4) → 0.16435494127005
    func testCorrectedResampledTTestMatchesScipy() {
        let d = [0.012, 0.020, -0.004, 0.015, 0.008, 0.011, 0.017, 0.003, 0.009, 0.014]
        let result = StatisticalTests.correctedResampledT(differences: d, testFraction: 0.2)
        XCTAssertEqual(result.statistic, 2.5311617216244695, accuracy: 1e-12)
        XCTAssertEqual(result.pValue, 0.03217398556977883, accuracy: 1e-12)
        XCTAssertEqual(StatisticalTests.regularizedIncompleteBeta(0.3, a: 2.5, b: 0.5), 0.018927124071945658, accuracy: 1e-14)
        XCTAssertEqual(StatisticalTests.studentTTwoSided(1.7, degrees: 4), 0.16435494127005, accuracy: 1e-12)
        XCTAssertEqual(StatisticalTests.correctedResampledT(differences: [0, 0, 0], testFraction: 0.5).pValue, 1)
    }

    /// np.percentile([1.0, 2.0, 4.0, 8.0, 9.5], [2.5, 97.5, 50, 33]) → [1.1, 9.35, 4.0, 2.64]
    func testBootstrapPercentilesAndIntervals() {
        for (q, expected) in [(0.025, 1.1), (0.975, 9.35), (0.5, 4.0), (0.33, 2.64)] {
            XCTAssertEqual(Bootstrap.percentile([1, 2, 4, 8, 9.5], q), expected, accuracy: 1e-12)
        }
        // 400 rows, 300 correct: the bootstrap SD of accuracy is close to sqrt(p(1 − p)/n) = 0.02165, so the 95 %
        // interval spans about ±1.96·0.0217 = ±0.042 around 0.75; the same seed gives the same interval.
        let truth = [Int32](repeating: 1, count: 400)
        let predicted = (0..<400).map { Int32($0 % 4 == 0 ? 0 : 1) }
        func run() -> ConfidenceInterval {
            var g = SeededGenerator(seed: 9, stream: "boot")
            return Bootstrap.intervals(rows: 400, samples: 1000, confidence: 0.95, generator: &g,
                                       metrics: [("accuracy", { Bootstrap.accuracy(truth, predicted, $0) })])["accuracy"]!
        }
        let ci = run()
        XCTAssertEqual(ci.estimate, 0.75)
        XCTAssertEqual(ci.lower, 0.75 - 1.96 * 0.02165, accuracy: 0.008)
        XCTAssertEqual(ci.upper, 0.75 + 1.96 * 0.02165, accuracy: 0.008)
        XCTAssertEqual(run(), ci)
        XCTAssertEqual(Bootstrap.macroF1(yt, predictedSmall, Array(0..<16), classes: 3), 0.38047138047138046, accuracy: 1e-15)
    }

    var predictedSmall: [Int32] { predicted }
}

/// K-fold partitions: disjoint, covering, balanced (hand-checkable invariants) and seeded.
final class FoldTests: XCTestCase {
    func testStratifiedFoldsBalanceEveryClass() {
        // 23 rows: 13 of class 0, 7 of class 1, 3 of class 2; 5 folds.
        let labels: [Int32] = (0..<23).map { $0 < 13 ? 0 : ($0 < 20 ? 1 : 2) }
        var g = SeededGenerator(seed: 4)
        let folds = kFolds(count: 23, k: 5, labels: labels, generator: &g)
        XCTAssertEqual(folds.flatMap { $0 }.sorted(), Array(0..<23))
        XCTAssertEqual(folds.map(\.count).sorted(), [4, 4, 5, 5, 5])
        for c: Int32 in 0...2 {
            let counts = folds.map { fold in fold.filter { labels[$0] == c }.count }
            XCTAssertLessThanOrEqual(counts.max()! - counts.min()!, 1, "class \(c): \(counts)")
        }
        var h = SeededGenerator(seed: 4)
        XCTAssertEqual(kFolds(count: 23, k: 5, labels: labels, generator: &h), folds)
    }

    func testPlainFoldsHaveKFoldSizes() {
        var g = SeededGenerator(seed: 1)
        let folds = kFolds(count: 11, k: 3, labels: nil, generator: &g)
        // sklearn's KFold(3) on 11 rows: sizes 4, 4, 3.
        XCTAssertEqual(folds.map(\.count), [4, 4, 3])
        XCTAssertEqual(folds.flatMap { $0 }.sorted(), Array(0..<11))
    }
}
