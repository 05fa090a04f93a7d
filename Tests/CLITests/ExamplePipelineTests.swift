import Foundation
import XCTest

/// Every example pipeline runs in CI in a small variant: the same file with `limit:` on its loads and
/// at most a few epochs, on the real Fashion-MNIST data Debian ships, or on the small tables shipped in
/// pipelines/data (copied next to the pipeline, so its relative paths resolve).
final class ExamplePipelineTests: XCTestCase {
    private func smallVariant(of name: String, rows: Int, epochs: Int) throws -> String {
        var text = try String(contentsOfFile: CLI.repository + "/pipelines/\(name)", encoding: .utf8)
        let loads = text.components(separatedBy: "    kind: load\n").count - 1
        text = text.replacingOccurrences(of: "    kind: load\n", with: "    kind: load\n    limit: \(rows)\n")
        text = text.replacingOccurrences(of: #"epochs: \d+\n"#, with: "epochs: \(epochs)\n", options: .regularExpression)
        // Searches keep their strategy and space but try only a few configurations.
        text = text.replacingOccurrences(of: #"trials: \d+\n"#, with: "trials: 4\n", options: .regularExpression)
        XCTAssertEqual(text.components(separatedBy: "limit: \(rows)").count - 1, loads, "\(name): every load is limited")
        XCTAssertGreaterThan(loads, 0, "\(name) loads data")
        return text
    }

    private func accuracy(in lock: String) throws -> Double {
        // The first `accuracy:` or `MODEL.accuracy:` metric (evaluate stages comparing models prefix their names).
        let line = try XCTUnwrap(lock.split(separator: "\n").first { $0.contains(" accuracy: ") || $0.contains(".accuracy: ") || $0.contains(" accuracy_mean: ") })
        return try XCTUnwrap(Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)))
    }

    private func r2(in lock: String) throws -> Double {
        // The first `r2:`, `MODEL.r2:` or `r2_mean:` metric (regression pipelines).
        let line = try XCTUnwrap(lock.split(separator: "\n").first { $0.contains(" r2: ") || $0.contains(".r2: ") || $0.contains(" r2_mean: ") })
        return try XCTUnwrap(Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)))
    }

    func testEveryExamplePipelineRunsOnRealDataInASmallVariant() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("dataset-fashion-mnist is not installed (scripts/setup.sh installs it)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: CLI.repository + "/pipelines").filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertTrue(names.contains("quickstart.yaml"))
        for name in names {
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write(name, try smallVariant(of: name, rows: 3000, epochs: name == "quickstart.yaml" ? 30 : 3))
            try FileManager.default.copyItem(atPath: CLI.repository + "/pipelines/data", toPath: scratch.path + "/data")
            let run = try CLI.run(["run", name, "--jobs", "2"], in: scratch.path)
            XCTAssertEqual(run.status, 0, "\(name): " + run.stdout + run.stderr)
            let lockName = name.replacingOccurrences(of: ".yaml", with: ".lock")
            let lock = try String(contentsOfFile: scratch.path + "/" + lockName, encoding: .utf8)
            let yaml = try String(contentsOfFile: scratch.path + "/" + name, encoding: .utf8)
            // Regression pipelines (a load with `target:`) are judged on R²: any of their models explains well
            // over 0.3 of the variance of the diabetes progression (linear models reach ~0.5 there).
            let regression = yaml.contains("    target: ")
            if regression {
                XCTAssertGreaterThan(try r2(in: lock), 0.3, "\(name):\n\(lock)")
            } else {
                // A few thousand images reach well above chance (0.1) with any of these models.
                XCTAssertGreaterThan(try accuracy(in: lock), 0.6, "\(name):\n\(lock)")
            }
            // Every example produces a report with its DAG, learning curves and evaluation figures.
            let report = try CLI.run(["report", name, "-o", "report.html"], in: scratch.path)
            XCTAssertEqual(report.status, 0, "\(name): " + report.stdout + report.stderr)
            let html = try String(contentsOfFile: scratch.path + "/report.html", encoding: .utf8)
            // Pipelines with a train → evaluate path have curves and evaluation figures; pure cross-validation
            // searches (no model artifact) have the DAG and the search history.
            var figures = ["dag"]
            // Regression evaluations have no confusion matrix, ROC or calibration figures.
            if yaml.contains("kind: evaluate"), !regression { figures += ["confusion-matrix", "roc-curves", "calibration"] }
            // Learning curves exist where a model trains by epochs (networks, softmax regression), not for trees or SVMs.
            if yaml.contains("kind: evaluate"), !regression, ["mlp", "sequential", "softmax_regression"].contains(where: yaml.contains) {
                figures.append("learning-curves")
            }
            if regression, yaml.contains("kind: cross_validate") { figures.append("cv-folds") }
            for figure in figures {
                XCTAssertTrue(html.contains("<figure class=\"\(figure)\""), "\(name): the report lacks a \(figure) figure")
            }
            if yaml.contains("    tune:\n") { XCTAssertTrue(html.contains("<table class=\"nested-cv\">"), "\(name): the report lacks the nested-CV table") }
            let again = try CLI.run(["run", name], in: scratch.path)
            XCTAssertTrue(again.stdout.contains("up to date") && !again.stdout.contains("started"), "\(name): a re-run is a no-op\n\(again.stdout)")
        }
    }
}
