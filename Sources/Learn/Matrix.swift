// A minimal dense row-major Float matrix and the GEMM entry points used across Learn.

import COpenBLAS

/// A dense, row-major single-precision matrix.
///
/// Contract: `values.count == rows * cols`; element `(i, j)` is `values[i * cols + j]`.
public struct Matrix: Sendable, Equatable, Codable {
    /// Number of rows (≥ 0).
    public var rows: Int
    /// Number of columns (≥ 0).
    public var cols: Int
    /// Row-major storage, `rows * cols` elements.
    public var values: [Float]

    /// A `rows × cols` matrix with every element equal to `value`.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.values = [Float](repeating: value, count: rows * cols)
    }

    /// A `rows × cols` matrix over `values` (row-major). Precondition: `values.count == rows * cols`.
    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        precondition(values.count == rows * cols, "values.count (\(values.count)) != rows*cols (\(rows * cols))")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// Element `(row, col)`; bounds are checked by the array. Not meant for hot loops.
    public subscript(row: Int, col: Int) -> Float {
        get { values[row * cols + col] }
        set { values[row * cols + col] = newValue }
    }

    /// The transpose as a new matrix.
    public func transposed() -> Matrix {
        var out = Matrix(rows: cols, cols: rows)
        let r = rows, c = cols
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for i in 0..<r {
                    for j in 0..<c { dst[j * r + i] = src[i * c + j] }
                }
            }
        }
        return out
    }

    /// Returns `op(a) · op(b)` where `op(x)` is `xᵀ` when the matching flag is set (one `cblas_sgemm` call).
    ///
    /// Precondition: the inner dimensions of `op(a)` and `op(b)` agree.
    public static func multiply(_ a: Matrix, transposeA: Bool = false,
                                _ b: Matrix, transposeB: Bool = false) -> Matrix {
        let m = transposeA ? a.cols : a.rows
        let n = transposeB ? b.rows : b.cols
        var c = Matrix(rows: m, cols: n)
        multiply(a, transposeA: transposeA, b, transposeB: transposeB, into: &c, alpha: 1, beta: 0)
        return c
    }

    /// Computes `c = alpha · op(a) · op(b) + beta · c` in place, reusing `c`'s storage (no allocation).
    ///
    /// Preconditions: inner dimensions agree and `c` is already `rows(op(a)) × cols(op(b))`.
    /// With `beta == 0`, `c`'s previous contents are ignored (BLAS semantics, NaNs included).
    public static func multiply(_ a: Matrix, transposeA: Bool = false,
                                _ b: Matrix, transposeB: Bool = false,
                                into c: inout Matrix, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kb, "inner dimensions differ: \(k) vs \(kb)")
        precondition(c.rows == m && c.cols == n, "output is \(c.rows)×\(c.cols), expected \(m)×\(n)")
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                         alpha: alpha, a: pa.baseAddress, lda: a.cols, b: pb.baseAddress, ldb: b.cols,
                         beta: beta, c: pc.baseAddress, ldc: n)
                }
            }
        }
    }
}

/// Row-major `C[m×n] = alpha · op(A) · op(B) + beta · C` over raw pointers (`cblas_sgemm`).
///
/// `lda`, `ldb`, `ldc` are the row strides of the matrices *as stored* (before `op`). A call with
/// `m == 0 || n == 0` does nothing; with `k == 0` it scales `C` by `beta`.
@inline(__always)
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
          alpha: Float, a: UnsafePointer<Float>?, lda: Int,
          b: UnsafePointer<Float>?, ldb: Int,
          beta: Float, c: UnsafeMutablePointer<Float>?, ldc: Int) {
    guard m > 0, n > 0 else { return }
    if k == 0 {
        guard let c else { return }
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n { row[j] = beta == 0 ? 0 : row[j] * beta }
        }
        return
    }
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(max(lda, 1)), b, Int32(max(ldb, 1)), beta, c, Int32(max(ldc, 1)))
}
