import XCTest
@testable import Learn

final class MatrixTests: XCTestCase {
    func testMultiplyAllTransposeCombinations() {
        let a = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, cols: 2, values: [7, 8, 9, 10, 11, 12])
        let expected = Matrix(rows: 2, cols: 2, values: [58, 64, 139, 154])
        XCTAssertEqual(Matrix.multiply(a, b), expected)
        XCTAssertEqual(Matrix.multiply(a.transposed(), transposeA: true, b), expected)
        XCTAssertEqual(Matrix.multiply(a, b.transposed(), transposeB: true), expected)
        XCTAssertEqual(Matrix.multiply(a.transposed(), transposeA: true, b.transposed(), transposeB: true), expected)
        XCTAssertEqual(Matrix.multiply(b, a), Matrix(rows: 3, cols: 3,
                                                     values: [39, 54, 69, 49, 68, 87, 59, 82, 105]))
    }

    func testInPlaceAccumulate() {
        let a = Matrix(rows: 2, cols: 2, values: [1, 0, 0, 1])
        let b = Matrix(rows: 2, cols: 2, values: [1, 2, 3, 4])
        var c = Matrix(rows: 2, cols: 2, repeating: 1)
        Matrix.multiply(a, b, into: &c, alpha: 2, beta: 1)
        XCTAssertEqual(c.values, [3, 5, 7, 9])
        XCTAssertEqual(c[1, 0], 7)
    }

    func testLargerAgainstNaive() {
        var g = SeededGenerator(seed: 1)
        let a = Matrix(rows: 17, cols: 33, values: (0..<(17 * 33)).map { _ in g.nextFloat() - 0.5 })
        let b = Matrix(rows: 33, cols: 9, values: (0..<(33 * 9)).map { _ in g.nextFloat() - 0.5 })
        let c = Matrix.multiply(a, b)
        for i in 0..<17 {
            for j in 0..<9 {
                var s: Double = 0
                for t in 0..<33 { s += Double(a[i, t]) * Double(b[t, j]) }
                XCTAssertEqual(Double(c[i, j]), s, accuracy: 1e-5)
            }
        }
    }
}
