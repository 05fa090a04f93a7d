import Learn
import XCTest

/// CART trees against scikit-learn 1.9.1 on a designed 12-row problem whose splits have no ties (the
/// same structure came out for random_state 0…29, so feature order does not matter). References from
/// /tmp script:
///   X = np.array([[1.0, 7.5], [2.0, 3.25], [3.5, 8.0], [4.0, 1.5], [5.25, 6.0], [6.0, 2.75],
///                 [7.5, 9.0], [8.0, 4.5], [9.25, 0.5], [10.0, 5.5], [11.5, 6.5], [12.0, 3.75]], dtype=np.float32)
///   y = np.array([0, 0, 1, 0, 1, 2, 1, 2, 2, 1, 1, 2])
///   t = np.array([1.5, 2.0, 4.5, 3.0, 6.0, 7.5, 9.0, 8.5, 10.0, 12.5, 13.0, 11.0], dtype=np.float32)
///   DecisionTreeClassifier(criterion=crit, random_state=0).fit(X, y).tree_   (crit in gini, entropy)
///   DecisionTreeRegressor(max_depth=2, random_state=0).fit(X, t).tree_
///   DecisionTreeClassifier(min_samples_leaf=2, max_depth=3, random_state=0).fit(X, y).tree_
final class DecisionTreeTests: XCTestCase {
    static let x: [Float] = [1.0, 7.5, 2.0, 3.25, 3.5, 8.0, 4.0, 1.5, 5.25, 6.0, 6.0, 2.75,
                             7.5, 9.0, 8.0, 4.5, 9.25, 0.5, 10.0, 5.5, 11.5, 6.5, 12.0, 3.75]
    static let y: [Int32] = [0, 0, 1, 0, 1, 2, 1, 2, 2, 1, 1, 2]
    static let t: [Float] = [1.5, 2.0, 4.5, 3.0, 6.0, 7.5, 9.0, 8.5, 10.0, 12.5, 13.0, 11.0]

    func grow(_ options: TreeOptions, regression: Bool = false, seed: UInt64 = 1) -> (TreeModel, [Double]) {
        let data = Self.x.withUnsafeBufferPointer {
            BinnedRows(x: $0, rows: 12, columns: 2, labels: regression ? nil : Self.y, targets: regression ? Self.t : nil, classes: 3)
        }
        var rng = SeededGenerator(seed: seed)
        var importance = [0.0, 0.0]
        let tree = CARTBuilder(data: data, options: options).grow(rows: (0..<12).map { Int32($0) }, weights: nil, generator: &rng, importance: &importance)
        let total = importance.reduce(0, +)
        return (tree, importance.map { $0 / total })
    }

    func assertClose(_ a: [Double], _ b: [Double], accuracy: Double = 1e-6, _ message: String = "", line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, line: line)
        for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: accuracy, message, line: line) }
    }

    func testGiniTreeMatchesScikitLearnExactly() {
        for seed in [1, 2, 3] as [UInt64] {
            let (tree, importances) = grow(TreeOptions(criterion: .gini, maxFeatures: 2), seed: seed)
            XCTAssertEqual(tree.feature, [1, 0, -1, -1, 0, -1, -1])
            XCTAssertEqual(tree.threshold.enumerated().filter { tree.feature[$0.offset] >= 0 }.map(\.element), [5.0, 5.0, 2.25])
            XCTAssertEqual(tree.left, [1, 2, -1, -1, 5, -1, -1])
            XCTAssertEqual(tree.right, [4, 3, -1, -1, 6, -1, -1])
            assertClose(tree.value.map(Double.init), [0.25, 0.416667, 0.333333, 0.333333, 0.0, 0.666667, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0,
                                                      0.166667, 0.833333, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0])
            assertClose(tree.impurity, [0.652778, 0.444444, 0.0, 0.0, 0.277778, 0.0, 0.0])
            assertClose(importances, [0.553191, 0.446809])
        }
    }

    func testEntropyTreeMatchesScikitLearn() {
        let (tree, importances) = grow(TreeOptions(criterion: .entropy, maxFeatures: 2))
        XCTAssertEqual(tree.feature, [1, 0, -1, -1, 0, -1, -1])
        XCTAssertEqual(tree.threshold[0], 5.0); XCTAssertEqual(tree.threshold[4], 2.25)
        assertClose(tree.impurity, [1.554585, 0.918296, 0.0, 0.0, 0.650022, 0.0, 0.0])
        assertClose(importances, [0.504417, 0.495583])
    }

    func testRegressionTreeMatchesScikitLearn() {
        let (tree, importances) = grow(TreeOptions(criterion: .squaredError, maxDepth: 2, maxFeatures: 2), regression: true)
        XCTAssertEqual(tree.feature, [0, 0, -1, -1, 0, -1, -1])
        XCTAssertEqual(tree.threshold[0], 5.625); XCTAssertEqual(tree.threshold[1], 2.75); XCTAssertEqual(tree.threshold[4], 9.625)
        XCTAssertEqual(tree.left, [1, 2, -1, -1, 5, -1, -1])
        assertClose(tree.value.map(Double.init), [7.375, 3.4, 1.75, 4.5, 10.214286, 8.75, 12.166667], accuracy: 1e-5)
        assertClose(tree.impurity, [14.546875, 2.74, 0.0625, 1.5, 3.632653, 0.8125, 0.722222], accuracy: 1e-5)
        assertClose(importances, [1.0, 0.0])
    }

    func testMinSamplesLeafAndDepthMatchScikitLearn() {
        let (tree, _) = grow(TreeOptions(criterion: .gini, maxDepth: 3, minSamplesLeaf: 2, maxFeatures: 2))
        XCTAssertEqual(tree.feature, [1, 0, -1, -1, 0, -1, -1])
        XCTAssertEqual(tree.threshold[4], 4.375)
        assertClose(tree.value.map(Double.init).suffix(6).map { $0 }, [0.5, 0.5, 0.0, 0.0, 1.0, 0.0])
        XCTAssertTrue(tree.samples.enumerated().filter { tree.feature[$0.offset] < 0 }.allSatisfy { $0.element >= 2 })
    }

    func testPredictionFollowsThresholdsOnRawValues() {
        let (tree, _) = grow(TreeOptions(criterion: .gini, maxFeatures: 2))
        // (1, 5.0): f1 ≤ 5, f0 ≤ 5 → node 2 (class 0); (9, 5.0): f1 ≤ 5, f0 > 5 → node 3 (class 2); (3, 6): f1 > 5, f0 > 2.25 → node 6 (class 1).
        let rows: [Float] = [1, 5.0, 9, 5.0, 3, 6]
        let p = rows.withUnsafeBufferPointer { tree.predict($0, rows: 3, features: 2) }
        XCTAssertEqual(p, [1, 0, 0, 0, 0, 1, 0, 1, 0])
    }

    func testQuantileBinsWhenMoreDistinctValuesThanBins() {
        var x: [Float] = []
        for i in 0..<1000 { x.append(Float(i)) }
        let bins = x.withUnsafeBufferPointer { FeatureBins.fit($0, rows: 1000, columns: 1, maxBins: 4) }
        // numpy.percentile(arange(1000), [25, 50, 75], method="averaged_inverted_cdf") = [249.5, 499.5, 749.5]
        XCTAssertEqual(bins.edges[0], [249.5, 499.5, 749.5])
        XCTAssertEqual(bins.code(249.5, feature: 0), 0)
        XCTAssertEqual(bins.code(249.6, feature: 0), 1)
        XCTAssertEqual(bins.code(1e6, feature: 0), 3)
    }
}
