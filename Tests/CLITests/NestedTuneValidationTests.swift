import Foundation
import XCTest

/// `cross_validate`'s `tune:` paths are checked before anything runs: each problem names file:line:col, the
/// key path and what was expected, and the exit code is 2.
final class NestedTuneValidationTests: XCTestCase {
    func testBadTunePathsAreValidationErrorsWithLocations() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.writeTwoClassCSV()
        try scratch.write("nested.yaml", """
        pipeline: 1
        name: nested
        stages:
          data: {kind: load, path: data.csv, label: label}
          cv:
            kind: cross_validate
            inputs: [data]
            steps: [standard]
            model: knn
            tune:
              space:
                model.n_neighbours: {type: int, low: 1, high: 9}
                steps.3.k: {type: choice, values: [1, 2]}
                model.weights: {type: choice, values: [uniform, nearest]}
        """)
        let result = try CLI.run(["validate", "nested.yaml"], in: scratch.path)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("nested.yaml:11:7: error: stages.cv.tune: tune.space.model.n_neighbours = 1: model.n_neighbours: unknown key 'n_neighbours'"),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains("did you mean 'n_neighbors'?"), result.stderr)
        XCTAssertTrue(result.stderr.contains("tune.space.steps.3.k = 1: expected steps.INDEX.PARAM with INDEX in 0..<1"), result.stderr)
        XCTAssertTrue(result.stderr.contains("tune.space.model.weights = nearest: model.weights: expected one of 'uniform', 'distance'"), result.stderr)

        try scratch.write("wrong.yaml", """
        pipeline: 1
        name: wrong
        stages:
          data: {kind: load, path: data.csv, label: label}
          cv:
            kind: cross_validate
            inputs: [data]
            models: {a: knn, b: {type: knn, n_neighbors: 3}}
            tune:
              space:
                train.n_neighbors: {type: int, low: 1, high: 9}
        """)
        let wrong = try CLI.run(["run", "wrong.yaml"], in: scratch.path)
        XCTAssertEqual(wrong.status, 2, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("wrong.yaml:10:7: error: stages.cv.tune: nested tuning needs one 'model:', not 'models:'"), wrong.stderr)
    }
}
