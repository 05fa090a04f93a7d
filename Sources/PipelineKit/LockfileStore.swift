import Foundation
import PipelinePlan
import PipelineStore
import Yams

/// Reads and writes lockfiles as YAML with sorted keys (stable diffs in git), atomically.
public enum LockfileStore {
    /// The lockfile at `path`; an empty one when absent. A damaged lockfile is reported and read as empty
    /// (everything re-runs or restores from the cache) rather than blocking the run.
    public static func read(_ path: String, pipeline: String, warn: (String) -> Void = { _ in }) -> Lockfile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return Lockfile(pipeline: pipeline)
        }
        do {
            return try YAMLDecoder().decode(Lockfile.self, from: text)
        } catch {
            warn("ignoring unreadable lockfile \(path): \(error)")
            return Lockfile(pipeline: pipeline)
        }
    }

    /// The YAML text of a lockfile.
    public static func encode(_ lockfile: Lockfile) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        encoder.options.width = -1
        return "# Written by `pipeline run`: what was run. Commit it; do not edit it.\n" + (try encoder.encode(lockfile))
    }

    /// Writes the lockfile atomically.
    public static func write(_ lockfile: Lockfile, to path: String) throws {
        try AtomicFile.write(Data(try encode(lockfile).utf8), to: path)
    }
}
