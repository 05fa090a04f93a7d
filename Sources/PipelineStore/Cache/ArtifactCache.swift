import Foundation

/// The workspace's content-addressed store (`.pipeline/`).
///
/// Layout:
/// - `objects/ab/cdef…`: artifacts by SHA-256 of their content (files, or directories for file sets);
///   read-only once stored.
/// - `runs/<fingerprint>.json`: which objects a stage run with that fingerprint produced (a run cache,
///   so switching a parameter back is a cache hit even after the lockfile moved on).
/// - `tmp/`: scratch directories for running stages; moved into `objects/` only when complete.
/// - `checkpoints/<fingerprint>/`: resumable state of an unfinished run (e.g. training epochs).
///
/// Every write is temp-then-rename, so a crash or kill leaves at worst unreferenced temp files, never a
/// half-written object or run record; a run record whose objects are missing or whose JSON is damaged
/// reads as a miss.
public struct ArtifactCache: Sendable {
    /// The `.pipeline` directory.
    public let root: String

    /// A cache rooted at `root` (created on first write).
    public init(root: String) {
        self.root = root
    }

    /// Directory of stored objects.
    public var objectsDirectory: String { root + "/objects" }
    /// Directory of run records.
    public var runsDirectory: String { root + "/runs" }
    /// Directory for scratch space.
    public var tmpDirectory: String { root + "/tmp" }

    /// A directory that survives failed and killed attempts of the run with this fingerprint (training
    /// checkpoints live there, so a re-run resumes); removed once the run's outputs are stored.
    public func checkpointDirectory(_ fingerprint: String) -> String {
        "\(root)/checkpoints/\(fingerprint)"
    }

    /// Where the object with this content hash lives.
    public func objectPath(_ hash: String) -> String {
        "\(objectsDirectory)/\(hash.prefix(2))/\(hash.dropFirst(2))"
    }

    /// True when the object exists (and, for files, has the recorded size).
    public func hasObject(hash: String, bytes: Int64) -> Bool {
        var isDirectory: ObjCBool = false
        let path = objectPath(hash)
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        if isDirectory.boolValue { return true }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        return size == bytes
    }

    /// A new empty scratch directory under `tmp/`.
    public func makeScratchDirectory(label: String) throws -> String {
        let path = "\(tmpDirectory)/\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Moves a finished file or directory into the object store under its content hash and returns the
    /// hash and size. If the object already exists the new copy is discarded (same content, same name).
    public func store(_ path: String) throws -> (hash: String, bytes: Int64) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CacheError("cannot store '\(path)': it does not exist")
        }
        let hash = isDirectory.boolValue ? try FileHash.sha256(ofDirectory: path).hex : try FileHash.sha256(ofFile: path).hex
        let bytes = try Self.size(of: path)
        let destination = objectPath(hash)
        try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: destination) {
            try? FileManager.default.removeItem(atPath: path)
        } else {
            Self.makeReadOnly(path)
            if rename(path, destination) != 0 {
                let code = errno
                if !FileManager.default.fileExists(atPath: destination) {
                    throw CacheError("cannot move '\(path)' into the cache: \(String(cString: strerror(code)))")
                }
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        return (hash, bytes)
    }

    /// The run record stored for a fingerprint, or nil when absent, unreadable, or any object it names is gone.
    public func runRecord(_ fingerprint: String) -> RunRecord? {
        let path = "\(runsDirectory)/\(fingerprint).json"
        guard let data = FileManager.default.contents(atPath: path),
              let record = try? JSONDecoder().decode(RunRecord.self, from: data),
              record.fingerprint == fingerprint,
              record.outputs.values.allSatisfy({ hasObject(hash: $0.hash, bytes: $0.bytes) }) else { return nil }
        return record
    }

    /// Saves a run record atomically.
    public func saveRunRecord(_ record: RunRecord) throws {
        try FileManager.default.createDirectory(atPath: runsDirectory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(record), to: "\(runsDirectory)/\(record.fingerprint).json")
    }

    /// Removes scratch directories left by interrupted runs (call while holding the workspace lock).
    public func clearScratch() {
        try? FileManager.default.removeItem(atPath: tmpDirectory)
    }

    static func size(of path: String) throws -> Int64 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
        if !isDirectory.boolValue {
            return (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        }
        var total: Int64 = 0
        for child in try FileManager.default.subpathsOfDirectory(atPath: path) {
            let full = path + "/" + child
            var childIsDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                total += (try FileManager.default.attributesOfItem(atPath: full)[.size] as? NSNumber)?.int64Value ?? 0
            }
        }
        return total
    }

    // Objects are shared by every run that produced the same bytes; read-only guards them against edits.
    private static func makeReadOnly(_ path: String) {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            for child in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
                var childIsDirectory: ObjCBool = false
                let full = path + "/" + child
                _ = FileManager.default.fileExists(atPath: full, isDirectory: &childIsDirectory)
                if !childIsDirectory.boolValue { chmod(full, 0o444) }
            }
        } else {
            chmod(path, 0o444)
        }
    }
}

/// What one stage run stored: the objects for each output, plus the metrics it reported.
public struct RunRecord: Codable, Sendable, Equatable {
    /// The fingerprint (cache key).
    public var fingerprint: String
    /// Each output's type name, content hash and size.
    public var outputs: [String: StoredObject]
    /// Metrics the stage reported.
    public var metrics: [String: Double]
    /// Wall time of the run, seconds.
    public var seconds: Double

    /// Creates a run record.
    public init(fingerprint: String, outputs: [String: StoredObject], metrics: [String: Double], seconds: Double) {
        self.fingerprint = fingerprint
        self.outputs = outputs
        self.metrics = metrics
        self.seconds = seconds
    }
}

/// One stored output of a run.
public struct StoredObject: Codable, Sendable, Equatable {
    /// The artifact type's name.
    public var type: String
    /// Content hash (object name).
    public var hash: String
    /// Size in bytes.
    public var bytes: Int64

    /// Creates a stored-object entry.
    public init(type: String, hash: String, bytes: Int64) {
        self.type = type
        self.hash = hash
        self.bytes = bytes
    }
}

/// A cache operation that failed, with the path and the system's reason.
public struct CacheError: Error, CustomStringConvertible, Sendable {
    /// What failed.
    public let description: String
    public init(_ description: String) { self.description = description }
}
