import Foundation
import PipelineStore
import XCTest

final class HDF5RoundTripTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(for: self)
    }

    func testEveryNumericElementTypeRoundTrips() throws {
        let path = directory + "/types.h5"
        do {
            let root = try HDF5File.create(path).root
            _ = try root.createDataset("f32", shape: [2, 2], data: [Float(1.5), -2, .infinity, 0])
            _ = try root.createDataset("f64", shape: [3], data: [Double.pi, -1e300, 0])
            _ = try root.createDataset("i32", shape: [2], data: [Int32.min, Int32.max])
            _ = try root.createDataset("i64", shape: [2], data: [Int64.min, Int64.max])
            _ = try root.createDataset("u8", shape: [1, 3], data: [UInt8(0), 128, 255])
        }
        let root = try HDF5File.open(path).root
        XCTAssertEqual(try root.dataset("f32").read(as: Float.self), [1.5, -2, .infinity, 0])
        XCTAssertEqual(try root.dataset("f64").read(as: Double.self), [Double.pi, -1e300, 0])
        XCTAssertEqual(try root.dataset("i32").read(as: Int32.self), [Int32.min, Int32.max])
        XCTAssertEqual(try root.dataset("i64").read(as: Int64.self), [Int64.min, Int64.max])
        XCTAssertEqual(try root.dataset("u8").read(as: UInt8.self), [0, 128, 255])

        let u8 = try root.dataset("u8")
        XCTAssertEqual(u8.shape, [1, 3])
        XCTAssertEqual(u8.elementType, .uint8)
        XCTAssertNil(u8.chunkShape)
        XCTAssertNil(u8.gzipLevel)
        XCTAssertEqual(try root.dataset("f64").elementType, .float64)
        XCTAssertEqual(try root.dataset("i64").elementType, .int64)
        XCTAssertEqual(try root.dataset("i32").elementType, .int32)
        XCTAssertEqual(try root.dataset("f32").elementType, .float32)
        // HDF5 converts on read.
        XCTAssertEqual(try u8.read(as: Float.self), [0, 128, 255])
        XCTAssertEqual(try root.dataset("f32").readRows(0..<1, as: Double.self), [1.5, -2])
    }

    func testAttributesRoundTripOnGroupsAndDatasets() throws {
        let path = directory + "/attributes.h5"
        let values: [String: HDF5AttributeValue] = [
            "name": .string("Zoë — ünïcode"),
            "empty": .string(""),
            "classes": .strings(["T-shirt/top", "Trouser", ""]),
            "count": .int(-42),
            "dims": .ints([28, 28]),
            "rate": .double(0.125),
            "weights": .doubles([1, 2.5, -3]),
            "no_ints": .ints([]),
            "no_strings": .strings([]),
            "no_doubles": .doubles([]),
        ]
        do {
            let file = try HDF5File.create(path)
            let group = try file.root.createGroup("meta")
            let dataset = try group.createDataset("x", shape: [1], data: [Float(1)])
            for (name, value) in values {
                try group.setAttribute(name, value)
                try dataset.setAttribute(name, value)
            }
            try group.setAttribute("count", .int(7))  // replacing keeps one attribute
            try file.close()
        }
        let group = try HDF5File.open(path).root.group("meta")
        let dataset = try group.dataset("x")
        var expected = values
        expected["count"] = .int(7)
        XCTAssertEqual(try group.attributeNames(), expected.keys.sorted())
        XCTAssertEqual(try dataset.attributeNames(), values.keys.sorted())
        for (name, value) in expected { XCTAssertEqual(try group.attribute(name), value, name) }
        for (name, value) in values { XCTAssertEqual(try dataset.attribute(name), value, name) }
        XCTAssertNil(try group.attribute("missing"))
    }

    func testReadRowsMatchesSliceOfFullRead() throws {
        let path = directory + "/rows.h5"
        let rows = 37, columns = 5
        let data = (0..<(rows * columns)).map { Float($0) * 0.5 }
        let dataset = try HDF5File.create(path).root.createDataset("m", shape: [rows, columns], data: data,
                                                                   chunkRows: 8)
        let full = try dataset.read(as: Float.self)
        XCTAssertEqual(full, data)
        for range in [0..<1, 3..<11, 30..<37, 0..<37, 5..<5] {
            let part = try dataset.readRows(range, as: Float.self)
            XCTAssertEqual(part, Array(full[(range.lowerBound * columns)..<(range.upperBound * columns)]), "\(range)")
        }
        XCTAssertThrowsError(try dataset.readRows(30..<38, as: Float.self))
    }

    func testChunkedGzipRoundTripAndStreamingRowWrites() throws {
        let path = directory + "/gzip.h5"
        let rows = 1000, columns = 20
        let data = (0..<(rows * columns)).map { Int32($0 % 97) }
        do {
            let root = try HDF5File.create(path).root
            _ = try root.createDataset("z", shape: [rows, columns], data: data, chunkRows: 64, gzipLevel: 6)
            _ = try root.createDataset("auto", shape: [rows, columns], data: data, gzipLevel: 4)
            let streamed = try root.createEmptyDataset("s", type: .float32, shape: [rows, columns],
                                                      chunkRows: 100, gzipLevel: 1)
            for start in stride(from: 0, to: rows, by: 300) {
                let end = min(rows, start + 300)
                let block = data[(start * columns)..<(end * columns)].map { Float($0) }
                try streamed.writeRows(start..<end, data: block)
            }
        }
        let root = try HDF5File.open(path).root
        let z = try root.dataset("z")
        XCTAssertEqual(z.chunkShape, [64, columns])
        XCTAssertEqual(z.gzipLevel, 6)
        XCTAssertEqual(try z.read(as: Int32.self), data)
        let auto = try root.dataset("auto")
        XCTAssertEqual(auto.gzipLevel, 4)
        XCTAssertEqual(auto.chunkShape, [rows, columns])  // 1 MiB of rows exceeds the whole dataset
        XCTAssertEqual(try root.dataset("s").read(as: Int32.self), data)
        XCTAssertEqual(try root.dataset("s").gzipLevel, 1)
        let compressed = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        XCTAssertLessThan(compressed, rows * columns * 4)  // three datasets, smaller than one uncompressed
    }

    func testStringDatasets() throws {
        let path = directory + "/strings.h5"
        let values = ["alpha", "", "β-γ", "with, comma\nand newline"]
        do {
            let root = try HDF5File.create(path).root
            _ = try root.createStringDataset("names", values)
            _ = try root.createStringDataset("none", [])
        }
        let root = try HDF5File.open(path).root
        let names = try root.dataset("names")
        XCTAssertEqual(names.elementType, .string)
        XCTAssertEqual(names.shape, [4])
        XCTAssertEqual(try names.readStrings(), values)
        XCTAssertEqual(try root.dataset("none").readStrings(), [])
        XCTAssertThrowsError(try names.read(as: Float.self))
    }

    func testGroupsChildrenAndContains() throws {
        let path = directory + "/groups.h5"
        let file = try HDF5File.create(path)
        let root = file.root
        let b = try root.createGroup("b")
        _ = try b.createGroup("inner")
        _ = try root.createDataset("c", shape: [1], data: [UInt8(1)])
        _ = try root.createGroup("a")
        XCTAssertEqual(try root.children().map(\.name), ["a", "b", "c"])
        XCTAssertEqual(try root.children().map(\.isGroup), [true, true, false])
        XCTAssertTrue(root.contains("b/inner"))
        XCTAssertFalse(root.contains("x/inner"))
        XCTAssertFalse(root.contains("b/missing"))
        XCTAssertEqual(try root.group("b/inner").path, "/b/inner")
        XCTAssertEqual(try b.children().map(\.name), ["inner"])
        try file.close()
        try file.close()  // idempotent
        XCTAssertThrowsError(try b.children())
    }

    func testIdenticalContentGivesByteIdenticalFiles() throws {
        func write(_ path: String) throws {
            let file = try HDF5File.create(path)
            try file.root.setAttribute("format", .string("pipeline/1"))
            let group = try file.root.createGroup("data")
            try group.setAttribute("rows", .int(3))
            let x = try group.createDataset("x", shape: [3, 2], data: [Float](repeating: 1, count: 6),
                                            chunkRows: 2, gzipLevel: 4)
            try x.setAttribute("names", .strings(["a", "b"]))
            _ = try group.createDataset("y", shape: [3], data: [Int32(0), 1, 2])
            _ = try group.createStringDataset("labels", ["p", "q", "r"])
            let empty = try group.createEmptyDataset("e", type: .float64, shape: [2, 2], chunkRows: nil, gzipLevel: nil)
            try empty.writeRows(0..<2, data: [1.0, 2, 3, 4])
            try file.close()
        }
        let first = directory + "/first.h5", second = directory + "/second.h5"
        try write(first)
        Thread.sleep(forTimeInterval: 1.1)  // object-header timestamps have one-second resolution
        try write(second)
        let a = try Data(contentsOf: URL(fileURLWithPath: first))
        let b = try Data(contentsOf: URL(fileURLWithPath: second))
        XCTAssertEqual(a.count, b.count)
        XCTAssertTrue(a == b, "files with identical content differ in bytes")
    }
}
