import Foundation
import PipelineStore
import XCTest

final class SHA256Tests: XCTestCase {
    func testFIPSVectors() {
        XCTAssertEqual(SHA256Hasher.hash("abc").hex,
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Hasher.hash("").hex,
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Hasher.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex,
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var million = SHA256Hasher()
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { million.update(block) }
        XCTAssertEqual(million.finalize().hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testIncrementalEqualsOneShotAndCopiesAreIndependent() {
        var hasher = SHA256Hasher()
        hasher.update("ab")
        let fork = hasher  // copy-on-write: later updates must not leak between copies
        hasher.update([UInt8(ascii: "c")])
        XCTAssertEqual(hasher.finalize(), SHA256Hasher.hash("abc"))
        var other = fork
        other.update("x")
        XCTAssertEqual(other.finalize(), SHA256Hasher.hash("abx"))
        XCTAssertEqual(fork.finalize(), SHA256Hasher.hash("ab"))
        var raw = SHA256Hasher()
        [UInt8]("abc".utf8).withUnsafeBytes { raw.update($0) }
        XCTAssertEqual(raw.finalize().description, SHA256Hasher.hash("abc").hex)
    }

    func testDigestParsing() {
        let digest = SHA256Hasher.hash("abc")
        XCTAssertEqual(SHA256Digest(hex: digest.hex.uppercased()), digest)
        XCTAssertNil(SHA256Digest(hex: "xyz"))
        XCTAssertEqual(digest.prefix(8), "ba7816bf")
    }

    func testFileAndDirectoryHashes() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        try Data(big).write(to: URL(fileURLWithPath: directory + "/million-a"))
        XCTAssertEqual(try FileHash.sha256(ofFile: directory + "/million-a").hex,
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Larger than one 1 MiB block.
        let large = (0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(large).write(to: URL(fileURLWithPath: directory + "/large"))
        XCTAssertEqual(try FileHash.sha256(ofFile: directory + "/large"), SHA256Hasher.hash(large))
        XCTAssertThrowsError(try FileHash.sha256(ofFile: directory + "/absent")) { error in
            XCTAssertTrue(String(describing: error).contains("absent"), "\(error)")
        }

        func makeTree(_ root: String, extra: Bool = false, content: String = "one") throws {
            try FileManager.default.createDirectory(atPath: root + "/sub/deeper", withIntermediateDirectories: true)
            try content.write(toFile: root + "/a.txt", atomically: false, encoding: .utf8)
            try "two".write(toFile: root + "/sub/b.txt", atomically: false, encoding: .utf8)
            try "three".write(toFile: root + "/sub/deeper/c", atomically: false, encoding: .utf8)
            if extra { try "".write(toFile: root + "/sub/empty", atomically: false, encoding: .utf8) }
        }
        try makeTree(directory + "/t1")
        try makeTree(directory + "/t2")
        try makeTree(directory + "/t3", extra: true)
        try makeTree(directory + "/t4", content: "One")
        let h1 = try FileHash.sha256(ofDirectory: directory + "/t1")
        XCTAssertEqual(h1, try FileHash.sha256(ofDirectory: directory + "/t2"))
        XCTAssertNotEqual(h1, try FileHash.sha256(ofDirectory: directory + "/t3"))
        XCTAssertNotEqual(h1, try FileHash.sha256(ofDirectory: directory + "/t4"))
        try FileManager.default.moveItem(atPath: directory + "/t2/sub/b.txt", toPath: directory + "/t2/sub/B.txt")
        XCTAssertNotEqual(h1, try FileHash.sha256(ofDirectory: directory + "/t2"))
        XCTAssertThrowsError(try FileHash.sha256(ofDirectory: directory + "/large"))
    }
}
