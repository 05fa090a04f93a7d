/// An array read from a NumPy `.npy` file: its shape and values (uint8 kept as bytes, every other type as
/// float32 or int64 as asked).
public struct NPYArray: Sendable, Equatable {
    /// Element types this reader accepts (little-endian; `|u1` has no byte order).
    public enum ElementType: String, Sendable, CaseIterable {
        case uint8 = "u1", int32 = "i4", int64 = "i8", float32 = "f4", float64 = "f8"

        /// Bytes per element.
        public var byteSize: Int {
            switch self {
            case .uint8: return 1
            case .int32, .float32: return 4
            case .int64, .float64: return 8
            }
        }
    }

    /// The element type.
    public let elementType: ElementType
    /// Dimensions, outermost first (C order).
    public let shape: [Int]
    /// The raw little-endian element bytes.
    public let bytes: [UInt8]

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The element at `index` widened to Double (exact for every accepted type except very large int64).
    public func value(at index: Int) -> Double {
        let offset = index * elementType.byteSize
        func word(_ width: Int) -> UInt64 {
            var v: UInt64 = 0
            for b in 0..<width { v |= UInt64(bytes[offset + b]) << (8 * UInt64(b)) }
            return v
        }
        switch elementType {
        case .uint8: return Double(bytes[offset])
        case .int32: return Double(Int32(truncatingIfNeeded: word(4)))
        case .int64: return Double(Int64(bitPattern: word(8)))
        case .float32: return Double(Float(bitPattern: UInt32(word(4))))
        case .float64: return Double(bitPattern: word(8))
        }
    }

    /// Every element as Float (float64 rounded to nearest).
    public func floats() -> [Float] {
        if elementType == .float32 {
            return (0..<count).map { Float(bitPattern: UInt32(bytes[$0 * 4]) | UInt32(bytes[$0 * 4 + 1]) << 8 | UInt32(bytes[$0 * 4 + 2]) << 16 | UInt32(bytes[$0 * 4 + 3]) << 24) }
        }
        return (0..<count).map { Float(value(at: $0)) }
    }
}

/// A reader for NumPy's `.npy` format (versions 1.0, 2.0 and 3.0): the magic `\x93NUMPY`, a version, a header
/// length (2 bytes in v1, 4 in v2/v3), a Python dict literal `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (rows, cols), }`, then the raw data. Accepts little-endian `f4`, `f8`, `i4`, `i8` and `u1` in C order;
/// anything else is an error naming the file and what was found.
public enum NPYReader {
    /// Reads the `.npy` file at `path`.
    public static func read(_ path: String) throws -> NPYArray {
        try parse(Gzip.readFile(path), path: path)
    }

    /// Parses `.npy` bytes.
    public static func parse(_ data: [UInt8], path: String = "<memory>") throws -> NPYArray {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard data.count >= 10, Array(data[0..<6]) == magic else { throw DataLoadError(path: path, "not a .npy file (no \\x93NUMPY magic)") }
        let major = data[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(data[8]) | Int(data[9]) << 8
            headerStart = 10
        case 2, 3:
            guard data.count >= 12 else { throw DataLoadError(path: path, "truncated .npy header") }
            headerLength = Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
            headerStart = 12
        default:
            throw DataLoadError(path: path, ".npy version \(major).\(data[7]) is not supported (expected 1.0, 2.0 or 3.0)")
        }
        guard data.count >= headerStart + headerLength else { throw DataLoadError(path: path, "truncated .npy header") }
        let header = String(decoding: data[headerStart..<(headerStart + headerLength)], as: UTF8.self)

        guard let descr = value(of: "descr", in: header)?.trimmingSet("'\"") else {
            throw DataLoadError(path: path, ".npy header has no 'descr': \(header)")
        }
        let code = descr.dropFirst(descr.hasPrefix("<") || descr.hasPrefix("|") ? 1 : 0)
        guard let type = NPYArray.ElementType(rawValue: String(code)), !descr.hasPrefix(">"), !(descr.hasPrefix("|") && type != .uint8) else {
            throw DataLoadError(path: path, "unsupported .npy dtype '\(descr)' (expected little-endian <f4, <f8, <i4, <i8 or |u1)")
        }
        if value(of: "fortran_order", in: header) == "True" {
            throw DataLoadError(path: path, "Fortran-order .npy arrays are not supported; save with numpy.ascontiguousarray")
        }
        guard let shapeText = value(of: "shape", in: header) else { throw DataLoadError(path: path, ".npy header has no 'shape': \(header)") }
        let shape = try shapeText.trimmingSet("()").split(separator: ",").map { part -> Int in
            guard let n = Int(String(part).trimmingSet(" ")), n >= 0 else { throw DataLoadError(path: path, "bad .npy shape '\(shapeText)'") }
            return n
        }
        let start = headerStart + headerLength
        let needed = shape.reduce(1, *) * type.byteSize
        guard data.count - start >= needed else {
            throw DataLoadError(path: path, ".npy data is truncated: shape \(shape) needs \(needed) bytes, found \(data.count - start)")
        }
        return NPYArray(elementType: type, shape: shape, bytes: Array(data[start..<(start + needed)]))
    }

    /// The raw text of `key`'s value in the header dict (up to the next top-level comma or closing brace).
    private static func value(of key: String, in header: String) -> String? {
        let chars = Array(header)
        let pattern = Array("'\(key)'")
        guard let at = (0...(max(0, chars.count - pattern.count))).first(where: { Array(chars[$0..<min(chars.count, $0 + pattern.count)]) == pattern }) else { return nil }
        var i = at + pattern.count
        while i < chars.count && (chars[i] == " " || chars[i] == ":") { i += 1 }
        var depth = 0, out = ""
        while i < chars.count {
            let c = chars[i]
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if depth == 0 && (c == "," || c == "}") { break }
            out.append(c)
            i += 1
        }
        return out.trimmingSet(" ")
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimmingSet(_ set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
