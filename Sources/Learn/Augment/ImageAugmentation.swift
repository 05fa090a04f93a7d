// Random image augmentation of one sample ([H, W] or [C, H, W] float values), seeded.

import Foundation

/// A closed range of factors or degrees to draw uniformly from.
public struct UniformRange: Sendable, Equatable, Codable {
    /// Lower end.
    public var low: Double
    /// Upper end (≥ low).
    public var high: Double

    /// Creates a range.
    public init(_ low: Double, _ high: Double) {
        precondition(low <= high, "range low > high")
        self.low = low
        self.high = high
    }

    /// A uniform draw (one `nextDouble()`).
    public func draw(_ generator: inout SeededGenerator) -> Double { low + (high - low) * generator.nextDouble() }
}

/// Which random image transformations to apply, in this fixed order: one affine warp (rotation, scaling,
/// translation; bilinear, zero outside), random crop with zero padding, horizontal then vertical flip,
/// brightness (`x·b`), contrast (`mean + c·(x − mean)` with the sample mean), Gaussian noise, cutout.
/// A transformation whose option is nil (or probability 0) draws no random numbers.
public struct ImageAugmentation: Sendable, Equatable, Codable {
    /// Rotation angle in degrees, counter-clockwise as displayed (rows grow downwards).
    public var rotation: UniformRange?
    /// Zoom factor (> 1 enlarges the content).
    public var scale: UniformRange?
    /// Largest shift as a fraction of width (x) and height (y); each is drawn uniformly in [−t, t].
    public var translate: Double?
    /// Zero padding on every side before a random crop back to the original size.
    public var cropPadding: Int?
    /// Probability of mirroring left–right.
    public var horizontalFlip: Double = 0
    /// Probability of mirroring top–bottom.
    public var verticalFlip: Double = 0
    /// Brightness factor.
    public var brightness: UniformRange?
    /// Contrast factor.
    public var contrast: UniformRange?
    /// Standard deviation of added Gaussian noise (in feature units).
    public var noise: Double?
    /// Side of the zeroed square (cutout), centred on a uniformly drawn pixel and clipped at the border.
    public var cutout: Int?

    /// Nothing enabled.
    public init() {}

    /// Whether any transformation is enabled.
    public var isIdentity: Bool {
        rotation == nil && scale == nil && translate == nil && cropPadding == nil && horizontalFlip == 0 && verticalFlip == 0
            && brightness == nil && contrast == nil && noise == nil && cutout == nil
    }

    /// Channels, height and width of samples of `shape` ([H, W] or [C, H, W]); nil for other shapes.
    public static func geometry(_ shape: [Int]) -> (channels: Int, height: Int, width: Int)? {
        switch shape.count {
        case 2: return (1, shape[0], shape[1])
        case 3: return (shape[0], shape[1], shape[2])
        default: return nil
        }
    }

    /// Augments one sample in place (`channels × height × width` values, row-major per channel); `scratch`
    /// must hold as many values.
    public func apply(_ x: UnsafeMutableBufferPointer<Float>, channels: Int, height: Int, width: Int,
                      scratch: UnsafeMutableBufferPointer<Float>, generator: inout SeededGenerator) {
        let plane = height * width
        precondition(x.count == channels * plane && scratch.count >= x.count, "sample size does not match its shape")
        if rotation != nil || scale != nil || translate != nil {
            let angle = (rotation?.draw(&generator) ?? 0) * Double.pi / 180
            let zoom = scale?.draw(&generator) ?? 1
            let tx = translate.map { (2 * generator.nextDouble() - 1) * $0 * Double(width) } ?? 0
            let ty = translate.map { (2 * generator.nextDouble() - 1) * $0 * Double(height) } ?? 0
            Self.affine(x, channels: channels, height: height, width: width, angle: angle, zoom: zoom, shift: (tx, ty), into: scratch)
            _ = x.update(fromContentsOf: UnsafeMutableBufferPointer(rebasing: scratch[0..<x.count]))
        }
        if let padding = cropPadding, padding > 0 {
            let oy = generator.nextInt(below: 2 * padding + 1) - padding
            let ox = generator.nextInt(below: 2 * padding + 1) - padding
            Self.shift(x, channels: channels, height: height, width: width, dy: oy, dx: ox, into: scratch)
            _ = x.update(fromContentsOf: UnsafeMutableBufferPointer(rebasing: scratch[0..<x.count]))
        }
        if horizontalFlip > 0, generator.nextDouble() < horizontalFlip { Self.flipHorizontal(x, channels: channels, height: height, width: width) }
        if verticalFlip > 0, generator.nextDouble() < verticalFlip { Self.flipVertical(x, channels: channels, height: height, width: width) }
        if let brightness {
            let b = Float(brightness.draw(&generator))
            for i in 0..<x.count { x[i] *= b }
        }
        if let contrast {
            let c = Float(contrast.draw(&generator))
            var sum = 0.0
            for i in 0..<x.count { sum += Double(x[i]) }
            let mean = Float(sum / Double(max(1, x.count)))
            for i in 0..<x.count { x[i] = mean + c * (x[i] - mean) }
        }
        if let noise, noise > 0 {
            for i in 0..<x.count { x[i] += Float(noise * generator.nextGaussian()) }
        }
        if let cutout, cutout > 0 {
            let cy = generator.nextInt(below: height), cx = generator.nextInt(below: width)
            let y0 = max(0, cy - cutout / 2), y1 = min(height, cy - cutout / 2 + cutout)
            let x0 = max(0, cx - cutout / 2), x1 = min(width, cx - cutout / 2 + cutout)
            for c in 0..<channels { for i in y0..<max(y0, y1) { for j in x0..<max(x0, x1) { x[c * plane + i * width + j] = 0 } } }
        }
    }

