import Foundation
import PipelineRun
import XCTest

/// A runner that records run/settle/collect calls; `cached` jobs settle from the cache.
private final class SettlingRunner: JobRunner, @unchecked Sendable {
    private let lock = NSLock()
    private var _calls: [String] = []
    let cached: Set<String>
    init(cached: Set<String> = []) { self.cached = cached }
    var calls: [String] { lock.withLock { _calls } }
    private func note(_ call: String) { lock.withLock { _calls.append(call) } }

    func run(job: String) throws { note("run \(job)") }
    func settle(job: String) throws -> Bool { note("settle \(job)"); return cached.contains(job) }
    func collect(job: String) throws { note("collect \(job)") }
}

/// A launcher that records its launches and fails the jobs it is told to.
private final class FakeLauncher: ProcessLauncher, @unchecked Sendable {
    private let lock = NSLock()
    private var _launches: [String] = []
    let failing: Set<String>
    init(failing: Set<String> = []) { self.failing = failing }
    var launches: [String] { lock.withLock { _launches } }

    func launch(job: String, processes: Int) throws {
        lock.withLock { _launches.append("\(job) ×\(processes)") }
        if failing.contains(job) { throw LaunchError("ranks of \(job) died") }
    }
}

final class ProcessLauncherTests: XCTestCase {
    private let graph = JobGraph(jobs: ["load", "train", "evaluate"], dependencies: ["train": ["load"], "evaluate": ["train"]],
                                 processes: ["train": 2, "load": 1])

    func testMultiProcessJobsAreSettledThenLaunchedThenCollected() {
        let runner = SettlingRunner(), launcher = FakeLauncher()
        let summary = LocalExecutor(maxParallel: 2, launcher: launcher).execute(graph, runner: runner)
        XCTAssertTrue(summary.succeeded)
        XCTAssertEqual(runner.calls, ["run load", "settle train", "collect train", "run evaluate"])
        XCTAssertEqual(launcher.launches, ["train ×2"])
    }

    func testACachedMultiProcessJobLaunchesNothing() {
        let runner = SettlingRunner(cached: ["train"]), launcher = FakeLauncher()
        XCTAssertTrue(LocalExecutor(maxParallel: 1, launcher: launcher).execute(graph, runner: runner).succeeded)
        XCTAssertEqual(launcher.launches, [])
        XCTAssertEqual(runner.calls, ["run load", "settle train", "run evaluate"])
    }

    func testAFailedLaunchFailsTheJobAndSkipsItsDependents() {
        let runner = SettlingRunner(), launcher = FakeLauncher(failing: ["train"])
        let summary = LocalExecutor(maxParallel: 1, launcher: launcher).execute(graph, runner: runner)
        XCTAssertEqual(summary.outcomes["train"], .failed("ranks of train died"))
        XCTAssertEqual(summary.outcomes["evaluate"], .skipped(becauseOf: "train"))
        XCTAssertFalse(runner.calls.contains("collect train"))
    }

    func testWithoutALauncherAMultiProcessJobFails() {
        let summary = LocalExecutor(maxParallel: 1).execute(graph, runner: SettlingRunner())
        XCTAssertEqual(summary.outcomes["train"], .failed("job 'train' wants 2 processes but the executor has no launcher"))
    }

    func testMPIRunArguments() {
        let launcher = MPIRunLauncher(command: { ["/opt/pipeline", "exec-stage", "/w/p.yaml", $0] }, logPath: { "/tmp/\($0).log" })
        XCTAssertEqual(launcher.arguments(job: "train", processes: 4, root: false),
                       ["-np", "4", "--oversubscribe", "/opt/pipeline", "exec-stage", "/w/p.yaml", "train"])
        XCTAssertEqual(launcher.arguments(job: "train", processes: 2, root: true),
                       ["-np", "2", "--oversubscribe", "--allow-run-as-root", "/opt/pipeline", "exec-stage", "/w/p.yaml", "train"])
    }

    func testRanksShareTheCoresAndYieldWhileWaiting() {
        let environment = MPIRunLauncher.environment(processes: 2, base: ["PATH": "/bin"], cores: 8)
        XCTAssertEqual(environment, ["PATH": "/bin", "NO_COLOR": "1", "OMPI_MCA_mpi_yield_when_idle": "1", "OPENBLAS_NUM_THREADS": "4"])
        XCTAssertEqual(MPIRunLauncher.environment(processes: 4, base: [:], cores: 2)["OPENBLAS_NUM_THREADS"], "1")
        let chosen = MPIRunLauncher.environment(processes: 2, base: ["OPENBLAS_NUM_THREADS": "3", "OMPI_MCA_mpi_yield_when_idle": "0"], cores: 2)
        XCTAssertEqual(chosen["OPENBLAS_NUM_THREADS"], "3", "the user's setting wins")
        XCTAssertEqual(chosen["OMPI_MCA_mpi_yield_when_idle"], "0")
    }

    func testAMissingMPIRunSaysWhatToInstall() throws {
        let directory = NSTemporaryDirectory() + "launcher-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let launcher = MPIRunLauncher(mpirun: "no-such-mpirun-\(UUID().uuidString.prefix(6))", command: { ["true", $0] }, logPath: { "\(directory)/\($0).log" })
        XCTAssertThrowsError(try launcher.launch(job: "train", processes: 2)) { error in
            XCTAssertTrue("\(error)".contains("not found on PATH: job 'train' asks for 2 MPI processes; install OpenMPI"), "\(error)")
        }
    }
}
