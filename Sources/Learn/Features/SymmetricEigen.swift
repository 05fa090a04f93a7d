// Symmetric (and symmetric-definite generalized) eigen-decompositions through LAPACK, in double precision.

import COpenBLAS

/// Eigenvalues and eigenvectors of a symmetric matrix, largest eigenvalue first.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, descending.
    public let values: [Double]
    /// Eigenvectors as rows (`values.count × n`, row-major): row `i` belongs to `values[i]`.
    public let vectors: [Double]
    /// The matrix order.
    public let n: Int

    /// Decomposes the symmetric `n × n` row-major matrix `a` (only its upper triangle is read) with
    /// LAPACK's divide-and-conquer `dsyevd`. Throws when LAPACK reports a failure.
    public static func decompose(_ a: [Double], n: Int) throws -> SymmetricEigen {
        precondition(a.count == n * n, "matrix is not n × n")
        var work = a
        var w = [Double](repeating: 0, count: n)
        // Row-major input; LAPACKE returns eigenvectors as columns of the row-major array.
        let info = work.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
            }
        }
        guard info == 0 else { throw FeatureError("dsyevd failed (info \(info))") }
        return reorder(values: w, columnVectors: work, n: n)
    }

    /// The `k` largest eigenpairs only, by LAPACK's MRRR `dsyevr` (range "I"): the tridiagonal reduction is the
    /// same O(n³) as `dsyevd`, but only k eigenvectors are computed and back-transformed (O(n²k) instead of O(n³)).
    public static func decompose(_ a: [Double], n: Int, largest k: Int) throws -> SymmetricEigen {
        precondition(a.count == n * n && k >= 1 && k <= n, "matrix is not n × n or k out of range")
        var work = a
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n * k)
        var found: Int32 = 0
        var support = [Int32](repeating: 0, count: 2 * k)
        let info = work.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                z.withUnsafeMutableBufferPointer { pz in
                    support.withUnsafeMutableBufferPointer { ps in
                        LAPACKE_dsyevr(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "I")), Int8(UInt8(ascii: "U")), Int32(n),
                                       pa.baseAddress, Int32(n), 0, 0, Int32(n - k + 1), Int32(n), 0, &found, pw.baseAddress,
                                       pz.baseAddress, Int32(k), ps.baseAddress)
                    }
                }
            }
        }
        guard info == 0, Int(found) == k else { throw FeatureError("dsyevr failed (info \(info), \(found) of \(k) eigenpairs)") }
        // Ascending values, vectors as columns of the n × k row-major z: reverse both.
        var values = [Double](repeating: 0, count: k)
        var rows = [Double](repeating: 0, count: k * n)
        for i in 0..<k {
            let source = k - 1 - i
            values[i] = w[source]
            for j in 0..<n { rows[i * n + j] = z[j * k + source] }
        }
        return SymmetricEigen(values: values, vectors: rows, n: n)
    }

    /// Eigenvalues only (descending), by `dsyevd` without vectors.
    public static func eigenvalues(_ a: [Double], n: Int) throws -> [Double] {
        var work = a
        var w = [Double](repeating: 0, count: n)
        let info = work.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "U")), Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
            }
        }
        guard info == 0 else { throw FeatureError("dsyevd failed (info \(info))") }
        return w.reversed()
    }

    /// Solves the generalized problem `A v = λ B v` for symmetric `A` and symmetric positive-definite `B`
    /// with LAPACK's `dsygvd` (itype 1); eigenvectors are `B`-normalised (`vᵀ B v = 1`), as `scipy.linalg.eigh(A, B)`.
    public static func decompose(_ a: [Double], _ b: [Double], n: Int) throws -> SymmetricEigen {
        precondition(a.count == n * n && b.count == n * n, "matrices are not n × n")
        var wa = a, wb = b
        var w = [Double](repeating: 0, count: n)
        let info = wa.withUnsafeMutableBufferPointer { pa in
            wb.withUnsafeMutableBufferPointer { pb in
                w.withUnsafeMutableBufferPointer { pw in
                    LAPACKE_dsygvd(LAPACK_ROW_MAJOR, 1, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), Int32(n),
                                   pa.baseAddress, Int32(n), pb.baseAddress, Int32(n), pw.baseAddress)
                }
            }
        }
        guard info == 0 else {
            throw FeatureError(info > Int32(n)
                ? "the within-class scatter matrix is singular (dsygvd info \(info)); set shrinkage > 0 or drop constant features first"
                : "dsygvd failed (info \(info))")
        }
        return reorder(values: w, columnVectors: wa, n: n)
    }

    /// Descending order, eigenvectors transposed to rows.
    static func reorder(values w: [Double], columnVectors v: [Double], n: Int) -> SymmetricEigen {
        var values = [Double](repeating: 0, count: n)
        var rows = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            let source = n - 1 - i
            values[i] = w[source]
            for j in 0..<n { rows[i * n + j] = v[j * n + source] }
        }
        return SymmetricEigen(values: values, vectors: rows, n: n)
    }

    /// Flips the sign of each of the first `count` vector rows so that its largest-magnitude entry (the first on
    /// ties) is positive: scikit-learn's `svd_flip(u, v, u_based_decision=False)`.
    public static func flipSigns(_ rows: inout [Double], count: Int, n: Int) {
        for i in 0..<count {
            var best = 0
            for j in 1..<max(1, n) where abs(rows[i * n + j]) > abs(rows[i * n + best]) { best = j }
            if rows[i * n + best] < 0 { for j in 0..<n { rows[i * n + j] = -rows[i * n + j] } }
        }
    }
}

