import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file replacement and publishing of finished directories.
///
/// Readers see either the old file or the complete new one, never a partial write: data goes to a uniquely
/// named temporary file in the same directory (so the rename stays on one file system), is fsynced, and is
/// renamed over the target. The temporary file is removed on any failure.
public enum AtomicFile {
    /// Atomically replaces `path` with `bytes`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write(contentsOf: $0, to: path) }
    }

    /// Atomically replaces `path` with `data`.
    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write(contentsOf: $0, to: path) }
    }

    /// Atomically replaces `path` with the UTF-8 bytes of `string`.
    public static func write(_ string: String, to path: String) throws {
        try write(Array(string.utf8), to: path)
    }

    /// Atomically replaces `path` with `buffer`'s bytes (mode 0644 before the umask).
    public static func write(contentsOf buffer: UnsafeRawBufferPointer, to path: String) throws {
        let temporary = temporarySibling(of: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystemError("create temporary file", path: temporary) }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(descriptor) }
            if !renamed { unlink(temporary) }
        }
        var offset = 0
        while offset < buffer.count {
            let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("write", path: temporary)
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw FileSystemError("fsync", path: temporary) }
        closed = true
        guard close(descriptor) == 0 else { throw FileSystemError("close", path: temporary) }
        guard rename(temporary, path) == 0 else { throw FileSystemError("rename into place", path: path) }
        renamed = true
        syncParentDirectory(of: path)
    }

    /// Publishes a finished temporary file or directory under its final name, never replacing an existing one.
    ///
    /// Returns true if `temporary` now lives at `final`, false if `final` already existed (a concurrent
    /// writer won); then `temporary` is left untouched for the caller to remove. Files are published with
    /// `link` + `unlink`, which cannot replace. Directories use `rename`, which fails on a non-empty target;
    /// an existing *empty* target directory can be replaced in a race, which is harmless for content-addressed
    /// outputs. Both must be on the same file system.
    public static func moveIntoPlace(from temporary: String, to final: String) throws -> Bool {
        var info = stat()
        guard lstat(temporary, &info) == 0 else { throw FileSystemError("stat", path: temporary) }
        var existing = stat()
        if lstat(final, &existing) == 0 { return false }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if rename(temporary, final) != 0 {
                if errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR { return false }
                throw FileSystemError("rename into place", path: final, detail: "from '\(temporary)'")
            }
        } else {
            if link(temporary, final) != 0 {
                if errno == EEXIST { return false }
                throw FileSystemError("link into place", path: final, detail: "from '\(temporary)'")
            }
            unlink(temporary)
        }
        syncParentDirectory(of: final)
        return true
    }

    /// A unique, hidden name next to `path` (same directory, so renames stay on one file system).
    public static func temporarySibling(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let token = String(UInt64.random(in: .min ... .max), radix: 36)
        return directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-" + token
    }

    /// POSIX `write`, named apart from this type's own `write` methods.
    private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(descriptor, bytes, count)
        #else
        return Darwin.write(descriptor, bytes, count)
        #endif
    }

    /// Makes a completed rename durable. Failure only weakens durability (some file systems refuse
    /// to fsync directories), so it is ignored.
    private static func syncParentDirectory(of path: String) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
