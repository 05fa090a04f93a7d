import Foundation
import PipelineStore
import XCTest

final class CLITests: XCTestCase {
    var scratch: Scratch!

    override func setUpWithError() throws {
        scratch = try Scratch()
        try scratch.writeTwoClassCSV()
        try scratch.write("ok.yaml", """
        pipeline: 1
        name: ok
        stages:
          data: {kind: load, path: data.csv, label: label}
          split: {kind: split, inputs: [data], validation: 0.25}
          scale: {kind: scale, inputs: [split]}
          train: {kind: train, inputs: [scale.train, scale.validation], model: softmax_regression, epochs: 20}
          evaluate: {kind: evaluate, inputs: [train, scale.validation]}
        """)
    }

    override func tearDown() { scratch.remove() }

    func testValidateReportsEveryErrorCompilerStyleWithExitCode2AndWritesNothing() throws {
        try scratch.write("bad.yaml", """
        pipeline: 1
        name: bad
        stages:
          data: {kind: load, path: missing.csv, label: label}
          train:
            kind: train
            inputs: [data]
            model: softmax_regression
            epoch: 3
            batch_size: -1
        """)
        for command in ["validate", "run", "status", "dag"] {
            let result = try CLI.run([command, "bad.yaml"], in: scratch.path)
            XCTAssertEqual(result.status, 2, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("bad.yaml:9:5: error: stages.train.epoch: unknown key 'epoch'"), result.stderr)
            XCTAssertTrue(result.stderr.contains("hint: did you mean 'epochs'?"), result.stderr)
            XCTAssertTrue(result.stderr.contains("bad.yaml:10:17: error: stages.train.batch_size: expected an integer ≥ 1, found the integer -1"), result.stderr)
            // Stages with their own errors do not hide problems elsewhere: the missing file is reported in the same pass.
            XCTAssertTrue(result.stderr.contains("bad.yaml:4:28: error: stages.data.path: input file 'missing.csv' does not exist"), result.stderr)
            XCTAssertTrue(result.stderr.contains("3 errors found"), result.stderr)
        }
        XCTAssertFalse(scratch.exists(".pipeline"), "nothing is written when validation fails")
        XCTAssertFalse(scratch.exists("bad.lock"))

    }

    func testRunSucceedsThenIsUpToDateAndJSONEventsParse() throws {
        let first = try CLI.run(["run", "ok.yaml", "--jobs", "2"], in: scratch.path)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("✔ train finished"), first.stdout)
        XCTAssertTrue(scratch.exists("ok.lock"))

        let second = try CLI.run(["run", "ok.yaml", "--json"], in: scratch.path)
        XCTAssertEqual(second.status, 0)
        let events = try second.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        XCTAssertEqual(events.filter { $0["event"] as? String == "up_to_date" }.count, 5)
        let completed = events.last!
        XCTAssertEqual(completed["event"] as? String, "completed")
        XCTAssertEqual(completed["succeeded"] as? Bool, true)

