import Foundation

/// An exclusive advisory lock (flock) on `.pipeline/lock`, so two `pipeline run`s never write the same
/// cache and lockfile at once. The OS drops it when the process dies, so a killed run never leaves a
/// stale lock behind.
public final class WorkspaceLock {
    private let descriptor: Int32
    /// The lock file's path.
    public let path: String

    /// Takes the lock, waiting up to `timeout` seconds (0 = fail at once) for another holder to finish.
    /// Throws with the holder's pid (written into the file) when the lock stays taken.
    public init(path: String, timeout: Double) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CacheError("cannot open the workspace lock '\(path)': \(String(cString: strerror(errno)))") }
        let deadline = Date().addingTimeInterval(timeout)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(fd)
                throw CacheError("cannot lock '\(path)': \(String(cString: strerror(errno)))")
            }
            if Date() >= deadline {
                var buffer = [UInt8](repeating: 0, count: 32)
                let n = pread(fd, &buffer, 31, 0)
                let holder = n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
                close(fd)
                throw CacheError("another pipeline run (pid \(holder)) holds the workspace lock '\(path)'; wait for it to finish or pass --wait SECONDS")
            }
            usleep(50_000)
        }
        descriptor = fd
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
