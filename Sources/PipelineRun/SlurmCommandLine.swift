import Foundation

/// The real `SlurmClient`: runs `sbatch`, `squeue`, `sacct` and `scancel` found on `PATH`.
public struct SlurmCommandLine: SlurmClient {
    /// Creates a client.
    public init() {}

    /// True when `sbatch` is on `PATH` and `squeue` reaches a controller.
    public static func clusterReachable() -> Bool {
        guard let result = try? run("squeue", ["-h", "-o", "%i"]) else { return false }
        return result.status == 0
    }

    public func submit(_ arguments: [String]) throws -> String {
        let result = try Self.run("sbatch", arguments)
        // --parsable prints "ID" or "ID;CLUSTER".
        let id = result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard result.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError("sbatch failed (exit \(result.status)): \(result.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return id
    }

    public func states(of ids: [String]) throws -> [String: SlurmJobState] {
        guard !ids.isEmpty else { return [:] }
        // This user's jobs, not `-j IDS`: squeue fails outright when one id has already aged out of the controller.
        let queue = try Self.run("squeue", ["-h", "--me", "--states=all", "-o", "%i|%T|%r"])
        guard queue.status == 0 else {
            throw SlurmError("squeue failed (exit \(queue.status)): \(queue.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let wanted = Set(ids)
        var states: [String: SlurmJobState] = [:]
        for line in queue.output.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, wanted.contains(fields[0]) else { continue }
            states[fields[0]] = SlurmJobState(fields[1], reason: fields.count > 2 && fields[2] != "None" ? fields[2] : nil)
        }
        // Jobs older than MinJobAge leave squeue; accounting (when the cluster keeps it) still knows them.
        let missing = ids.filter { states[$0] == nil }
        if !missing.isEmpty, let accounting = try? Self.run("sacct", ["-n", "-P", "-X", "-o", "JobIDRaw,State", "-j", missing.joined(separator: ",")]),
           accounting.status == 0 {
            for line in accounting.output.split(separator: "\n") {
                let fields = line.split(separator: "|").map(String.init)
                guard fields.count >= 2, wanted.contains(fields[0]) else { continue }
                states[fields[0]] = SlurmJobState(fields[1].split(separator: " ").first.map(String.init) ?? fields[1])
            }
        }
        return states
    }

    public func arrayStates(of id: String) throws -> [Int: SlurmJobState] {
        // -r lists every task on its own line, pending ones too (otherwise they fold into `ID_[3-9%2]`); %F is
        // the array's job id, %K the task index.
        let queue = try Self.run("squeue", ["-h", "-r", "--me", "--states=all", "-o", "%F|%K|%T|%r"])
        guard queue.status == 0 else {
            throw SlurmError("squeue failed (exit \(queue.status)): \(queue.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var states: [Int: SlurmJobState] = [:]
        for line in queue.output.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, fields[0] == id, let task = Int(fields[1]) else { continue }
            states[task] = SlurmJobState(fields[2], reason: fields.count > 3 && fields[3] != "None" ? fields[3] : nil)
        }
        return states
    }

    public func cancel(_ ids: [String]) {
        guard !ids.isEmpty else { return }
        _ = try? Self.run("scancel", ids)
    }

    /// Runs a tool found on `PATH`, collecting its output, error text and exit status.
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read before waiting: a full pipe would otherwise block the tool forever.
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 { throw SlurmError("'\(tool)' not found on PATH (is Slurm installed?)") }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
