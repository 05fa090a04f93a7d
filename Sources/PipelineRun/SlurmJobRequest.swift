/// One job to submit to Slurm: the command it runs and what it asks the cluster for.
public struct SlurmJobRequest: Sendable, Equatable {
    /// The job's name in the queue (`--job-name`).
    public var name: String
    /// The program and its arguments, run on the compute node.
    public var command: [String]
    /// Where its standard output and error go (`--output`; `%j` becomes the job id). The directory must exist.
    public var logPath: String
    /// Working directory of the job (`--chdir`).
    public var workingDirectory: String
    /// CPU cores (`--cpus-per-task`).
    public var cpus: Int?
    /// Memory in Slurm's syntax (`--mem`).
    public var memory: String?
    /// Wall-time limit in Slurm's syntax (`--time`).
    public var time: String?
    /// Partition (`--partition`).
    public var partition: String?
    /// GPUs (`--gres=gpu:N`; 0 asks for none).
    public var gpus: Int?
    /// Makes the request a job array (`--array`, e.g. `0-35%4`): one task per index, each reading its index
    /// from `SLURM_ARRAY_TASK_ID`; nil submits a single job.
    public var array: String?
    /// Tasks (MPI ranks) of a multi-process job (`--ntasks`, above 1 only); `cpus` is then per task.
    public var tasks: Int?

    /// Creates a request; nil resources leave the cluster's defaults.
    public init(name: String, command: [String], logPath: String, workingDirectory: String, cpus: Int? = nil,
                memory: String? = nil, time: String? = nil, partition: String? = nil, gpus: Int? = nil, array: String? = nil,
                tasks: Int? = nil) {
        self.tasks = tasks
        self.name = name
        self.command = command
        self.logPath = logPath
        self.workingDirectory = workingDirectory
        self.cpus = cpus
        self.memory = memory
        self.time = time
        self.partition = partition
        self.gpus = gpus
        self.array = array
    }

    /// The `sbatch` arguments (without the program name) that submit this job after `dependencies` (job ids)
    /// all succeed. A dependency that fails cancels the job (`--kill-on-invalid-dep`) rather than leaving it
    /// pending forever.
    public func sbatchArguments(dependencies: [String]) -> [String] {
        var arguments = ["--parsable", "--job-name=\(name)", "--output=\(logPath)", "--chdir=\(workingDirectory)"]
        if let partition { arguments.append("--partition=\(partition)") }
        if let tasks, tasks > 1 { arguments.append("--ntasks=\(tasks)") }
        if let cpus { arguments.append("--cpus-per-task=\(cpus)") }
        if let memory { arguments.append("--mem=\(memory)") }
        if let time { arguments.append("--time=\(time)") }
        if let gpus, gpus > 0 { arguments.append("--gres=gpu:\(gpus)") }
        if let array { arguments.append("--array=\(array)") }
        if !dependencies.isEmpty {
            arguments += ["--dependency=afterok:" + dependencies.joined(separator: ":"), "--kill-on-invalid-dep=yes"]
        }
        arguments.append("--wrap=exec " + command.map(Self.shellQuoted).joined(separator: " "))
        return arguments
    }

    /// `text` as one POSIX shell word: single-quoted, with embedded quotes closed, escaped and reopened.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Where a Slurm job is, as the queue reports it.
public struct SlurmJobState: Sendable, Equatable {
    /// The state name (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED`, `TIMEOUT`, ...).
    public var state: String
    /// Slurm's reason for the state (e.g. `Dependency`, `NonZeroExitCode`), when given.
    public var reason: String?

    /// Creates a state.
    public init(_ state: String, reason: String? = nil) {
        self.state = state
        self.reason = reason
    }

    /// The job ended successfully.
    public var succeeded: Bool { state == "COMPLETED" }
    /// The job ended any other way.
    public var failed: Bool {
        ["FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED"]
            .contains(where: { state.hasPrefix($0) })
    }
    /// The job is on a node now.
    public var running: Bool { ["RUNNING", "COMPLETING"].contains(state) }
}

/// The Slurm commands the executor needs, behind a protocol so its loop is tested without a cluster.
public protocol SlurmClient: Sendable {
    /// Runs `sbatch` with these arguments and returns the new job's id.
    func submit(_ arguments: [String]) throws -> String
    /// The states of these jobs; jobs the queue no longer knows are absent.
    func states(of ids: [String]) throws -> [String: SlurmJobState]
    /// Cancels these jobs (`scancel`), ignoring ones already ended.
    func cancel(_ ids: [String])
    /// The states of the tasks of job array `id`, by task index; tasks the queue no longer knows are absent.
    func arrayStates(of id: String) throws -> [Int: SlurmJobState]
}

extension SlurmClient {
    /// A client without job arrays.
    public func arrayStates(of id: String) throws -> [Int: SlurmJobState] {
        throw SlurmError("this Slurm client does not run job arrays")
    }
}

/// A failed Slurm command.
public struct SlurmError: Error, CustomStringConvertible {
    /// What failed, with the command's own message.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
