import Foundation
import XCTest

/// `pipeline run --executor slurm` against a real cluster (scripts/slurm-local.sh start brings one up).
/// Skipped when `sbatch` is missing or `squeue` cannot reach a controller, unless PIPELINE_REQUIRE_SLURM=1
/// (CI), where a missing cluster is a failure.
final class SlurmExecutorTests: XCTestCase {
    private func requireCluster() throws {
        let required = ProcessInfo.processInfo.environment["PIPELINE_REQUIRE_SLURM"] == "1"
        let squeue = try? Self.tool("squeue", ["-h", "-o", "%i"])
        guard let squeue, squeue.status == 0 else {
            let reason = "no Slurm cluster (sbatch/squeue missing or squeue failed: \(squeue?.output ?? "not found")); start one with scripts/slurm-local.sh start"
            if required { XCTFail("PIPELINE_REQUIRE_SLURM=1 but " + reason); throw XCTSkip(reason) }
            throw XCTSkip(reason)
        }
    }

    /// Runs a command-line tool (squeue, ...), returning its exit status and output; 127 when not found.
    private static func tool(_ name: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A three-class CSV and a load → split → train → evaluate pipeline, slurm by default in the file.
    private func makeWorkspace(name: String = "net") throws -> Scratch {
        let scratch = try Scratch()
        try scratch.writeThreeClassCSV(rows: 300, seed: 7, shift: 1.5)
        try scratch.write("net.yaml", """
        pipeline: 1
        name: \(name)
        seed: 5
        executor: {type: slurm, poll_seconds: 0.2}
        stages:
          data: {kind: load, path: data.csv, label: label}
          split: {kind: split, inputs: [data], test: 0.2, validation: 0.2, resources: {cpus: 1, memory: 256M, time: "10:00"}}
          train:
            kind: train
            inputs: [split.train, split.validation]
            model: {type: mlp, layers: [16]}
            epochs: 4
            batch_size: 16
          evaluate: {kind: evaluate, inputs: [train, split.test]}
        """)
        return scratch
    }

    /// The lockfile's content hashes and fingerprints, in order (timings and speeds differ between runs).
    private func hashes(_ scratch: Scratch) throws -> [String] {
        let lock = try String(contentsOfFile: scratch.path + "/net.lock", encoding: .utf8)
        return lock.components(separatedBy: "\n").filter { $0.contains("hash: ") || $0.contains("fingerprint: ") }
    }

    func testSlurmRunGivesTheSameArtifactsAsALocalRunAndAReRunSubmitsNothing() throws {
        try requireCluster()
        let cluster = try makeWorkspace(), local = try makeWorkspace()
        defer { cluster.remove(); local.remove() }

        let first = try CLI.run(["run", "net.yaml"], in: cluster.path)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(first.stdout.components(separatedBy: "submitted as Slurm job").count - 1, 4, first.stdout)
        XCTAssertTrue(first.stdout.contains("split: submitted as Slurm job"), first.stdout)
        XCTAssertTrue(first.stdout.contains("4 ran"), first.stdout)

        let straight = try CLI.run(["run", "net.yaml", "--executor", "local"], in: local.path)
        XCTAssertEqual(straight.status, 0, straight.stdout + straight.stderr)
        XCTAssertFalse(straight.stdout.contains("Slurm"), straight.stdout)
        let clusterHashes = try hashes(cluster)
        XCTAssertEqual(clusterHashes.count, 11, "4 fingerprints and 7 output hashes")
        XCTAssertEqual(clusterHashes, try hashes(local), "Slurm and local runs store byte-identical artifacts")

        let again = try CLI.run(["run", "net.yaml"], in: cluster.path)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertFalse(again.stdout.contains("submitted"), "a finished pipeline submits no job:\n" + again.stdout)
        XCTAssertTrue(again.stdout.contains("4 up to date"), again.stdout)
    }

    /// The three-class workspace plus a random search of 4 trials in one batch over the number of epochs.
    private func makeSearchWorkspace(executor: String) throws -> Scratch {
        let scratch = try makeWorkspace()
        let yaml = try String(contentsOfFile: scratch.path + "/net.yaml", encoding: .utf8)
        try scratch.write("net.yaml", yaml.replacingOccurrences(of: "executor: {type: slurm, poll_seconds: 0.2}", with: executor) + """

          tune:
            kind: search
            inputs: [evaluate.metrics]
            objective: {metric: accuracy}
            space:
              train.epochs: {type: int, low: 1, high: 8}
            strategy: random
            trials: 4
            batch: 4
        """)
        return scratch
    }

    func testASearchOnSlurmRunsItsTrialsAsOneJobArrayAndGivesTheLocalTrialsTable() throws {
        try requireCluster()
        let cluster = try makeSearchWorkspace(executor: "executor: {type: slurm, poll_seconds: 0.2, trial_concurrency: 2}")
        let local = try makeSearchWorkspace(executor: "")
        defer { cluster.remove(); local.remove() }

        let first = try CLI.run(["run", "net.yaml"], in: cluster.path)
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: cluster.path + "/.pipeline/slurm")) ?? []
        let logText = logs.filter { $0.hasSuffix(".log") }.compactMap { try? String(contentsOfFile: cluster.path + "/.pipeline/slurm/" + $0, encoding: .utf8) }
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr + logText.joined(separator: "\n"))
        let straight = try CLI.run(["run", "net.yaml"], in: local.path)
        XCTAssertEqual(straight.status, 0, straight.stdout + straight.stderr)
        XCTAssertEqual(try hashes(cluster), try hashes(local), "the trials table, best model and every stage are byte-identical")

        // The search job submitted one array of 4 tasks; each task left its log.
        let trialLogs = try FileManager.default.contentsOfDirectory(atPath: cluster.path + "/.pipeline/slurm/trials").filter { $0.hasPrefix("trial-") }
        XCTAssertEqual(trialLogs.count, 4, "\(trialLogs)")
        XCTAssertEqual(Set(trialLogs.map { $0.split(separator: "_")[0] }).count, 1, "one array id: \(trialLogs)")
        let searchLog = try FileManager.default.contentsOfDirectory(atPath: cluster.path + "/.pipeline/slurm").first { $0.hasPrefix("tune-") }
        let text = try String(contentsOfFile: cluster.path + "/.pipeline/slurm/" + XCTUnwrap(searchLog), encoding: .utf8)
        XCTAssertTrue(text.contains("4 trial(s) submitted as Slurm job array"), text)

        let again = try CLI.run(["run", "net.yaml"], in: cluster.path)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertFalse(again.stdout.contains("submitted"), "a finished search submits nothing:\n" + again.stdout)
    }

    func testAFailingStageExitsOneWithTheTailOfItsJobLog() throws {
        try requireCluster()
        let scratch = try makeWorkspace()
        defer { scratch.remove() }
        try scratch.write("fail.yaml", """
        pipeline: 1
        name: fail
        executor: {type: slurm, poll_seconds: 0.2}
        stages:
          ok: {kind: shell, command: "echo fine > ok.txt", outs: [ok.txt]}
          broken: {kind: shell, inputs: [ok], command: "echo marker-from-the-job-log; exit 3", outs: [never.txt]}
          after: {kind: shell, inputs: [broken], command: "touch after.txt", outs: [after.txt]}
        """)
        let result = try CLI.run(["run", "fail.yaml"], in: scratch.path)
        let output = result.stdout + result.stderr
        XCTAssertEqual(result.status, 1, output)
        XCTAssertTrue(output.contains("broken"), output)
        XCTAssertTrue(output.contains("ended FAILED"), output)
        XCTAssertTrue(output.contains("marker-from-the-job-log"), "the failure quotes the job's log:\n" + output)
        XCTAssertTrue(output.contains("after"), output)
        XCTAssertFalse(scratch.exists("after.txt"))
        XCTAssertTrue(scratch.exists("ok.txt"))

        // The stage that succeeded is cached: the next run does not resubmit it.
        let again = try CLI.run(["run", "fail.yaml"], in: scratch.path)
        XCTAssertEqual(again.status, 1)
        XCTAssertFalse(again.stdout.contains("ok: submitted"), again.stdout)
    }

    func testInterruptCancelsTheSubmittedJobs() throws {
        try requireCluster()
        let scratch = try makeWorkspace()
        defer { scratch.remove() }
        let name = "sigint-\(UUID().uuidString.prefix(8))"
        try scratch.write("slow.yaml", """
        pipeline: 1
        name: \(name)
        executor: {type: slurm, poll_seconds: 0.2}
        stages:
          slow: {kind: shell, command: "sleep 60; touch slow.txt", outs: [slow.txt]}
          next: {kind: shell, inputs: [slow], command: "touch next.txt", outs: [next.txt]}
        """)
        let run = try CLI.start(["run", "slow.yaml"], in: scratch.path)
        func queued() -> [String] {
            let listed = (try? Self.tool("squeue", ["-h", "-n", "\(name)-slow,\(name)-next", "-o", "%i"]))?.output ?? ""
            return listed.split(separator: "\n").map(String.init)
        }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, queued().count < 2 { usleep(100_000) }
        XCTAssertEqual(queued().count, 2, "both jobs should be queued")
        kill(run.process.processIdentifier, SIGINT)
        run.process.waitUntilExit()
        XCTAssertEqual(run.process.terminationStatus, 130)
        // A cancelled running job stays COMPLETING while slurmd kills it; it must then leave the queue.
        let drained = Date().addingTimeInterval(30)
        while Date() < drained, !queued().isEmpty { usleep(200_000) }
        XCTAssertEqual(queued(), [], "Ctrl-C leaves no job pending or running")
        let states = (try? Self.tool("squeue", ["-h", "--states=all", "-n", "\(name)-slow,\(name)-next", "-o", "%T"]))?.output ?? ""
        XCTAssertEqual(states.split(separator: "\n").map(String.init), ["CANCELLED", "CANCELLED"], "both jobs were cancelled, not run")
    }

    func testExecStageRunsOneStageAfterItsUpstreamAndLeavesTheLockfileToTheDriver() throws {
        let scratch = try makeWorkspace()
        defer { scratch.remove() }
        let early = try CLI.run(["exec-stage", "net.yaml", "split"], in: scratch.path)
        XCTAssertEqual(early.status, 1, early.stdout + early.stderr)
        XCTAssertTrue(early.stdout.contains("upstream stage 'data' of 'split' is not in the cache"), early.stdout + early.stderr)

        for stage in ["data", "split"] {
            let result = try CLI.run(["exec-stage", "net.yaml", stage], in: scratch.path)
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        }
        XCTAssertFalse(scratch.exists("net.lock"), "only the driver writes the lockfile")
        let unknown = try CLI.run(["exec-stage", "net.yaml", "splt"], in: scratch.path)
        XCTAssertEqual(unknown.status, 2, unknown.stdout + unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("did you mean 'split'?"), unknown.stderr)

        // The driver finds both results in the cache and computes only the rest.
        let run = try CLI.run(["run", "net.yaml", "--executor", "local"], in: scratch.path)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("2 ran") && run.stdout.contains("2 restored"), run.stdout)
    }

    func testResourcesDoNotChangeFingerprints() throws {
        let scratch = try makeWorkspace()
        defer { scratch.remove() }
        let first = try CLI.run(["run", "net.yaml", "--executor", "local"], in: scratch.path)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let yaml = try String(contentsOfFile: scratch.path + "/net.yaml", encoding: .utf8)
        try scratch.write("net.yaml", yaml.replacingOccurrences(of: "resources: {cpus: 1, memory: 256M, time: \"10:00\"}",
                                                                 with: "resources: {cpus: 2, memory: 4G, time: \"1-00:00:00\", gpus: 1}"))
        let again = try CLI.run(["run", "net.yaml", "--executor", "local"], in: scratch.path)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("4 up to date"), "changed resources keep every stage cached:\n" + again.stdout)
    }
}
