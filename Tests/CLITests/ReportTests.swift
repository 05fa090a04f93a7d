import Foundation
import XCTest

/// `pipeline report` on a small pipeline with two models, a comparison, a search and cross-validation: the HTML holds the
/// expected figures (and none whose data the run did not produce), and headless Chromium renders it to a
/// non-blank page with those figures in its DOM.
final class ReportTests: XCTestCase {
    static let pipeline = """
    pipeline: 1
    name: reported
    seed: 5
    stages:
      data:
        kind: load
        path: blobs.csv
        label: kind
      split:
        kind: split
        inputs: [data]
        validation: 0.2
        test: 0.3
      scale:
        kind: scale
        inputs: {train: split.train, validation: split.validation, test: split.test}
      linear:
        kind: train
        inputs: [scale.train, scale.validation]
        model: softmax_regression
        epochs: 30
      mlp:
        kind: train
        inputs: [scale.train, scale.validation]
        model: {type: mlp, layers: [16]}
        schedule: {type: cosine}
        epochs: 4
        batch_size: 16
      evaluate:
        kind: evaluate
        inputs: {linear: linear.model, mlp: mlp.model, test: scale.test}
        bootstrap: {samples: 200}
        timing_repeats: 20
      scoring:
        kind: evaluate
        inputs: {model: linear.model, validation: scale.validation}
        timing: false
      tune:
        kind: search
        inputs: [scoring.metrics]
        objective: {metric: accuracy}
        space: {linear.l2: {type: log_uniform, low: 1.0e-4, high: 1.0e-1}}
        trials: 3
      cv:
        kind: cross_validate
        inputs: [split.train]
        folds: 3
        steps: [{type: standard}]
        models: {linear: softmax_regression, mlp: {type: mlp, layers: [8]}}
        epochs: 3

    """

    private func writeBlobs(_ scratch: Scratch) throws {
        var lines = ["a,b,c,kind"]
        var state: UInt64 = 99
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        for i in 0..<150 {
            let c = i % 3
            lines.append("\(Double(c) * 1.5 + noise() * 1.4),\(Double(c % 2) * 2 + noise() * 1.4),\(noise()),k\(c)")
        }
        try scratch.write("blobs.csv", lines.joined(separator: "\n") + "\n")
    }

    func testReportHoldsTheFiguresTheRunProducedAndRendersInChromium() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try writeBlobs(scratch)
        try scratch.write("p.yaml", Self.pipeline)
        let run = try CLI.run(["run", "p.yaml"], in: scratch.path)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try CLI.run(["report", "p.yaml", "-o", "report.html"], in: scratch.path)
        XCTAssertEqual(report.status, 0, report.stdout + report.stderr)
        XCTAssertTrue(report.stdout.contains("wrote ") && report.stdout.contains(" s"), report.stdout)
        let html = try String(contentsOfFile: scratch.path + "/report.html", encoding: .utf8)

        let expected = ["id=\"dag\"", "class=\"learning-curves\" id=\"learning-curves-mlp\"", "class=\"learning-curves\" id=\"learning-curves-linear\"",
                        "class=\"lr-schedule\" id=\"lr-schedule-mlp\"", "class=\"confusion-matrix\" id=\"confusion-evaluate-mlp-test\"",
                        "class=\"roc-curves\" id=\"roc-evaluate-linear-test\"", "class=\"pr-curves\"", "class=\"calibration\"",
                        "class=\"size-vs-accuracy\" id=\"size-vs-accuracy-evaluate\"", "class=\"cv-folds\" id=\"cv-folds-cv\"",
                        "class=\"search-history\" id=\"search-history-tune-trials\"",
                        "<table class=\"comparison\">", "<table class=\"paired-tests\">", "<td>mcnemar_", "latency_p50_ms"]
        for needle in expected { XCTAssertTrue(html.contains(needle), "report lacks \(needle)") }
        // No data for these in this run: the sections are left out rather than drawn empty.
        for absent in ["class=\"feature-importances\"", "class=\"layer-sparsity\""] {
            XCTAssertFalse(html.contains(absent), "report has \(absent) without data")
        }
        // Self-contained: no scripts and no external resources.
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("http://") && html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        XCTAssertFalse(html.contains("https://"))

        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("chromium is not installed (scripts/setup.sh installs it)")
        }
        let url = "file://" + scratch.path + "/report.html"
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + scratch.path + "/chromium-profile"]
        let dom = try Self.capture(chromium, common + ["--dump-dom", url])
        for type in ["dag", "learning-curves", "lr-schedule", "confusion-matrix", "roc-curves", "calibration", "size-vs-accuracy", "cv-folds", "search-history"] {
            XCTAssertTrue(dom.contains("<figure class=\"\(type)\""), "rendered DOM lacks a \(type) figure")
        }
        XCTAssertEqual(dom.components(separatedBy: "<svg").count - 1, html.components(separatedBy: "<svg").count - 1, "every SVG survives parsing")
        _ = try Self.capture(chromium, common + ["--screenshot=" + scratch.path + "/shot.png", "--window-size=1280,1600", url])
        let image = try PNGImage(contentsOf: scratch.path + "/shot.png")
        XCTAssertEqual(image.width, 1280)
        let (ink, variance) = image.inkAndVariance
        // A blank page is all white (ink 0, variance 0); this page has headings, tables, the DAG and charts.
        XCTAssertGreaterThan(ink, 0.02, "screenshot is (nearly) blank")
        XCTAssertGreaterThan(variance, 100, "screenshot has no contrast")
    }

    static func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
