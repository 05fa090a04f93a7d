import Foundation
import XCTest

/// A fresh directory under the system temp dir, removed when the test case tears down.
func makeTemporaryDirectory(for testCase: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "pipeline-stages-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Runs a command line tool and fails the test if it exits non-zero.
func runTool(_ executable: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "\(executable) \(arguments)", file: file, line: line)
}
