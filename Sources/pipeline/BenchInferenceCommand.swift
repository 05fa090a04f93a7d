import ArgumentParser
import Foundation
import Stages

/// `pipeline bench inference`: a network model's predict path on a dataset (used by `make bench-compress`).
struct BenchInferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference", abstract: "Time a network model's inference on a dataset artifact.",
        discussion: "Prints microseconds per row (best of N) and the accuracy, through the same predict path `evaluate` uses (int8 models run their int8 GEMM). Run a release build.")

    @Option(help: "The model artifact (.h5).") var model: String
    @Option(help: "The dataset artifact (.h5) to predict.") var data: String
    @Option(help: "Rows per forward pass.") var batch: Int = 256
    @Option(help: "Rows predicted per repetition.") var rows: Int = 10_000
    @Option(help: "Timed repetitions (the best counts).") var repeats: Int = 5

    func validate() throws {
        guard batch >= 1, rows >= 1, repeats >= 1 else { throw ValidationError("--batch, --rows and --repeats must be ≥ 1") }
    }

    func run() throws {
        let r = try InferenceBenchmark.run(model: model, data: data, batch: batch, rows: rows, repeats: repeats)
        print(String(format: "inference batch %d: %.3f us/row (%d rows in %.4f s, best of %d), accuracy %.4f",
                     batch, r.seconds / Double(r.rows) * 1e6, r.rows, r.seconds, repeats, r.accuracy))
    }
}
