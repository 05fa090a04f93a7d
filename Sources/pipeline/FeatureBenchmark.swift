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
