import PipelineSpec
import PipelineStore
import XCTest
@testable import Stages

/// The `split` kind's k-fold, stratified k-fold and bootstrap methods: the `folds` artifact layout, the held-out
/// test part, and bootstrap / out-of-bag outputs. The fold rule itself is checked against scikit-learn in
/// LearnTests.CrossValidationSplitTests; here the unshuffled case pins the file contents.
final class SplitMethodTests: XCTestCase {
    let data = Dataset.rows((0..<12).map { [Float($0)] }, labels: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1])

    func testKFoldWritesFoldAssignmentPerRow() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        let result = try harness.run(SplitStage(), params: ["method": .string("kfold"), "folds": .int(3), "shuffle": .bool(false)],
                                     inputs: [("data", try harness.input("data", data))])
        XCTAssertEqual(Set(result.outputs.keys), ["folds"])
        // KFold(n_splits=3, shuffle=False) on 12 rows: blocks of 4.
        let folds = try FoldAssignment.read(from: result.outputs["folds"]!)
        XCTAssertEqual(folds.count, 3)
        XCTAssertEqual(folds.folds, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        XCTAssertEqual(folds.indices(of: 1).validation, [4, 5, 6, 7])
        XCTAssertEqual(try Dataset.read(from: result.outputs["folds"]!), data, "the folds file is the dataset itself")
    }

    func testStratifiedKFoldWithHeldOutTest() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        let result = try harness.run(SplitStage(), params: ["method": .string("stratified_kfold"), "folds": .int(2), "test": .double(0.25)],
                                     inputs: [("data", try harness.input("data", data))])
        let test = try Dataset.read(from: result.outputs["test"]!)
        let pool = try Dataset.read(from: result.outputs["folds"]!)
        // test 0.25 of 12 = 3 rows, stratified: 2 of class 0 and 1 of class 1 (largest remainder); 9 rows in the folds.
        XCTAssertEqual(test.rows, 3)
        XCTAssertEqual(pool.rows, 9)
        XCTAssertEqual(Set(test.floatFeatures()).union(pool.floatFeatures()), Set((0..<12).map(Float.init)))
        let folds = try FoldAssignment.read(from: result.outputs["folds"]!)
        // 6 of class 0 and 3 of class 1 dealt to 2 folds: class 0 → 3 + 3, class 1 → 2 + 1 (StratifiedKFold allocation).
        for f in 0..<2 {
            let rows = folds.indices(of: f).validation
            XCTAssertEqual(rows.filter { pool.labels![$0] == 0 }.count, 3)
        }
        XCTAssertEqual(Set((0..<2).map { f in folds.indices(of: f).validation.filter { pool.labels![$0] == 1 }.count }), [1, 2])
    }

    func testBootstrapTrainsOnDrawsAndTestsOnOutOfBagRows() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        let result = try harness.run(SplitStage(), params: ["method": .string("bootstrap")], inputs: [("data", try harness.input("data", data))])
        let train = try Dataset.read(from: result.outputs["train"]!), test = try Dataset.read(from: result.outputs["test"]!)
        XCTAssertEqual(train.rows, 12)
        XCTAssertTrue(Set(train.floatFeatures()).isDisjoint(with: test.floatFeatures()))
        XCTAssertEqual(Set(train.floatFeatures()).union(test.floatFeatures()), Set((0..<12).map(Float.init)))
        XCTAssertEqual(result.metrics["distinct_train_rows"], Double(12 - test.rows))
        let again = try harness.run(SplitStage(), params: ["method": .string("bootstrap")], inputs: [("data", try harness.input("data", data))])
        XCTAssertEqual(try Dataset.read(from: again.outputs["train"]!), train, "same seed, same sample")
    }

    func testPlainKFoldNeedsNoLabels() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        let unlabelled = Dataset.rows((0..<5).map { [Float($0)] }, labels: nil)
        let result = try harness.run(SplitStage(), params: ["method": .string("kfold"), "folds": .int(2), "shuffle": .bool(false)],
                                     inputs: [("data", try harness.input("data", unlabelled))])
        XCTAssertEqual(try FoldAssignment.read(from: result.outputs["folds"]!).folds, [0, 0, 0, 1, 1])
    }

    func testStratifiedKFoldWithoutLabelsIsAnError() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        XCTAssertThrowsError(try harness.run(SplitStage(), params: ["method": .string("stratified_kfold")],
                                             inputs: [("data", try harness.input("data", Dataset.rows([[1], [2]], labels: nil)))])) {
            XCTAssertTrue("\($0)".contains("stratified_kfold needs labels"), "\($0)")
        }
    }
}
