import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing string elements (shared by datasets and attributes). All functions expect the lock held.
enum HDF5StringIO {
    /// A new variable-length UTF-8 string type; the caller closes it with `H5Tclose`.
    static func variableUTF8Type(_ location: HDF5Location) throws -> hid_t {
        let type = try location.check(id: H5Tcopy(pl_h5t_c_s1()), "H5Tcopy")
        if H5Tset_size(type, pl_h5t_variable()) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0 {
            H5Tclose(type)
            throw location.error("H5Tset_size/H5Tset_cset")
        }
        return type
    }

    /// Calls `body` with a contiguous array of NUL-terminated UTF-8 copies of `values`, freed afterwards.
    /// Text after an embedded NUL is not representable in an HDF5 C string and is cut off.
    static func withCStringArray<R>(_ values: [String], _ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = values.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return try pointers.withUnsafeMutableBufferPointer { buffer in
            try body(UnsafeRawPointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!))
        }
    }

    /// Reads `count` strings stored with `fileType`, whether variable-length or fixed-size.
    /// `space` describes the selection being read (needed to reclaim variable-length memory);
    /// `read` performs `H5Dread`/`H5Aread` into the given buffer with the given memory type.
    static func read(count: Int, fileType: hid_t, space: hid_t, location: HDF5Location, operation: String,
                     read: (_ memoryType: hid_t, _ buffer: UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
        guard H5Tget_class(fileType) == H5T_STRING else {
            throw HDF5Error(operation: operation, filePath: location.filePath, objectPath: location.objectPath,
                            reason: "elements are not strings")
        }
        if count == 0 { return [] }
        let memoryType = try location.check(id: H5Tcopy(fileType), "H5Tcopy")
        defer { H5Tclose(memoryType) }
        let isVariable = H5Tis_variable_str(fileType)
        if isVariable < 0 { throw location.error("H5Tis_variable_str") }
        if isVariable > 0 {
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            return try pointers.withUnsafeMutableBufferPointer { buffer in
                let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
                try location.check(read(memoryType, raw), operation)
                defer { _ = H5Dvlen_reclaim(memoryType, space, pl_h5p_default(), raw) }
                return buffer.map { $0.map { String(cString: $0) } ?? "" }
            }
        }
        let size = H5Tget_size(fileType)
        let spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD
        var bytes = [UInt8](repeating: 0, count: count * size)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            try location.check(read(memoryType, UnsafeMutableRawPointer(buffer.baseAddress!)), operation)
            return (0..<count).map { index in
                var element = buffer[(index * size)..<((index + 1) * size)]
                if let nul = element.firstIndex(of: 0) { element = element[..<nul] }
                if spacePadded { while element.last == 0x20 { element = element.dropLast() } }
                return String(decoding: element, as: UTF8.self)
            }
        }
    }
}
