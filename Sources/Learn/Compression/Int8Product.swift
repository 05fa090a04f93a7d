// The exact int8 × int8 → int32 matrix product behind `QuantizedDenseLayer`, choosing between the
// dot-product kernel (tiny batches) and the register-blocked kernel on packed operands.

import CKernels
import Dispatch

/// `c = a · btᵀ` in exact int32 for `a [m, k]` and `bt [n, k]` int8 (row-major), with `bt` packed once.
///
/// From `minimumPackedRows` rows on, `a` is packed and the 4 × 16 register-blocked kernel
/// (`pipeline_int8_gemm_packed`) runs, split by row blocks across threads when the work is large enough;
/// below, one int8 dot product per output (`pipeline_int8_gemm_nt`). Integer sums are exact, so every path
/// and every split give the same result.
public struct Int8Product: Sendable {
    /// Rows from which the blocked kernel is used (it computes rows in blocks of 4).
    public static let minimumPackedRows = 4
    /// Multiply-adds below which the product runs on the calling thread only.
    public static let parallelThreshold = 1 << 20

    /// Output columns and depth.
    public let n: Int, k: Int
    /// `bt` as given (for the dot-product kernel) and packed (for the blocked kernel).
    private let bt: [Int8], packed: [Int16]

    /// Packs `bt [n, k]`. Precondition: `bt.count == n·k`, `k < 131072` (the int32 exactness bound).
    public init(bt: [Int8], n: Int, k: Int) {
        precondition(bt.count == n * k && n >= 1 && k >= 1 && k < 131_072, "int8 product: bt has \(bt.count) values for \(n) × \(k)")
        self.n = n
        self.k = k
        self.bt = bt
        var packed = [Int16](repeating: 0, count: pipeline_int8_packed_b_count(n, k))
        bt.withUnsafeBufferPointer { src in packed.withUnsafeMutableBufferPointer { pipeline_int8_pack_b(src.baseAddress!, n, k, $0.baseAddress!) } }
        self.packed = packed
    }

    /// `c[m × n] = a[m × k] · btᵀ` on up to `threads` threads (`QuantizedDenseLayer` uses one, so that the
    /// compress benchmark compares it with single-threaded sgemm). `scratch` (the packed `a`) is grown as
    /// needed and reused between calls.
    public func multiply(_ a: UnsafePointer<Int8>, rows m: Int, into c: UnsafeMutablePointer<Int32>, scratch: inout [Int32], threads: Int = 1) {
        guard m > 0 else { return }
        let n = n, k = k
        if m < Self.minimumPackedRows {
            bt.withUnsafeBufferPointer { pipeline_int8_gemm_nt(a, $0.baseAddress!, c, m, n, k) }
            return
        }
        let needed = pipeline_int8_packed_a_count(m, k)
        if scratch.count < needed { scratch = [Int32](repeating: 0, count: needed) }
        let blocks = (m + 3) / 4
        let parts = m * n * k >= Self.parallelThreshold ? max(1, min(threads, blocks)) : 1
        scratch.withUnsafeMutableBufferPointer { s in
            packed.withUnsafeBufferPointer { b in
                // Row ranges on block-of-4 boundaries, so each part packs and computes whole blocks.
                nonisolated(unsafe) let ap = s.baseAddress!, cp = c, aIn = a, bp = b.baseAddress!
                let part: @Sendable (Int) -> Void = { index in
                    let lo = min(m, 4 * (blocks * index / parts)), hi = min(m, 4 * (blocks * (index + 1) / parts))
                    guard lo < hi else { return }
                    pipeline_int8_pack_a(aIn, m, k, ap, lo, hi)
                    pipeline_int8_gemm_packed(ap, bp, cp, m, n, k, lo, hi)
                }
                if parts == 1 { part(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: part) }
            }
        }
    }
}
