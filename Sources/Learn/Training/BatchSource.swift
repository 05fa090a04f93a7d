/// Where training rows come from. The trainer asks for the rows of each mini-batch by index, so a source
/// may hold everything in memory or read from disk.
public protocol BatchSource {
    /// Number of rows.
    var rows: Int { get }
    /// Values per row.
    var columns: Int { get }
    /// Copies the rows at `indices` (in that order) into `x` (row-major, `indices.count × columns`) and
    /// their labels into `labels`.
    func gather(_ indices: UnsafeBufferPointer<Int>, x: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) throws
}

/// Rows held in memory as float32 or uint8 (converted per batch, so uint8 images never need a float copy
/// of the whole set).
public struct InMemoryBatchSource: BatchSource, Sendable {
    /// Feature storage.
    public enum Storage: Sendable {
        case float32([Float])
        case uint8([UInt8])
    }

    /// The features.
    public let storage: Storage
    /// Labels, one per row.
    public let labels: [Int32]
    public let rows: Int
    public let columns: Int

    /// A source over `rows × columns` values and their labels.
    public init(storage: Storage, labels: [Int32], columns: Int) {
        self.storage = storage
        self.labels = labels
        self.rows = labels.count
        self.columns = columns
    }

    public func gather(_ indices: UnsafeBufferPointer<Int>, x: UnsafeMutablePointer<Float>, labels out: UnsafeMutablePointer<Int32>) throws {
        let width = columns
        labels.withUnsafeBufferPointer { l in
            for (i, row) in indices.enumerated() { out[i] = l[row] }
        }
        switch storage {
        case .float32(let values):
            values.withUnsafeBufferPointer { v in
                for (i, row) in indices.enumerated() {
                    (x + i * width).update(from: v.baseAddress! + row * width, count: width)
                }
            }
        case .uint8(let values):
            values.withUnsafeBufferPointer { v in
                for (i, row) in indices.enumerated() {
                    let source = v.baseAddress! + row * width, target = x + i * width
                    for j in 0..<width { target[j] = Float(source[j]) }
                }
            }
        }
    }
}
