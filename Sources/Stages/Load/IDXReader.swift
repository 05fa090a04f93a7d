/// An n-dimensional array read from an idx file (the MNIST / Fashion-MNIST format).
public struct IDXArray: Sendable, Equatable {
    /// The element types idx files can declare (the third magic byte).
    public enum ElementType: UInt8, Sendable {
        case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        /// Bytes per element.
        public var byteSize: Int {
            switch self {
            case .uint8, .int8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .float64: return 8
            }
        }
    }

    /// The declared element type.
    public let elementType: ElementType
    /// Dimensions, outermost first (e.g. `[10000, 28, 28]` for images, `[10000]` for labels).
    public let shape: [Int]
    /// The element data exactly as stored: one byte per element for `.uint8`, big-endian for wider types.
    public let bytes: [UInt8]

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// All elements converted to `Float`, in row-major order.
    public func floats() -> [Float] {
        let total = count
        let type = elementType
        return [Float](unsafeUninitializedCapacity: total) { out, initialized in
            bytes.withUnsafeBufferPointer { raw in
                // One loop per type keeps the per-element work branch-free.
                switch type {
                case .uint8:
                    for index in 0..<total { out[index] = Float(raw[index]) }
                case .int8:
                    for index in 0..<total { out[index] = Float(Int8(bitPattern: raw[index])) }
                case .int16:
                    for index in 0..<total { out[index] = Float(Int16(bitPattern: Self.bigEndian(raw, index * 2, 2))) }
                case .int32:
                    for index in 0..<total { out[index] = Float(Int32(bitPattern: Self.bigEndian(raw, index * 4, 4))) }
                case .float32:
                    for index in 0..<total { out[index] = Float(bitPattern: Self.bigEndian(raw, index * 4, 4)) }
                case .float64:
                    for index in 0..<total { out[index] = Float(Double(bitPattern: Self.bigEndian(raw, index * 8, 8))) }
                }
            }
            initialized = total
        }
    }

    /// The big-endian unsigned integer of `size` bytes at `offset`.
    @inline(__always)
    private static func bigEndian<T: FixedWidthInteger & UnsignedInteger>(_ raw: UnsafeBufferPointer<UInt8>,
                                                                         _ offset: Int, _ size: Int) -> T {
        var value: T = 0
        for byte in 0..<size { value = value << 8 | T(raw[offset + byte]) }
        return value
    }
}

/// Parses idx files, gzip-compressed or not.
public enum IDXReader {
    /// Reads the idx file at `path` (inflating `.gz` transparently); `expectedRank` rejects e.g. a label file
    /// where images were wanted.
    public static func read(_ path: String, expectedRank: Int? = nil) throws -> IDXArray {
        try parse(Gzip.readFile(path), path: path, expectedRank: expectedRank)
    }

    /// Parses idx bytes: magic `00 00 <type> <rank>`, `rank` big-endian UInt32 dimensions, then the data.
    public static func parse(_ bytes: [UInt8], path: String = "<memory>", expectedRank: Int? = nil) throws -> IDXArray {
        let expectation = expectedRank.map { "expected idx magic 0x\(hex(0x0800 | $0, digits: 4)) (rank \($0))" }
            ?? "expected idx magic 0x0803 (images) or 0x0801 (labels)"
        guard bytes.count >= 4 else {
            throw DataLoadError(path: path, "\(expectation), but the file has only \(bytes.count) bytes")
        }
        let magic = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        let found = "found 0x" + hex(magic, digits: 8)
        guard bytes[0] == 0, bytes[1] == 0, let type = IDXArray.ElementType(rawValue: bytes[2]), bytes[3] > 0 else {
            throw DataLoadError(path: path, "\(expectation), \(found) (not an idx file)")
        }
        let rank = Int(bytes[3])
        if let expectedRank, rank != expectedRank {
            throw DataLoadError(path: path, "\(expectation), \(found) (rank \(rank))")
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataLoadError(path: path, "truncated idx header: \(rank) dimensions need \(headerSize) bytes, file has \(bytes.count)")
        }
        var shape: [Int] = []
        var total = type.byteSize
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let dimension = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            shape.append(dimension)
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw DataLoadError(path: path, "idx dimensions \(shape) are too large") }
            total = product
        }
        let available = bytes.count - headerSize
        guard available >= total else {
            let dims = shape.map(String.init).joined(separator: "×")
            throw DataLoadError(path: path, "truncated idx file: header declares \(dims) \(type) elements (\(total) bytes after the \(headerSize)-byte header) but only \(available) bytes follow")
        }
        guard available == total else {
            throw DataLoadError(path: path, "idx file has \(available - total) unexpected bytes after the \(total) data bytes")
        }
        return IDXArray(elementType: type, shape: shape, bytes: Array(bytes[headerSize...]))
    }

    private static func hex(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
