import Foundation
import Learn
import PipelineSpec
import PipelineStore
@testable import Stages
import XCTest

/// `cross_validate` with `tune:` (nested cross-validation): the inner search picks the configuration a
/// hand-made case forces, the outer scores are plain cross-validation of the chosen configuration on the same
/// folds, no outer test row reaches any fit, results are deterministic, and the nested estimate matches
/// scikit-learn's GridSearchCV-inside-an-outer-loop on identical folds.
final class NestedCrossValidationTests: XCTestCase {
    var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    /// Rows `[sin i, cos 1.7i, (i mod 7)/7]`, target `sin i − ½ cos 1.7i + 2.5·((13i mod 11)/11 − ½)`: a closed
    /// form, so Python rebuilds exactly the same data (rounded to float32 as the dataset stores it).
    static func formulaData(rows: Int) -> Dataset {
        var x: [Float] = [], y: [Float] = []
        for i in 0..<rows {
            let a = sin(Double(i)), b = cos(1.7 * Double(i)), c = Double(i % 7) / 7
            x += [Float(a), Float(b), Float(c)]
            y.append(Float(a - 0.5 * b + 2.5 * (Double((13 * i) % 11) / 11 - 0.5)))
        }
        return Dataset(features: .float32(x), rows: rows, sampleShape: [3], labels: nil, classNames: [], featureNames: ["a", "b", "c"], targets: y)
    }

    /// A clean linear target with an id column (column 0 = the row's index) to trace rows through fits.
    static func linearData(rows: Int) -> Dataset {
        var g = SeededGenerator(seed: 3)
        var x: [Float] = [], y: [Float] = []
        for i in 0..<rows {
            let u = Float(g.nextGaussian()), v = Float(g.nextGaussian())
            x += [Float(i), u, v]
            y.append(3 * u - 2 * v + 0.01 * Float(g.nextGaussian()))
        }
        return Dataset(features: .float32(x), rows: rows, sampleShape: [3], labels: nil, classNames: [], featureNames: ["id", "u", "v"], targets: y)
    }

    private func tune(_ space: [String: ParamValue], strategy: ParamValue = .map(["type": .string("grid")]), trials: Int = 20, folds: Int = 3) -> ParamValue {
        .map(["space": .map(space), "strategy": strategy, "trials": .int(trials), "folds": .int(folds), "metric": .string("r2")])
    }

    private func foldTable(_ path: String, metric: String) throws -> [Double] {
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        let group = try file.root.group("model")
        guard case .strings(let names)? = try group.attribute("metrics") else { XCTFail("metric names"); return [] }
        let table = try group.dataset("folds").read(as: Double.self)
        let column = names.firstIndex(of: metric)!
        return stride(from: column, to: table.count, by: names.count).map { table[$0] }
    }

