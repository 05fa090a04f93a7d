import Foundation
import PipelineKit
import PipelinePlan
import PipelineSpec
import PipelineStore
@testable import Stages
import XCTest

/// The `search` kind end to end: trials are variants of the pipeline's own stages run through its cache.
final class SearchStageTests: XCTestCase {
    var bench: Workbench!

    override func setUpWithError() throws {
        bench = try Workbench()
        try bench.writeBlobs()
    }

    override func tearDown() { bench.remove() }

    /// The standard small pipeline plus a search stage `tune` over it (body indented under the stage).
    private func writeSearch(_ body: String, trainOptimizer: String = "", extraStage: String = "", objective: String = "{metric: accuracy}",
                             name: String = "p.yaml") throws {
        try bench.writePipeline(name, extraStages: """
          tune:
            kind: search
            inputs: [evaluate.metrics]
            objective: \(objective)
        \(body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        \(extraStage)
        """)
        if !trainOptimizer.isEmpty {
            let text = try String(contentsOfFile: bench.path(name), encoding: .utf8)
            try bench.write(name, text.replacingOccurrences(of: "    model: softmax_regression\n", with: "    model: softmax_regression\n    optimizer: \(trainOptimizer)\n"))
        }
    }

    private var cache: ArtifactCache { ArtifactCache(root: bench.path(".pipeline")) }

