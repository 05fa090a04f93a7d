import COpenBLAS

/// Error from a classical solver (singular systems, bad input).
public struct ClassicalModelError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String
    /// Creates an error with a message.
    public init(_ description: String) { self.description = description }
}

/// Coefficients and intercept of a single-output linear model `y = x·coef + intercept`.
public struct LinearFit: Sendable, Equatable {
    /// One weight per feature.
    public var coef: [Double]
    /// The intercept (0 when not fitted).
    public var intercept: Double
    /// Iterations used (iterative solvers; 0 for closed forms).
    public var iterations: Int = 0
}

/// Ordinary least squares and ridge, as scikit-learn's `LinearRegression` and `Ridge(solver="cholesky")`:
/// the intercept is fitted by centring X and y, and the coefficients solve the centred problem.
public enum LeastSquares {
    /// OLS: the minimum-norm solution of `min ||y − Xw||²` by LAPACK `dgelsd` (SVD; rcond = machine precision,
    /// as scipy.linalg.lstsq), on centred data when `fitIntercept`.
    public static func ordinary(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, y: [Double], fitIntercept: Bool) throws -> LinearFit {
        var design = DesignMatrix(x, rows: rows, columns: columns, center: fitIntercept)
        let yMean = fitIntercept ? mean(y) : 0
        let ldb = max(rows, columns)
        var b = [Double](repeating: 0, count: ldb)
        for r in 0..<rows { b[r] = y[r] - yMean }
        var singular = [Double](repeating: 0, count: min(rows, columns))
        var rank: Int32 = 0
        let info = design.values.withUnsafeMutableBufferPointer { a in
            b.withUnsafeMutableBufferPointer { bb in
                singular.withUnsafeMutableBufferPointer { s in
                    LAPACKE_dgelsd(LAPACK_COL_MAJOR, Int32(rows), Int32(columns), 1, a.baseAddress, Int32(max(rows, 1)),
                                   bb.baseAddress, Int32(max(ldb, 1)), s.baseAddress, -1, &rank)
                }
            }
        }
        guard info == 0 else { throw ClassicalModelError("least squares: LAPACK dgelsd failed (info \(info))") }
        let coef = Array(b[0..<columns])
        return LinearFit(coef: coef, intercept: yMean - zip(design.means, coef).map(*).reduce(0, +))
    }

    /// Ridge: solves `(XᵀX + αI) w = Xᵀy` on centred data by Cholesky (LAPACK `dposv`); the intercept is not
    /// penalised. Minimises `||y − Xw − b||² + α||w||²`.
    public static func ridge(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, y: [Double], alpha: Double, fitIntercept: Bool) throws -> LinearFit {
        let design = DesignMatrix(x, rows: rows, columns: columns, center: fitIntercept)
        let yMean = fitIntercept ? mean(y) : 0
        let yc = y.map { $0 - yMean }
        var gram = [Double](repeating: 0, count: columns * columns)
        var rhs = [Double](repeating: 0, count: columns)
        design.values.withUnsafeBufferPointer { a in
            gram.withUnsafeMutableBufferPointer { g in
                // G = AᵀA (column-major A is rows × columns).
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), 1, a.baseAddress, Int32(max(rows, 1)),
                            0, g.baseAddress, Int32(max(columns, 1)))
            }
            yc.withUnsafeBufferPointer { v in
                rhs.withUnsafeMutableBufferPointer { r in
                    cblas_dgemv(CblasColMajor, CblasTrans, Int32(rows), Int32(columns), 1, a.baseAddress, Int32(max(rows, 1)),
                                v.baseAddress, 1, 0, r.baseAddress, 1)
                }
            }
        }
        for j in 0..<columns { gram[j * columns + j] += alpha }
        let info = gram.withUnsafeMutableBufferPointer { g in
            rhs.withUnsafeMutableBufferPointer { r in
                LAPACKE_dposv(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(columns), 1, g.baseAddress, Int32(max(columns, 1)),
                              r.baseAddress, Int32(max(columns, 1)))
            }
        }
        guard info == 0 else {
            throw ClassicalModelError("ridge: XᵀX + αI is not positive definite (LAPACK dposv info \(info)); use alpha > 0")
        }
        return LinearFit(coef: rhs, intercept: yMean - zip(design.means, rhs).map(*).reduce(0, +))
    }
}
