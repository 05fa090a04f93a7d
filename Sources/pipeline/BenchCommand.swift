import ArgumentParser
import Learn

/// `pipeline bench sgemm|pca|standard`: the machine's OpenBLAS sgemm throughput, or the time of the `pca` and
/// `standard` transform steps on the Fashion-MNIST training set (used by `make bench`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure this machine's numeric peak (used by `make bench`).",
        discussion: "sgemm: best-of-N GFLOP/s of cblas_sgemm on SIZE×SIZE float32 matrices. pca / standard: best-of-N seconds to fit "
            + "and transform the Fashion-MNIST training images (float32) with that transform step. Run a release build.")

    @Argument(help: "What to measure: sgemm, pca or standard.") var target: String = "sgemm"
    @Option(help: "Matrix size.") var size: Int = 1024
    @Option(help: "Timed repetitions (the best counts).") var repeats: Int = 5
    @Option(help: "pca / standard: the idx images file.") var images: String = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
    @Option(help: "pca: components to keep.") var components: Int = 50

    func validate() throws {
        guard ["sgemm", "pca", "standard"].contains(target) else { throw ValidationError("unknown benchmark '\(target)'; expected sgemm, pca or standard") }
        guard size >= 16, repeats >= 1 else { throw ValidationError("--size must be ≥ 16 and --repeats ≥ 1") }
    }

    func run() throws {
        guard target == "sgemm" else {
            return try FeatureBenchmark.run(target, images: images, components: components, repeats: repeats)
        }
        print(String(format: "sgemm %d: %.1f GFLOP/s", size, GEMMBenchmark.sgemmGFLOPS(size: size, repeats: repeats)))
    }
}