/// A numeric failure in feature engineering (singular matrices, invalid shapes), with a message for the user.
public struct FeatureError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// Column means (in `Double`) of a row-major `rows × cols` matrix.
func columnMeans(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int) -> [Double] {
    var sums = [Double](repeating: 0, count: cols)
    sums.withUnsafeMutableBufferPointer { s in
        // Sum each row block in Float partial sums of 256 rows to keep the loop vectorisable yet accurate.
        var partial = [Float](repeating: 0, count: cols)
        partial.withUnsafeMutableBufferPointer { p in
            var start = 0
            while start < rows {
                let end = min(rows, start + 256)
                for j in 0..<cols { p[j] = 0 }
                for i in start..<end {
                    let row = x.baseAddress! + i * cols
                    for j in 0..<cols { p[j] += row[j] }
                }
                for j in 0..<cols { s[j] += Double(p[j]) }
                start = end
            }
        }
        for j in 0..<cols { s[j] /= Double(max(rows, 1)) }
    }
    return sums
}

/// `XᵀX` of a row-major float `rows × cols` matrix (after subtracting `center`, when given) as a full
/// symmetric `cols × cols` Double matrix: one `cblas_ssyrk` call (half the FLOPs of a GEMM) on a float copy.
func gram(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, center: [Double]?) -> [Double] {
    var c = [Float](repeating: 0, count: cols * cols)
    if let center {
        let mean = center.map(Float.init)
        var centered = [Float](repeating: 0, count: rows * cols)
        centered.withUnsafeMutableBufferPointer { d in
            mean.withUnsafeBufferPointer { m in
                for i in 0..<rows {
                    let src = x.baseAddress! + i * cols, dst = d.baseAddress! + i * cols
                    for j in 0..<cols { dst[j] = src[j] - m[j] }
                }
            }
        }
        centered.withUnsafeBufferPointer { d in
            c.withUnsafeMutableBufferPointer { pc in
                cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(cols), Int32(rows), 1, d.baseAddress, Int32(cols), 0, pc.baseAddress, Int32(cols))
            }
        }
    } else {
        c.withUnsafeMutableBufferPointer { pc in
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(cols), Int32(rows), 1, x.baseAddress, Int32(cols), 0, pc.baseAddress, Int32(cols))
        }
    }
    var out = [Double](repeating: 0, count: cols * cols)
    for i in 0..<cols {
        for j in i..<cols {
            let v = Double(c[i * cols + j])
            out[i * cols + j] = v
            out[j * cols + i] = v
        }
    }
    return out
}

/// `out[rows × k] = (x − center) · Wᵀ` for row-major `x` (`rows × cols`) and `W` (`k × cols`): rows are centred
/// in blocks of 2048 (so the subtraction is exact in float, as scikit-learn's `(X − mean) @ Wᵀ`) and each block is one GEMM.
func project(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, center: [Float]?, weights: [Float], k: Int) -> [Float] {
    var out = [Float](repeating: 0, count: rows * k)
    guard rows > 0, k > 0 else { return out }
    let block = 2048
    var buffer = [Float](repeating: 0, count: center == nil ? 0 : min(rows, block) * cols)
    let offsets = center ?? []
    offsets.withUnsafeBufferPointer { c in
    weights.withUnsafeBufferPointer { w in
        out.withUnsafeMutableBufferPointer { o in
            buffer.withUnsafeMutableBufferPointer { b in
                var start = 0
                while start < rows {
                    let m = min(block, rows - start)
                    var source = x.baseAddress! + start * cols
                    if center != nil {
                        for i in 0..<m {
                            let src = source + i * cols, dst = b.baseAddress! + i * cols
                            for j in 0..<cols { dst[j] = src[j] - c[j] }
                        }
                        source = UnsafePointer(b.baseAddress!)
                    }
                    gemm(transposeA: false, transposeB: true, m: m, n: k, k: cols, alpha: 1, a: source, lda: cols,
                         b: w.baseAddress, ldb: cols, beta: 0, c: o.baseAddress! + start * k, ldc: k)
                    start += m
                }
            }
        }
    }
    }
    return out
}
