import ArgumentParser

/// `pipeline bench sparse`: dense (sgemm) against sparse (CSR) inference of LeNet-300-100 (`make bench-sparse`).
struct BenchSparseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparse", abstract: "Dense vs sparse (CSR) inference of LeNet-300-100, a sparsity sweep and file sizes.",
        discussion: """
            Times the dense (sgemm) and sparse (CSR) engines on the same pruned weights at batch 1 and 256: for --model \
            (a pruned network model file) if given, and for LeNet-300-100 with random weights pruned layer by layer to \
            each of --sparsities (the crossover is the lowest swept sparsity where sparse is faster), with the model \
            file sizes dense and sparse. Run a release build.
            """)

    @Option(help: "A pruned network model file to time as well.") var model: String?
    @Option(help: "Comma-separated sparsities to sweep.") var sparsities: String = "0.5,0.6,0.7,0.8,0.85,0.9,0.95,0.99"
    @Option(help: "Timed repetitions (the best counts).") var repeats: Int = 5

    private var sweep: [Double] { sparsities.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) ?? -1 } }

    func validate() throws {
        guard sweep.allSatisfy({ $0 >= 0 && $0 < 1 }) else { throw ValidationError("--sparsities must be numbers in [0, 1), found '\(sparsities)'") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1") }
    }

    func run() throws {
        print(try SparseBench.report(model: model, sweep: sweep, repeats: repeats))
    }
}
