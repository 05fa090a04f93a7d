import Foundation
import Stages

/// A minimal PNG reader for screenshots (8-bit RGB/RGBA, not interlaced): enough to check that a rendered
/// page is not blank. The zlib stream is inflated by the repo's zlib wrapper.
struct PNGImage {
    let width: Int
    let height: Int
    /// Channels per pixel (3 or 4).
    let channels: Int
    /// Unfiltered pixel bytes, row-major.
    let pixels: [UInt8]

    struct FormatError: Error, CustomStringConvertible { let description: String }

    init(contentsOf path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count > 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw FormatError(description: "not a PNG") }
        func u32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        var offset = 8, width = 0, height = 0, channels = 0
        var compressed: [UInt8] = []
        while offset + 8 <= bytes.count {
            let length = u32(offset), type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = offset + 8
            switch type {
            case "IHDR":
                width = u32(data)
                height = u32(data + 4)
                guard bytes[data + 8] == 8, bytes[data + 12] == 0 else { throw FormatError(description: "only 8-bit non-interlaced PNGs") }
                switch bytes[data + 9] {
                case 2: channels = 3
                case 6: channels = 4
                default: throw FormatError(description: "colour type \(bytes[data + 9]) not supported")
                }
            case "IDAT": compressed += bytes[data..<(data + length)]
            default: break
            }
            offset = data + length + 4
        }
        let raw = try Gzip.decompress(compressed)
        let stride = width * channels
        guard raw.count == height * (stride + 1) else { throw FormatError(description: "image data has \(raw.count) bytes, expected \(height * (stride + 1))") }
        var out = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let value = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= channels ? Int(out[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(out[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(out[(y - 1) * stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw FormatError(description: "bad filter \(filter)")
                }
                out[y * stride + x] = UInt8((value + predictor) & 0xFF)
            }
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = out
    }

    /// Fraction of pixels that are not (near) white, and the variance of the grey level.
    var inkAndVariance: (ink: Double, variance: Double) {
        var ink = 0, sum = 0.0, squares = 0.0
        let count = width * height
        for i in 0..<count {
            let base = i * channels
            let grey = (Double(pixels[base]) + Double(pixels[base + 1]) + Double(pixels[base + 2])) / 3
            if grey < 235 { ink += 1 }
            sum += grey
            squares += grey * grey
        }
        let mean = sum / Double(count)
        return (Double(ink) / Double(count), squares / Double(count) - mean * mean)
    }
}
