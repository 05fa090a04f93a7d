import CHDF5

/// A group in an HDF5 file: holds child groups, datasets and attributes.
public struct HDF5Group: Sendable {
    let handle: HDF5ObjectHandle

    /// The group's absolute path inside the file (`/` for the root).
    public var path: String { handle.location.objectPath ?? "/" }
    /// The file the group belongs to.
    public var file: HDF5File { handle.file }

    // MARK: Groups

    /// Creates a child group (no timestamps recorded).
    public func createGroup(_ name: String) throws -> HDF5Group {
        try HDF5Library.withLock {
            let location = handle.location.child(name)
            let gcpl = try location.check(id: H5Pcreate(pl_h5p_group_create()), "H5Pcreate")
            defer { H5Pclose(gcpl) }
            try location.check(H5Pset_obj_track_times(gcpl, false), "H5Pset_obj_track_times")
            let id = try location.check(id: H5Gcreate2(handle.id, name, pl_h5p_default(), gcpl, pl_h5p_default()),
                                        "H5Gcreate2", "cannot create group")
            return HDF5Group(handle: HDF5ObjectHandle(id: id, file: handle.file, location: location))
        }
    }

    /// Opens an existing child group (`name` may be a relative path such as `a/b`).
    public func group(_ name: String) throws -> HDF5Group {
        try HDF5Library.withLock {
            let location = handle.location.child(name)
            guard linkExists(name) else {
                throw HDF5Error(operation: "H5Gopen2", filePath: location.filePath, objectPath: location.objectPath,
                                reason: "no group named '\(name)' in '\(path)'")
            }
            let id = try location.check(id: H5Gopen2(handle.id, name, pl_h5p_default()), "H5Gopen2",
                                        "'\(name)' is not a group")
            return HDF5Group(handle: HDF5ObjectHandle(id: id, file: handle.file, location: location))
        }
    }

    /// Whether a child (group, dataset or other link) called `name` exists; `name` may be a relative path.
    public func contains(_ name: String) -> Bool {
        HDF5Library.withLock { linkExists(name) }
    }

