import Foundation
import PipelineSpec
import PipelineStore
import XCTest
@testable import Stages

/// CSV tables with missing values, categorical columns, labels or targets; NumPy .npy files; and the dataset's
/// category names surviving an HDF5 round trip. Expected values are hand-computed from the files in the tests;
/// the .npy bytes were written by numpy 2.4.6 (call in each comment).
final class TabularLoadTests: XCTestCase {
    let csv = #"""
    age,city,income,"note, free text",plan,churn
    34,Paris,52000.5,"said ""hi""",basic,no
    NA,"Lyon",?,"two
    lines",premium,yes
    51,Paris,,x,basic,no
    28,?,61000,null,basic,yes

    """#

    func testCSVMissingMarkersCategoricalColumnsAndLabels() throws {
        let data = try CSVReader.parse(csv).dataset(CSVDatasetOptions(label: "churn"))
        XCTAssertEqual(data.featureNames, ["age", "city", "income", "note, free text", "plan"])
        XCTAssertEqual(data.rows, 4)
        XCTAssertEqual(data.classNames, ["no", "yes"])
        XCTAssertEqual(data.labels, [0, 1, 0, 1])
        // city: Lyon < Paris; '?' is missing. note: its texts (the quoted one with an escaped quote, the one with a
        // newline, "x"; "null" is missing). plan: basic < premium.
        XCTAssertEqual(data.categories["city"], ["Lyon", "Paris"])
        XCTAssertEqual(data.categories["note, free text"], ["said \"hi\"", "two\nlines", "x"])
        XCTAssertEqual(data.categories["plan"], ["basic", "premium"])
        XCTAssertNil(data.categories["age"])
        let x = data.floatFeatures()
        let expected: [Float] = [34, 1, 52000.5, 0, 0,
                                 .nan, 0, .nan, 1, 1,
                                 51, 1, .nan, 2, 0,
                                 28, .nan, 61000, .nan, 0]
        XCTAssertEqual(x.count, expected.count)
        for (a, b) in zip(x, expected) { XCTAssertTrue(a == b || (a.isNaN && b.isNaN), "\(x)") }
    }

    func testCSVTargetColumnCustomMarkersAndForcedCategorical() throws {
        let text = "zip,size,price\n75001,3,410.5\n-,2,300\n69001,-,250\n"
        let data = try CSVReader.parse(text).dataset(CSVDatasetOptions(target: "price", missingMarkers: ["-"], categorical: ["zip"]))
        XCTAssertEqual(data.targets, [410.5, 300, 250])
        XCTAssertEqual(data.targetName, "price")
        XCTAssertNil(data.labels)
        XCTAssertEqual(data.categories, ["zip": ["69001", "75001"]])
        let x = data.floatFeatures()
        XCTAssertEqual(x[0], 1); XCTAssertTrue(x[2].isNaN); XCTAssertEqual(x[4], 0); XCTAssertTrue(x[5].isNaN)
        XCTAssertThrowsError(try CSVReader.parse("a,y\n1,\n").dataset(CSVDatasetOptions(target: "y"))) {
            XCTAssertTrue("\($0)".contains("line 2, column 'y': missing target"), "\($0)")
        }
        XCTAssertThrowsError(try CSVReader.parse("a,y\n1,2\n").dataset(CSVDatasetOptions(label: "nope"))) {
            XCTAssertTrue("\($0)".contains("no column 'nope'"), "\($0)")
        }
    }

    func testCategoriesSurviveHDF5RoundTripAndOldFilesReadWithout() throws {
        let data = try CSVReader.parse(csv).dataset(CSVDatasetOptions(label: "churn"))
        let dir = try makeTemporaryDirectory(for: self)
        try data.write(to: dir + "/d.h5", provenance: StageHarness.provenance)
        let back = try Dataset.read(from: dir + "/d.h5")
        XCTAssertEqual(back.categories, data.categories)
        XCTAssertEqual(back.subset([1, 2]).categories, data.categories)
        // Attribute names are not HDF5 paths: a column name with '/' or '.' round-trips too.
        let odd = try CSVReader.parse("km/h,.,y\nfast,a,1\nslow,b,0\n").dataset(CSVDatasetOptions(label: "y"))
        try odd.write(to: dir + "/o.h5", provenance: StageHarness.provenance)
        XCTAssertEqual(try Dataset.read(from: dir + "/o.h5").categories, ["km/h": ["fast", "slow"], ".": ["a", "b"]])
        let plain = Dataset.rows([[1, 2]], labels: [0])
        try plain.write(to: dir + "/p.h5", provenance: StageHarness.provenance)
        XCTAssertEqual(try Dataset.read(from: dir + "/p.h5").categories, [:])
    }

    func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = [], chars = Array(hex)
        while chars.count >= 2 { out.append(UInt8(String(chars[0..<2]), radix: 16)!); chars.removeFirst(2) }
        return out
    }

    func testNPYVersionsAndTypesWrittenByNumpy() throws {
        // io.BytesIO() b; np.lib.format.write_array(b, np.array([[1.5,-2.0,3.25],[4.0,5.0,6.0]], dtype='<f4'), version=(1,0))
        let f4 = try NPYReader.parse(bytes("934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f000000c000005040000080400000a0400000c040"))
        XCTAssertEqual(f4.shape, [2, 3]); XCTAssertEqual(f4.floats(), [1.5, -2, 3.25, 4, 5, 6])
        // write_array(b, np.array([0,2,1], dtype='<i8'), version=(2,0))
        let i8 = try NPYReader.parse(bytes("934e554d50590200740000007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000000002000000000000000100000000000000"))
        XCTAssertEqual(i8.shape, [3]); XCTAssertEqual((0..<3).map { i8.value(at: $0) }, [0, 2, 1])
        // write_array(b, np.array([[0.1,7],[8,9]], dtype='<f8'), version=(1,0))
        let f8 = try NPYReader.parse(bytes("934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2032292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a9a9999999999b93f0000000000001c4000000000000020400000000000002240"))
        XCTAssertEqual(f8.value(at: 0), 0.1); XCTAssertEqual(f8.floats(), [Float(0.1), 7, 8, 9])
        // write_array(b, np.array([[1,255]], dtype='u1'), version=(1,0))
        let u1 = try NPYReader.parse(bytes("934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c2032292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a01ff"))
        XCTAssertEqual(u1.elementType, .uint8); XCTAssertEqual(u1.bytes, [1, 255])
        XCTAssertThrowsError(try NPYReader.parse(Array("not numpy at all".utf8))) { XCTAssertTrue("\($0)".contains("not a .npy file"), "\($0)") }
        var bigEndian = bytes("934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f000000c000005040000080400000a0400000c040")
        bigEndian[21] = UInt8(ascii: ">")   // '<f4' → '>f4'
        XCTAssertThrowsError(try NPYReader.parse(bigEndian)) { XCTAssertTrue("\($0)".contains("unsupported .npy dtype '>f4'"), "\($0)") }
    }

    func testLoadStageReadsNPYFeaturesAndLabels() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        try Data(bytes("934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f000000c000005040000080400000a0400000c040")).write(to: URL(fileURLWithPath: harness.directory + "/x.npy"))
        // np.array([1, 0], dtype='<i8') saved with version (2,0): the i8 file above, cut to two values.
        try Data(bytes("934e554d50590200740000007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a01000000000000000000000000000000")).write(to: URL(fileURLWithPath: harness.directory + "/y.npy"))
        let result = try harness.run(LoadStage(), params: ["path": .string("x.npy"), "labels": .string("y.npy")])
        let data = try Dataset.read(from: result.outputs["data"]!)
        XCTAssertEqual(data.sampleShape, [3]); XCTAssertEqual(data.labels, [1, 0]); XCTAssertEqual(data.floatFeatures(), [1.5, -2, 3.25, 4, 5, 6])
    }

    func testLoadStageCSVRecordsMissingAndCategoricalCounts() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        try csv.write(toFile: harness.directory + "/t.csv", atomically: true, encoding: .utf8)
        let result = try harness.run(LoadStage(), params: ["path": .string("t.csv"), "label": .string("churn")])
        XCTAssertEqual(result.metrics["categorical_features"], 3)
        XCTAssertEqual(result.metrics["missing_values"], 5)
        XCTAssertEqual(try Dataset.read(from: result.outputs["data"]!).categories["plan"], ["basic", "premium"])
    }
}
