import Foundation

/// Reads a file as it was at a git revision, for comparing a lockfile with its committed version.
public enum GitRevision {
    /// The text of `path` at `revision`, or nil when the file did not exist there. Throws when `path`
    /// is not inside a git work tree or git cannot resolve the revision.
    public static func contents(of path: String, at revision: String) throws -> String? {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        let directory = absolute.deletingLastPathComponent().path
        let prefix = try git(["rev-parse", "--show-prefix"], in: directory)
        guard prefix.status == 0 else { throw GitError("\(directory) is not inside a git work tree") }
        let relative = prefix.output.trimmingCharacters(in: .whitespacesAndNewlines) + absolute.lastPathComponent
        let verified = try git(["rev-parse", "--verify", "--quiet", revision + "^{commit}"], in: directory)
        guard verified.status == 0 else { throw GitError("git cannot resolve revision '\(revision)'") }
        let shown = try git(["show", "\(revision):\(relative)"], in: directory)
        return shown.status == 0 ? shown.output : nil
    }

    private static func git(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A git operation that could not be done, with the reason.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
