import XCTest
@testable import Learn

/// Image and batch augmentation: exact identities (right-angle rotations, flips, unit factors), hand-computed
/// bilinear values, distribution moments of the Gamma/Beta samplers, and determinism.
final class AugmentationTests: XCTestCase {
    func image(_ h: Int, _ w: Int, channels: Int = 1) -> [Float] { (0..<(channels * h * w)).map { Float($0 * 7 % 23) + 0.5 } }

    func warp(_ x: [Float], channels: Int = 1, h: Int, w: Int, angle: Double, zoom: Double = 1, shift: (Double, Double) = (0, 0)) -> [Float] {
        var input = x, out = [Float](repeating: -1, count: x.count)
        input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { ImageAugmentation.affine(i, channels: channels, height: h, width: w, angle: angle, zoom: zoom, shift: shift, into: $0) }
        }
        return out
    }

    /// numpy's np.rot90(a) (counter-clockwise) = a.T[::-1]: transpose, then reverse the rows.
    func rot90(_ x: [Float], n: Int) -> [Float] {
        var out = [Float](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { out[i * n + j] = x[j * n + (n - 1 - i)] } }
        return out
    }

    func testNinetyDegreeRotationIsTransposeAndFlip() {
        for n in [4, 5] {
            let x = image(n, n)
            XCTAssertEqual(warp(x, h: n, w: n, angle: .pi / 2), rot90(x, n: n), "n = \(n)")
            XCTAssertEqual(warp(x, h: n, w: n, angle: -.pi / 2), rot90(rot90(rot90(x, n: n), n: n), n: n), "n = \(n)")
        }
        // Per channel for [C, H, W].
        let x = image(3, 3, channels: 2)
        let rotated = warp(x, channels: 2, h: 3, w: 3, angle: .pi / 2)
        XCTAssertEqual(Array(rotated[9..<18]), rot90(Array(x[9..<18]), n: 3))
    }

    func testIdentityWarpAndHalfPixelShiftByHand() {
        let x = image(3, 4)
        XCTAssertEqual(warp(x, h: 3, w: 4, angle: 0), x)
        // Shift right by half a pixel: out[i][j] = (x[i][j−1] + x[i][j]) / 2, with 0 left of column 0.
        let shifted = warp(x, h: 3, w: 4, angle: 0, shift: (0.5, 0))
        for i in 0..<3 {
            for j in 0..<4 {
                let left: Float = j > 0 ? x[i * 4 + j - 1] : 0
                XCTAssertEqual(shifted[i * 4 + j], 0.5 * left + 0.5 * x[i * 4 + j], accuracy: 1e-6)
            }
        }
        // Zoom 2 about the centre of a 3×3 image: the centre pixel stays, corners sample halfway to the centre.
        let zoomed = warp(x.prefix(9).map { $0 }, h: 3, w: 3, angle: 0, zoom: 2)
        XCTAssertEqual(zoomed[4], x[4])
        XCTAssertEqual(zoomed[0], 0.25 * (x[0] + x[1] + x[3] + x[4]), accuracy: 1e-5)
    }

    func testFlipsTwiceAreIdentityAndShiftCrops() {
        var x = image(3, 5, channels: 2)
        let original = x
        x.withUnsafeMutableBufferPointer { ImageAugmentation.flipHorizontal($0, channels: 2, height: 3, width: 5) }
        XCTAssertEqual(x[0], original[4])
        x.withUnsafeMutableBufferPointer { ImageAugmentation.flipHorizontal($0, channels: 2, height: 3, width: 5) }
        XCTAssertEqual(x, original)
        x.withUnsafeMutableBufferPointer { ImageAugmentation.flipVertical($0, channels: 2, height: 3, width: 5) }
        XCTAssertEqual(x[0], original[10])
        x.withUnsafeMutableBufferPointer { ImageAugmentation.flipVertical($0, channels: 2, height: 3, width: 5) }
        XCTAssertEqual(x, original)
        var out = [Float](repeating: -1, count: 4)
        var small: [Float] = [1, 2, 3, 4]
        small.withUnsafeMutableBufferPointer { s in out.withUnsafeMutableBufferPointer { ImageAugmentation.shift(s, channels: 1, height: 2, width: 2, dy: 1, dx: -1, into: $0) } }
        XCTAssertEqual(out, [0, 3, 0, 0])
    }

    func testUnitBrightnessAndContrastAreIdentity() {
        var options = ImageAugmentation()
        options.brightness = UniformRange(1, 1)
        options.contrast = UniformRange(1, 1)
        var x = image(4, 4)
        let original = x
        var g = SeededGenerator(seed: 1)
        var scratch = [Float](repeating: 0, count: 16)
        x.withUnsafeMutableBufferPointer { p in scratch.withUnsafeMutableBufferPointer { options.apply(p, channels: 1, height: 4, width: 4, scratch: $0, generator: &g) } }
        XCTAssertEqual(x, original)
        // Contrast 0 maps every pixel to the sample mean; brightness 2 doubles.
        options.brightness = UniformRange(2, 2)
        options.contrast = UniformRange(0, 0)
        x.withUnsafeMutableBufferPointer { p in scratch.withUnsafeMutableBufferPointer { options.apply(p, channels: 1, height: 4, width: 4, scratch: $0, generator: &g) } }
        let mean = 2 * original.reduce(0, +) / 16
        for v in x { XCTAssertEqual(v, mean, accuracy: 1e-4) }
    }

    func testCutoutZeroesASquareAndAugmentationIsDeterministic() {
        var options = ImageAugmentation()
        options.cutout = 3
        var x = [Float](repeating: 1, count: 100)
        var g = SeededGenerator(seed: 5)
        var scratch = [Float](repeating: 0, count: 100)
        x.withUnsafeMutableBufferPointer { p in scratch.withUnsafeMutableBufferPointer { options.apply(p, channels: 1, height: 10, width: 10, scratch: $0, generator: &g) } }
        let zeros = x.filter { $0 == 0 }.count
        XCTAssertTrue([4, 6, 9].contains(zeros), "a 3×3 square clipped at the border, found \(zeros) zeros")

        var all = ImageAugmentation()
        all.rotation = UniformRange(-15, 15); all.scale = UniformRange(0.9, 1.1); all.translate = 0.1; all.cropPadding = 2
        all.horizontalFlip = 0.5; all.brightness = UniformRange(0.8, 1.2); all.contrast = UniformRange(0.8, 1.2); all.noise = 0.1; all.cutout = 2
        func run(_ seed: UInt64) -> [Float] {
            var y = image(6, 6), s = [Float](repeating: 0, count: 36)
            var g = SeededGenerator(seed: seed)
            y.withUnsafeMutableBufferPointer { p in s.withUnsafeMutableBufferPointer { all.apply(p, channels: 1, height: 6, width: 6, scratch: $0, generator: &g) } }
            return y
        }
        XCTAssertEqual(run(9), run(9))
        XCTAssertNotEqual(run(9), run(10))
    }

    func testGammaAndBetaMoments() {
        // Gamma(k) has mean k and variance k; Beta(a, a) has mean 1/2 and variance 1/(4(2a + 1)).
        var g = SeededGenerator(seed: 11)
        for shape in [0.4, 2.5] {
            let draws = (0..<40_000).map { _ in g.nextGamma(shape: shape) }
            let mean = draws.reduce(0, +) / 40_000
            let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 40_000
            XCTAssertEqual(mean, shape, accuracy: 5 * (shape / 40_000).squareRoot())
            XCTAssertEqual(variance, shape, accuracy: 0.06 * shape)
        }
        let beta = (0..<40_000).map { _ in g.nextBeta(0.4, 0.4) }
        let mean = beta.reduce(0, +) / 40_000
        XCTAssertEqual(mean, 0.5, accuracy: 0.01)
        XCTAssertEqual(beta.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 40_000, 1 / (4 * 1.8), accuracy: 0.005)
    }

    func testMixupMakesConvexRowsAndSoftTargets() {
        let augmentation = BatchAugmentation(image: nil, sampleShape: [2], tabular: TabularAugmentation(mixupAlpha: 0.4), seed: 3)
        let original: [Float] = [1, 0, 0, 1, 2, 2, 5, -1]
        let labels: [Int32] = [0, 1, 2, 1]
        func run(epoch: Int, step: Int) -> ([Float], [Float]) {
            var x = original, targets = [Float](repeating: 9, count: 12)
            x.withUnsafeMutableBufferPointer { xp in
                labels.withUnsafeBufferPointer { yp in
                    targets.withUnsafeMutableBufferPointer { augmentation.apply(xp, labels: yp, batch: 4, classes: 3, epoch: epoch, step: step, targets: $0) }
                }
            }
            return (x, targets)
        }
        let (x, t) = run(epoch: 2, step: 1)
        XCTAssertEqual(run(epoch: 2, step: 1).0, x, "a pure function of (seed, epoch, step)")
        // The documented draws: λ ~ Beta(α, α) first, then the partner permutation, from the (epoch, step) stream.
        var g = augmentation.generator(epoch: 2, step: 1)
        let lambda = Float(g.nextBeta(0.4, 0.4))
        let partner = g.permutation(n: 4)
        XCTAssertTrue(lambda > 0 && lambda < 1)
        for row in 0..<4 {
            XCTAssertEqual(t[(row * 3)..<(row * 3 + 3)].reduce(0, +), 1, accuracy: 1e-6)
            var expected = [Float](repeating: 0, count: 3)
            expected[Int(labels[row])] += lambda
            expected[Int(labels[partner[row]])] += 1 - lambda
            XCTAssertEqual(Array(t[(row * 3)..<(row * 3 + 3)]), expected)
            for j in 0..<2 {
                XCTAssertEqual(x[row * 2 + j], lambda * original[row * 2 + j] + (1 - lambda) * original[partner[row] * 2 + j], accuracy: 1e-6)
            }
        }
        XCTAssertNotEqual(run(epoch: 3, step: 1).0, x, "another epoch draws anew")
    }
}
