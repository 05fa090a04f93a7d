import Foundation
import Stages
import XCTest

final class GzipTests: XCTestCase {
    func testCompressDecompressRoundTrip() throws {
        let original = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7 / 5) }
        let compressed = try Gzip.compress(original)
        XCTAssertTrue(Gzip.isGzip(compressed))
        XCTAssertLessThan(compressed.count, original.count)
        XCTAssertEqual(try Gzip.decompress(compressed), original)
        XCTAssertEqual(try Gzip.decompress(try Gzip.compress([])), [])
    }

    func testGzipCommandLineFilesAndMultipleMembers() throws {
        let gzip = "/usr/bin/gzip"
        guard FileManager.default.isExecutableFile(atPath: gzip) else { throw XCTSkip("gzip not installed") }
        let directory = try makeTemporaryDirectory(for: self)
        let first = Array("first member\n".utf8), second = Array(String(repeating: "second member\n", count: 5000).utf8)
        try Data(first).write(to: URL(fileURLWithPath: directory + "/a"))
        try Data(second).write(to: URL(fileURLWithPath: directory + "/b"))
        try runTool(gzip, ["-9", directory + "/a", directory + "/b"])
        XCTAssertEqual(try Gzip.readFile(directory + "/a.gz"), first)
        let a = try Data(contentsOf: URL(fileURLWithPath: directory + "/a.gz"))
        let b = try Data(contentsOf: URL(fileURLWithPath: directory + "/b.gz"))
        try (a + b).write(to: URL(fileURLWithPath: directory + "/both.gz"))
        XCTAssertEqual(try Gzip.readFile(directory + "/both.gz"), first + second)
        // Zero padding after the last member (as left by some tape/block tools) is tolerated.
        try (a + Data(count: 512)).write(to: URL(fileURLWithPath: directory + "/padded.gz"))
        XCTAssertEqual(try Gzip.readFile(directory + "/padded.gz"), first)
    }

    func testPlainFilesPassThrough() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let bytes: [UInt8] = [0x00, 0x00, 0x08, 0x01, 0, 0, 0, 0]
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/plain"))
        XCTAssertEqual(try Gzip.readFile(directory + "/plain"), bytes)
        try Data().write(to: URL(fileURLWithPath: directory + "/empty"))
        XCTAssertEqual(try Gzip.readFile(directory + "/empty"), [])
        XCTAssertThrowsError(try Gzip.readFile(directory + "/absent")) { error in
            XCTAssertTrue("\(error)".contains("absent") && "\(error)".contains("no such file"), "\(error)")
        }
    }

    func testCorruptTruncatedAndTrailingGarbageAreErrors() throws {
        let compressed = try Gzip.compress(Array(String(repeating: "data ", count: 1000).utf8))
        XCTAssertThrowsError(try Gzip.decompress(Array(compressed.prefix(compressed.count - 10)), path: "t.gz")) { error in
            XCTAssertTrue("\(error)".contains("t.gz") && "\(error)".contains("truncated"), "\(error)")
        }
        var corrupt = compressed
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0xFF
        XCTAssertThrowsError(try Gzip.decompress(corrupt, path: "c.gz"))
        XCTAssertThrowsError(try Gzip.decompress(compressed + Array("junk".utf8), path: "g.gz")) { error in
            XCTAssertTrue("\(error)".contains("trailing garbage"), "\(error)")
        }
    }
}
