/// A failed HDF5 operation: which call, on which file and object, and what HDF5 itself said.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    /// The HDF5 C function (or layer operation) that failed, e.g. `H5Fopen`.
    public let operation: String
    /// The file the operation was aimed at.
    public let filePath: String?
    /// The object path inside the file (`/group/dataset`), when there is one.
    public let objectPath: String?
    /// This layer's explanation, when it knows more than HDF5 (e.g. "not an HDF5 file").
    public let reason: String?
    /// HDF5's error stack, outermost call first.
    public let hdf5Messages: [String]

    /// Creates an error; `hdf5Messages` is normally filled from HDF5's error stack.
    public init(operation: String, filePath: String?, objectPath: String?, reason: String?, hdf5Messages: [String] = []) {
        self.operation = operation
        self.filePath = filePath
        self.objectPath = objectPath
        self.reason = reason
        self.hdf5Messages = hdf5Messages
    }

    /// One line: operation, file, object, reason and HDF5's messages.
    public var description: String {
        var text = "HDF5 \(operation) failed"
        if let filePath { text += " on '\(filePath)'" }
        if let objectPath { text += " at '\(objectPath)'" }
        if let reason { text += ": \(reason)" }
        var seen = Set<String>()
        let messages = hdf5Messages.filter { seen.insert($0).inserted }
        if !messages.isEmpty { text += " [HDF5: " + messages.joined(separator: "; ") + "]" }
        return text
    }
}
