import Learn
import PipelineStore

/// Training rows read from a dataset artifact on demand, for data too large to hold in memory.
///
/// Each mini-batch reads exactly the rows the shuffled order asks for — sorted, as runs of consecutive
/// rows (one hyperslab read each, converted to float32 by HDF5) — and places them in the batch in the
/// requested order. Batches are therefore identical to those of `InMemoryBatchSource`, and so is the
/// trained model. Only the labels (4 bytes a row) are held in memory.
final class HDF5BatchSource: BatchSource {
    private let file: HDF5File
    private let features: HDF5Dataset
    private let labels: [Int32]
    let rows: Int
    let columns: Int
    private var scratch: [Float] = []

    /// Opens the dataset artifact at `path` (which must have labels).
    init(path: String) throws {
        file = try ArtifactFile.open(path, type: "dataset", requirement: "an HDF5 file with /features")
        features = try file.root.dataset("features")
        guard file.root.contains("labels") else { throw StageError("'\(path)' has no labels to train on") }
        labels = try file.root.dataset("labels").read(as: Int32.self)
        rows = features.shape.first ?? 0
        columns = features.rowElementCount
    }

    func gather(_ indices: UnsafeBufferPointer<Int>, x: UnsafeMutablePointer<Float>, labels out: UnsafeMutablePointer<Int32>) throws {
        let order = indices.indices.sorted { indices[$0] < indices[$1] }
        var start = 0
        while start < order.count {
            // The run of consecutive file rows starting at order[start].
            var end = start + 1
            while end < order.count, indices[order[end]] == indices[order[end - 1]] + 1 { end += 1 }
            let first = indices[order[start]], count = end - start
            if scratch.count < count * columns { scratch = [Float](repeating: 0, count: count * columns) }
            try scratch.withUnsafeMutableBufferPointer { buffer in
                try features.readRows(first..<(first + count), into: UnsafeMutableBufferPointer(rebasing: buffer[0..<(count * columns)]))
                for k in 0..<count {
                    let position = order[start + k]
                    (x + position * columns).update(from: buffer.baseAddress! + k * columns, count: columns)
                    out[position] = labels[first + k]
                }
            }
            start = end
        }
    }
}
