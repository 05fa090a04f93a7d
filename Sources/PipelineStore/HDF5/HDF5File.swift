import CHDF5

/// An open HDF5 file.
///
/// Groups and datasets obtained from a file keep it alive, so `try HDF5File.open(p).root.dataset("x")` is safe;
/// the file closes itself once neither it nor any of its objects is referenced. `close()` closes it at once
/// (HDF5's "strong" close degree): objects obtained earlier then fail with an `HDF5Error` when used.
public final class HDF5File: Sendable {
    let id: hid_t
    /// The path the file was created or opened with.
    public let path: String
    /// Whether the file was opened for writing.
    public let isWritable: Bool

    private init(id: hid_t, path: String, isWritable: Bool) {
        self.id = id
        self.path = path
        self.isWritable = isWritable
    }

    /// Creates (or truncates) a file; nothing in it records creation or modification times.
    public static func create(_ path: String) throws -> HDF5File {
        try HDF5Library.withLock {
            let location = HDF5Location(filePath: path, objectPath: nil)
            let fcpl = try location.check(id: H5Pcreate(pl_h5p_file_create()), "H5Pcreate")
            defer { H5Pclose(fcpl) }
            // The root group takes its object-creation properties from the file-creation plist.
            try location.check(H5Pset_obj_track_times(fcpl, false), "H5Pset_obj_track_times")
            let fapl = try accessPropertyList(location)
            defer { H5Pclose(fapl) }
            let id = try location.check(id: H5Fcreate(path, pl_h5f_acc_trunc(), fcpl, fapl), "H5Fcreate",
                                        "cannot create file")
            return HDF5File(id: id, path: path, isWritable: true)
        }
    }

    /// Opens an existing file, read-only unless `writable`.
    public static func open(_ path: String, writable: Bool = false) throws -> HDF5File {
        try HDF5Library.withLock {
            let location = HDF5Location(filePath: path, objectPath: nil)
            let probe = H5Fis_hdf5(path)
            if probe == 0 {
                HDF5Library.clearErrorStack()
                throw HDF5Error(operation: "H5Fopen", filePath: path, objectPath: nil,
                                reason: "not an HDF5 file (no HDF5 signature)")
            }
            if probe < 0 {
                throw location.error("H5Fopen", "file is missing or unreadable")
            }
            let fapl = try accessPropertyList(location)
            defer { H5Pclose(fapl) }
            let flags = writable ? pl_h5f_acc_rdwr() : pl_h5f_acc_rdonly()
            let id = try location.check(id: H5Fopen(path, flags, fapl), "H5Fopen", "cannot open file")
            return HDF5File(id: id, path: path, isWritable: writable)
        }
    }

    /// Whether `path` is a readable HDF5 file; false for missing, unreadable or non-HDF5 files.
    public static func isHDF5(_ path: String) -> Bool {
        HDF5Library.withLock {
            let result = H5Fis_hdf5(path)
            if result < 0 { HDF5Library.clearErrorStack() }
            return result > 0
        }
    }

    /// The root group `/`. After `close()` it is an invalid group whose every operation throws.
    public var root: HDF5Group {
        HDF5Library.withLock {
            let groupID = H5Gopen2(id, "/", pl_h5p_default())
            if groupID < 0 { HDF5Library.clearErrorStack() }
            return HDF5Group(handle: HDF5ObjectHandle(id: groupID, file: self,
                                                     location: HDF5Location(filePath: path, objectPath: "/")))
        }
    }

    /// Writes buffered data and metadata to disk without closing.
    public func flush() throws {
        try HDF5Library.withLock {
            try HDF5Location(filePath: path, objectPath: nil).check(H5Fflush(id, H5F_SCOPE_GLOBAL), "H5Fflush")
        }
    }

    /// Flushes and closes the file and every object opened through it. Closing twice is a no-op.
    public func close() throws {
        try HDF5Library.withLock {
            guard HDF5ObjectHandle.isValid(id) else { return }
            let location = HDF5Location(filePath: path, objectPath: nil)
            if isWritable { try location.check(H5Fflush(id, H5F_SCOPE_GLOBAL), "H5Fflush") }
            try location.check(H5Fclose(id), "H5Fclose")
        }
    }

    deinit {
        let id = self.id
        HDF5Library.withLock {
            if HDF5ObjectHandle.isValid(id), H5Fclose(id) < 0 { HDF5Library.clearErrorStack() }
        }
    }

    /// A file-access plist with the strong close degree (close() closes every object of the file).
    private static func accessPropertyList(_ location: HDF5Location) throws -> hid_t {
        let fapl = try location.check(id: H5Pcreate(pl_h5p_file_access()), "H5Pcreate")
        if H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 {
            H5Pclose(fapl)
            throw location.error("H5Pset_fclose_degree")
        }
        return fapl
    }
}