    /// Bilinear affine warp about the image centre `((W−1)/2, (H−1)/2)`: output pixel p takes the input at
    /// `c + R(−θ)(p − c − t)/zoom` (R(θ) counter-clockwise as displayed), zero outside. Source coordinates within
    /// 1e-9 of an integer are snapped, so right-angle rotations and unit zoom copy pixels exactly.
    public static func affine(_ x: UnsafeMutableBufferPointer<Float>, channels: Int, height: Int, width: Int,
                              angle: Double, zoom: Double, shift: (Double, Double), into out: UnsafeMutableBufferPointer<Float>) {
        let plane = height * width
        let cy = Double(height - 1) / 2, cx = Double(width - 1) / 2
        let cosA = Foundation.cos(angle) / zoom, sinA = Foundation.sin(angle) / zoom
        func snap(_ v: Double) -> Double { let r = v.rounded(); return abs(v - r) < 1e-9 ? r : v }
        for i in 0..<height {
            for j in 0..<width {
                let dx = Double(j) - cx - shift.0, dy = Double(i) - cy - shift.1
                let sx = snap(cx + cosA * dx - sinA * dy)
                let sy = snap(cy + sinA * dx + cosA * dy)
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
                for c in 0..<channels {
                    let base = c * plane
                    func at(_ r: Int, _ q: Int) -> Float { r >= 0 && r < height && q >= 0 && q < width ? x[base + r * width + q] : 0 }
                    var v = (1 - fy) * (1 - fx) * at(y0, x0)
                    if fx != 0 { v += (1 - fy) * fx * at(y0, x0 + 1) }
                    if fy != 0 { v += fy * (1 - fx) * at(y0 + 1, x0) }
                    if fx != 0, fy != 0 { v += fy * fx * at(y0 + 1, x0 + 1) }
                    out[base + i * width + j] = v
                }
            }
        }
    }

    /// `out[i][j] = x[i + dy][j + dx]`, zero outside (a crop of the zero-padded image at offset (dy, dx)).
    public static func shift(_ x: UnsafeMutableBufferPointer<Float>, channels: Int, height: Int, width: Int, dy: Int, dx: Int,
                             into out: UnsafeMutableBufferPointer<Float>) {
        let plane = height * width
        for c in 0..<channels {
            for i in 0..<height {
                for j in 0..<width {
                    let r = i + dy, q = j + dx
                    out[c * plane + i * width + j] = r >= 0 && r < height && q >= 0 && q < width ? x[c * plane + r * width + q] : 0
                }
            }
        }
    }

    /// Mirrors left–right.
    public static func flipHorizontal(_ x: UnsafeMutableBufferPointer<Float>, channels: Int, height: Int, width: Int) {
        for row in 0..<(channels * height) {
            var a = row * width, b = a + width - 1
            while a < b { x.swapAt(a, b); a += 1; b -= 1 }
        }
    }

    /// Mirrors top–bottom.
    public static func flipVertical(_ x: UnsafeMutableBufferPointer<Float>, channels: Int, height: Int, width: Int) {
        for c in 0..<channels {
            var top = 0, bottom = height - 1
            while top < bottom {
                for j in 0..<width { x.swapAt(c * height * width + top * width + j, c * height * width + bottom * width + j) }
                top += 1; bottom -= 1
            }
        }
    }
}

/// Augmentation for tabular rows: additive Gaussian noise, and mixup (convex combinations of row pairs with
/// λ ~ Beta(α, α), Zhang et al. 2018) which needs soft targets and so runs only inside the network trainer.
public struct TabularAugmentation: Sendable, Equatable, Codable {
    /// Standard deviation of added noise, in feature units.
    public var noise: Double?
    /// Mixup's α (> 0), when enabled.
    public var mixupAlpha: Double?

    /// Nothing enabled.
    public init(noise: Double? = nil, mixupAlpha: Double? = nil) {
        self.noise = noise
        self.mixupAlpha = mixupAlpha
    }

    /// Adds noise to one row.
    public func applyNoise(_ x: UnsafeMutableBufferPointer<Float>, generator: inout SeededGenerator) {
        guard let noise, noise > 0 else { return }
        for i in 0..<x.count { x[i] += Float(noise * generator.nextGaussian()) }
    }
}

extension SeededGenerator {
    /// A Gamma(shape, 1) sample by Marsaglia & Tsang (2000); shape < 1 uses `Gamma(shape + 1)·U^(1/shape)`.
    public mutating func nextGamma(shape: Double) -> Double {
        precondition(shape > 0, "gamma shape must be positive")
        if shape < 1 { return nextGamma(shape: shape + 1) * Foundation.pow(1 - nextDouble(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat { x = nextGaussian(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = 1 - nextDouble()
            if Foundation.log(u) < 0.5 * x * x + d - d * v + d * Foundation.log(v) { return d * v }
        }
    }

    /// A Beta(a, b) sample as `X/(X+Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)`.
    public mutating func nextBeta(_ a: Double, _ b: Double) -> Double {
        let x = nextGamma(shape: a), y = nextGamma(shape: b)
        return x / (x + y)
    }
}
