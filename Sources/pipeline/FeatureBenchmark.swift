import ArgumentParser
import Foundation
import Learn
import PipelineSpec
import Stages

/// `pipeline bench pca|standard`: times the `pca` (50 components) and `standard` transform steps fitting and
/// transforming the Fashion-MNIST training images as float32 (scikit-learn's `fit_transform`), best of N.
enum FeatureBenchmark {
    static func run(_ target: String, images: String, components: Int, repeats: Int) throws {
        let idx = try IDXReader.read(images, expectedRank: 3)
        let rows = idx.shape[0], columns = idx.shape[1] * idx.shape[2]
        let data = Dataset(features: .float32(idx.floats()), rows: rows, sampleShape: [columns], labels: nil, classNames: [], featureNames: [])
        let spec: [String: ParamValue] = target == "pca"
            ? ["type": .string("pca"), "n_components": .int(components), "whiten": .bool(false)]
            : ["type": .string("standard")]
        var best = Double.infinity
        var checksum = 0.0
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let (_, out) = try FittedChain.fit([spec], on: data, context: FitContext(seed: 0, streamPrefix: "bench"))
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            if case .float32(let v) = out.features { checksum = Double(v[0]) + Double(v[v.count - 1]) }
        }
        print(String(format: "%@ %dx%d%@: %.4f s (best of %d; checksum %.4g)", target, rows, columns,
                     target == "pca" ? " -> \(components)" : "", best, repeats, checksum))
    }
}

/// `pipeline bench pca`: the `pca` step (fit + transform) on Fashion-MNIST's training images.
struct BenchPCACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pca", abstract: "Time the pca step on the Fashion-MNIST training images (scripts/bench/features.sh).",
        discussion: "Best-of-N seconds to fit PCA and transform the 60000×784 images (float32). Run a release build.")

    @Option(help: "The idx images file.") var images: String = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
    @Option(help: "Components to keep.") var components: Int = 50
    @Option(help: "Timed repetitions (the best counts).") var repeats: Int = 5

    func validate() throws {
        guard components >= 1, repeats >= 1 else { throw ValidationError("--components and --repeats must be ≥ 1") }
    }

    func run() throws { try FeatureBenchmark.run("pca", images: images, components: components, repeats: repeats) }
}

/// `pipeline bench standard`: the `standard` step (fit + transform) on Fashion-MNIST's training images.
struct BenchStandardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standard", abstract: "Time the standard step on the Fashion-MNIST training images (scripts/bench/features.sh).",
        discussion: "Best-of-N seconds to fit standard scaling and transform the 60000×784 images (float32). Run a release build.")

    @Option(help: "The idx images file.") var images: String = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
    @Option(help: "Timed repetitions (the best counts).") var repeats: Int = 5

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1") }
    }

    func run() throws { try FeatureBenchmark.run("standard", images: images, components: 0, repeats: repeats) }
}
