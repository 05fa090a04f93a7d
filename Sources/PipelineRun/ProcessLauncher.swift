import Foundation

/// Starts one job as several cooperating processes (MPI ranks) and waits for them all; the local executor
/// uses it for jobs whose `JobGraph.processes` is above 1. Behind a protocol so executor tests fake it.
public protocol ProcessLauncher: Sendable {
    /// Runs `job` as `processes` processes; returns when they all ended, throwing unless all succeeded.
    func launch(job: String, processes: Int) throws
}

/// A job that could not be launched or whose processes failed.
public struct LaunchError: Error, CustomStringConvertible, Sendable {
    /// What failed, with the launcher's own message.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// Launches a job's command under OpenMPI's `mpirun -np N` on this machine, its output going to a log file.
///
/// `--oversubscribe` lets a job have more ranks than the machine has cores (they then share cores), and as
/// root `--allow-run-as-root` is added (OpenMPI refuses root otherwise). A missing `mpirun` is reported with
/// what to install; a failed job's message ends with the last lines of its log.
public struct MPIRunLauncher: ProcessLauncher {
    /// The program and arguments every rank runs for a job.
    public let command: @Sendable (String) -> [String]
    /// The log file of a job (its directory must exist); overwritten at each launch.
    public let logPath: @Sendable (String) -> String
    /// Called just before a job's ranks start, with the job, its rank count and its log path.
    public let started: @Sendable (String, Int, String) -> Void
    /// The launcher program, looked up on `PATH`.
    public let mpirun: String
    /// Lines of a failed job's log quoted in its failure message.
    public static let logTailLines = 20

    /// Creates a launcher.
    public init(mpirun: String = "mpirun", command: @escaping @Sendable (String) -> [String], logPath: @escaping @Sendable (String) -> String,
                started: @escaping @Sendable (String, Int, String) -> Void = { _, _, _ in }) {
        self.mpirun = mpirun
        self.command = command
        self.logPath = logPath
        self.started = started
    }

    /// The arguments after `mpirun` that run `job` on `processes` ranks; `root` adds `--allow-run-as-root`.
    public func arguments(job: String, processes: Int, root: Bool) -> [String] {
        ["-np", "\(processes)", "--oversubscribe"] + (root ? ["--allow-run-as-root"] : []) + command(job)
    }

    /// The ranks' environment: `base` plus no terminal colours (they write to a log), OpenMPI yielding the CPU
    /// while a rank waits in a collective (`OMPI_MCA_mpi_yield_when_idle=1`; by default it busy-polls, which on
    /// a busy machine steals the core another rank needs to reach the same collective), and
    /// `OPENBLAS_NUM_THREADS` = cores ÷ ranks (at least 1), so N ranks do not start N × cores BLAS threads.
    /// Settings already in `base` win.
    public static func environment(processes: Int, base: [String: String], cores: Int) -> [String: String] {
        var environment = base
        environment["NO_COLOR"] = "1"
        if environment["OMPI_MCA_mpi_yield_when_idle"] == nil { environment["OMPI_MCA_mpi_yield_when_idle"] = "1" }
        if environment["OPENBLAS_NUM_THREADS"] == nil { environment["OPENBLAS_NUM_THREADS"] = "\(max(1, cores / max(1, processes)))" }
        return environment
    }

    public func launch(job: String, processes: Int) throws {
        let log = logPath(job)
        guard FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) else {
            throw LaunchError("cannot create the log file \(log) of job '\(job)'")
        }
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [mpirun] + arguments(job: job, processes: processes, root: getuid() == 0)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        process.environment = Self.environment(processes: processes, base: ProcessInfo.processInfo.environment,
                                               cores: ProcessInfo.processInfo.activeProcessorCount)
        started(job, processes, log)
        do { try process.run() } catch { throw LaunchError("cannot start \(mpirun): \(error)") }
        process.waitUntilExit()
        let status = process.terminationStatus
        if status == 127 {
            throw LaunchError("'\(mpirun)' not found on PATH: job '\(job)' asks for \(processes) MPI processes; install OpenMPI (Debian: apt-get install openmpi-bin)")
        }
        guard process.terminationReason == .exit, status == 0 else {
            let how = process.terminationReason == .exit ? "exited with status \(status)" : "was killed by signal \(status)"
            throw LaunchError("\(mpirun) -np \(processes) \(how)" + Self.tail(of: log))
        }
    }

    /// The last lines of a log, as a suffix of a failure message.
    static func tail(of path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "; no log at \(path)" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let tail = lines.suffix(logTailLines + 1).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return "; last lines of \(path):\n" + tail
    }
}
