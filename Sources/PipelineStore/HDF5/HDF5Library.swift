import CHDF5
import Foundation

/// Process-wide access point to the HDF5 C library: one lock, silenced error printing, error-stack capture.
///
/// HDF5 builds are not reliably thread-safe (Debian 1.10.8 here reports `H5is_library_threadsafe` = 1, but other
/// builds do not, and even thread-safe builds only guard the core API), so every C call made by this module runs
/// inside `withLock`; the executor may run stages on several threads. The lock lives in a `let`
/// static: the reference never changes and the lock object is itself thread-safe, so this is not shared mutable
/// state. It is recursive because a handle's `deinit` (which closes its HDF5 id under the lock) can run while the
/// same thread already holds the lock, e.g. when a temporary group is released inside a locked closure.
enum HDF5Library {
    private static let lock = NSRecursiveLock()

    /// Runs `body` while holding the process-wide HDF5 lock, with HDF5's automatic printing of error stacks to
    /// stderr turned off; errors are collected by `errorStackMessages()` and reported through `HDF5Error`.
    static func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        // In thread-safe builds the error-printing setting is per thread, so it is switched off on every entry
        // (a cheap assignment) rather than once; measured: a once-only setting leaked HDF5-DIAG output from
        // threads that had not run the setup.
        _ = H5Eset_auto2(pl_h5e_default(), nil, nil)
        return try body()
    }

    /// A dataset-access plist with a 32 MiB chunk cache; the caller closes it.
    ///
    /// HDF5's default cache is 1 MiB, smaller than a chunk of 1024 rows × 784 float32 (3.2 MB), so every partial
    /// read or write of such a chunk re-inflated (and on writes re-deflated) it. Measured on 60000×784 float32,
    /// gzip 4, 1024-row chunks: 100-row streaming writes took 31 s instead of 2.6 s for one whole write, and
    /// sequential 256-row reads 8.9 ms per batch.
    static func datasetAccessPropertyList(_ location: HDF5Location) throws -> hid_t {
        let dapl = try location.check(id: H5Pcreate(pl_h5p_dataset_access()), "H5Pcreate")
        if H5Pset_chunk_cache(dapl, 4099, 32 << 20, 0.75) < 0 {
            H5Pclose(dapl)
            throw location.error("H5Pset_chunk_cache")
        }
        return dapl
    }

    /// Reads and clears HDF5's error stack for the current thread: one line per entry, outermost call first.
    /// Must be called with the lock held, right after the failing call.
    static func errorStackMessages() -> [String] {
        final class Collector { var lines: [String] = [] }
        let collector = Collector()
        withExtendedLifetime(collector) {
            let context = Unmanaged.passUnretained(collector).toOpaque()
            _ = H5Ewalk2(pl_h5e_default(), H5E_WALK_DOWNWARD, { _, entry, clientData in
                guard let entry, let clientData else { return 0 }
                let collector = Unmanaged<Collector>.fromOpaque(clientData).takeUnretainedValue()
                var line = entry.pointee.desc.map { String(cString: $0) } ?? ""
                var buffer = [CChar](repeating: 0, count: 256)
                if H5Eget_msg(entry.pointee.min_num, nil, &buffer, buffer.count) > 0 {
                    let minor = String(nulTerminated: buffer)
                    line = line.isEmpty ? minor : "\(line) (\(minor))"
                }
                if !line.isEmpty { collector.lines.append(line) }
                return 0
            }, context)
        }
        _ = H5Eclear2(pl_h5e_default())
        return collector.lines
    }

    /// Discards whatever is on HDF5's error stack (after probing calls whose failure is an expected answer).
    static func clearErrorStack() {
        _ = H5Eclear2(pl_h5e_default())
    }
}

/// Where an HDF5 operation was aimed, carried along so errors can name the file and the object.
struct HDF5Location: Sendable {
    let filePath: String
    let objectPath: String?

    /// The path of a child called `name` below this object.
    func child(_ name: String) -> HDF5Location {
        let base = objectPath ?? "/"
        if name.hasPrefix("/") { return HDF5Location(filePath: filePath, objectPath: name) }
        return HDF5Location(filePath: filePath, objectPath: base.hasSuffix("/") ? base + name : base + "/" + name)
    }

    /// An error for `operation` failing here, with HDF5's error stack attached (call with the lock held).
    func error(_ operation: String, _ reason: String? = nil) -> HDF5Error {
        HDF5Error(operation: operation, filePath: filePath, objectPath: objectPath, reason: reason,
                  hdf5Messages: HDF5Library.errorStackMessages())
    }

    /// Throws if an HDF5 status (`herr_t`) signals failure.
    func check(_ status: herr_t, _ operation: String) throws {
        if status < 0 { throw error(operation) }
    }

    /// Returns `id` or throws if it is an HDF5 failure value.
    func check(id: hid_t, _ operation: String, _ reason: String? = nil) throws -> hid_t {
        if id < 0 { throw error(operation, reason) }
        return id
    }
}

extension String {
    /// Decodes a NUL-terminated C character buffer as UTF-8 (invalid bytes become U+FFFD).
    init(nulTerminated buffer: [CChar]) {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self = String(decoding: bytes, as: UTF8.self)
    }
}
