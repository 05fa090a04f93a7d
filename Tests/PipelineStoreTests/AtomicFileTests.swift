import Foundation
import PipelineStore
import XCTest

final class AtomicFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(for: self)
    }

    private func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    func testWriteCreatesAndReplacesWithoutLeavingTemporaries() throws {
        let path = directory + "/out.json"
        try AtomicFile.write(Array("first".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first")
        try AtomicFile.write(Data("second, longer".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second, longer")
        try AtomicFile.write("", to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, 0)
        XCTAssertEqual(try contents(), ["out.json"])
    }

    func testFailedWriteRemovesTemporaryAndKeepsOldFile() throws {
        // Renaming a file over a non-empty directory fails after the data was written.
        let target = directory + "/occupied"
        try FileManager.default.createDirectory(atPath: target + "/inside", withIntermediateDirectories: true)
        XCTAssertThrowsError(try AtomicFile.write("data", to: target)) { error in
            XCTAssertTrue(String(describing: error).contains("occupied"), "\(error)")
        }
        XCTAssertEqual(try contents(), ["occupied"])
        XCTAssertThrowsError(try AtomicFile.write("data", to: directory + "/no/such/dir/file"))
        XCTAssertEqual(try contents(), ["occupied"])
    }

    func testTemporarySiblingsAreUniqueAndInSameDirectory() {
        let a = AtomicFile.temporarySibling(of: directory + "/x.h5")
        let b = AtomicFile.temporarySibling(of: directory + "/x.h5")
        XCTAssertNotEqual(a, b)
        XCTAssertTrue(a.hasPrefix(directory + "/.x.h5.tmp-"), a)
    }

    func testMoveIntoPlaceDirectoriesFirstWriterWins() throws {
        let final = directory + "/artifact"
        for (index, name) in ["tmp1", "tmp2"].enumerated() {
            try FileManager.default.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: false)
            try "writer \(index)".write(toFile: directory + "/\(name)/data", atomically: false, encoding: .utf8)
        }
        XCTAssertTrue(try AtomicFile.moveIntoPlace(from: directory + "/tmp1", to: final))
        XCTAssertFalse(try AtomicFile.moveIntoPlace(from: directory + "/tmp2", to: final))
        XCTAssertEqual(try String(contentsOfFile: final + "/data", encoding: .utf8), "writer 0")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/tmp2/data"), "loser is left to the caller")
        XCTAssertThrowsError(try AtomicFile.moveIntoPlace(from: directory + "/missing", to: directory + "/x"))
    }

    func testMoveIntoPlaceFilesNeverReplace() throws {
        try "a".write(toFile: directory + "/t1", atomically: false, encoding: .utf8)
        try "b".write(toFile: directory + "/t2", atomically: false, encoding: .utf8)
        XCTAssertTrue(try AtomicFile.moveIntoPlace(from: directory + "/t1", to: directory + "/final"))
        XCTAssertFalse(try AtomicFile.moveIntoPlace(from: directory + "/t2", to: directory + "/final"))
        XCTAssertEqual(try String(contentsOfFile: directory + "/final", encoding: .utf8), "a")
        XCTAssertEqual(try contents(), ["final", "t2"])
    }

    func testConcurrentMovesPublishExactlyOnce() throws {
        let final = directory + "/shared"
        let writers = 8
        for index in 0..<writers {
            let path = directory + "/w\(index)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try "\(index)".write(toFile: path + "/id", atomically: false, encoding: .utf8)
        }
        let wins = LockedCounter()
        let directory = self.directory
        DispatchQueue.concurrentPerform(iterations: writers) { index in
            if (try? AtomicFile.moveIntoPlace(from: directory + "/w\(index)", to: final)) == true { wins.increment() }
        }
        XCTAssertEqual(wins.value, 1)
    }
}

/// A counter shared between threads in a test.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