    /// The group's children sorted by name, each marked as group or not (datasets and other objects).
    public func children() throws -> [(name: String, isGroup: Bool)] {
        try HDF5Library.withLock {
            let location = handle.location
            var info = H5G_info_t()
            try location.check(H5Gget_info(handle.id, &info), "H5Gget_info")
            var result: [(name: String, isGroup: Bool)] = []
            for index in 0..<info.nlinks {
                let length = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0,
                                                pl_h5p_default())
                if length < 0 { throw location.error("H5Lget_name_by_idx") }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                if H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count,
                                      pl_h5p_default()) < 0 {
                    throw location.error("H5Lget_name_by_idx")
                }
                let name = String(nulTerminated: buffer)
                let object = H5Oopen(handle.id, name, pl_h5p_default())
                var isGroup = false
                if object >= 0 {
                    isGroup = H5Iget_type(object) == H5I_GROUP
                    H5Oclose(object)
                } else {
                    HDF5Library.clearErrorStack()  // dangling soft/external link: listed, not a group
                }
                result.append((name: name, isGroup: isGroup))
            }
            return result.sorted { $0.name < $1.name }
        }
    }

    // MARK: Datasets

    /// Creates a numeric dataset of `shape` holding `data` (row-major, `data.count` == product of `shape`).
    /// `chunkRows` chunks along dimension 0; `gzipLevel` (0…9) compresses and, without `chunkRows`,
    /// picks chunks of about 1 MiB.
    public func createDataset<T: HDF5Numeric>(_ name: String, shape: [Int], data: UnsafeBufferPointer<T>,
                                              chunkRows: Int? = nil, gzipLevel: Int? = nil) throws -> HDF5Dataset {
        let expected = shape.reduce(1, *)
        guard data.count == expected else {
            let location = handle.location.child(name)
            throw HDF5Error(operation: "createDataset", filePath: location.filePath, objectPath: location.objectPath,
                            reason: "shape \(shape) needs \(expected) elements but \(data.count) were given")
        }
        let dataset = try createEmptyDataset(name, type: T.hdf5ElementType, shape: shape,
                                             chunkRows: chunkRows, gzipLevel: gzipLevel)
        if expected > 0 {
            try HDF5Library.withLock {
                try dataset.handle.location.check(
                    H5Dwrite(dataset.handle.id, T.nativeTypeID, pl_h5s_all(), pl_h5s_all(), pl_h5p_default(),
                             data.baseAddress!), "H5Dwrite")
            }
        }
        return dataset
    }

    /// Creates a numeric dataset of `shape` holding `data`; see the buffer-pointer variant.
    public func createDataset<T: HDF5Numeric>(_ name: String, shape: [Int], data: [T],
                                              chunkRows: Int? = nil, gzipLevel: Int? = nil) throws -> HDF5Dataset {
        try data.withUnsafeBufferPointer {
            try createDataset(name, shape: shape, data: $0, chunkRows: chunkRows, gzipLevel: gzipLevel)
        }
    }

    /// Creates a numeric dataset without writing data, to be filled with `writeRows`.
    /// Datasets with a zero-sized dimension are stored contiguously (HDF5 cannot chunk them).
    public func createEmptyDataset(_ name: String, type: HDF5ElementType, shape: [Int],
                                   chunkRows: Int? = nil, gzipLevel: Int? = nil) throws -> HDF5Dataset {
        try HDF5Library.withLock {
            let location = handle.location.child(name)
            func invalid(_ reason: String) -> HDF5Error {
                HDF5Error(operation: "createDataset", filePath: location.filePath, objectPath: location.objectPath,
                          reason: reason)
            }
            guard let memoryType = type.nativeTypeID else {
                throw invalid("string datasets are written whole with createStringDataset")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw invalid("negative dimension in shape \(shape)") }
            if let gzipLevel, !(0...9).contains(gzipLevel) { throw invalid("gzip level \(gzipLevel) is not in 0…9") }
            if let chunkRows, chunkRows < 1 { throw invalid("chunkRows must be positive, got \(chunkRows)") }

            let space: hid_t
            if shape.isEmpty {
                space = try location.check(id: H5Screate(H5S_SCALAR), "H5Screate")
            } else {
                var dims = shape.map { hsize_t($0) }
                space = try location.check(id: H5Screate_simple(Int32(shape.count), &dims, nil), "H5Screate_simple")
            }
            defer { H5Sclose(space) }

            let dcpl = try location.check(id: H5Pcreate(pl_h5p_dataset_create()), "H5Pcreate")
            defer { H5Pclose(dcpl) }
            try location.check(H5Pset_obj_track_times(dcpl, false), "H5Pset_obj_track_times")
            let canChunk = !shape.isEmpty && !shape.contains(0)
            if canChunk && (chunkRows != nil || gzipLevel != nil) {
                let rowBytes = shape.dropFirst().reduce(type.byteSize, *)
                let rows = chunkRows ?? max(1, (1 << 20) / max(1, rowBytes))
                var chunk = shape.map { hsize_t($0) }
                chunk[0] = hsize_t(min(rows, shape[0]))
                try location.check(H5Pset_chunk(dcpl, Int32(chunk.count), &chunk), "H5Pset_chunk")
                if let gzipLevel {
                    try location.check(H5Pset_deflate(dcpl, UInt32(gzipLevel)), "H5Pset_deflate")
                }
            }
            let dapl = try HDF5Library.datasetAccessPropertyList(location)
            defer { H5Pclose(dapl) }
            let id = try location.check(
                id: H5Dcreate2(handle.id, name, memoryType, space, pl_h5p_default(), dcpl, dapl),
                "H5Dcreate2", "cannot create dataset")
            return try HDF5Dataset(handle: HDF5ObjectHandle(id: id, file: handle.file, location: location))
        }
    }

    /// Creates a 1-D dataset of variable-length UTF-8 strings.
    public func createStringDataset(_ name: String, _ values: [String]) throws -> HDF5Dataset {
        try HDF5Library.withLock {
            let location = handle.location.child(name)
            let type = try HDF5StringIO.variableUTF8Type(location)
            defer { H5Tclose(type) }
            var dims = [hsize_t(values.count)]
            let space = try location.check(id: H5Screate_simple(1, &dims, nil), "H5Screate_simple")
            defer { H5Sclose(space) }
            let dcpl = try location.check(id: H5Pcreate(pl_h5p_dataset_create()), "H5Pcreate")
            defer { H5Pclose(dcpl) }
            try location.check(H5Pset_obj_track_times(dcpl, false), "H5Pset_obj_track_times")
            let id = try location.check(
                id: H5Dcreate2(handle.id, name, type, space, pl_h5p_default(), dcpl, pl_h5p_default()),
                "H5Dcreate2", "cannot create dataset")
            let dataset = try HDF5Dataset(handle: HDF5ObjectHandle(id: id, file: handle.file, location: location))
            if !values.isEmpty {
                try HDF5StringIO.withCStringArray(values) { pointer in
                    try location.check(H5Dwrite(id, type, pl_h5s_all(), pl_h5s_all(), pl_h5p_default(), pointer),
                                       "H5Dwrite")
                }
            }
            return dataset
        }
    }

    /// Opens an existing dataset (`name` may be a relative path such as `a/b`).
    public func dataset(_ name: String) throws -> HDF5Dataset {
        try HDF5Library.withLock {
            let location = handle.location.child(name)
            guard linkExists(name) else {
                throw HDF5Error(operation: "H5Dopen2", filePath: location.filePath, objectPath: location.objectPath,
                                reason: "no dataset named '\(name)' in '\(path)'")
            }
            let dapl = try HDF5Library.datasetAccessPropertyList(location)
            defer { H5Pclose(dapl) }
            let id = try location.check(id: H5Dopen2(handle.id, name, dapl), "H5Dopen2",
                                        "'\(name)' is not a dataset")
            return try HDF5Dataset(handle: HDF5ObjectHandle(id: id, file: handle.file, location: location))
        }
    }

    // MARK: Attributes

    /// Creates or replaces an attribute on this group.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws {
        try HDF5AttributeIO.set(name, value, on: handle)
    }

    /// The attribute's value, or nil when the group has no attribute `name`.
    public func attribute(_ name: String) throws -> HDF5AttributeValue? {
        try HDF5AttributeIO.get(name, on: handle)
    }

    /// The names of this group's attributes, sorted.
    public func attributeNames() throws -> [String] {
        try HDF5AttributeIO.names(on: handle)
    }

    /// Whether each prefix of the relative path `name` exists, so `a/b` with no `a` is false, not an error.
    /// Call with the lock held.
    private func linkExists(_ name: String) -> Bool {
        let components = name.split(separator: "/", omittingEmptySubsequences: true)
        if components.isEmpty { return name.hasPrefix("/") || name == "." }
        var prefix = name.hasPrefix("/") ? "/" : ""
        for component in components {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            let exists = H5Lexists(handle.id, prefix, pl_h5p_default())
            if exists <= 0 {
                if exists < 0 { HDF5Library.clearErrorStack() }
                return false
            }
        }
        return true
    }
}
