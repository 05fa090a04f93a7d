import PipelineSpec
import PipelineStore
import XCTest
@testable import Stages

/// Class-imbalance resampling: counts follow the rule exactly, rows come from (or, for SMOTE, lie between)
/// training rows of the same class, the same seed gives the same rows, and other splits pass unchanged.
final class ResamplingStepTests: XCTestCase {
    // Class 0: six rows; class 1: (0,0), (1,1), (10,-8).
    let train = Dataset.rows([[5, 5], [6, 5], [7, 5], [8, 5], [9, 5], [5, 6], [0, 0], [1, 1], [10, -8]], labels: [0, 0, 0, 0, 0, 0, 1, 1, 1])

    func counts(_ d: Dataset) -> [Int] { [0, 1].map { c in d.labels!.filter { $0 == c }.count } }

    func rowsOf(_ d: Dataset) -> [[Float]] {
        let x = d.floatFeatures()
        return (0..<d.rows).map { Array(x[($0 * d.columns)..<(($0 + 1) * d.columns)]) }
    }

    func testOversampleRepeatsMinorityRows() throws {
        let (_, out) = try FittedChain.fit([["type": .string("oversample")]], on: train, context: FitContext(seed: 3, streamPrefix: "s"))
        XCTAssertEqual(counts(out), [6, 6])
        let original = rowsOf(train)
        XCTAssertEqual(Array(rowsOf(out).prefix(9)), original, "original rows first, unchanged")
        for (row, label) in zip(rowsOf(out).dropFirst(9), out.labels!.dropFirst(9)) {
            XCTAssertEqual(label, 1)
            XCTAssertTrue(original[6...].contains(row), "\(row) is a copy of a class-1 row")
        }
    }

    func testUndersampleKeepsSubsetOfEachClass() throws {
        let (_, out) = try FittedChain.fit([["type": .string("undersample")]], on: train, context: FitContext(seed: 3, streamPrefix: "s"))
        XCTAssertEqual(counts(out), [3, 3])
        for row in rowsOf(out) { XCTAssertTrue(rowsOf(train).contains(row)) }
        XCTAssertEqual(Array(rowsOf(out).suffix(3)), [[0, 0], [1, 1], [10, -8]])
    }

    func testSMOTEInterpolatesTowardsNearestSameClassNeighbours() throws {
        // k = 1: nearest neighbours (0,0)↔(1,1), (10,-8)→(1,1). Every synthetic row lies on segment (0,0)–(1,1)
        // (y = x, 0 ≤ x ≤ 1) or (1,1)–(10,-8) (x + y = 2, 1 ≤ x ≤ 10), never on (0,0)–(10,-8).
        let spec: [[String: ParamValue]] = [["type": .string("smote"), "k_neighbors": .int(1)]]
        let (_, out) = try FittedChain.fit(spec, on: train, context: FitContext(seed: 3, streamPrefix: "s"))
        XCTAssertEqual(counts(out), [6, 6])
        XCTAssertEqual(Array(rowsOf(out).prefix(9)), rowsOf(train))
        for row in rowsOf(out).dropFirst(9) {
            let (x, y) = (Double(row[0]), Double(row[1]))
            let onFirst = abs(y - x) < 1e-5 && x >= 0 && x <= 1
            let onSecond = abs(x + y - 2) < 1e-5 && x >= 1 - 1e-6 && x <= 10
            XCTAssertTrue(onFirst || onSecond, "\(row)")
        }
        let (_, again) = try FittedChain.fit(spec, on: train, context: FitContext(seed: 3, streamPrefix: "s"))
        XCTAssertEqual(again, out, "same seed, same rows")
        let (_, other) = try FittedChain.fit(spec, on: train, context: FitContext(seed: 4, streamPrefix: "s"))
        XCTAssertNotEqual(other.floatFeatures(), out.floatFeatures(), "another seed draws other rows")
    }

    func testPreprocessStageResamplesTrainingRowsOnly() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        let test = Dataset.rows([[1, 2], [3, 4]], labels: [0, 1])
        for step in ["oversample", "undersample", "smote"] {
            let result = try harness.run(PreprocessStage(), params: ["steps": .list([.map(["type": .string(step), "k_neighbors": .int(2)].filter { step == "smote" || $0.key == "type" })])],
                                         inputs: [("train", try harness.input("train", train)), ("test", try harness.input("test", test))])
            let fitted = try Dataset.read(from: result.outputs["train"]!)
            XCTAssertEqual(counts(fitted), step == "undersample" ? [3, 3] : [6, 6], step)
            XCTAssertEqual(try Dataset.read(from: result.outputs["test"]!), test, "\(step) leaves other splits untouched")
        }
    }
}
