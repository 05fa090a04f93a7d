// Compressed sparse row storage and the sparse × dense products that pruned dense layers run at inference.

import CKernels
import Dispatch

/// A sparse `rows × columns` float matrix in compressed sparse row form (the layout scipy's `csr_matrix`
/// and HDF5 files use): row `r`'s nonzeros are `values[indptr[r]..<indptr[r+1]]` at columns `indices[…]`,
/// in increasing column order.
public struct CSRMatrix: Sendable, Equatable {
    /// Rows.
    public let rows: Int
    /// Columns.
    public let columns: Int
    /// Row starts into `indices`/`values`; `rows + 1` entries, the last is the number of stored values.
    public let indptr: [Int32]
    /// Column of each stored value.
    public let indices: [Int32]
    /// The stored values.
    public let values: [Float]

    /// Creates a matrix from its three arrays. Precondition: they describe a valid CSR matrix.
    public init(rows: Int, columns: Int, indptr: [Int32], indices: [Int32], values: [Float]) {
        precondition(indptr.count == rows + 1 && indices.count == values.count && Int(indptr[rows]) == values.count,
                     "csr: \(indptr.count) row pointers, \(indices.count) indices, \(values.count) values for \(rows) rows")
        self.rows = rows
        self.columns = columns
        self.indptr = indptr
        self.indices = indices
        self.values = values
    }

    /// The positions where `keep` is true (or, with no `keep`, the nonzeros) of a dense row-major
    /// `rows × columns` matrix.
    public init(dense: [Float], rows: Int, columns: Int, keep: [Bool]? = nil) {
        precondition(dense.count == rows * columns && (keep == nil || keep!.count == dense.count), "csr: dense size")
        var indptr = [Int32](repeating: 0, count: rows + 1)
        var indices: [Int32] = [], values: [Float] = []
        for r in 0..<rows {
            for c in 0..<columns {
                let i = r * columns + c
                if keep?[i] ?? (dense[i] != 0) { indices.append(Int32(c)); values.append(dense[i]) }
            }
            indptr[r + 1] = Int32(values.count)
        }
        self.init(rows: rows, columns: columns, indptr: indptr, indices: indices, values: values)
    }

    /// Wᵀ in CSR for a dense layer's weight `W [inputs, outputs]` (row-major): row `j` holds output `j`'s
    /// nonzero incoming weights, indexed by input.
    public init(transposing weight: UnsafeBufferPointer<Float>, inputs: Int, outputs: Int) {
        precondition(weight.count == inputs * outputs, "csr: weight has \(weight.count) values, expected \(inputs)×\(outputs)")
        var indptr = [Int32](repeating: 0, count: outputs + 1)
        var indices: [Int32] = [], values: [Float] = []
        for j in 0..<outputs {
            for i in 0..<inputs where weight[i * outputs + j] != 0 {
                indices.append(Int32(i))
                values.append(weight[i * outputs + j])
            }
            indptr[j + 1] = Int32(values.count)
        }
        self.init(rows: outputs, columns: inputs, indptr: indptr, indices: indices, values: values)
    }

    /// Number of stored values.
    public var storedCount: Int { values.count }

    /// The dense row-major `rows × columns` matrix (zeros where nothing is stored).
    public func dense() -> [Float] {
        var out = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for k in Int(indptr[r])..<Int(indptr[r + 1]) { out[r * columns + Int(indices[k])] = values[k] }
        }
        return out
    }

    /// Which positions are stored, row-major.
    public func storedPositions() -> [Bool] {
        var out = [Bool](repeating: false, count: rows * columns)
        for r in 0..<rows {
            for k in Int(indptr[r])..<Int(indptr[r + 1]) { out[r * columns + Int(indices[k])] = true }
        }
        return out
    }
}

