import CHDF5

/// A dataset in an HDF5 file: an n-dimensional array of one element type, plus attributes.
public struct HDF5Dataset: Sendable {
    let handle: HDF5ObjectHandle
    /// Dimensions, outermost first (`[]` for a scalar).
    public let shape: [Int]
    /// The element type (int8 reports `.int8`; other integers narrower than 32 bits report `.int32`, see `HDF5ElementType`).
    public let elementType: HDF5ElementType
    /// Chunk dimensions when the dataset is chunked, else nil.
    public let chunkShape: [Int]?
    /// The deflate level when the dataset is gzip-compressed, else nil.
    public let gzipLevel: Int?

    /// The dataset's absolute path inside the file.
    public var path: String { handle.location.objectPath ?? "/" }
    /// The number of elements (product of `shape`).
    public var count: Int { shape.reduce(1, *) }

    /// Reads the dataset's metadata (call with the lock held).
    init(handle: HDF5ObjectHandle) throws {
        self.handle = handle
        let location = handle.location
        let space = try location.check(id: H5Dget_space(handle.id), "H5Dget_space")
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        if rank < 0 { throw location.error("H5Sget_simple_extent_ndims") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0, H5Sget_simple_extent_dims(space, &dims, nil) < 0 {
            throw location.error("H5Sget_simple_extent_dims")
        }
        shape = dims.map { Int($0) }

        let type = try location.check(id: H5Dget_type(handle.id), "H5Dget_type")
        defer { H5Tclose(type) }
        guard let elementType = HDF5ElementType.from(typeID: type) else {
            throw HDF5Error(operation: "H5Dopen2", filePath: location.filePath, objectPath: location.objectPath,
                            reason: "unsupported element type (class \(H5Tget_class(type).rawValue), \(H5Tget_size(type)) bytes)")
        }
        self.elementType = elementType

        let dcpl = try location.check(id: H5Dget_create_plist(handle.id), "H5Dget_create_plist")
        defer { H5Pclose(dcpl) }
        if H5Pget_layout(dcpl) == H5D_CHUNKED {
            var chunk = [hsize_t](repeating: 0, count: max(1, Int(rank)))
            let chunkRank = H5Pget_chunk(dcpl, Int32(chunk.count), &chunk)
            if chunkRank < 0 { throw location.error("H5Pget_chunk") }
            chunkShape = chunk.prefix(Int(chunkRank)).map { Int($0) }
        } else {
            chunkShape = nil
        }
        var level: Int?
        let filterCount = H5Pget_nfilters(dcpl)
        if filterCount > 0 {
            for index in 0..<UInt32(filterCount) {
                var flags: UInt32 = 0
                var valueCount = 8
                var values = [UInt32](repeating: 0, count: 8)
                var config: UInt32 = 0
                let filter = H5Pget_filter2(dcpl, index, &flags, &valueCount, &values, 0, nil, &config)
                if filter == H5Z_FILTER_DEFLATE { level = valueCount > 0 ? Int(values[0]) : 6 }
            }
        }
        gzipLevel = level
    }

    // MARK: Numbers

    /// Reads the whole dataset as `T`, letting HDF5 convert between numeric types (e.g. uint8 → Float).
    public func read<T: HDF5Numeric>(as type: T.Type = T.self) throws -> [T] {
        try requireNumeric("H5Dread")
        let total = count
        return try [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            if total > 0 {
                try HDF5Library.withLock {
                    try handle.location.check(
                        H5Dread(handle.id, T.nativeTypeID, pl_h5s_all(), pl_h5s_all(), pl_h5p_default(),
                                buffer.baseAddress!), "H5Dread")
                }
            }
            initialized = total
        }
    }

    /// Reads rows `rows` (along dimension 0) as `T`; only that hyperslab is read from disk.
    public func readRows<T: HDF5Numeric>(_ rows: Range<Int>, as type: T.Type = T.self) throws -> [T] {
        let total = rows.count * rowElementCount
        return try [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            try readRows(rows, into: buffer)
            initialized = total
        }
    }

    /// Reads rows `rows` into `buffer`, whose count must be `rows.count` × elements per row.
    public func readRows<T: HDF5Numeric>(_ rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws {
        try transferRows(rows, count: buffer.count, operation: "H5Dread") { memorySpace, fileSpace in
            H5Dread(handle.id, T.nativeTypeID, memorySpace, fileSpace, pl_h5p_default(), buffer.baseAddress!)
        }
    }

    /// Writes rows `rows` (along dimension 0) from `data`, whose count must be `rows.count` × elements per row.
    public func writeRows<T: HDF5Numeric>(_ rows: Range<Int>, data: UnsafeBufferPointer<T>) throws {
        try transferRows(rows, count: data.count, operation: "H5Dwrite") { memorySpace, fileSpace in
            H5Dwrite(handle.id, T.nativeTypeID, memorySpace, fileSpace, pl_h5p_default(), data.baseAddress!)
        }
    }

    /// Writes rows `rows` from an array; see the buffer-pointer variant.
    public func writeRows<T: HDF5Numeric>(_ rows: Range<Int>, data: [T]) throws {
        try data.withUnsafeBufferPointer { try writeRows(rows, data: $0) }
    }

    /// Elements per row: the product of all dimensions after the first.
    public var rowElementCount: Int { shape.dropFirst().reduce(1, *) }

    // MARK: Strings

    /// Reads a string dataset (variable-length or fixed-size) as Swift strings, in row-major order.
    public func readStrings() throws -> [String] {
        try HDF5Library.withLock {
            let location = handle.location
            let type = try location.check(id: H5Dget_type(handle.id), "H5Dget_type")
            defer { H5Tclose(type) }
            let space = try location.check(id: H5Dget_space(handle.id), "H5Dget_space")
            defer { H5Sclose(space) }
            return try HDF5StringIO.read(count: count, fileType: type, space: space, location: location,
                                         operation: "H5Dread") {
                H5Dread(handle.id, $0, pl_h5s_all(), pl_h5s_all(), pl_h5p_default(), $1)
            }
        }
    }

    // MARK: Attributes

    /// Creates or replaces an attribute on this dataset.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws {
        try HDF5AttributeIO.set(name, value, on: handle)
    }

    /// The attribute's value, or nil when the dataset has no attribute `name`.
    public func attribute(_ name: String) throws -> HDF5AttributeValue? {
        try HDF5AttributeIO.get(name, on: handle)
    }

    /// The names of this dataset's attributes, sorted.
    public func attributeNames() throws -> [String] {
        try HDF5AttributeIO.names(on: handle)
    }

    // MARK: Private

    private func invalid(_ operation: String, _ reason: String) -> HDF5Error {
        HDF5Error(operation: operation, filePath: handle.location.filePath, objectPath: handle.location.objectPath,
                  reason: reason)
    }

    private func requireNumeric(_ operation: String) throws {
        if elementType == .string { throw invalid(operation, "dataset holds strings; use readStrings()") }
    }

    /// Selects `rows` in the file and a matching memory space, then runs `transfer(memorySpace, fileSpace)`.
    private func transferRows(_ rows: Range<Int>, count: Int, operation: String,
                              _ transfer: (hid_t, hid_t) -> herr_t) throws {
        try requireNumeric(operation)
        guard !shape.isEmpty else { throw invalid(operation, "a scalar dataset has no rows") }
        guard rows.lowerBound >= 0, rows.upperBound <= shape[0] else {
            throw invalid(operation, "rows \(rows.lowerBound)..<\(rows.upperBound) outside 0..<\(shape[0])")
        }
        let expected = rows.count * rowElementCount
        guard count == expected else {
            throw invalid(operation, "\(rows.count) rows need \(expected) elements, buffer has \(count)")
        }
        if expected == 0 { return }
        try HDF5Library.withLock {
            let location = handle.location
            let fileSpace = try location.check(id: H5Dget_space(handle.id), "H5Dget_space")
            defer { H5Sclose(fileSpace) }
            var start = [hsize_t](repeating: 0, count: shape.count)
            start[0] = hsize_t(rows.lowerBound)
            var extent = shape.map { hsize_t($0) }
            extent[0] = hsize_t(rows.count)
            try location.check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &extent, nil),
                               "H5Sselect_hyperslab")
            let memorySpace = try location.check(id: H5Screate_simple(Int32(extent.count), &extent, nil),
                                                 "H5Screate_simple")
            defer { H5Sclose(memorySpace) }
            try location.check(transfer(memorySpace, fileSpace), operation)
        }
    }
}
