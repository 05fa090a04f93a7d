import Foundation
import Stages
import XCTest

final class IDXReaderTests: XCTestCase {
    /// Big-endian bytes of a UInt32.
    private func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    func testImagesAndLabels() throws {
        let pixels: [UInt8] = Array(0..<12)
        let images = [0, 0, 0x08, 3] + be32(2) + be32(2) + be32(3) + pixels
        let array = try IDXReader.parse(images, expectedRank: 3)
        XCTAssertEqual(array.shape, [2, 2, 3])
        XCTAssertEqual(array.elementType, .uint8)
        XCTAssertEqual(array.bytes, pixels)
        XCTAssertEqual(array.floats(), pixels.map(Float.init))

        let labels = try IDXReader.parse([0, 0, 0x08, 1] + be32(4) + [9, 0, 3, 3])
        XCTAssertEqual(labels.shape, [4])
        XCTAssertEqual(labels.bytes, [9, 0, 3, 3])
    }

    func testWiderBigEndianTypes() throws {
        let shorts = try IDXReader.parse([0, 0, 0x0B, 1] + be32(2) + [0xFF, 0xFE, 0x01, 0x00])
        XCTAssertEqual(shorts.floats(), [-2, 256])
        let floats = try IDXReader.parse([0, 0, 0x0D, 1] + be32(2) + be32(Float(1.5).bitPattern) + be32(Float(-3).bitPattern))
        XCTAssertEqual(floats.floats(), [1.5, -3])
        let ints = try IDXReader.parse([0, 0, 0x0C, 1] + be32(1) + be32(UInt32(bitPattern: -70000)))
        XCTAssertEqual(ints.floats(), [-70000])
        let signed = try IDXReader.parse([0, 0, 0x09, 1] + be32(1) + [0x80])
        XCTAssertEqual(signed.floats(), [-128])
    }

    func testClearErrors() throws {
        XCTAssertThrowsError(try IDXReader.parse(Array("hello,world\n".utf8), path: "data.csv")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("data.csv"), text)
            XCTAssertTrue(text.contains("expected idx magic 0x0803 (images) or 0x0801 (labels), found 0x68656c6c"), text)
        }
        XCTAssertThrowsError(try IDXReader.parse([0, 0, 0x08, 1] + be32(4) + [9], path: "l.idx", expectedRank: 3)) { error in
            XCTAssertTrue("\(error)".contains("expected idx magic 0x0803 (rank 3), found 0x00000801"), "\(error)")
        }
        XCTAssertThrowsError(try IDXReader.parse([0, 0, 0x08, 2] + be32(3) + be32(4) + [1, 2, 3], path: "t.idx")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("truncated") && text.contains("3×4") && text.contains("only 3 bytes"), text)
        }
        XCTAssertThrowsError(try IDXReader.parse([0, 0, 0x08, 3] + be32(3), path: "h.idx")) { error in
            XCTAssertTrue("\(error)".contains("truncated idx header"), "\(error)")
        }
        XCTAssertThrowsError(try IDXReader.parse([0, 0, 0x08, 1] + be32(1) + [1, 2])) { error in
            XCTAssertTrue("\(error)".contains("unexpected bytes"), "\(error)")
        }
        XCTAssertThrowsError(try IDXReader.parse([0, 0]))
    }

    func testGzippedFile() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let raw: [UInt8] = [0, 0, 0x08, 1] + be32(3) + [7, 8, 9]
        try Data(try Gzip.compress(raw)).write(to: URL(fileURLWithPath: directory + "/labels.gz"))
        XCTAssertEqual(try IDXReader.read(directory + "/labels.gz", expectedRank: 1).bytes, [7, 8, 9])
    }

    func testFashionMNISTTestLabels() throws {
        let path = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("Fashion-MNIST not installed") }
        let labels = try IDXReader.read(path, expectedRank: 1)
        XCTAssertEqual(labels.shape, [10000])
        XCTAssertEqual(labels.elementType, .uint8)
        var counts = [Int](repeating: 0, count: 256)
        for label in labels.bytes { counts[Int(label)] += 1 }
        XCTAssertEqual(Array(counts[0..<10]), [Int](repeating: 1000, count: 10))
        XCTAssertEqual(counts[10...].reduce(0, +), 0)
    }

    func testFashionMNISTTestImagesHeader() throws {
        let path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("Fashion-MNIST not installed") }
        let images = try IDXReader.read(path, expectedRank: 3)
        XCTAssertEqual(images.shape, [10000, 28, 28])
        XCTAssertEqual(images.bytes.count, 10000 * 28 * 28)
        XCTAssertThrowsError(try IDXReader.read(path, expectedRank: 1))
    }
}
