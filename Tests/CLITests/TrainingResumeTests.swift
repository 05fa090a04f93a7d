import Foundation
import XCTest

/// A training run killed with SIGKILL resumes from its last epoch checkpoint on the next `pipeline run`
/// and ends with a model bit-identical to an uninterrupted run.
final class TrainingResumeTests: XCTestCase {
    /// With `distil`, `train` is a student distilled from a `teacher` stage (a model input), so the resume also
    /// covers the distillation path (teacher logits are recomputed on resume and must give the same model).
    private func makeWorkspace(distil: Bool = false) throws -> Scratch {
        let scratch = try Scratch()
        try scratch.writeThreeClassCSV(rows: 1500, seed: 99, shift: 1.5)
        try scratch.write("net.yaml", """
        pipeline: 1
        name: net
        seed: 3
        stages:
          data: {kind: load, path: data.csv, label: label}
          split: {kind: split, inputs: [data], validation: 0.2}
          train:
            kind: train
            inputs: [split.train, split.validation]
            model: {type: mlp, layers: [32], dropout: 0.1, batch_norm: true}
            optimizer: {type: adam, lr: 0.003}
            schedule: {type: cosine}
            epochs: 150
            batch_size: 8
        """ + (distil ? """

            distillation: {temperature: 3, alpha: 0.5}
          teacher:
            kind: train
            inputs: [split.train]
            model: {type: mlp, layers: [16]}
            epochs: 3
        """ : ""))
        if distil {
            let text = try String(contentsOfFile: scratch.path + "/net.yaml", encoding: .utf8)
            try scratch.write("net.yaml", text.replacingOccurrences(of: "inputs: [split.train, split.validation]",
                                                                    with: "inputs: {train: split.train, validation: split.validation, teacher: teacher.model}"))
        }
        return scratch
    }

    private func modelHash(_ scratch: Scratch) throws -> String {
        let lock = try String(contentsOfFile: scratch.path + "/net.lock", encoding: .utf8)
        let lines = lock.components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex(of: "  train:"))
        let model = try XCTUnwrap(lines[start...].firstIndex(of: "      model:"))
        return try XCTUnwrap(lines[model...].first { $0.contains("hash: ") }).components(separatedBy: "hash: ")[1]
    }

    func testKilledTrainingResumesFromItsCheckpointBitIdentically() throws {
        try checkResume(distil: false)
    }

    func testKilledDistillationResumesFromItsCheckpointBitIdentically() throws {
        try checkResume(distil: true)
    }

    private func checkResume(distil: Bool) throws {
        let killed = try makeWorkspace(distil: distil), straight = try makeWorkspace(distil: distil)
        defer { killed.remove(); straight.remove() }
        if distil {
            // The teacher first, so the only training running when the process is killed is the student's.
            let teacher = try CLI.run(["run", "net.yaml", "--stage", "teacher"], in: killed.path)
            XCTAssertEqual(teacher.status, 0, teacher.stdout + teacher.stderr)
        }

        let run = try CLI.start(["run", "net.yaml"], in: killed.path)
        // Kill -9 once an epoch checkpoint exists (and, with luck, a few more epochs have passed).
        let checkpoints = killed.path + "/.pipeline/checkpoints"
        let deadline = Date().addingTimeInterval(120)
        var found = false
        while Date() < deadline, run.process.isRunning {
            let dirs = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? []
            if dirs.contains(where: { FileManager.default.fileExists(atPath: "\(checkpoints)/\($0)/training.h5") }) { found = true; break }
            usleep(20_000)
        }
        XCTAssertTrue(found, "a checkpoint should appear before training ends")
        usleep(300_000)
        XCTAssertTrue(run.process.isRunning, "training must still be running when it is killed (make it longer)")
        kill(run.process.processIdentifier, SIGKILL)
        run.process.waitUntilExit()
        XCTAssertNil(try modelHashIfAny(killed), "the killed run recorded no model")

        let resumed = try CLI.run(["run", "net.yaml"], in: killed.path)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("train: resuming from the checkpoint after epoch"), resumed.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: checkpoints + "/" + ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints))?.first ?? "none") + "/training.h5"),
                       "the checkpoint is removed once the model is stored")

        let uninterrupted = try CLI.run(["run", "net.yaml"], in: straight.path)
        XCTAssertEqual(uninterrupted.status, 0, uninterrupted.stdout + uninterrupted.stderr)
        XCTAssertEqual(try modelHash(killed), try modelHash(straight), "resumed and uninterrupted training give the same model bytes")
    }

    private func modelHashIfAny(_ scratch: Scratch) throws -> String? {
        guard let lock = try? String(contentsOfFile: scratch.path + "/net.lock", encoding: .utf8), lock.components(separatedBy: "\n").contains("  train:") else { return nil }
        return try modelHash(scratch)
    }
}