/// The product of a pruned dense layer, `y = x·W + b` with `W` held as Wᵀ in CSR (`CSRMatrix(transposing:)`),
/// for a batch of row-major samples.
///
/// One sample takes a gather dot product per output. A batch is packed into panels of 64 samples
/// (`pipeline_pack_panels`: feature-major inside a panel), so that every stored weight multiplies 64
/// contiguous samples held in registers, and unpacked after. Work is split into a fixed number of blocks run
/// in parallel when it is large enough — by panels when there are at least as many panels as threads, each
/// block packing, multiplying and unpacking its own samples; otherwise by output rows. Each output is computed
/// by the same sequential code whatever the split, so results are bit-identical for any thread count or timing.
public enum SparseProduct {
    /// Multiply-adds below which the product runs on the calling thread only.
    public static let parallelThreshold = 1 << 17

    /// Samples per panel of the batched kernel.
    public static let panel = Int(PIPELINE_SPARSE_PANEL)

    /// `y[batch × rows] = x[batch × columns] · matrixᵀ + bias`, i.e. `x·W + b` for the layer's W.
    /// `scratch` is grown as needed and reused between calls.
    public static func multiply(_ matrix: CSRMatrix, bias: UnsafeBufferPointer<Float>, x: UnsafeBufferPointer<Float>, batch: Int,
                                into y: UnsafeMutableBufferPointer<Float>, scratch: inout [Float], threads: Int = 2) {
        let outputs = matrix.rows, inputs = matrix.columns
        precondition(bias.count == outputs && x.count >= batch * inputs && y.count >= batch * outputs, "sparse product: buffer sizes")
        guard batch > 0 else { return }
        let parallel = matrix.storedCount * batch >= parallelThreshold ? max(1, threads) : 1
        matrix.indptr.withUnsafeBufferPointer { ip in
            matrix.indices.withUnsafeBufferPointer { ix in
                matrix.values.withUnsafeBufferPointer { vs in
                    let ipp = ip.baseAddress!, ixp = ix.baseAddress!, vsp = vs.baseAddress!, bp = bias.baseAddress!
                    if batch == 1 {
                        let xp = x.baseAddress!
                        nonisolated(unsafe) let out = y.baseAddress!
                        ranges(outputs, min(parallel, outputs)) { lo, hi in
                            pipeline_csr_matvec(ipp, ixp, vsp, bp, xp, out, lo, hi)
                        }
                        return
                    }
                    let panels = (batch + panel - 1) / panel
                    let needed = panels * panel * (inputs + outputs)
                    if scratch.count < needed { scratch = [Float](repeating: 0, count: needed) }
                    scratch.withUnsafeMutableBufferPointer { s in
                        nonisolated(unsafe) let xp = s.baseAddress!, yp = s.baseAddress! + panels * panel * inputs
                        nonisolated(unsafe) let xIn = x.baseAddress!, yOut = y.baseAddress!
                        if parallel == 1 || panels >= parallel {
                            ranges(panels, min(parallel, panels)) { lo, hi in
                                pipeline_pack_panels(xIn, xp, batch, inputs, lo, hi)
                                pipeline_csr_panels(ipp, ixp, vsp, bp, xp, inputs, batch, yp, outputs, 0, outputs, lo, hi)
                                pipeline_unpack_panels(yp, yOut, batch, outputs, lo, hi)
                            }
                        } else {
                            pipeline_pack_panels(xIn, xp, batch, inputs, 0, panels)
                            ranges(outputs, min(parallel, outputs)) { lo, hi in
                                pipeline_csr_panels(ipp, ixp, vsp, bp, xp, inputs, batch, yp, outputs, lo, hi, 0, panels)
                            }
                            pipeline_unpack_panels(yp, yOut, batch, outputs, 0, panels)
                        }
                    }
                }
            }
        }
    }

    /// Runs `body(lo, hi)` over `blocks` equal contiguous ranges of `0..<count` (in parallel when blocks > 1).
    private static func ranges(_ count: Int, _ blocks: Int, _ body: (Int, Int) -> Void) {
        if blocks <= 1 { body(0, count); return }
        withoutActuallyEscaping(body) { run in
            nonisolated(unsafe) let run = run
            DispatchQueue.concurrentPerform(iterations: blocks) { b in
                run(count * b / blocks, count * (b + 1) / blocks)
            }
        }
    }
}
