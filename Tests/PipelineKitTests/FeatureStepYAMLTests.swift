import Foundation
import PipelineKit
import PipelinePlan
import PipelineSpec
import Stages
import XCTest

/// The augmentation and feature-engineering steps (and the two original scalers) run from YAML inside a
/// `preprocess` stage on a small labelled table, deterministically, and their fitted transform can be shown
/// (`pipeline show`). StagesTests' TransformStepConformanceTests covers every registered step with its defaults.
final class FeatureStepYAMLTests: XCTestCase {
    var bench: Workbench!

    override func setUpWithError() throws {
        bench = try Workbench()
        try bench.writeBlobs()
    }

    override func tearDown() { bench.remove() }

    /// One example `steps:` entry per step (blobs.csv has columns f1…f4 and three species).
    static let examples: [String: String] = [
        "standard": "{type: standard}",
        "minmax": "{type: minmax}",
        "augment": "{type: augment, factor: 2, noise: 0.1}",
        "variance_threshold": "{type: variance_threshold, threshold: 0.5}",
        "select_best": "{type: select_best, score: mutual_info, k: 2}",
        "rfe": "{type: rfe, n_features: 2}",
        "select_l1": "{type: select_l1, c: 0.05}",
        "pca": "{type: pca, n_components: 0.9, whiten: true}",
        "lda": "{type: lda}",
        "truncated_svd": "{type: truncated_svd, n_components: 2}",
        "random_projection": "{type: random_projection, n_components: 3, kind: sparse, density: 0.5}",
        "polynomial": "{type: polynomial, degree: 2, interaction_only: true}",
    ]

    func testFeatureStepsRunFromYAMLDeterministicallyAndShow() throws {
        XCTAssertTrue(Set(Self.examples.keys).isSubset(of: Set(TransformCatalog.builtIn.order)), "every example names a registered step")
        for (name, step) in Self.examples.sorted(by: { $0.key < $1.key }) {
            try bench.write("\(name).yaml", """
            pipeline: 1
            name: steps
            seed: 3
            stages:
              data:
                kind: load
                path: blobs.csv
                label: species
              split:
                kind: split
                inputs: [data]
              features:
                kind: preprocess
                inputs: {train: split.train, validation: split.validation}
                steps: [\(step)]

            """)
            let first = try bench.run("\(name).yaml", jobs: 1)
            XCTAssertTrue(first.succeeded, "\(name): \(first.outcomes)")
            let lockA = try bench.lockfile("\(name).lock")
            _ = try bench.run("\(name).yaml", jobs: 1, force: true)
            let lockB = try bench.lockfile("\(name).lock")
            XCTAssertEqual(lockA.stages["features"]?.outputs, lockB.stages["features"]?.outputs, "\(name) is not deterministic")
            let hash = try XCTUnwrap(lockA.stages["features"]?.outputs["transform"]?.hash)
            let shown = try ArtifactInspector.describe(try bench.load("\(name).yaml").workspace.cache.objectPath(hash))
            XCTAssertTrue(shown.contains("@method = \"\(name)\""), "\(name):\n\(shown)")
            if ["variance_threshold", "select_best", "rfe", "select_l1"].contains(name) {
                XCTAssertTrue(shown.contains("@selected_names = "), "\(name) lists the kept columns:\n\(shown)")
            }
        }
    }

    func testBadStepParametersAreRejectedWithTheirLocation() throws {
        try bench.write("bad.yaml", """
        pipeline: 1
        name: bad
        stages:
          data:
            kind: load
            path: blobs.csv
            label: species
          features:
            kind: preprocess
            inputs: [data]
            steps: [{type: pca, n_components: 1.5}]

        """)
        XCTAssertThrowsError(try bench.load("bad.yaml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("bad.yaml:11") && text.contains("n_components"), text)
        }
    }
}
