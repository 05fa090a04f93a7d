// Low-rank factorisation of a dense weight by truncated SVD (LAPACK sgesdd).

import COpenBLAS

/// A rank-r factorisation `W ≈ A·B` of a dense weight `W [in, out]`: `A = U_r·Σ_r` (`[in, r]`) and `B = V_rᵀ`
/// (`[r, out]`), from the singular value decomposition `W = U·Σ·Vᵀ`. A dense layer `x·W + b` becomes two:
/// `x·A` (no bias) then `·B + b`, with `r·(in + out)` weights instead of `in·out`.
public struct LowRankFactors: Sendable, Equatable {
    /// `[in, rank]`.
    public var first: [Float]
    /// `[rank, out]`.
    public var second: [Float]
    /// The kept rank.
    public var rank: Int
    /// Every singular value of `W`, largest first.
    public var singularValues: [Float]

    /// How to choose the rank.
    public enum RankRule: Sendable, Equatable {
        /// Keep this many singular values (at most min(in, out)).
        case count(Int)
        /// Keep the fewest leading singular values whose Σσ² is at least this fraction of the total.
        case energy(Double)
    }

    /// Factorises `weight` (`rows × cols`, row-major) with LAPACK `sgesdd` and keeps the rank `rule` picks.
    /// Throws when LAPACK reports a failure.
    public init(factorising weight: [Float], rows: Int, cols: Int, rule: RankRule) throws {
        precondition(weight.count == rows * cols && rows > 0 && cols > 0, "low rank: \(weight.count) values for \(rows)×\(cols)")
        let p = min(rows, cols)
        var a = weight
        var s = [Float](repeating: 0, count: p)
        var u = [Float](repeating: 0, count: rows * p)
        var vt = [Float](repeating: 0, count: p * cols)
        let info = LAPACKE_sgesdd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "S")), Int32(rows), Int32(cols), &a, Int32(cols),
                                  &s, &u, Int32(p), &vt, Int32(cols))
        guard info == 0 else { throw LayerError("low rank: LAPACK sgesdd failed (info \(info)) on a \(rows)×\(cols) weight") }
        let rank: Int
        switch rule {
        case .count(let r):
            rank = max(1, min(r, p))
        case .energy(let fraction):
            let total = s.reduce(0.0) { $0 + Double($1) * Double($1) }
            var kept = 0.0, r = 0
            while r < p && (r == 0 || kept < fraction * total) { kept += Double(s[r]) * Double(s[r]); r += 1 }
            rank = r
        }
        var first = [Float](repeating: 0, count: rows * rank)
        var second = [Float](repeating: 0, count: rank * cols)
        for i in 0..<rows { for j in 0..<rank { first[i * rank + j] = u[i * p + j] * s[j] } }
        for j in 0..<rank { for c in 0..<cols { second[j * cols + c] = vt[j * cols + c] } }
        self.first = first
        self.second = second
        self.rank = rank
        self.singularValues = s
    }

    /// sqrt(Σ of the dropped σ²): the Frobenius norm of `W − A·B` (Eckart–Young).
    public var droppedNorm: Double {
        singularValues.dropFirst(rank).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    /// `A·B` (`[in, out]`).
    public func product(rows: Int, cols: Int) -> [Float] {
        Matrix.multiply(Matrix(rows: rows, cols: rank, values: first), Matrix(rows: rank, cols: cols, values: second)).values
    }
}
