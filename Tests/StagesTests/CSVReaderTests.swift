import Foundation
import Stages
import XCTest

final class CSVReaderTests: XCTestCase {
    func testQuotedFieldsWithDelimitersQuotesAndNewlines() throws {
        let text = "name,comment,value\r\n\"Smith, J\",\"said \"\"hi\"\"\",1\r\nplain,\"two\nlines\",2\r\n\"\",,3"
        let table = try CSVReader.parse(text, path: "q.csv")
        XCTAssertEqual(table.header, ["name", "comment", "value"])
        XCTAssertEqual(table.rows, [["Smith, J", "said \"hi\"", "1"], ["plain", "two\nlines", "2"], ["", "", "3"]])
        XCTAssertEqual(table.rowLines, [2, 3, 5])
    }

    func testDelimiterBOMEmptyLinesAndNoHeader() throws {
        let text = "\u{FEFF}a;b\n1;2\n\n3;\"4;5\"\n"
        let table = try CSVReader.parse(text, delimiter: UInt8(ascii: ";"))
        XCTAssertEqual(table.header, ["a", "b"])
        XCTAssertEqual(table.rows, [["1", "2"], ["3", "4;5"]])
        XCTAssertEqual(table.rowLines, [2, 4])
        let bare = try CSVReader.parse("1,2\n3,4", hasHeader: false)
        XCTAssertEqual(bare.header, ["column0", "column1"])
        XCTAssertEqual(bare.rows, [["1", "2"], ["3", "4"]])
        let lenient = try CSVReader.parse("a,b\nx\"y,z\n")
        XCTAssertEqual(lenient.rows, [["x\"y", "z"]])
    }

    func testMalformedInputErrorsNameTheLine() {
        XCTAssertThrowsError(try CSVReader.parse("a,b\n1,2\n3\n", path: "f.csv")) { error in
            XCTAssertEqual("\(error)", "f.csv: line 3: 1 fields, but the header has 2")
        }
        XCTAssertThrowsError(try CSVReader.parse("a,b\n\"open,2\n", path: "f.csv")) { error in
            XCTAssertTrue("\(error)".contains("line 2: quoted field is never closed"), "\(error)")
        }
        XCTAssertThrowsError(try CSVReader.parse("a,b\n\"x\"y,2\n", path: "f.csv")) { error in
            XCTAssertTrue("\(error)".contains("line 2: unexpected 'y' after closing quote"), "\(error)")
        }
        XCTAssertThrowsError(try CSVReader.parse("", path: "e.csv"))
        XCTAssertThrowsError(try CSVReader.parse("a,a\n1,2\n"))
    }

    func testLabeledMatrixWithTextLabels() throws {
        let text = "sepal,petal,species\n5.1, 3.5,setosa\n7.0,3.2,versicolor\n6.3,-2.5e-1,setosa\n"
        let matrix = try CSVReader.parse(text).labeledMatrix(labelColumn: "species")
        XCTAssertEqual(matrix.rows, 3)
        XCTAssertEqual(matrix.columns, 2)
        XCTAssertEqual(matrix.featureNames, ["sepal", "petal"])
        XCTAssertEqual(matrix.features, [5.1, 3.5, 7.0, 3.2, 6.3, -0.25])
        XCTAssertEqual(matrix.classNames, ["setosa", "versicolor"])
        XCTAssertEqual(matrix.labels, [0, 1, 0])
        let chosen = try CSVReader.parse(text).labeledMatrix(labelColumn: "species", featureColumns: ["petal"])
        XCTAssertEqual(chosen.features, [3.5, 3.2, -0.25])
    }

    func testLabeledMatrixWithIntegerLabels() throws {
        let matrix = try CSVReader.parse("label,x\n3,1\n0,2\n7,3\n").labeledMatrix(labelColumn: "label")
        XCTAssertEqual(matrix.labels, [3, 0, 7])
        XCTAssertNil(matrix.classNames)
        XCTAssertEqual(matrix.features, [1, 2, 3])
    }

    func testNonNumericCellErrorNamesFileLineColumnAndValue() throws {
        let table = try CSVReader.parse("x,y,label\n1,2,a\n3,\"n/a\",b\n", path: "data/train.csv")
        XCTAssertThrowsError(try table.labeledMatrix(labelColumn: "label")) { error in
            XCTAssertEqual("\(error)", "data/train.csv: line 3, column 'y': expected a number, found 'n/a'")
        }
        let missing = try CSVReader.parse("x,label\n,a\n", path: "m.csv")
        XCTAssertThrowsError(try missing.labeledMatrix(labelColumn: "label")) { error in
            XCTAssertEqual("\(error)", "m.csv: line 2, column 'x': missing value")
        }
        XCTAssertThrowsError(try table.labeledMatrix(labelColumn: "class")) { error in
            XCTAssertTrue("\(error)".contains("no label column 'class'"), "\(error)")
        }
    }

    func testReadsGzippedFiles() throws {
        let directory = try makeTemporaryDirectory(for: self)
        try Data(try Gzip.compress(Array("a,b\n1,2\n".utf8))).write(to: URL(fileURLWithPath: directory + "/t.csv.gz"))
        XCTAssertEqual(try CSVReader.read(directory + "/t.csv.gz").rows, [["1", "2"]])
    }
}
