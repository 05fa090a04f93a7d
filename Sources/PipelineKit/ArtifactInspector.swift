import Foundation
import PipelineStore
import Stages

/// Describes what an artifact holds (`pipeline show`): for HDF5, every group and dataset with shape,
/// dtype, chunking, compression and attributes, and the values of small datasets; for a directory, its files.
public enum ArtifactInspector {
    /// Datasets with at most this many elements have their values printed.
    static let smallDatasetLimit = 64
    /// Attributes listed in full however long (the columns a feature-selection step kept).
    static let fullListAttributes: Set<String> = ["selected_names"]

    /// A human-readable description of the file or directory at `path`.
    public static func describe(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CacheError("'\(path)' does not exist")
        }
        if isDirectory.boolValue {
            let files = try FileManager.default.subpathsOfDirectory(atPath: path).sorted()
            return "\(path): directory of \(files.count) entr\(files.count == 1 ? "y" : "ies")\n" + files.map { "  \($0)" }.joined(separator: "\n") + "\n"
        }
        guard HDF5File.isHDF5(path) else {
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            return "\(path): \(size) bytes (not HDF5)\n"
        }
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        var lines: [String] = ["\(path)"]
        try describeGroup(file.root, name: "/", depth: 0, into: &lines)
        if let table = try NetworkStorageReport.lines(for: path) { lines += table }
        return lines.joined(separator: "\n") + "\n" + (try sparsityTable(path) ?? "")
    }

    private static func describeGroup(_ group: HDF5Group, name: String, depth: Int, into lines: inout [String]) throws {
        let pad = String(repeating: "  ", count: depth)
        lines.append("\(pad)\(name) (group)")
        for attribute in try group.attributeNames() {
            let value = try group.attribute(attribute)
            if fullListAttributes.contains(attribute), case .strings(let names)? = value {
                lines.append("\(pad)  @\(attribute) = \(names.count) kept: " + names.joined(separator: ", "))
            } else {
                lines.append("\(pad)  @\(attribute) = \(format(value))")
            }
        }
        for child in try group.children() {
            if child.isGroup {
                try describeGroup(try group.group(child.name), name: child.name + "/", depth: depth + 1, into: &lines)
            } else {
                let dataset = try group.dataset(child.name)
                var line = "\(pad)  \(child.name): \(dataset.elementType.rawValue) \(dataset.shape.map(String.init).joined(separator: "×"))"
                if let chunk = dataset.chunkShape { line += ", chunks \(chunk.map(String.init).joined(separator: "×"))" }
                if let level = dataset.gzipLevel { line += ", gzip \(level)" }
                lines.append(line)
                for attribute in try dataset.attributeNames() {
                    lines.append("\(pad)    @\(attribute) = \(format(try dataset.attribute(attribute)))")
                }
                if dataset.count <= smallDatasetLimit {
                    lines.append("\(pad)    = \(try values(dataset))")
                }
            }
        }
    }

    private static func values(_ dataset: HDF5Dataset) throws -> String {
        switch dataset.elementType {
        case .string: return "[" + (try dataset.readStrings()).map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .float32, .float64: return "[" + (try dataset.read(as: Double.self)).map { String(format: "%.6g", $0) }.joined(separator: ", ") + "]"
        default: return "[" + (try dataset.read(as: Int64.self)).map(String.init).joined(separator: ", ") + "]"
        }
    }

    private static func format(_ value: HDF5AttributeValue?) -> String {
        switch value {
        case .string(let s)?: return "\"\(s)\""
        case .strings(let s)?:
            let shown = s.prefix(12).map { "\"\($0)\"" }.joined(separator: ", ")
            return "[" + shown + (s.count > 12 ? ", … (\(s.count) in all)" : "") + "]"
        case .int(let i)?: return String(i)
        case .ints(let i)?: return "[" + i.map(String.init).joined(separator: ", ") + "]"
        case .double(let d)?: return String(format: "%.6g", d)
        case .doubles(let d)?: return "[" + d.map { String(format: "%.6g", $0) }.joined(separator: ", ") + "]"
        case nil: return "?"
        }
    }
}
