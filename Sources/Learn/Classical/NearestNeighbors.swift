import COpenBLAS

/// Exact k-nearest-neighbour search by brute force on BLAS: squared Euclidean distances
/// `‖q‖² + ‖x‖² − 2·q·xᵀ` for a block of queries at a time with one `sgemm`, so memory stays at
/// `blockRows × rows` floats however many queries there are. Neighbours are ordered by (distance, index).
public struct NearestNeighborIndex: Sendable {
    /// Training rows, row-major.
    public let x: [Float]
    /// Number of training rows.
    public let rows: Int
    /// Values per row.
    public let columns: Int
    let squaredNorms: [Float]

    /// Indexes the training rows.
    public init(x: [Float], rows: Int, columns: Int) {
        precondition(x.count == rows * columns, "feature count does not match rows × columns")
        self.x = x
        self.rows = rows
        self.columns = columns
        squaredNorms = (0..<rows).map { r in
            var s: Float = 0
            for c in 0..<columns { s += x[r * columns + c] * x[r * columns + c] }
            return s
        }
    }

    /// The `k` nearest training rows of each query: indices and Euclidean distances, `queries × k` each.
    /// `memoryBudget` bounds the distance block in bytes.
    public func search(_ q: UnsafeBufferPointer<Float>, queries: Int, k: Int, memoryBudget: Int = 64 << 20) -> (indices: [Int32], distances: [Float]) {
        let k = min(k, rows)
        var indices = [Int32](repeating: 0, count: queries * k)
        var distances = [Float](repeating: 0, count: queries * k)
        let block = max(1, min(queries, memoryBudget / max(4 * rows, 1)))
        var dots = [Float](repeating: 0, count: block * rows)
        var bestD = [Float](repeating: 0, count: k), bestI = [Int32](repeating: 0, count: k)
        x.withUnsafeBufferPointer { xb in
            dots.withUnsafeMutableBufferPointer { db in
                var start = 0
                while start < queries {
                    let count = min(block, queries - start)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(rows), Int32(columns), 1,
                                q.baseAddress! + start * columns, Int32(max(columns, 1)), xb.baseAddress, Int32(max(columns, 1)),
                                0, db.baseAddress, Int32(rows))
                    for local in 0..<count {
                        let query = start + local
                        var qNorm: Float = 0
                        for c in 0..<columns { qNorm += q[query * columns + c] * q[query * columns + c] }
                        var filled = 0
                        let row = db.baseAddress! + local * rows
                        for i in 0..<rows {
                            let d = max(qNorm + squaredNorms[i] - 2 * row[i], 0)
                            if filled == k, d >= bestD[k - 1] { continue }
                            // Insertion into the sorted top-k (ties keep the lower index first).
                            var position = filled < k ? filled : k - 1
                            while position > 0, bestD[position - 1] > d {
                                bestD[position] = bestD[position - 1]
                                bestI[position] = bestI[position - 1]
                                position -= 1
                            }
                            bestD[position] = d
                            bestI[position] = Int32(i)
                            if filled < k { filled += 1 }
                        }
                        for j in 0..<k {
                            indices[query * k + j] = bestI[j]
                            distances[query * k + j] = bestD[j].squareRoot()
                        }
                    }
                    start += count
                }
            }
        }
        return (indices, distances)
    }
}