    /// The trials CSV of the last run as rows of cells keyed by column name.
    private func trialRows() throws -> [[String: String]] {
        let record = try XCTUnwrap(try bench.lockfile().stages["tune"]?.outputs["trials_csv"])
        let lines = try String(contentsOfFile: cache.objectPath(record.hash), encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            // Cells here hold no commas except inside [..] lists, which the CSV quotes.
            var cells: [String] = []
            var current = ""
            var quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle() } else if ch == ",", !quoted { cells.append(current); current = "" } else { current.append(ch) }
            }
            cells.append(current)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    private func runRecordCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: bench.path(".pipeline/runs")).filter { $0.hasSuffix(".json") }.count
    }

    func testGridEnumeratesExactlyTheProductOfItsDimensions() throws {
        try writeSearch("""
        space:
          train.l2: {type: choice, values: [0.0001, 0.01, 1.0]}
          train.epochs: {type: int, low: 5, high: 15, step: 5}
        strategy: grid
        trials: 100
        """)
        let summary = try bench.run()
        XCTAssertTrue(summary.succeeded, "\(summary.outcomes)")
        let rows = try trialRows()
        let pairs = rows.map { "\($0["train.l2"]!)|\($0["train.epochs"]!)" }
        let expected = ["0.0001", "0.01", "1.0"].flatMap { l2 in ["5", "10", "15"].map { "\(l2)|\($0)" } }
        XCTAssertEqual(Set(pairs), Set(expected))
        XCTAssertEqual(pairs.count, 9, "each grid point once")
        XCTAssertEqual(try bench.lockfile().stages["tune"]?.metrics["trials"], 9)
    }

    func testConditionalParameterAppearsOnlyUnderItsParentsChoice() throws {
        try writeSearch("""
        space:
          train.optimizer.type: {type: choice, values: [sgd, lbfgs]}
          train.optimizer.momentum: {type: uniform, low: 0, high: 0.9, when: {train.optimizer.type: [sgd]}}
        trials: 12
        """, trainOptimizer: "{type: sgd, lr: 0.1}")
        XCTAssertTrue(try bench.run().succeeded)
        let rows = try trialRows()
        XCTAssertEqual(rows.count, 12)
        XCTAssertEqual(Set(rows.map { $0["train.optimizer.type"]! }), ["sgd", "lbfgs"], "random over 12 trials draws both")
        for row in rows {
            XCTAssertEqual(row["train.optimizer.momentum"]!.isEmpty, row["train.optimizer.type"] == "lbfgs", "\(row)")
            XCTAssertEqual(row["status"], "complete", "switching the optimizer variant gives a valid stage: \(row)")
        }
    }

    func testExtendingASearchRunsOnlyTheNewTrials() throws {
        let space = "space:\n  train.l2: {type: log_uniform, low: 1.0e-5, high: 1.0}\n"
        try writeSearch(space + "trials: 3")
        XCTAssertTrue(try bench.run().succeeded)
        let before = try runRecordCount()
        let firstRows = try trialRows()
        // Same seed, more trials: the first three suggestions are the same, found in the cache.
        try writeSearch(space + "trials: 5")
        let events = RecordingSink()
        XCTAssertTrue(try bench.run(events: events).succeeded)
        XCTAssertEqual(events.started, ["tune"], "only the search itself runs in the pipeline")
        XCTAssertEqual(try runRecordCount() - before, 2 * 2 + 1, "two new trials (train + evaluate each) and the search")
        XCTAssertEqual(Array(try trialRows().prefix(3)).map { $0["train.l2"] }, firstRows.map { $0["train.l2"] })
        // A re-run is a no-op.
        XCTAssertEqual(try bench.run().stages(.upToDate).count, 6)
    }

    func testResultsAreTheSameWithOneOrFourJobs() throws {
        let body = "space:\n  train.l2: {type: log_uniform, low: 1.0e-5, high: 1.0}\n  train.epochs: {type: int, low: 2, high: 30}\ntrials: 6\nbatch: 3"
        try writeSearch(body)
        XCTAssertTrue(try bench.run(jobs: 1).succeeded)
        let serial = try bench.lockfile().stages["tune"]!.outputs
        let other = try Workbench()
        defer { other.remove() }
        try other.writeBlobs()
        try other.write("p.yaml", try String(contentsOfFile: bench.path("p.yaml"), encoding: .utf8))
        XCTAssertTrue(try other.run(jobs: 4).succeeded)
        XCTAssertEqual(try other.lockfile().stages["tune"]!.outputs, serial)
    }

    func testBestModelFeedsDownstreamStagesAndMatchesTheBestTrial() throws {
        try writeSearch("""
        space:
          train.l2: {type: choice, values: [100.0, 0.001]}
        strategy: grid
        best: train
        """, extraStage: "  final:\n    kind: evaluate\n    inputs: {model: tune.best_model, test: scale.test}",
                        objective: "{metric: log_loss, direction: minimize}")
        XCTAssertTrue(try bench.run().succeeded)
        let lock = try bench.lockfile()
        let tune = try XCTUnwrap(lock.stages["tune"]?.metrics)
        // l2 = 100 flattens the model towards uniform probabilities (log-loss near ln 3); 0.001 separates the blobs.
        XCTAssertEqual(tune["best.train.l2"], 0.001)
        XCTAssertEqual(lock.stages["final"]?.metrics["log_loss"], tune["best_log_loss"], "the same model on the same rows")
        XCTAssertLessThan(tune["best_log_loss"]!, 0.3)
    }

    func testSuccessiveHalvingKeepsTheTopThirdAtEachRung() throws {
        try writeSearch("""
        space:
          train.l2: {type: log_uniform, low: 1.0e-4, high: 10.0}
        trials: 9
        early_stopping: {type: successive_halving, budget: train.epochs, min: 2, max: 18, eta: 3}
        """)
        XCTAssertTrue(try bench.run().succeeded)
        let rows = try trialRows()
        XCTAssertEqual(rows.map { $0["budget"]! }.filter { $0 == "2" }.count, 9)
        XCTAssertEqual(rows.map { $0["budget"]! }.filter { $0 == "6" }.count, 3)
        XCTAssertEqual(rows.map { $0["budget"]! }.filter { $0 == "18" }.count, 1)
        XCTAssertEqual(rows.filter { $0["budget"] == "2" && $0["status"] == "stopped" }.count, 6)
        XCTAssertEqual(rows.filter { $0["budget"] == "18" }.map { $0["status"] }, ["complete"])
        // The survivors of rung 2 are its three best trials (ties: lower trial number).
        let rung = rows.filter { $0["budget"] == "2" }.map { (Double($0["accuracy"]!)!, Int($0["trial"]!)!) }
        let best = Set(rung.sorted { ($0.0, -$0.1) > ($1.0, -$1.1) }.prefix(3).map(\.1))
        XCTAssertEqual(Set(rows.filter { $0["budget"] == "6" }.map { Int($0["trial"]!)! }), best)
    }

    func testASHAPromotesAtMostATopThirdPerRungAndOnlyFromTheRungBelow() throws {
        try writeSearch("""
        space:
          train.l2: {type: log_uniform, low: 1.0e-4, high: 10.0}
        trials: 9
        batch: 3
        early_stopping: {type: asha, budget: train.epochs, min: 2, max: 18, eta: 3}
        """)
        XCTAssertTrue(try bench.run().succeeded)
        let rows = try trialRows()
        let atRung = { (budget: String) in rows.filter { $0["budget"] == budget }.map { Int($0["trial"]!)! } }
        XCTAssertEqual(Set(rows.map { $0["budget"]! }), ["2", "6", "18"])
        XCTAssertEqual(atRung("2").count, 9, "every configuration starts at the lowest rung")
        // Li et al.: at any time at most ⌊n_k / η⌋ of rung k's n_k results have been promoted, so at most that many at the end.
        XCTAssertLessThanOrEqual(atRung("6").count, atRung("2").count / 3)
        XCTAssertLessThanOrEqual(atRung("18").count, atRung("6").count / 3)
        XCTAssertGreaterThan(atRung("18").count, 0)
        XCTAssertTrue(Set(atRung("6")).isSubset(of: Set(atRung("2"))) && Set(atRung("18")).isSubset(of: Set(atRung("6"))))
        // A promotion is a trial's best-ranked result at the rung below when it was made: the overall best of rung 2 is promoted.
        let rung2 = rows.filter { $0["budget"] == "2" }.map { (Double($0["accuracy"]!)!, Int($0["trial"]!)!) }
        XCTAssertTrue(atRung("6").contains(rung2.sorted { ($0.0, -$0.1) > ($1.0, -$1.1) }[0].1))
        XCTAssertEqual(rows.filter { $0["budget"] == "18" }.map { $0["status"] }, Array(repeating: "complete", count: atRung("18").count))
    }

    func testHyperbandBracketsFollowLiEtAl() {
        // R = 27, η = 3 (Li et al. 2018, Table 1): s = 3…0 start 27, 12, 6, 4 configurations at 1, 3, 9, 27.
        let brackets = SearchLoop.hyperbandBrackets(min: 1, max: 27, eta: 3)
        XCTAssertEqual(brackets.map(\.configs), [27, 12, 6, 4])
        XCTAssertEqual(brackets.map(\.rungs), [[1, 3, 9, 27], [3, 9, 27], [9, 27], [27]])
        XCTAssertEqual(SearchLoop.halvingCost(27, rungs: 4, eta: 3), 27 + 9 + 3 + 1)
        XCTAssertEqual(TrialSchedule.rungs(min: 2, max: 20, eta: 3), [2, 6, 18, 20])
    }

    func testASearchOverAMissingParameterIsAValidationErrorAtTheSpace() throws {
        try writeSearch("space:\n  train.l3: {type: uniform, low: 0, high: 1}")
        XCTAssertThrowsError(try bench.load()) { error in
            let failure = error as? ValidationFailure
            let diagnostic = failure?.diagnostics.first
            XCTAssertEqual(diagnostic?.keyPath, "stages.tune.space")
            XCTAssertNotNil(diagnostic?.location?.line)
            XCTAssertTrue(diagnostic?.message.contains("kind 'train' has no parameter 'l3'; did you mean") ?? false, "\(error)")
        }
        try writeSearch("space:\n  evaluate.accuracy: {type: uniform, low: 0, high: 1}\n  nowhere.x: {type: uniform, low: 0, high: 1}")
        XCTAssertThrowsError(try bench.load()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("there is no stage 'nowhere'"), text)
            XCTAssertTrue(text.contains("kind 'evaluate' has no parameter 'accuracy'"), text)
        }
    }
}
