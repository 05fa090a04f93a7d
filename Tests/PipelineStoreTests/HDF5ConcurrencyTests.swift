import Foundation
import PipelineStore
import XCTest

/// The library underneath is not thread-safe; the layer's lock must make concurrent use safe.
final class HDF5ConcurrencyTests: XCTestCase {
    func testConcurrentWritersAndReadersOnSeparateFiles() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            do {
                let path = directory + "/f\(index).h5"
                let values = (0..<5000).map { Float($0 + index) }
                do {
                    let file = try HDF5File.create(path)
                    let group = try file.root.createGroup("g")
                    _ = try group.createDataset("x", shape: [1000, 5], data: values, chunkRows: 100, gzipLevel: 3)
                    try group.setAttribute("index", .int(Int64(index)))
                    _ = try? file.root.dataset("missing")  // errors on one thread must not disturb others
                    try file.close()
                }
                let group = try HDF5File.open(path).root.group("g")
                if try group.dataset("x").read(as: Float.self) != values { failures.increment() }
                if try group.attribute("index") != .int(Int64(index)) { failures.increment() }
            } catch {
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}