    /// α = 1e-6 fits the noiseless-ish linear target (R² ≈ 1); α = 1e5 shrinks every weight to ~0 (R² ≤ 0), so
    /// every inner search must choose 1e-6 — and then each outer fold is exactly plain CV's fold of ridge α = 1e-6.
    func testTheInnerSearchPicksTheForcedAlphaAndOuterScoresEqualPlainCrossValidation() throws {
        let input = try harness.input("data", Self.linearData(rows: 40))
        let steps: ParamValue = .list([.map(["type": .string("standard")])])
        let nested = try harness.run(CrossValidateStage(), params: [
            "folds": .int(5), "steps": steps, "model": .map(["type": .string("ridge"), "alpha": .double(1)]),
            "tune": tune(["model.alpha": .map(["type": .string("choice"), "values": .list([.double(1e5), .double(1e-6)])])]),
        ], inputs: [("data", input)], seed: 9, stage: "cv")
        for fold in 0..<5 {
            XCTAssertEqual(nested.metrics["tune.fold\(fold).model.alpha"], 1e-6, "fold \(fold)")
            XCTAssertGreaterThan(nested.metrics["tune.fold\(fold).inner_best"]!, 0.999)
        }
        let plain = try harness.run(CrossValidateStage(), params: [
            "folds": .int(5), "steps": steps, "model": .map(["type": .string("ridge"), "alpha": .double(1e-6)]),
        ], inputs: [("data", input)], seed: 9, stage: "cv")
        for metric in ["r2", "mse", "mae", "rmse"] {
            XCTAssertEqual(try foldTable(nested.outputs["metrics"]!, metric: metric), try foldTable(plain.outputs["metrics"]!, metric: metric), metric)
            XCTAssertEqual(nested.metrics["\(metric)_mean"], plain.metrics["\(metric)_mean"], metric)
        }
        // The summary records the outer scores, the inner bests and their difference.
        let summary = try String(contentsOfFile: nested.outputs["summary"]!, encoding: .utf8)
        XCTAssertTrue(summary.contains("\"tuning\":{"), summary)
        let inner = (0..<5).map { nested.metrics["tune.fold\($0).inner_best"]! }.reduce(0, +) / 5
        XCTAssertEqual(nested.metrics["tune.optimism"]!, inner - nested.metrics["r2_mean"]!, accuracy: 1e-12)
    }

    /// Labels in blocks of four along one axis (x = i, class ⌊i/4⌋ mod 2): one neighbour is almost always
    /// right, 15 neighbours span four blocks and vote near chance — so every stratified inner search must pick
    /// k = 1, and the outer accuracies are plain stratified CV of 1-NN on the same folds.
    func testClassificationSearchPicksOneNeighbourOnBlockLabels() throws {
        let rows = 48
        let data = Dataset.rows((0..<rows).map { [Float($0)] }, labels: (0..<rows).map { Int32(($0 / 4) % 2) })
        let input = try harness.input("data", data)
        let nested = try harness.run(CrossValidateStage(), params: [
            "folds": .int(4), "model": .map(["type": .string("knn")]),
            "tune": .map(["space": .map(["model.n_neighbors": .map(["type": .string("choice"), "values": .list([.int(15), .int(1)])])]),
                          "strategy": .map(["type": .string("grid")]), "folds": .int(3)]),
        ], inputs: [("data", input)], seed: 8, stage: "cv")
        for fold in 0..<4 { XCTAssertEqual(nested.metrics["tune.fold\(fold).model.n_neighbors"], 1, "fold \(fold)") }
        let plain = try harness.run(CrossValidateStage(), params: ["folds": .int(4), "model": .map(["type": .string("knn"), "n_neighbors": .int(1)])],
                                    inputs: [("data", input)], seed: 8, stage: "cv")
        XCTAssertEqual(try foldTable(nested.outputs["metrics"]!, metric: "accuracy"), try foldTable(plain.outputs["metrics"]!, metric: "accuracy"))
        XCTAssertGreaterThan(nested.metrics["accuracy_mean"]!, 0.7)
    }

