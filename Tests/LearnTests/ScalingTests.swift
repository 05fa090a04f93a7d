import XCTest
@testable import Learn

/// Reference numbers from scikit-learn 1.9.1 / numpy (python3, /tmp/ref/ref.py):
///
///     X = np.array([[((i*31 + j*17) % 23 - 7) * 0.25 for j in range(4)] for i in range(12)], dtype=np.float32)
///     X[:, 2] = 3.5; X[:, 3] = 1000.0 + X[:, 3]
///     s = StandardScaler().fit(X)
///       mean_  [0.625, 1.0416666666666667, 3.5, 1000.9166666666666]
///       scale_ [1.6567412793392535, 1.5573526325858964, 1.0, 1.7390530628924339]
///       transform(X)[0] [-1.4335370063781738, 0.9364181756973267, 0.0, -0.8146312832832336]
///       transform(X)[5] [1.1317397356033325, -0.026754779741168022, 0.0, 1.6292275190353394]
///     m = MinMaxScaler(feature_range=(-1, 2)).fit(X)
///       scale_ [0.6315789222717285, 0.6666666865348816, 3.0, 0.5454545617103577]
///       min_   [0.1052631139755249, -0.16666662693023682, -11.5, -545.5]
///       transform(X)[0] [-1.0, 1.5000001192092896, -1.0, -0.31817626953125]
///       transform(X)[5] [1.6842104196548462, 0.5000000596046448, -1.0, 2.0]
///     U = np.array([[(i*53 + j*29) % 256 for j in range(3)] for i in range(10)], dtype=np.uint8); U[:, 1] = 7
///     su = StandardScaler().fit(U)
///       mean_ [110.5, 7.0, 117.3]   scale_ [75.08828137599102, 1.0, 72.592079457748]
///       transform(U)[3] [0.6459063799468922, 0.0, 1.373428075690132]
final class ScalingTests: XCTestCase {
    let rows = 12, cols = 4

    func makeX() -> [Float] {
        var x = [Float](repeating: 0, count: rows * cols)
        for i in 0..<rows {
            for j in 0..<cols { x[i * cols + j] = Float(((i * 31 + j * 17) % 23) - 7) * 0.25 }
            x[i * cols + 2] = 3.5
            x[i * cols + 3] = 1000 + x[i * cols + 3]
        }
        return x
    }

    func assertClose(_ a: [Float], _ b: [Double], _ tol: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (u, v) in zip(a, b) {
            XCTAssertEqual(Double(u), v, accuracy: tol * max(1, abs(v)), file: file, line: line)
        }
    }

    func testStandardScalerMatchesSklearn() {
        let x = makeX()
        let s = x.withUnsafeBufferPointer { StandardScaler.fit($0, rows: rows, cols: cols) }
        assertClose(s.mean, [0.625, 1.0416666666666667, 3.5, 1000.9166666666666], 1e-7)
        assertClose(s.scale, [1.6567412793392535, 1.5573526325858964, 1.0, 1.7390530628924339], 1e-6)
        XCTAssertEqual(s.scale[2], 1)  // constant column
        let t = s.transform(x, rows: rows)
        assertClose(Array(t[0..<4]), [-1.4335370063781738, 0.9364181756973267, 0.0, -0.8146312832832336], 1e-5)
        assertClose(Array(t[20..<24]), [1.1317397356033325, -0.026754779741168022, 0.0, 1.6292275190353394], 1e-5)
        // In-place transform gives the same result.
        var y = x
        y.withUnsafeMutableBufferPointer { p in s.transform(UnsafeBufferPointer(p), rows: rows, into: p) }
        XCTAssertEqual(y, t)
    }

    func testMinMaxScalerMatchesSklearn() {
        let x = makeX()
        let m = x.withUnsafeBufferPointer { MinMaxScaler.fit($0, rows: rows, cols: cols, featureRange: (-1, 2)) }
        assertClose(m.scale, [0.6315789222717285, 0.6666666865348816, 3.0, 0.5454545617103577], 1e-7)
        assertClose(m.offset, [0.1052631139755249, -0.16666662693023682, -11.5, -545.5], 1e-6)
        let t = m.transform(x, rows: rows)
        // Column 3 sits near 1000, so Float rounding allows ~1e-4 absolute error there (sklearn's value included).
        assertClose(Array(t[0..<4]), [-1.0, 1.5000001192092896, -1.0, -0.31817626953125], 1e-4)
        assertClose(Array(t[20..<24]), [1.6842104196548462, 0.5000000596046448, -1.0, 2.0], 1e-4)
        XCTAssertEqual(t[2], -1)  // constant column maps to range min
    }

    func testUInt8InputMatchesSklearn() {
        var u = [UInt8](repeating: 0, count: 30)
        for i in 0..<10 { for j in 0..<3 { u[i * 3 + j] = UInt8((i * 53 + j * 29) % 256) }; u[i * 3 + 1] = 7 }
        let s = u.withUnsafeBufferPointer { StandardScaler.fit($0, rows: 10, cols: 3) }
        assertClose(s.mean, [110.5, 7.0, 117.3], 1e-7)
        assertClose(s.scale, [75.08828137599102, 1.0, 72.592079457748], 1e-6)
        var out = [Float](repeating: 0, count: 30)
        u.withUnsafeBufferPointer { ub in out.withUnsafeMutableBufferPointer { s.transform(ub, rows: 10, into: $0) } }
        assertClose(Array(out[9..<12]), [0.6459063799468922, 0.0, 1.373428075690132], 1e-6)
        // UInt8 path agrees with the Float path on the same values.
        let f = u.map(Float.init)
        let sf = f.withUnsafeBufferPointer { StandardScaler.fit($0, rows: 10, cols: 3) }
        XCTAssertEqual(sf, s)
        XCTAssertEqual(sf.transform(f, rows: 10), out)
        let mm = u.withUnsafeBufferPointer { MinMaxScaler.fit($0, rows: 10, cols: 3) }
        XCTAssertEqual(mm, f.withUnsafeBufferPointer { MinMaxScaler.fit($0, rows: 10, cols: 3) })
    }
}
