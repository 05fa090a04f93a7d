import Foundation
import PipelineKit
import PipelineStore
import Stages
import XCTest

/// The plug-in model path end to end: `train` with `model: {type: decision_tree}` from YAML, the model
/// file read back, and `evaluate` on the test split — checked against an independent walk of the stored
/// node arrays (the HDF5 datasets, not the family's code).
final class TreeFamilyPipelineTests: XCTestCase {
    var bench: Workbench!

    override func setUpWithError() throws {
        bench = try Workbench()
        try bench.writeBlobs()
    }

    override func tearDown() { bench.remove() }

    func pipeline(_ model: String) -> String {
        """
        pipeline: 1
        name: small
        seed: 11
        stages:
          data:
            kind: load
            path: blobs.csv
            label: species
          split:
            kind: split
            inputs: [data]
            validation: 0.2
            test: 0.2
          train:
            kind: train
            inputs: [split.train, split.validation]
            model: \(model)
          evaluate:
            kind: evaluate
            inputs: {model: train.model, test: split.test}

        """
    }

    func testDecisionTreeTrainsAndEvaluatesFromYAML() throws {
        try bench.write("p.yaml", pipeline("{type: decision_tree, max_depth: 3, permutation_repeats: 2}"))
        let summary = try bench.run()
        XCTAssertTrue(summary.succeeded, "\(summary.outcomes)")
        let lock = try bench.lockfile()
        let cache = try bench.load().workspace.cache
        let modelPath = cache.objectPath(lock.stages["train"]!.outputs["model"]!.hash)
        let testPath = cache.objectPath(lock.stages["split"]!.outputs["test"]!.hash)

        // Walk the stored arrays by hand.
        let file = try HDF5File.open(modelPath)
        let root = file.root
        XCTAssertEqual(try root.attribute("model")?.stringValue, "decision_tree")
        let trees = try root.group("trees")
        let feature = try trees.dataset("feature").read(as: Int32.self)
        let threshold = try trees.dataset("threshold").read(as: Double.self)
        let left = try trees.dataset("left").read(as: Int32.self), right = try trees.dataset("right").read(as: Int32.self)
        let valueSet = try trees.dataset("value")
        let value = try valueSet.read(as: Float.self)
        XCTAssertEqual(valueSet.shape, [feature.count, 3])
        XCTAssertNotNil(try trees.dataset("threshold").attribute("meaning"))
        let importances = try root.group("feature_importances")
        XCTAssertEqual(try importances.dataset("feature_names").readStrings(), ["f1", "f2", "f3", "f4"])
        XCTAssertEqual(try importances.dataset("impurity").read(as: Double.self).reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertEqual(try importances.dataset("permutation_mean").read(as: Double.self).count, 4)
        try file.close()
        XCTAssertEqual(lock.stages["train"]!.metrics["nodes"], Double(feature.count))
        XCTAssertLessThanOrEqual(lock.stages["train"]!.metrics["depth"]!, 3)

        let test = try Dataset.read(from: testPath)
        let x = test.floatFeatures()
        var correct = 0
        for r in 0..<test.rows {
            var node = 0
            while feature[node] >= 0 {
                node = Int(Double(x[r * 4 + Int(feature[node])]) <= threshold[node] ? left[node] : right[node])
            }
            let scores = value[(node * 3)..<(node * 3 + 3)]
            correct += scores.firstIndex(of: scores.max()!)! - node * 3 == Int(test.labels![r]) ? 1 : 0
        }
        let accuracy = Double(correct) / Double(test.rows)
        XCTAssertEqual(lock.stages["evaluate"]!.metrics["accuracy"]!, accuracy, accuracy: 1e-12)
        XCTAssertGreaterThan(accuracy, 0.9, "three well-separated blobs")

        // The artifact reads back through the catalogue and predicts the same.
        let stored = try StoredModel.read(from: modelPath)
        XCTAssertEqual(stored.model.family, "decision_tree")
        XCTAssertEqual(stored.model.classes, 3)
    }

    func testUnknownTreeOptionIsRejectedWithItsLocation() throws {
        try bench.write("p.yaml", pipeline("{type: decision_tree, max_dept: 3}"))
        XCTAssertThrowsError(try bench.load()) { error in
            XCTAssertTrue("\(error)".contains("max_dept"), "\(error)")
            XCTAssertTrue("\(error)".contains("p.yaml:17:34"), "\(error)")
        }
    }

    func testStackedEnsembleOfTreeFamiliesRunsFromYAMLAndReadsBack() throws {
        try bench.write("p.yaml", pipeline("{type: stacking, members: [{type: random_forest, n_estimators: 10}, {type: hist_gradient_boosting, max_iter: 10, min_samples_leaf: 5}, {type: voting, members: [decision_tree, {type: adaboost, n_estimators: 5}]}], final: {type: decision_tree, max_depth: 2}, cv: 3}"))
        let summary = try bench.run()
        XCTAssertTrue(summary.succeeded, "\(summary.outcomes)")
        let lock = try bench.lockfile()
        let cache = try bench.load().workspace.cache
        let stored = try StoredModel.read(from: cache.objectPath(lock.stages["train"]!.outputs["model"]!.hash))
        XCTAssertEqual(stored.model.family, "stacking")
        let test = try Dataset.read(from: cache.objectPath(lock.stages["split"]!.outputs["test"]!.hash))
        let p = try stored.model.predict(test.floatFeatures(), rows: test.rows)
        var correct = 0
        for r in 0..<test.rows {
            let row = p[(r * 3)..<(r * 3 + 3)]
            correct += row.firstIndex(of: row.max()!)! - r * 3 == Int(test.labels![r]) ? 1 : 0
        }
        // The model read back from HDF5 gives evaluate's accuracy.
        XCTAssertEqual(lock.stages["evaluate"]!.metrics["accuracy"]!, Double(correct) / Double(test.rows), accuracy: 1e-12)
        XCTAssertEqual(lock.stages["train"]!.metrics["members"], 3)
    }

    func testBadEnsembleMemberIsReportedWithTheMemberAndKey() throws {
        try bench.write("p.yaml", pipeline("{type: voting, members: [decision_tree, {type: random_forest, n_estimators: 0}]}"))
        XCTAssertThrowsError(try bench.load()) { error in
            XCTAssertTrue("\(error)".contains("p.yaml:17:"), "\(error)")
            XCTAssertTrue("\(error)".contains("members[1].n_estimators: expected an integer ≥ 1"), "\(error)")
        }
    }
}
