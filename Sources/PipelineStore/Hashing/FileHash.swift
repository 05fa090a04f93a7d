import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 of files and directory trees.
public enum FileHash {
    /// Hashes a file's contents, streaming it in 1 MiB blocks.
    public static func sha256(ofFile path: String) throws -> SHA256Digest {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError("open", path: path) }
        defer { close(descriptor) }
        var hasher = SHA256Hasher()
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { block.deallocate() }
        while true {
            let count = read(descriptor, block.baseAddress, block.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("read", path: path)
            }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: block[0..<count]))
        }
        return hasher.finalize()
    }

    /// Hashes a directory tree: every entry's relative path (sorted bytewise), its kind, and for files the
    /// content hash, for symbolic links the target. Names, nesting and contents count; permissions and
    /// timestamps do not. Symbolic links are not followed.
    public static func sha256(ofDirectory path: String) throws -> SHA256Digest {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileSystemError("stat", path: path) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FileSystemError("hash directory", path: path, code: ENOTDIR)
        }
        var entries: [(relative: String, kind: UInt8, payload: String)] = []
        try collect(root: path, relative: "", into: &entries)
        entries.sort { $0.relative.utf8.lexicographicallyPrecedes($1.relative.utf8) }
        var hasher = SHA256Hasher()
        // NUL cannot occur in a path, so it separates fields unambiguously.
        for entry in entries {
            hasher.update([entry.kind, 0])
            hasher.update(entry.relative)
            hasher.update([0])
            hasher.update(entry.payload)
            hasher.update([0x0a])
        }
        return hasher.finalize()
    }

    /// Lists `root/relative` recursively, appending (path, kind D/F/L, payload) for each entry.
    private static func collect(root: String, relative: String,
                                into entries: inout [(relative: String, kind: UInt8, payload: String)]) throws {
        let directory = relative.isEmpty ? root : root + "/" + relative
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw FileSystemError("list directory", path: directory, code: 0, detail: "\(error)")
        }
        for name in names {
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            let childPath = root + "/" + childRelative
            var info = stat()
            guard lstat(childPath, &info) == 0 else { throw FileSystemError("lstat", path: childPath) }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                entries.append((childRelative, UInt8(ascii: "D"), ""))
                try collect(root: root, relative: childRelative, into: &entries)
            case S_IFLNK:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: childPath)) ?? ""
                entries.append((childRelative, UInt8(ascii: "L"), target))
            case S_IFREG:
                entries.append((childRelative, UInt8(ascii: "F"), try sha256(ofFile: childPath).hex))
            default:
                throw FileSystemError("hash directory", path: childPath, code: 0,
                                      detail: "not a regular file, directory or symbolic link")
            }
        }
    }
}
