import ArgumentParser
import Learn

/// `pipeline bench`: machine and algorithm benchmarks (used by `make bench`); `sgemm` is the default.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure this machine's numeric peak, the search samplers, the pca/standard steps, a model's inference or sparse inference (used by `make bench`).",
        subcommands: [BenchSGEMMCommand.self, BenchSearchCommand.self, BenchPCACommand.self, BenchStandardCommand.self, BenchInferenceCommand.self,
                      BenchSparseCommand.self],
        defaultSubcommand: BenchSGEMMCommand.self)
}

/// `pipeline bench sgemm`: the machine's OpenBLAS sgemm throughput.
struct BenchSGEMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sgemm", abstract: "Measure this machine's OpenBLAS sgemm peak.",
        discussion: "Prints the best-of-N GFLOP/s of cblas_sgemm on SIZE×SIZE float32 matrices. Run a release build.")

    @Option(help: "Matrix size.") var size: Int = 1024
    @Option(help: "Timed repetitions (the best counts).") var repeats: Int = 5

    func validate() throws {
        guard size >= 16, repeats >= 1 else { throw ValidationError("--size must be ≥ 16 and --repeats ≥ 1") }
    }

    func run() throws {
        print(String(format: "sgemm %d: %.1f GFLOP/s", size, GEMMBenchmark.sgemmGFLOPS(size: size, repeats: repeats)))
    }
}
