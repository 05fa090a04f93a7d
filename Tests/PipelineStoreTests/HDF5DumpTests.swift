import Foundation
import PipelineStore
import XCTest

/// Checks files written by this layer with HDF5's own `h5dump`.
final class HDF5DumpTests: XCTestCase {
    func testH5DumpReadsValuesAndAttributes() throws {
        let h5dump = "/usr/bin/h5dump"
        guard FileManager.default.isExecutableFile(atPath: h5dump) else { throw XCTSkip("h5dump not installed") }
        let path = try makeTemporaryDirectory(for: self) + "/dump.h5"
        do {
            let file = try HDF5File.create(path)
            let dataset = try file.root.createDataset("matrix", shape: [2, 3], data: [Float(1), 2, 3, 4, 5, 6])
            try dataset.setAttribute("description", .string("hello from swift"))
            try file.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: h5dump)
        process.arguments = [path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("DATASET \"matrix\""), text)
        XCTAssertTrue(text.contains("H5T_IEEE_F32LE"), text)
        XCTAssertTrue(text.contains("DATASPACE  SIMPLE { ( 2, 3 ) / ( 2, 3 ) }"), text)
        XCTAssertTrue(text.contains("(0,0): 1, 2, 3,"), text)
        XCTAssertTrue(text.contains("(1,0): 4, 5, 6"), text)
        XCTAssertTrue(text.contains("ATTRIBUTE \"description\""), text)
        XCTAssertTrue(text.contains("\"hello from swift\""), text)
        XCTAssertTrue(text.contains("CSET H5T_CSET_UTF8"), text)
        XCTAssertTrue(text.contains("STRSIZE H5T_VARIABLE"), text)
    }
}
