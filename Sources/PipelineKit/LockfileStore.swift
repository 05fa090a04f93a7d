import Foundation
import PipelinePlan
import PipelineSpec
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
            return try decode(text)
        } catch {
            warn("ignoring unreadable lockfile \(path): \(error)")
            return Lockfile(pipeline: pipeline)
        }
    }

    /// Parses lockfile text.
    public static func decode(_ text: String) throws -> Lockfile {
        try YAMLDecoder().decode(Lockfile.self, from: text)
    }

    /// The YAML text of a lockfile: sorted keys, readable numbers, the same bytes for the same content.
    public static func encode(_ lockfile: Lockfile) throws -> String {
        "# Written by `pipeline run`: what was run. Commit it; do not edit it.\n" + YAMLText.document(value(of: lockfile))
    }

    static func value(of lockfile: Lockfile) -> ParamValue {
        func hashes(_ m: [String: String]) -> ParamValue { .map(m.mapValues { .string($0) }) }
        return .map([
            "lockfile": .int(lockfile.lockfile),
            "pipeline": .string(lockfile.pipeline),
            "stages": .map(lockfile.stages.mapValues { record in
                .map([
                    "kind": .string(record.kind), "fingerprint": .string(record.fingerprint), "seed": .int(Int(record.seed)),
                    "params": .map(record.params), "inputs": hashes(record.inputs), "sources": hashes(record.sources), "files": hashes(record.files),
                    "outputs": .map(record.outputs.mapValues { .map(["type": .string($0.type), "hash": .string($0.hash), "bytes": .int(Int($0.bytes))]) }),
                    "metrics": .map(record.metrics.mapValues { .double($0) }), "seconds": .double(record.seconds),
                ])
            }),
        ])
    }

    /// Writes the lockfile atomically.
    public static func write(_ lockfile: Lockfile, to path: String) throws {
        try AtomicFile.write(Data(try encode(lockfile).utf8), to: path)
    }
}
