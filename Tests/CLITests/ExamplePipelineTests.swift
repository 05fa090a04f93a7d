import Foundation
import XCTest

/// Every example pipeline runs in CI in a small variant: the same file with `limit:` on its loads and
/// fewer epochs, on the real Fashion-MNIST data Debian ships.
final class ExamplePipelineTests: XCTestCase {
    func testQuickstartSmallVariantRunsOnRealData() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("dataset-fashion-mnist is not installed (scripts/setup.sh installs it)")
        }
        let scratch = try Scratch()
        defer { scratch.remove() }
        var text = try String(contentsOfFile: CLI.repository + "/pipelines/quickstart.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "    kind: load\n", with: "    kind: load\n    limit: 3000\n")
        text = text.replacingOccurrences(of: "epochs: 100", with: "epochs: 30")
        XCTAssertEqual(text.components(separatedBy: "limit: 3000").count - 1, 2, "both loads are limited")
        XCTAssertTrue(text.contains("epochs: 30"), "the variant trains briefly")
        try scratch.write("quickstart.yaml", text)

        let run = try CLI.run(["run", "quickstart.yaml", "--jobs", "2"], in: scratch.path)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let lock = try String(contentsOfFile: scratch.path + "/quickstart.lock", encoding: .utf8)
        let accuracyLine = try XCTUnwrap(lock.split(separator: "\n").first { $0.contains(" accuracy: ") })
        let accuracy = try XCTUnwrap(Double(accuracyLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)))
        // 2,700 training images are enough for ~0.75–0.8 with a linear model; chance is 0.1.
        XCTAssertGreaterThan(accuracy, 0.7, lock)
        XCTAssertTrue(lock.contains("train_rows: 2700"), lock)

        let again = try CLI.run(["run", "quickstart.yaml"], in: scratch.path)
        XCTAssertTrue(again.stdout.contains("6 up to date"), again.stdout)
    }
}
