import XCTest
@testable import Learn

/// Fold assignments against scikit-learn 1.9.1 (unshuffled, where the assignment is fully determined), shuffled
/// invariants, and bootstrap / out-of-bag bookkeeping; Yeo-Johnson λ against scipy through scikit-learn.
final class CrossValidationSplitTests: XCTestCase {
    func testKFoldUnshuffledMatchesScikitLearn() {
        // [list(te) for _, te in KFold(n_splits=3, shuffle=False).split(np.zeros(8))] = [[0,1,2],[3,4,5],[6,7]]
        var g = SeededGenerator(seed: 1)
        XCTAssertEqual(kFoldAssignment(count: 8, folds: 3, shuffle: false, generator: &g), [0, 0, 0, 1, 1, 1, 2, 2])
    }

    func testStratifiedKFoldUnshuffledMatchesScikitLearn() {
        // y = [1,0,1,1,0,2,1,0,2,1,1]
        // [list(te) for _, te in StratifiedKFold(n_splits=3, shuffle=False).split(np.zeros(11), y)]
        //   = [[0,1,2,5], [3,4,6,8], [7,9,10]]
        var g = SeededGenerator(seed: 1)
        let folds = stratifiedKFoldAssignment(labels: [1, 0, 1, 1, 0, 2, 1, 0, 2, 1, 1], folds: 3, shuffle: false, generator: &g)
        XCTAssertEqual((0..<3).map { f in folds.indices.filter { folds[$0] == f } }, [[0, 1, 2, 5], [3, 4, 6, 8], [7, 9, 10]])
    }

    func testShuffledFoldsKeepSizesAndClassBalance() {
        var g = SeededGenerator(seed: 9)
        let plain = kFoldAssignment(count: 23, folds: 4, shuffle: true, generator: &g)
        XCTAssertEqual((0..<4).map { f in plain.filter { $0 == f }.count }, [6, 6, 6, 5])
        let labels: [Int32] = (0..<40).map { $0 % 5 == 0 ? 1 : 0 }   // 8 of class 1, 32 of class 0
        let folds = stratifiedKFoldAssignment(labels: labels, folds: 4, shuffle: true, generator: &g)
        for f in 0..<4 {
            XCTAssertEqual(folds.indices.filter { folds[$0] == f && labels[$0] == 1 }.count, 2)
            XCTAssertEqual(folds.indices.filter { folds[$0] == f && labels[$0] == 0 }.count, 8)
        }
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        XCTAssertEqual(stratifiedKFoldAssignment(labels: labels, folds: 4, shuffle: true, generator: &a),
                       stratifiedKFoldAssignment(labels: labels, folds: 4, shuffle: true, generator: &b))
    }

    func testBootstrapAndOutOfBagPartitionTheRows() {
        var g = SeededGenerator(seed: 2)
        let (sample, oob) = bootstrapSample(count: 200, generator: &g)
        XCTAssertEqual(sample.count, 200)
        XCTAssertEqual(Set(sample).union(oob), Set(0..<200))
        XCTAssertTrue(Set(sample).isDisjoint(with: oob))
        XCTAssertEqual(oob, oob.sorted())
        // The expected out-of-bag share is (1 − 1/n)^n ≈ e⁻¹ ≈ 0.366; a 200-row draw lands well within ±0.1.
        XCTAssertEqual(Double(oob.count) / 200, 0.366, accuracy: 0.1)
    }

    func testYeoJohnsonLambdaMatchesScipy() {
        // PowerTransformer(method="yeo-johnson").fit(np.array([[1,-3],[2,-1],[2.5,0],[4,0.5],[10,2]], float)… with the
        // second column [-3,-1,0,0.5,2,8] (NaN dropped in the first): lambdas_ = [-0.5834001949392562, 0.6162306261050252]
        XCTAssertEqual(yeoJohnsonLambda([1, 2, 2.5, 4, 10]), -0.5834001949392562, accuracy: 1e-6)
        XCTAssertEqual(yeoJohnsonLambda([-3, -1, 0, 0.5, 2, 8]), 0.6162306261050252, accuracy: 1e-6)
        // Closed forms: λ = 1 is the identity, λ = 0 is log1p for x ≥ 0, λ = 2 is −log1p(−x) for x < 0.
        XCTAssertEqual(yeoJohnson(3.5, lambda: 1), 3.5, accuracy: 1e-12)
        XCTAssertEqual(yeoJohnson(3, lambda: 0), log1p(3), accuracy: 1e-12)
        XCTAssertEqual(yeoJohnson(-3, lambda: 2), -log1p(3), accuracy: 1e-12)
    }

    func testPercentilesAndModeFollowNumpy() {
        // numpy.percentile([1, 2, 2.5, 4, 10], [10, 25, 50, 90]) = [1.4, 2.0, 2.5, 7.6]
        let sorted = [1.0, 2, 2.5, 4, 10]
        XCTAssertEqual([10.0, 25, 50, 90].map { linearPercentile(sorted: sorted, $0) }, [1.4, 2.0, 2.5, 7.6].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(mostFrequent([5, 5, 2, 2, .nan, .nan, .nan]), 2)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
