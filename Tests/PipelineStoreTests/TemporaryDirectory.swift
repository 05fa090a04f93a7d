import Foundation
import XCTest

/// A fresh directory under the system temp dir, removed when the test case tears down.
func makeTemporaryDirectory(for testCase: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "pipeline-store-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}
