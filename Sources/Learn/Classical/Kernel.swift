import COpenBLAS
import Foundation

/// A Mercer kernel as in libsvm / scikit-learn's `SVC`: linear `x·y`, polynomial `(γ·x·y + coef0)^degree`,
/// RBF `exp(−γ·‖x − y‖²)`, sigmoid `tanh(γ·x·y + coef0)`.
public struct Kernel: Sendable, Equatable {
    /// The kernel function.
    public enum Kind: String, Sendable, CaseIterable { case linear, poly, rbf, sigmoid }

    /// Which function.
    public var kind: Kind
    /// γ (poly, rbf, sigmoid).
    public var gamma: Double
    /// coef0 (poly, sigmoid).
    public var coef0: Double
    /// Degree (poly).
    public var degree: Int

    /// Creates a kernel.
    public init(kind: Kind, gamma: Double, coef0: Double = 0, degree: Int = 3) {
        self.kind = kind
        self.gamma = gamma
        self.coef0 = coef0
        self.degree = degree
    }

    /// scikit-learn's `gamma='scale'`: `1 / (features · var(X))` over all entries (1 when the variance is 0).
    public static func scaleGamma(_ x: UnsafeBufferPointer<Float>, columns: Int) -> Double {
        guard !x.isEmpty else { return 1 }
        var sum = 0.0, squares = 0.0
        for v in x { sum += Double(v); squares += Double(v) * Double(v) }
        let n = Double(x.count)
        let variance = squares / n - (sum / n) * (sum / n)
        return variance > 0 ? 1 / (Double(columns) * variance) : 1
    }

    /// The kernel value from the dot product and the two squared norms.
    @inline(__always)
    public func value(dot: Double, normA: Double, normB: Double) -> Double {
        switch kind {
        case .linear: return dot
        case .poly: return pow(gamma * dot + coef0, Double(degree))
        case .rbf: return exp(-gamma * max(normA + normB - 2 * dot, 0))
        case .sigmoid: return tanh(gamma * dot + coef0)
        }
    }
}

/// Rows (Double, row-major) with their squared norms, for kernel evaluations by BLAS.
public struct KernelRows: Sendable {
    /// Values, `count × columns`.
    public let x: [Double]
    /// Number of rows.
    public let count: Int
    /// Values per row.
    public let columns: Int
    /// `‖xᵢ‖²`.
    public let squaredNorms: [Double]

    /// Copies the given rows of a row-major float matrix.
    public init(_ source: UnsafeBufferPointer<Float>, columns: Int, rows: [Int]) {
        var x = [Double](repeating: 0, count: rows.count * columns)
        for (i, r) in rows.enumerated() { for c in 0..<columns { x[i * columns + c] = Double(source[r * columns + c]) } }
        self.x = x
        count = rows.count
        self.columns = columns
        squaredNorms = (0..<rows.count).map { i in (0..<columns).reduce(0.0) { $0 + x[i * columns + $1] * x[i * columns + $1] } }
    }

    /// `K(rowᵢ, every row)` into `out` (length `count`).
    public func kernelRow(_ i: Int, kernel: Kernel, into out: UnsafeMutableBufferPointer<Double>) {
        x.withUnsafeBufferPointer { xb in
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(count), Int32(columns), 1, xb.baseAddress, Int32(max(columns, 1)),
                        xb.baseAddress! + i * columns, 1, 0, out.baseAddress, 1)
        }
        let normI = squaredNorms[i]
        for j in 0..<count { out[j] = kernel.value(dot: out[j], normA: normI, normB: squaredNorms[j]) }
    }

    /// `K(queryᵣ, rowⱼ)` for a block of queries, `queries × count` row-major (one dgemm).
    public func kernelBlock(_ q: [Double], queries: Int, queryNorms: [Double], kernel: Kernel) -> [Double] {
        var out = [Double](repeating: 0, count: queries * count)
        q.withUnsafeBufferPointer { qb in
            x.withUnsafeBufferPointer { xb in
                out.withUnsafeMutableBufferPointer { ob in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(queries), Int32(count), Int32(columns), 1,
                                qb.baseAddress, Int32(max(columns, 1)), xb.baseAddress, Int32(max(columns, 1)), 0, ob.baseAddress, Int32(max(count, 1)))
                }
            }
        }
        for r in 0..<queries {
            for j in 0..<count { out[r * count + j] = kernel.value(dot: out[r * count + j], normA: queryNorms[r], normB: squaredNorms[j]) }
        }
        return out
    }
}

/// A least-recently-used cache of Q-matrix rows (`Q_ij = y_i·y_j·K(x_i, x_j)`), bounded in bytes as libsvm's
/// `cache_size`. Eviction picks the slot used longest ago (ties impossible: every use gets a new tick).
struct KernelRowCache {
    let length: Int
    let capacity: Int
    var storage: [Double]
    var slotOf: [Int]
    var owner: [Int]
    var lastUse: [Int]
    var used = 0
    var tick = 0
    /// Rows computed (misses), for the fit report.
    var misses = 0

    init(rows: Int, megabytes: Double) {
        length = rows
        capacity = max(2, min(rows, Int(megabytes * 1_048_576 / Double(8 * max(rows, 1)))))
        storage = [Double](repeating: 0, count: capacity * rows)
        slotOf = [Int](repeating: -1, count: rows)
        owner = [Int](repeating: -1, count: capacity)
        lastUse = [Int](repeating: 0, count: capacity)
    }

    /// The slot holding row `i`, computing it with `fill` on a miss.
    mutating func slot(_ i: Int, fill: (UnsafeMutableBufferPointer<Double>) -> Void) -> Int {
        tick += 1
        if slotOf[i] >= 0 {
            lastUse[slotOf[i]] = tick
            return slotOf[i]
        }
        var slot: Int
        if used < capacity {
            slot = used
            used += 1
        } else {
            slot = 0
            for s in 1..<capacity where lastUse[s] < lastUse[slot] { slot = s }
            slotOf[owner[slot]] = -1
        }
        owner[slot] = i
        slotOf[i] = slot
        lastUse[slot] = tick
        misses += 1
        let start = slot * length
        storage.withUnsafeMutableBufferPointer { fill(UnsafeMutableBufferPointer(rebasing: $0[start..<(start + length)])) }
        return slot
    }
}

extension KernelRows {
    /// Rows from Double values already in row-major order (e.g. support vectors read from a file).
    public init(values: [Double], columns: Int) {
        let count = columns > 0 ? values.count / columns : 0
        self.init(storage: values, count: count, columns: columns)
    }

    private init(storage: [Double], count: Int, columns: Int) {
        x = storage
        self.count = count
        self.columns = columns
        squaredNorms = (0..<count).map { i in (0..<columns).reduce(0.0) { $0 + storage[i * columns + $1] * storage[i * columns + $1] } }
    }
}
