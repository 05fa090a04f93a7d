import ArgumentParser
import Learn

/// `pipeline bench sgemm`: the machine's OpenBLAS sgemm throughput (used by `make bench`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure this machine's numeric peak (used by `make bench`).",
        discussion: "Prints the best-of-N GFLOP/s of cblas_sgemm on SIZE×SIZE float32 matrices. Run a release build.")

    @Argument(help: "What to measure: sgemm.") var target: String = "sgemm"
    @Option(help: "Matrix size.") var size: Int = 1024
    @Option(help: "Timed repetitions (the best counts).") var repeats: Int = 5

    func validate() throws {
        guard target == "sgemm" else { throw ValidationError("unknown benchmark '\(target)'; expected sgemm") }
        guard size >= 16, repeats >= 1 else { throw ValidationError("--size must be ≥ 16 and --repeats ≥ 1") }
    }

    func run() throws {
        print(String(format: "sgemm %d: %.1f GFLOP/s", size, GEMMBenchmark.sgemmGFLOPS(size: size, repeats: repeats)))
    }
}