    /// Every fitted chain (inner and outer refits) sees only outer-training rows: the id column of the rows it
    /// was fitted on excludes the outer test fold, and the standard scaler's fitted mean of the id column is
    /// the mean of exactly those rows.
    func testNoOuterTestRowReachesAnyFit() throws {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var fits: [(stream: String, ids: [Int], mean: Float)] = []
        }
        let log = Log()
        var stage = CrossValidateStage()
        stage.observeFit = { stream, train, chain in
            let ids = stride(from: 0, to: train.rows * 3, by: 3).map { Int(train.floatFeatures()[$0]) }
            let mean = (chain.steps[0] as! StandardScaling.Fitted).scaler.mean[0]
            log.lock.lock()
            log.fits.append((stream, ids, mean))
            log.lock.unlock()
        }
        let rows = 30
        let input = try harness.input("data", Self.linearData(rows: rows))
        _ = try harness.run(stage, params: [
            "folds": .int(3), "steps": .list([.map(["type": .string("standard")])]), "model": .map(["type": .string("ridge")]),
            "tune": tune(["model.alpha": .map(["type": .string("log_uniform"), "low": .double(0.01), "high": .double(10)])],
                         strategy: .map(["type": .string("random")]), trials: 4, folds: 4),
        ], inputs: [("data", input)], seed: 2, stage: "leak")
        var g = SeededGenerator(seed: 2, stream: "leak/folds/0")
        let outer = kFolds(count: rows, k: 3, labels: nil, generator: &g)
        // Per outer fold: 4 trials × 4 inner folds, then the refit on the whole outer training part.
        XCTAssertEqual(log.fits.count, 3 * (4 * 4 + 1))
        for (f, test) in outer.enumerated() {
            let fits = log.fits.filter { $0.stream.hasPrefix("leak/repeat0/fold\(f)") }
            XCTAssertEqual(fits.count, 17)
            for fit in fits {
                XCTAssertTrue(Set(fit.ids).isDisjoint(with: test), "\(fit.stream) saw outer test rows")
                XCTAssertEqual(Double(fit.mean), Double(fit.ids.reduce(0, +)) / Double(fit.ids.count), accuracy: 1e-4, fit.stream)
            }
            let refit = try XCTUnwrap(fits.first { $0.stream == "leak/repeat0/fold\(f)" })
            XCTAssertEqual(refit.ids, (0..<rows).filter { !test.contains($0) }, "the refit uses all outer training rows")
            // Inner parts: 3/4 of the outer training rows each.
            for fit in fits where fit.stream != refit.stream { XCTAssertLessThan(fit.ids.count, refit.ids.count) }
        }
    }

    func testNestedResultsAreDeterministicUnderASeed() throws {
        let input = try harness.input("data", Self.formulaData(rows: 36))
        let params: [String: ParamValue] = [
            "folds": .int(3), "steps": .list([.map(["type": .string("standard")])]), "model": .map(["type": .string("knn")]),
            "tune": tune(["model.n_neighbors": .map(["type": .string("int"), "low": .int(1), "high": .int(12), "step": .int(1), "log": .bool(false)]),
                          "model.weights": .map(["type": .string("choice"), "values": .list([.string("uniform"), .string("distance")])])],
                         strategy: .map(["type": .string("tpe"), "startup": .int(3)]), trials: 6),
        ]
        let a = try harness.run(CrossValidateStage(), params: params, inputs: [("data", input)], seed: 4, stage: "cv")
        let b = try harness.run(CrossValidateStage(), params: params, inputs: [("data", input)], seed: 4, stage: "cv")
        XCTAssertEqual(a.metrics, b.metrics)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a.outputs["summary"]!)), try Data(contentsOf: URL(fileURLWithPath: b.outputs["summary"]!)))
        XCTAssertNotNil(a.metrics["tune.fold2.model.weights#choice"])
    }

    /// scikit-learn 1.9.1, GridSearchCV inside an outer loop over the same folds. The folds are this stage's (outer:
    /// stream "nested/folds/0"; inner: "nested/repeat0/fold{f}/tune/inner-folds", indices into the outer training
    /// rows), printed once from `kFolds` and passed explicitly. An explicit outer loop rather than
    /// `cross_val_score(GridSearchCV(...), cv=outer)` because each outer fold has its own inner splits:
    ///
    ///     import numpy as np
    ///     from sklearn.pipeline import make_pipeline
    ///     from sklearn.preprocessing import StandardScaler
    ///     from sklearn.linear_model import Ridge
    ///     from sklearn.model_selection import GridSearchCV
    ///     i = np.arange(30)
    ///     X = np.stack([np.sin(i), np.cos(1.7 * i), (i % 7) / 7], 1).astype(np.float32).astype(np.float64)
    ///     y = (np.sin(i) - 0.5 * np.cos(1.7 * i) + 2.5 * (((13 * i) % 11) / 11 - 0.5)).astype(np.float32).astype(np.float64)
    ///     outer = [[0, 1, 6, 7, 11, 14, 15, 16, 21, 29], [4, 9, 12, 13, 17, 18, 19, 25, 27, 28], [2, 3, 5, 8, 10, 20, 22, 23, 24, 26]]
    ///     inner = [[[1, 7, 9, 10, 13, 16, 18], [0, 2, 4, 5, 12, 15, 19], [3, 6, 8, 11, 14, 17]],
    ///              [[1, 7, 11, 13, 14, 15, 16], [0, 2, 4, 5, 6, 9, 19], [3, 8, 10, 12, 17, 18]],
    ///              [[1, 6, 11, 14, 15, 17, 19], [0, 2, 3, 4, 7, 10, 12], [5, 8, 9, 13, 16, 18]]]
    ///     splits = lambda folds, n: [(np.setdiff1d(np.arange(n), t), np.array(t)) for t in folds]
    ///     scores, chosen, best = [], [], []
    ///     for f, (tr, te) in enumerate(splits(outer, 30)):
    ///         gs = GridSearchCV(make_pipeline(StandardScaler(), Ridge()), {"ridge__alpha": [0.1, 1.0, 3.0, 10.0, 30.0]},
    ///                           cv=splits(inner[f], len(tr)), scoring="r2").fit(X[tr], y[tr])
    ///         scores.append(gs.score(X[te], y[te])); chosen.append(gs.best_params_["ridge__alpha"]); best.append(gs.best_score_)
    ///     print(scores, chosen, best, np.mean(scores), np.std(scores, ddof=1))
    func testNestedEstimateMatchesScikitLearnGridSearchInsideOuterFolds() throws {
        var g = SeededGenerator(seed: 5, stream: "nested/folds/0")
        let outer = kFolds(count: 30, k: 3, labels: nil, generator: &g)
        XCTAssertEqual(outer, [[0, 1, 6, 7, 11, 14, 15, 16, 21, 29], [4, 9, 12, 13, 17, 18, 19, 25, 27, 28], [2, 3, 5, 8, 10, 20, 22, 23, 24, 26]],
                       "the folds passed to scikit-learn")
        var inner = SeededGenerator(seed: 5, stream: "nested/repeat0/fold0/tune/inner-folds")
        XCTAssertEqual(kFolds(count: 20, k: 3, labels: nil, generator: &inner), [[1, 7, 9, 10, 13, 16, 18], [0, 2, 4, 5, 12, 15, 19], [3, 6, 8, 11, 14, 17]])

        let input = try harness.input("data", Self.formulaData(rows: 30))
        let result = try harness.run(CrossValidateStage(), params: [
            "folds": .int(3), "steps": .list([.map(["type": .string("standard")])]), "model": .map(["type": .string("ridge")]),
            "tune": tune(["model.alpha": .map(["type": .string("choice"), "values": .list([0.1, 1.0, 3.0, 10.0, 30.0].map { .double($0) })])]),
        ], inputs: [("data", input)], seed: 5, stage: "nested")
        let outerScores = [0.5150770807567764, 0.6386286700074417, 0.48033925919883447]
        let innerBest = [0.46873385480575047, 0.056758094489706146, 0.48440119632911366]
        let alphas = [1.0, 0.1, 0.1]
        let table = try foldTable(result.outputs["metrics"]!, metric: "r2")
        for f in 0..<3 {
            XCTAssertEqual(result.metrics["tune.fold\(f).model.alpha"], alphas[f], "fold \(f)")
            XCTAssertEqual(table[f], outerScores[f], accuracy: 1e-5, "fold \(f)")
            XCTAssertEqual(result.metrics["tune.fold\(f).inner_best"]!, innerBest[f], accuracy: 1e-5, "fold \(f)")
        }
        XCTAssertEqual(result.metrics["r2_mean"]!, 0.5446816699876842, accuracy: 1e-5)
        XCTAssertEqual(result.metrics["r2_std"]!, 0.08319379887456814, accuracy: 1e-5)
    }
}