        let status = try CLI.run(["status", "ok.yaml"], in: scratch.path)
        XCTAssertTrue(status.stdout.contains("Everything is up to date."), status.stdout)
    }

    func testCurvePlotsTheStoredScheduleOfANetwork() throws {
        try scratch.write("net.yaml", """
        pipeline: 1
        name: net
        stages:
          data: {kind: load, path: data.csv, label: label}
          train:
            kind: train
            inputs: [data]
            model: {type: mlp, layers: [8]}
            optimizer: {adam: 0.01}
            schedule: {type: step, step_size: 2, gamma: 0.5}
            epochs: 4
            batch_size: 10
        """)
        XCTAssertEqual(try CLI.run(["run", "net.yaml"], in: scratch.path).status, 0)
        let curve = try CLI.run(["curve", "net.yaml", "train"], in: scratch.path)
        XCTAssertEqual(curve.status, 0, curve.stderr)
        // 40 rows / batch 10 = 4 steps per epoch, 16 steps; the rate halves after epoch 2: 0.01 then 0.005.
        XCTAssertTrue(curve.stdout.hasPrefix("learning rate per step (16 steps, 4 per epoch)\n      0.01 │••••••••"), curve.stdout)
        XCTAssertTrue(curve.stdout.contains("     0.005 │        ••••••••"), curve.stdout)
        XCTAssertTrue(curve.stdout.contains("training loss per epoch"), curve.stdout)
        let wrong = try CLI.run(["curve", "net.yaml", "data"], in: scratch.path)
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("'data' is a load stage; curves belong to train stages"), wrong.stderr)
    }

    func testDiffAgainstTheCommittedLockfileAndMetricsSideBySide() throws {
        func git(_ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "git \(arguments)")
        }
        XCTAssertEqual(try CLI.run(["run", "ok.yaml"], in: scratch.path).status, 0)
        try git("init", "-q")
        try git("add", "ok.yaml", "ok.lock", "data.csv")
        try git("commit", "-q", "-m", "baseline")

        let yaml = try String(contentsOfFile: scratch.path + "/ok.yaml", encoding: .utf8)
        try scratch.write("ok.yaml", yaml.replacingOccurrences(of: "epochs: 20}", with: "epochs: 3}"))
        XCTAssertEqual(try CLI.run(["run", "ok.yaml"], in: scratch.path).status, 0)
        let diff = try CLI.run(["diff", "ok.yaml"], in: scratch.path)
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertTrue(diff.stdout.contains("  train  epochs  20    3"), diff.stdout)
        XCTAssertTrue(diff.stdout.contains("  evaluate  accuracy"), diff.stdout)
        let json = try CLI.run(["diff", "ok.yaml", "HEAD", "--json"], in: scratch.path)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((parsed["params"] as! [[String: Any]]).first?["param"] as? String, "epochs")
        let unknown = try CLI.run(["diff", "ok.yaml", "no-such-rev"], in: scratch.path)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("git cannot resolve revision 'no-such-rev'"), unknown.stderr)

        try scratch.write("other.yaml", yaml.replacingOccurrences(of: "name: ok", with: "name: other"))
        XCTAssertEqual(try CLI.run(["run", "other.yaml"], in: scratch.path).status, 0)
        let metrics = try CLI.run(["metrics", "ok.yaml", "other.yaml"], in: scratch.path)
        XCTAssertTrue(metrics.stdout.hasPrefix("  metric"), metrics.stdout)
        XCTAssertTrue(metrics.stdout.contains("ok") && metrics.stdout.contains("other"), metrics.stdout)
        XCTAssertTrue(metrics.stdout.contains("evaluate.accuracy"), metrics.stdout)
    }

    func testFailingStageExitsWith1() throws {
        try scratch.write("fail.yaml", """
        pipeline: 1
        name: fail
        stages:
          boom: {kind: shell, command: "exit 4", outs: [x.txt]}
        """)
        let result = try CLI.run(["run", "fail.yaml"], in: scratch.path)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("✘ boom failed: command exited with status 4"), result.stdout)
    }

    func testDagFormats() throws {
        let text = try CLI.run(["dag", "ok.yaml"], in: scratch.path)
        XCTAssertTrue(text.stdout.contains("  train [train] <- scale.train, scale.validation  => model:model"), text.stdout)
        let dot = try CLI.run(["dag", "ok.yaml", "--format", "dot"], in: scratch.path)
        XCTAssertTrue(dot.stdout.contains("\"split\" -> \"scale\" [label=\"validation\"];"), dot.stdout)
        let mermaid = try CLI.run(["dag", "ok.yaml", "--format", "mermaid"], in: scratch.path)
        XCTAssertTrue(mermaid.stdout.hasPrefix("flowchart LR"))
        XCTAssertTrue(mermaid.stdout.contains("s_train -->|model| s_evaluate"), mermaid.stdout)
    }

    func testDryRunRunsNothing() throws {
        let result = try CLI.run(["run", "ok.yaml", "--dry-run"], in: scratch.path)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("would run     train"), result.stdout)
        XCTAssertTrue(result.stdout.contains("- never run"), result.stdout)
        XCTAssertFalse(scratch.exists("ok.lock"))
    }

    func testShowDescribesArtifactsAndH5dumpReadsThemWithoutTheTool() throws {
        XCTAssertEqual(try CLI.run(["run", "ok.yaml"], in: scratch.path).status, 0)
        let show = try CLI.run(["show", "ok.yaml", "scale.train"], in: scratch.path)
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("features: float32 30×2"), show.stdout)
        XCTAssertTrue(show.stdout.contains("@artifact = \"dataset\""), show.stdout)
        XCTAssertTrue(show.stdout.contains("@producer_stage = \"scale\""), show.stdout)
        let model = try CLI.run(["show", "ok.yaml", "train"], in: scratch.path)
        XCTAssertTrue(model.stdout.contains("weights: float32 2×2"), model.stdout)

        let h5dump = "/usr/bin/h5dump"
        guard FileManager.default.isExecutableFile(atPath: h5dump) else { throw XCTSkip("h5dump (hdf5-tools) is not installed") }
        let objects = try FileManager.default.subpathsOfDirectory(atPath: scratch.path + "/.pipeline/objects")
        var checked = 0
        for object in objects where object.count > 3 {
            let path = scratch.path + "/.pipeline/objects/" + object
            guard HDF5File.isHDF5(path) else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: h5dump)
            process.arguments = ["-A", path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, output)
            XCTAssertTrue(output.contains("ATTRIBUTE \"artifact\""), output)
            XCTAssertTrue(output.contains("ATTRIBUTE \"fingerprint\""), output)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 6, "every HDF5 artifact was read by h5dump")
    }

    func testH5pyReadsTheArtifactsWithoutTheTool() throws {
        XCTAssertEqual(try CLI.run(["run", "ok.yaml"], in: scratch.path).status, 0)
        let lock = try String(contentsOfFile: scratch.path + "/ok.lock", encoding: .utf8)
        func hash(_ stage: String, _ output: String) throws -> String {
            let lines = lock.components(separatedBy: "\n")
            let start = try XCTUnwrap(lines.firstIndex(of: "  \(stage):"))
            let out = try XCTUnwrap(lines[start...].firstIndex(of: "      \(output):"))
            let line = try XCTUnwrap(lines[out...].first { $0.contains("hash: ") })
            return line.components(separatedBy: "hash: ")[1]
        }
        func object(_ h: String) -> String { scratch.path + "/.pipeline/objects/" + h.prefix(2) + "/" + h.dropFirst(2) }
        let script = """
        import sys, h5py, numpy as np
        data, model = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
        assert data.attrs["artifact"] == "dataset", data.attrs["artifact"]
        assert data.attrs["producer_stage"] == "scale"
        x = data["features"][:]
        assert x.dtype == np.float32 and x.shape == (30, 2), (x.dtype, x.shape)
        assert abs(float(x.mean(axis=0)[0])) < 1e-5, "the training part is standardized"
        assert model.attrs["model"] == "softmax_regression"
        print(model["weights"].shape, int(data["labels"].shape[0]))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, object(try hash("scale", "train")), object(try hash("train", "model"))]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "python3 with h5py is needed (scripts/setup.sh installs it): \(stderr)")
        XCTAssertEqual(stdout, "(2, 2) 30\n")
    }

    func testKilledRunLeavesTheCacheValidAndResumes() throws {
        try scratch.write("slow.yaml", """
        pipeline: 1
        name: slow
        stages:
          data: {kind: load, path: data.csv, label: label}
          slow:
            kind: shell
            inputs: [data]
            command: "echo partial > out.txt; sleep ${SLEEP:-0}; echo complete > out.txt"
            outs: [out.txt]
        """)
        let started = try CLI.start(["run", "slow.yaml", "--json"], in: scratch.path, environment: ["SLEEP": "30"])
        // Wait until the slow stage has written its partial output, then kill -9 the whole run.
        let deadline = Date().addingTimeInterval(30)
        while !scratch.exists("out.txt"), Date() < deadline { usleep(20_000) }
        XCTAssertTrue(scratch.exists("out.txt"))
        kill(started.process.processIdentifier, SIGKILL)
        started.process.waitUntilExit()
        XCTAssertEqual(started.process.terminationReason, .uncaughtSignal)

        // Every stored object's name is the hash of its content: nothing half-written entered the cache.
        let cache = scratch.path + "/.pipeline"
        for object in try FileManager.default.subpathsOfDirectory(atPath: cache + "/objects") where object.count > 3 {
            let path = cache + "/objects/" + object
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  object.split(separator: "/").count == 2 else { continue }
            XCTAssertEqual(try FileHash.sha256(ofFile: path).hex, object.replacingOccurrences(of: "/", with: ""))
        }
        let runs = try FileManager.default.contentsOfDirectory(atPath: cache + "/runs")
        XCTAssertEqual(runs.count, 1, "only the finished stage (data) has a run record: \(runs)")

        // The next run resumes: the finished stage comes from the cache, the killed one runs again.
        let resumed = try CLI.run(["run", "slow.yaml"], in: scratch.path, environment: ["SLEEP": "0"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr + resumed.stdout)
        XCTAssertTrue(resumed.stdout.contains("↺ data restored from cache"), resumed.stdout)
        XCTAssertTrue(resumed.stdout.contains("✔ slow finished"), resumed.stdout)
        XCTAssertEqual(try String(contentsOfFile: scratch.path + "/out.txt", encoding: .utf8), "complete\n")
    }

    func testSchemaCommandMatchesTheCommittedSchema() throws {
        let result = try CLI.run(["schema"], in: scratch.path)
        let committed = try String(contentsOfFile: CLI.repository + "/schemas/pipeline.schema.json", encoding: .utf8)
        XCTAssertEqual(result.stdout, committed, "regenerate with: swift run pipeline schema > schemas/pipeline.schema.json")
    }

    func testEveryExamplePipelineValidatesAgainstTheJSONSchema() throws {
        let script = """
        import json, sys, glob, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        files = sorted(glob.glob(sys.argv[2] + "/**/*.yaml", recursive=True))
        assert files, "no pipelines found"
        for f in files:
            jsonschema.validate(yaml.safe_load(open(f)), schema, cls=jsonschema.Draft202012Validator)
        bad = {"pipeline": 1, "name": "x", "stages": {"a": {"kind": "train", "model": "softmax_regression", "epoch": 3}}}
        try:
            jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)
            sys.exit("schema accepted an unknown key")
        except jsonschema.ValidationError:
            pass
        print(len(files))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, CLI.repository + "/schemas/pipeline.schema.json", CLI.repository + "/pipelines"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "python3 with jsonschema and PyYAML is needed (.ci/run installs them): \(stderr)")
        XCTAssertGreaterThanOrEqual(Int(stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, 1)
    }
}
