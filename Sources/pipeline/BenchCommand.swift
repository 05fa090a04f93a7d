import ArgumentParser
import Foundation
import Learn
import Stages

/// `pipeline bench sgemm`: the machine's OpenBLAS sgemm throughput (used by `make bench`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure this machine's numeric peak (used by `make bench`).",
        discussion: "Prints the best-of-N GFLOP/s of cblas_sgemm on SIZE×SIZE float32 matrices. Run a release build.")

    @Argument(help: "What to measure: sgemm, or inference (a network model's predict path on a dataset).") var target: String = "sgemm"
    @Option(help: "Matrix size.") var size: Int = 1024
    @Option(help: "Timed repetitions (the best counts).") var repeats: Int = 5
    @Option(help: "inference: the model artifact (.h5).") var model: String?
    @Option(help: "inference: the dataset artifact (.h5) to predict.") var data: String?
    @Option(help: "inference: rows per forward pass.") var batch: Int = 256
    @Option(help: "inference: rows predicted per repetition.") var rows: Int = 10_000

    func validate() throws {
        guard target == "sgemm" || target == "inference" else { throw ValidationError("unknown benchmark '\(target)'; expected sgemm or inference") }
        if target == "inference", model == nil || data == nil || batch < 1 || rows < 1 {
            throw ValidationError("inference needs --model and --data, and --batch and --rows ≥ 1")
        }
        guard size >= 16, repeats >= 1 else { throw ValidationError("--size must be ≥ 16 and --repeats ≥ 1") }
    }

    func run() throws {
        if target == "inference", let model, let data {
            let r = try InferenceBenchmark.run(model: model, data: data, batch: batch, rows: rows, repeats: repeats)
            print(String(format: "inference batch %d: %.3f us/row (%d rows in %.4f s, best of %d), accuracy %.4f",
                         batch, r.seconds / Double(r.rows) * 1e6, r.rows, r.seconds, repeats, r.accuracy))
            return
        }
        print(String(format: "sgemm %d: %.1f GFLOP/s", size, GEMMBenchmark.sgemmGFLOPS(size: size, repeats: repeats)))
    }
}
