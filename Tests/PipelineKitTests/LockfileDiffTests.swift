import PipelineKit
import PipelinePlan
import PipelineSpec
import PipelineStore
import XCTest

final class LockfileDiffTests: XCTestCase {
    private func record(_ params: [String: ParamValue], _ metrics: [String: Double]) -> StageRecord {
        StageRecord(kind: "train", fingerprint: "f", seed: 0, params: params, inputs: [:], files: [:], outputs: [:], metrics: metrics, seconds: 1)
    }

    func testChangedParamsAndEveryMetricWithItsChange() {
        let old = Lockfile(pipeline: "p", stages: ["train": record(["l2": .double(0.001), "epochs": .int(10)], ["accuracy": 0.84]),
                                                   "gone": record(["x": .int(1)], [:])])
        let new = Lockfile(pipeline: "p", stages: ["train": record(["l2": .double(0.01), "epochs": .double(10)], ["accuracy": 0.85, "loss": 0.4])])
        let diff = LockfileDiff(old: old, new: new)
        XCTAssertEqual(diff.params, [
            .init(stage: "gone", param: "x", old: .int(1), new: nil),
            .init(stage: "train", param: "l2", old: .double(0.001), new: .double(0.01)),
        ], "epochs 10 and 10.0 are the same value")
        XCTAssertEqual(diff.metrics.map(\.metric), ["accuracy", "loss"])
        XCTAssertEqual(diff.metrics[0].change!, 0.01, accuracy: 1e-12)
        XCTAssertNil(diff.metrics[1].change, "a metric on one side only has no change")
        XCTAssertEqual(LockfileDiff(old: old, new: new, all: true).params.count, 3)

        let text = diff.text(oldLabel: "HEAD", newLabel: "workspace")
        XCTAssertTrue(text.contains("  stage  param  HEAD   workspace\n  gone   x      1      —\n  train  l2     0.001  0.01\n"), text)
        XCTAssertTrue(text.contains("  train  accuracy  0.84  0.85       +0.01"), text)
        XCTAssertTrue(diff.json.contains("\"change\": 0.010000000000000009"), diff.json)
    }
}
