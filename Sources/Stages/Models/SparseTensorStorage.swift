import Learn
import PipelineStore

/// A pruned tensor in a model file: a group named like the tensor, holding only the kept values in whichever
/// of two layouts is smaller, both plain arrays h5py and scipy read directly.
///
/// - `@sparse_format = "csr"`: the tensor viewed as `rows = shape[0]` × `columns = ∏ shape[1…]`, as
///   `indptr` (int32, rows + 1), `indices` (int32) and `values` (float32):
///   `scipy.sparse.csr_matrix((values, indices, indptr), shape=(rows, columns))`.
/// - `@sparse_format = "bitmask"`: `bitmask` (uint8, ⌈n/8⌉; bit 7 of byte 0 is element 0, i.e.
///   `numpy.unpackbits(bitmask)[:n]`) and `values` (float32) of the set bits in row-major order.
///
/// Either way the stored positions are the tensor's pruning mask (a kept weight may itself be 0), and
/// `@shape` holds the dense shape.
enum SparseTensorStorage {
    /// Bytes of each layout for `n` elements of which `kept` are kept, in `rows` rows.
    static func bytes(elements n: Int, kept: Int, rows: Int) -> (csr: Int, bitmask: Int) {
        (csr: 4 * (rows + 1) + 8 * kept, bitmask: (n + 7) / 8 + 4 * kept)
    }

    /// Writes `values` (dense, row-major, `shape`) with keep-mask `keep` as group `name` under `group`.
    static func write(_ values: [Float], shape: [Int], keep: [Bool], name: String, to group: HDF5Group) throws {
        precondition(values.count == keep.count && values.count == shape.reduce(1, *), "sparse tensor \(name): sizes")
        let rows = shape.first ?? 1, columns = shape.dropFirst().reduce(1, *)
        let kept = keep.filter { $0 }.count
        let size = bytes(elements: values.count, kept: kept, rows: rows)
        let g = try group.createGroup(name)
        try g.setAttribute("shape", .ints(shape.map(Int64.init)))
        try g.setAttribute("nonzeros", .int(Int64(kept)))
        try g.setAttribute("role", .string("pruned parameter: stored positions are the keep-mask"))
        if size.csr < size.bitmask {
            let csr = CSRMatrix(dense: values, rows: rows, columns: columns, keep: keep)
            try g.setAttribute("sparse_format", .string("csr"))
            try g.setAttribute("csr_shape", .ints([Int64(rows), Int64(columns)]))
            _ = try g.createDataset("indptr", shape: [csr.indptr.count], data: csr.indptr)
            _ = try g.createDataset("indices", shape: [csr.indices.count], data: csr.indices)
            _ = try g.createDataset("values", shape: [csr.values.count], data: csr.values)
        } else {
            var bits = [UInt8](repeating: 0, count: (values.count + 7) / 8)
            var stored: [Float] = []
            stored.reserveCapacity(kept)
            for i in 0..<values.count where keep[i] {
                bits[i >> 3] |= UInt8(0x80) >> UInt8(i & 7)
                stored.append(values[i])
            }
            try g.setAttribute("sparse_format", .string("bitmask"))
            _ = try g.createDataset("bitmask", shape: [bits.count], data: bits)
            _ = try g.createDataset("values", shape: [stored.count], data: stored)
        }
    }

    /// Reads a group written by `write`: the dense values, shape and keep-mask.
    static func read(from g: HDF5Group) throws -> (shape: [Int], values: [Float], keep: [Bool]) {
        let shape = try g.intList("shape")
        let n = shape.reduce(1, *)
        let stored = try g.dataset("values").read(as: Float.self)
        switch try g.attribute("sparse_format")?.stringValue {
        case "csr":
            let rows = shape.first ?? 1
            let indptr = try g.dataset("indptr").read(as: Int32.self), indices = try g.dataset("indices").read(as: Int32.self)
            guard indptr.count == rows + 1, indices.count == stored.count, Int(indptr.last ?? -1) == stored.count,
                  indices.allSatisfy({ $0 >= 0 && Int($0) < max(1, n / max(rows, 1)) }) else {
                throw StageError("model file: sparse tensor \(g.path) has inconsistent CSR arrays")
            }
            let csr = CSRMatrix(rows: rows, columns: n / max(rows, 1), indptr: indptr, indices: indices, values: stored)
            return (shape, csr.dense(), csr.storedPositions())
        case "bitmask":
            let bits = try g.dataset("bitmask").read(as: UInt8.self)
            guard bits.count == (n + 7) / 8 else { throw StageError("model file: sparse tensor \(g.path) has a bitmask of \(bits.count) bytes for \(n) elements") }
            var values = [Float](repeating: 0, count: n), keep = [Bool](repeating: false, count: n)
            var next = 0
            for i in 0..<n where bits[i >> 3] & (UInt8(0x80) >> UInt8(i & 7)) != 0 {
                guard next < stored.count else { throw StageError("model file: sparse tensor \(g.path) has fewer values than set bits") }
                keep[i] = true
                values[i] = stored[next]
                next += 1
            }
            guard next == stored.count else { throw StageError("model file: sparse tensor \(g.path) has more values than set bits") }
            return (shape, values, keep)
        case let other:
            throw StageError("model file: \(g.path) has unknown sparse_format '\(other ?? "none")'; expected csr or bitmask")
        }
    }
}
