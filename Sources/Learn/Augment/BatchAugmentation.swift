// On-the-fly augmentation of training mini-batches inside the trainer.

/// Augments each training mini-batch as the trainer draws it: image transformations per sample, tabular
/// noise per row, then optionally mixup over the batch.
///
/// Randomness comes from a generator derived from `(seed, "augment/epoch E/step S")` — a pure function of
/// the epoch and step, not of the trainer's running state — so a run resumed from an epoch checkpoint draws
/// exactly the same augmentations as an uninterrupted one. Mixup (one λ ~ Beta(α, α) per batch, partner rows
/// by a random permutation of the batch) produces soft targets `λ·onehot(y) + (1 − λ)·onehot(y_partner)`.
public struct BatchAugmentation: Sendable, Equatable {
    /// Per-sample image transformations, when the samples are images.
    public var image: ImageAugmentation?
    /// Shape of one sample ([H, W] or [C, H, W] for images).
    public var sampleShape: [Int]
    /// Tabular noise and mixup.
    public var tabular: TabularAugmentation
    /// Seed of the augmentation streams.
    public var seed: UInt64

    /// Creates a batch augmentation.
    public init(image: ImageAugmentation?, sampleShape: [Int], tabular: TabularAugmentation, seed: UInt64) {
        self.image = image
        self.sampleShape = sampleShape
        self.tabular = tabular
        self.seed = seed
    }

    /// Whether mixup is on (the loss then receives soft targets).
    public var mixes: Bool { tabular.mixupAlpha != nil }

    /// The generator of one (0-based) epoch and step.
    public func generator(epoch: Int, step: Int) -> SeededGenerator {
        SeededGenerator(seed: seed, stream: "augment/epoch\(epoch)/step\(step)")
    }

    /// Augments `batch` rows of `x` in place; with mixup, writes soft targets (`batch × classes`) into `targets`.
    public func apply(_ x: UnsafeMutableBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, batch: Int, classes: Int,
                      epoch: Int, step: Int, targets: UnsafeMutableBufferPointer<Float>) {
        var generator = generator(epoch: epoch, step: step)
        let width = sampleShape.reduce(1, *)
        if let image, let shape = ImageAugmentation.geometry(sampleShape) {
            var scratch = [Float](repeating: 0, count: width)
            scratch.withUnsafeMutableBufferPointer { s in
                for row in 0..<batch {
                    image.apply(UnsafeMutableBufferPointer(rebasing: x[(row * width)..<((row + 1) * width)]), channels: shape.channels,
                                height: shape.height, width: shape.width, scratch: s, generator: &generator)
                }
            }
        }
        if tabular.noise != nil {
            for row in 0..<batch { tabular.applyNoise(UnsafeMutableBufferPointer(rebasing: x[(row * width)..<((row + 1) * width)]), generator: &generator) }
        }
        guard let alpha = tabular.mixupAlpha else { return }
        let lambda = Float(generator.nextBeta(alpha, alpha))
        let partner = generator.permutation(n: batch)
        let original = Array(UnsafeBufferPointer(rebasing: x[0..<(batch * width)]))
        original.withUnsafeBufferPointer { o in
            for row in 0..<batch {
                let a = row * width, b = partner[row] * width
                for j in 0..<width { x[a + j] = lambda * o[a + j] + (1 - lambda) * o[b + j] }
            }
        }
        for i in 0..<(batch * classes) { targets[i] = 0 }
        for row in 0..<batch {
            targets[row * classes + Int(labels[row])] += lambda
            targets[row * classes + Int(labels[partner[row]])] += 1 - lambda
        }
    }
}
