import ArgumentParser
import Learn

/// `pipeline bench sgemm`: the machine's OpenBLAS sgemm throughput (used by `make bench`);
/// `pipeline bench sparse`: dense against sparse (CSR) inference of LeNet-300-100 (`make bench-sparse`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure this machine's numeric peak (used by `make bench`).",
        discussion: """
            sgemm: the best-of-N GFLOP/s of cblas_sgemm on SIZE×SIZE float32 matrices. sparse: LeNet-300-100 inference, \
            dense (sgemm) vs sparse (CSR) engines on the same pruned weights at batch 1 and 256, over --sparsities, and for \
            --model (a pruned network model file) if given, with the model file sizes. Run a release build.
            """)

    @Argument(help: "What to measure: sgemm or sparse.") var target: String = "sgemm"
    @Option(help: "sparse: a pruned network model file to time as well.") var model: String?
    @Option(help: "sparse: comma-separated sparsities to sweep.") var sparsities: String = "0.5,0.6,0.7,0.8,0.85,0.9,0.95,0.99"
    @Option(help: "Matrix size.") var size: Int = 1024
    @Option(help: "Timed repetitions (the best counts).") var repeats: Int = 5

    func validate() throws {
        guard ["sgemm", "sparse"].contains(target) else { throw ValidationError("unknown benchmark '\(target)'; expected sgemm or sparse") }
        guard sweep.allSatisfy({ $0 >= 0 && $0 < 1 }) else { throw ValidationError("--sparsities must be numbers in [0, 1), found '\(sparsities)'") }
        guard size >= 16, repeats >= 1 else { throw ValidationError("--size must be ≥ 16 and --repeats ≥ 1") }
    }

    private var sweep: [Double] { sparsities.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) ?? -1 } }

    func run() throws {
        if target == "sparse" {
            print(try SparseBench.report(model: model, sweep: sweep, repeats: repeats))
            return
        }
        print(String(format: "sgemm %d: %.1f GFLOP/s", size, GEMMBenchmark.sgemmGFLOPS(size: size, repeats: repeats)))
    }
}
