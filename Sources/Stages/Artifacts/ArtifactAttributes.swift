import PipelineStore

extension HDF5Group {
    /// A list-of-strings attribute (a single string reads as one element); empty when absent.
    func stringList(_ name: String) throws -> [String] {
        switch try attribute(name) {
        case .strings(let values)?: return values
        case .string(let value)?: return [value]
        default: return []
        }
    }

    /// A list-of-integers attribute (a single integer reads as one element); empty when absent.
    func intList(_ name: String) throws -> [Int] {
        switch try attribute(name) {
        case .ints(let values)?: return values.map(Int.init)
        case .int(let value)?: return [Int(value)]
        default: return []
        }
    }
}

/// Opening artifacts written by this tool.
enum ArtifactFile {
    /// Opens `path` read-only and checks its root attribute `artifact` is `type`.
    static func open(_ path: String, type: String, requirement: String) throws -> HDF5File {
        let file = try HDF5File.open(path)
        guard try file.root.attribute("artifact")?.stringValue == type else {
            try? file.close()
            throw StageError("'\(path)' is not a \(type) artifact (expected \(requirement) and the root attribute artifact=\(type))")
        }
        return file
    }
}
