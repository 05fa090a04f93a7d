import Foundation
import PipelineSpec
import Stages

/// The trials of one job array, written by the search's process and read by each array task: the target
/// stage and one list of overrides per task index. Values keep their exact type and bits (a double that
/// happens to be whole stays a double), so a trial on the cluster has the fingerprints of the same trial
/// run locally.
struct TrialBatchFile: Codable, Equatable {
    /// The stage whose upstream each trial runs.
    let target: String
    /// Overrides by task index.
    let trials: [[Override]]

    /// One override, as stored.
    struct Override: Codable, Equatable {
        let stage: String
        let path: [String]
        let value: ExactValue
    }

    init(target: String, batch: [[TrialOverride]]) {
        self.target = target
        trials = batch.map { $0.map { Override(stage: $0.stage, path: $0.path, value: ExactValue($0.value)) } }
    }

    /// The overrides of task `index`.
    func overrides(_ index: Int) throws -> [TrialOverride] {
        guard trials.indices.contains(index) else {
            throw StageError("trial batch has \(trials.count) trials; there is no trial \(index)")
        }
        return trials[index].map { TrialOverride(stage: $0.stage, path: $0.path, value: $0.value.value) }
    }

    /// Writes the file atomically (temporary file, then rename).
    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads a file written by `write(to:)`.
    static func read(_ path: String) throws -> TrialBatchFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw StageError("cannot read trial batch file \(path)") }
        do {
            return try JSONDecoder().decode(TrialBatchFile.self, from: data)
        } catch {
            throw StageError("trial batch file \(path) is not valid: \(error)")
        }
    }
}

/// A `ParamValue` tagged with its case; doubles travel as their bit pattern.
struct ExactValue: Codable, Equatable {
    let value: ParamValue

    init(_ value: ParamValue) { self.value = value }

    private enum Key: String, CodingKey { case null, bool, int, double, string, list, map }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an empty value"))
        }
        switch key {
        case .null: value = .null
        case .bool: value = .bool(try container.decode(Bool.self, forKey: key))
        case .int: value = .int(try container.decode(Int.self, forKey: key))
        case .double: value = .double(Double(bitPattern: try container.decode(UInt64.self, forKey: key)))
        case .string: value = .string(try container.decode(String.self, forKey: key))
        case .list: value = .list(try container.decode([ExactValue].self, forKey: key).map(\.value))
        case .map: value = .map(try container.decode([String: ExactValue].self, forKey: key).mapValues(\.value))
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch value {
        case .null: try container.encode(true, forKey: .null)
        case .bool(let b): try container.encode(b, forKey: .bool)
        case .int(let i): try container.encode(i, forKey: .int)
        case .double(let d): try container.encode(d.bitPattern, forKey: .double)
        case .string(let s): try container.encode(s, forKey: .string)
        case .list(let l): try container.encode(l.map(ExactValue.init), forKey: .list)
        case .map(let m): try container.encode(m.mapValues(ExactValue.init), forKey: .map)
        }
    }
}
