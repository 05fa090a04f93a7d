import Foundation
import PipelineKit
import PipelinePlan
import PipelineSpec
import PipelineStore
import XCTest

/// The plug-in model-family path end to end: each classical classification family is picked in YAML
/// (`train` with `model: {type: NAME, ...}`), trained, saved, read back by `evaluate`, and scored; a forced
/// rerun gives byte-identical artifacts (the conformance suite's determinism check, per family).
final class ClassicalFamilyPipelineTests: XCTestCase {
    var bench: Workbench!

    override func setUpWithError() throws {
        bench = try Workbench()
        try bench.writeBlobs()
    }

    override func tearDown() { bench.remove() }

    /// One `model:` mapping per classification family, with the accuracy it must reach on the blobs
    /// (three Gaussian blobs ≥ 4σ apart: every family separates them almost perfectly).
    static let models: [(String, String)] = [
        ("logistic_regression", "{type: logistic_regression, C: 1.0}"),
        ("logistic_regression_l1", "{type: logistic_regression, C: 0.5, penalty: l1, max_iter: 500}"),
        ("linear_svm", "{type: linear_svm, C: 0.5, loss: hinge}"),
        ("knn", "{type: knn, n_neighbors: 5, weights: distance}"),
        ("gaussian_nb", "gaussian_nb"),
        ("svm", "{type: svm, kernel: rbf, C: 1.0, gamma: scale}"),
        ("svm_probability_ovr", "{type: svm, kernel: rbf, probability: true, multiclass: ovr}"),
    ]

    private func pipeline(model: String) -> String {
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
          scale:
            kind: scale
            inputs: [split]
          train:
            kind: train
            inputs: [scale.train, scale.validation]
            model: \(model)
          evaluate:
            kind: evaluate
            inputs: {model: train.model, test: scale.test}

        """
    }

    func testEveryClassificationFamilyTrainsAndEvaluatesFromYAMLDeterministically() throws {
        for (name, model) in Self.models {
            try bench.write("p.yaml", pipeline(model: model))
            let first = try bench.run()
            XCTAssertTrue(first.succeeded, "\(name): \(first.outcomes)")
            let lockA = try bench.lockfile()
            let accuracy = lockA.stages["evaluate"]?.metrics["accuracy"] ?? 0
            XCTAssertGreaterThan(accuracy, 0.95, "\(name): test accuracy")
            _ = try bench.run(jobs: 1, force: true)
            let lockB = try bench.lockfile()
            for stage in ["train", "evaluate"] {
                XCTAssertEqual(lockA.stages[stage]!.outputs, lockB.stages[stage]!.outputs, "\(name): stage \(stage) is not deterministic")
            }
            XCTAssertEqual(try bench.run().stages(.upToDate).count, 5, "\(name): a re-run is a no-op")
        }
    }

    func testBadFamilyOptionsAreRejectedWithTheirKeyPath() throws {
        try bench.write("p.yaml", pipeline(model: "{type: logistic_regression, C: 0}"))
        XCTAssertThrowsError(try bench.load()) { error in
            let diagnostics = (error as? ValidationFailure)?.diagnostics ?? []
            XCTAssertTrue(diagnostics.contains { ($0.keyPath ?? "").hasPrefix("stages.train.model") && $0.message.contains("> 0") }, "\(diagnostics)")
        }
        try bench.write("p.yaml", pipeline(model: "{type: logistic_regression, penalty: elasticnet}"))
        XCTAssertThrowsError(try bench.load()) { error in
            XCTAssertTrue("\(error)".contains("l1_ratio"), "\(error)")
        }
    }

    /// Regression from YAML: CSV `target:` → split → lasso path chosen on the validation part. The data follow
    /// y = 3·a − 2·b + 0.1·noise with c irrelevant, so the chosen fit keeps a and b and the validation error is
    /// near the noise variance (0.01).
    func testLassoPathRunsFromYAMLOnARegressionTarget() throws {
        var state: UInt64 = 99
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        var lines = ["a,b,c,y"]
        for _ in 0..<200 {
            let (a, b, c) = (uniform(), uniform(), uniform())
            lines.append(String(format: "%.5f,%.5f,%.5f,%.5f", a, b, c, 3 * a - 2 * b + 0.1 * uniform()))
        }
        try bench.write("reg.csv", lines.joined(separator: "\n") + "\n")
        try bench.write("p.yaml", """
        pipeline: 1
        name: small
        seed: 5
        stages:
          data:
            kind: load
            path: reg.csv
            target: y
          split:
            kind: split
            inputs: [data]
            validation: 0.25
            test: 0.0
            stratify: false
          train:
            kind: train
            inputs: {train: split.train, validation: split.validation}
            model: {type: lasso, n_alphas: 20}

        """)
        let run = try bench.run()
        XCTAssertTrue(run.succeeded, "\(run.outcomes)")
        let metrics = try bench.lockfile().stages["train"]!.metrics
        XCTAssertLessThan(metrics["validation_mse"]!, 0.02, "\(metrics)")
        XCTAssertGreaterThanOrEqual(metrics["nonzero_coefficients"]!, 2)
        XCTAssertLessThan(metrics["alpha"]!, 0.05)
    }
}
