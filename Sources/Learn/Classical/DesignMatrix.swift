/// Features as Double columns (column-major), optionally centred, for the small dense solvers of the linear
/// models (least squares, ridge, coordinate descent), which work in Double like scikit-learn.
public struct DesignMatrix: Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Values, column-major: column `j` is `values[j*rows ..< (j+1)*rows]`.
    public var values: [Double]
    /// Column means removed from `values` (zeros when not centred).
    public let means: [Double]

    /// Copies row-major float features into Double columns, subtracting each column's mean when `center`.
    public init(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, center: Bool) {
        precondition(x.count == rows * columns, "feature count does not match rows × columns")
        self.rows = rows
        self.columns = columns
        var values = [Double](repeating: 0, count: rows * columns)
        var means = [Double](repeating: 0, count: columns)
        values.withUnsafeMutableBufferPointer { v in
            for r in 0..<rows {
                for c in 0..<columns { v[c * rows + r] = Double(x[r * columns + c]) }
            }
            if center, rows > 0 {
                for c in 0..<columns {
                    var sum = 0.0
                    for r in 0..<rows { sum += v[c * rows + r] }
                    let mean = sum / Double(rows)
                    means[c] = mean
                    for r in 0..<rows { v[c * rows + r] -= mean }
                }
            }
        }
        self.values = values
        self.means = means
    }
}

/// Mean of `values` (0 when empty).
func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
