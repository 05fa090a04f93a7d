/// Shared small data for the feature-engineering tests (12 rows, 4 columns, 3 classes), produced by
///
///     rng = np.random.RandomState(0); X = np.round(rng.rand(12, 4) * 10, 2)
///     y = np.array([0,0,0,0,1,1,1,1,2,2,2,2]); X[:, 1] += y * 2.0
///     X[:, 3] = np.round(X[:, 3] * 0.1 + y * 0.05, 3)
///
/// (numpy 2.4.6, scikit-learn 1.9.1); every reference number in these tests was computed from it.
enum FeatureTestData {
    static let rows: [[Float]] = [
        [5.49, 7.15, 6.03, 0.545], [4.24, 6.46, 4.38, 0.892], [9.64, 3.83, 7.92, 0.529], [5.68, 9.26, 0.71, 0.087],
        [0.2, 10.33, 7.78, 0.92], [9.79, 9.99, 4.61, 0.831], [1.18, 8.4, 1.43, 0.995], [5.22, 6.15, 2.65, 0.824],
        [4.56, 9.68, 0.19, 0.718], [6.12, 10.17, 9.44, 0.782], [3.6, 8.37, 6.98, 0.16], [6.67, 10.71, 2.1, 0.229],
    ]
    static let x: [Float] = rows.flatMap { $0 }
    static let labels: [Int32] = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
    static let n = 12, d = 4
}

/// Asserts |a − b| ≤ tol · max(1, |b|) element-wise.
func assertClose(_ a: [Double], _ b: [Double], tol: Double, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard a.count == b.count else { return XCTFail("count \(a.count) != \(b.count) \(message)", file: file, line: line) }
    for (i, (u, v)) in zip(a, b).enumerated() where abs(u - v) > tol * max(1, abs(v)) {
        XCTFail("[\(i)] \(u) != \(v) (tol \(tol)) \(message)", file: file, line: line)
    }
}

import XCTest
