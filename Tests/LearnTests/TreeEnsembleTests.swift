import Learn
import XCTest

/// Forests, histogram boosting and AdaBoost against scikit-learn 1.9.1 on a designed 600-row problem
/// (first 400 rows train, last 200 test), generated identically here and in Python:
///   X[i, j] = float32((((i + 1) * (j * 37 + 11) * 2654435761) % 4294967296) % 10007) / float32(1000), 6 columns
///   s = X0 + X1·X2/10 − X3 (float32); y = 0 if s < 0, 1 if s < 5, else 2; y[i] = (y[i] + 1) % 3 when (31·i) % 17 == 0
///   t = float32(3·sin(float64(X0)) + X1·X2/10 + 0.5·X3)
/// References (random_state = 0, 1, 2 where it matters):
///   RandomForestClassifier(n_estimators=100, oob_score=True): test accuracy 0.78 / 0.785 / 0.805, OOB 0.7775 / 0.7925 / 0.77
///   RandomForestRegressor(n_estimators=100, oob_score=True): test R² 0.8856 / 0.8855 / 0.8896, OOB 0.8527 / 0.8490 / 0.8453
///   HistGradientBoostingClassifier(max_iter=50, early_stopping=False): 0.775; on y > 0 (binary): 0.87
///   HistGradientBoostingRegressor(max_iter=100, early_stopping=False): R² 0.9629
///   AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=5) — same for every random_state:
///     stumps (feature, threshold) = (0, 5.9275), (3, 3.6960), (3, 6.7680), (0, 3.2350), (2, 2.9480),
///     estimator_weights_ = [0.743158, 0.745275, 0.996627, 0.768057, 0.68382], test accuracy 0.52
///   AdaBoostClassifier(DecisionTreeClassifier(max_depth=2), n_estimators=50, random_state=0): 0.74
/// Margins: ±0.04 accuracy (200 test rows: one standard error ≈ 0.03), ±0.03 R².
final class TreeEnsembleTests: XCTestCase {
    struct Problem {
        var x: [Float] = [], y: [Int32] = [], t: [Float] = []
        static let rows = 600, columns = 6
        init() {
            for i in 0..<Self.rows {
                var row: [Float] = []
                for j in 0..<Self.columns {
                    let v = (UInt64(i + 1) * UInt64(j * 37 + 11) * 2_654_435_761) % 4_294_967_296 % 10007
                    row.append(Float(v) / Float(1000))
                }
                x += row
                let s = row[0] + row[1] * row[2] / 10 - row[3]
                var label: Int32 = s < 0 ? 0 : s < 5 ? 1 : 2
                if (i * 31) % 17 == 0 { label = (label + 1) % 3 }
                y.append(label)
                t.append(Float(3 * sin(Double(row[0])) + Double(row[1] * row[2] / 10) + Double(0.5 * row[3])))
            }
        }
        func train(regression: Bool = false, binary: Bool = false) -> BinnedRows {
            let labels = binary ? y.prefix(400).map { $0 > 0 ? Int32(1) : 0 } : Array(y.prefix(400))
            return x.withUnsafeBufferPointer {
                BinnedRows(x: UnsafeBufferPointer(rebasing: $0[0..<(400 * 6)]), rows: 400, columns: 6, labels: regression ? nil : labels,
                           targets: regression ? Array(t.prefix(400)) : nil, classes: binary ? 2 : 3)
            }
        }
        var testX: [Float] { Array(x[(400 * 6)...]) }
    }

    let problem = Problem()

    func accuracy(_ p: [Float], _ labels: [Int32], classes: Int) -> Double {
        PermutationImportance.accuracy(p, labels: labels, classes: classes)
    }

    func testGeneratorMatchesThePythonReference() {
        // X[5] and t[5] printed by the reference script; class counts [183, 227, 190].
        XCTAssertEqual(Array(problem.x[30..<36]), [4.203, 2.066, 7.012, 4.875, 2.738, 0.601])
        XCTAssertEqual(problem.t[5], 1.2670512199401855)
        XCTAssertEqual([0, 1, 2].map { c in problem.y.filter { $0 == c }.count }, [183, 227, 190])
    }

    func forest(_ data: BinnedRows, workers: Int? = nil, maxFeatures: MaxFeatures) -> ForestModel {
        let criterion: SplitCriterion = data.labels == nil ? .squaredError : .gini
        let options = ForestOptions(trees: 100, tree: TreeOptions(criterion: criterion, maxFeatures: maxFeatures.resolve(6)))
        return ForestModel.fit(data, options: options, workers: workers) { SeededGenerator(seed: 5, stream: "tree/\($0)") }
    }

    func testRandomForestClassifierIsWithinMarginOfScikitLearn() {
        let model = forest(problem.train(), maxFeatures: .sqrt)
        let p = problem.testX.withUnsafeBufferPointer { model.predict($0, rows: 200, features: 6) }
        let acc = accuracy(p, Array(problem.y.suffix(200)), classes: 3)
        XCTAssertEqual(acc, 0.79, accuracy: 0.04)
        XCTAssertEqual(model.oobScore!, 0.78, accuracy: 0.04)
        XCTAssertEqual(model.importances.reduce(0, +), 1, accuracy: 1e-9)
    }

    func testRandomForestRegressorIsWithinMarginOfScikitLearn() {
        let model = forest(problem.train(regression: true), maxFeatures: .all)
        let p = problem.testX.withUnsafeBufferPointer { model.predict($0, rows: 200, features: 6) }
        XCTAssertEqual(ForestModel.rSquared(problem.t.suffix(200).map(Double.init), p.map(Double.init)), 0.887, accuracy: 0.03)
        XCTAssertEqual(model.oobScore!, 0.849, accuracy: 0.03)
    }

    func testForestIsBitIdenticalWhateverTheWorkerCount() {
        let a = forest(problem.train(), workers: 1, maxFeatures: .sqrt), b = forest(problem.train(), workers: 3, maxFeatures: .sqrt)
        XCTAssertTrue(a.trees == b.trees, "trees differ with the worker count")
        XCTAssertEqual(a.importances, b.importances)
        XCTAssertEqual(a.oobScore, b.oobScore)
    }

    func boosted(_ data: BinnedRows, iterations: Int) -> BoostedTrees {
        var rng = SeededGenerator(seed: 1)
        return HistGradientBoosting.fit(data, validation: nil, options: BoostingOptions(maxIterations: iterations, learningRate: 0.1), generator: &rng)
    }

    func testHistGradientBoostingIsWithinMarginOfScikitLearn() {
        let multi = boosted(problem.train(), iterations: 50)
        XCTAssertEqual(multi.perIteration, 3)
        XCTAssertEqual(multi.trees.count, 150)
        let p = problem.testX.withUnsafeBufferPointer {
            BoostedTrees.predict(trees: multi.trees, baseline: multi.baseline, perIteration: 3, x: $0, rows: 200, features: 6, classification: true, classes: 3)
        }
        XCTAssertEqual(accuracy(p, Array(problem.y.suffix(200)), classes: 3), 0.775, accuracy: 0.04)
        XCTAssertTrue(multi.trees.allSatisfy { $0.leafCount <= 31 })

        let binary = boosted(problem.train(binary: true), iterations: 50)
        XCTAssertEqual(binary.perIteration, 1)
        let pb = problem.testX.withUnsafeBufferPointer {
            BoostedTrees.predict(trees: binary.trees, baseline: binary.baseline, perIteration: 1, x: $0, rows: 200, features: 6, classification: true, classes: 2)
        }
        XCTAssertEqual(accuracy(pb, problem.y.suffix(200).map { $0 > 0 ? 1 : 0 }, classes: 2), 0.87, accuracy: 0.04)

        let regression = boosted(problem.train(regression: true), iterations: 100)
        let pr = problem.testX.withUnsafeBufferPointer {
            BoostedTrees.predict(trees: regression.trees, baseline: regression.baseline, perIteration: 1, x: $0, rows: 200, features: 6, classification: false, classes: 1)
        }
        XCTAssertEqual(ForestModel.rSquared(problem.t.suffix(200).map(Double.init), pr.map(Double.init)), 0.963, accuracy: 0.03)
        XCTAssertEqual(regression.baseline[0], problem.t.prefix(400).reduce(0.0) { $0 + Double($1) } / 400, accuracy: 1e-9)
    }

    func testEarlyStoppingStopsWhenValidationLossStalls() {
        let data = problem.train()
        let bins = data.bins
        let validation = problem.testX.withUnsafeBufferPointer {
            BinnedRows(codes: bins.codes($0, rows: 200), rows: 200, bins: bins, labels: Array(problem.y.suffix(200)), targets: nil, classes: 3)
        }
        var rng = SeededGenerator(seed: 1)
        let model = HistGradientBoosting.fit(data, validation: validation, options: BoostingOptions(maxIterations: 500, learningRate: 0.3, patience: 5), generator: &rng)
        let losses = model.validationLoss
        XCTAssertLessThan(model.iterations, 500)
        XCTAssertEqual(losses.count, model.iterations)
        // The rule: the last 5 losses all failed to beat the one before them by tol.
        let reference = losses[losses.count - 6]
        XCTAssertTrue(losses.suffix(5).allSatisfy { $0 >= reference - 1e-7 })
    }

    /// The stumps test uses the features quantised to a 0.05 grid, Xq[i, j] = float32(v // 50) / float32(20) with v as
    /// above (at most 196 distinct values per column, so the uint8 bins hold every exact split; with more distinct values
    /// than bins the splits are quantile-binned and need not match). Reference (same for random_state 0…3):
    ///   AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=8).fit(Xq[:400], y[:400])
    ///   stumps (0, 5.875), (3, 3.675), (3, 6.725), (0, 3.775), (1, 7.0), (2, 2.925), (3, 4.225), (2, 6.075)
    ///   estimator_weights_ [0.743158, 0.745275, 0.987542, 0.764575, 0.715328, 0.584604, 0.612946, 0.725528]; score(Xq[400:]) 0.605
    func testAdaBoostStumpsMatchScikitLearn() {
        var xq: [Float] = []
        for i in 0..<600 {
            for j in 0..<6 { xq.append(Float((UInt64(i + 1) * UInt64(j * 37 + 11) * 2_654_435_761) % 4_294_967_296 % 10007 / 50) / Float(20)) }
        }
        let train = xq.withUnsafeBufferPointer {
            BinnedRows(x: UnsafeBufferPointer(rebasing: $0[0..<2400]), rows: 400, columns: 6, labels: Array(problem.y.prefix(400)), targets: nil, classes: 3)
        }
        var rng = SeededGenerator(seed: 3)
        let fitted = SAMME.fit(train, options: SAMME.Options(rounds: 8, learningRate: 1, tree: TreeOptions(criterion: .gini, maxDepth: 1, maxFeatures: 6)),
                               generator: &rng)
        XCTAssertEqual(fitted.trees.map { $0.feature[0] }, [0, 3, 3, 0, 1, 2, 3, 2])
        let expected = [5.875, 3.6750000715255737, 6.724999904632568, 3.774999976158142, 7.0, 2.9250000715255737, 4.224999904632568, 6.075000047683716]
        for (a, b) in zip(fitted.trees.map { $0.threshold[0] }, expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        for (a, b) in zip(fitted.weights, [0.743158, 0.745275, 0.987542, 0.764575, 0.715328, 0.584604, 0.612946, 0.725528]) {
            XCTAssertEqual(a, b, accuracy: 1e-5)
        }
        let testQ = Array(xq[2400...])
        let p = testQ.withUnsafeBufferPointer {
            SAMME.probabilities(trees: fitted.trees, weights: fitted.weights, x: $0, rows: 200, features: 6, classes: 3)
        }
        XCTAssertEqual(accuracy(p, Array(problem.y.suffix(200)), classes: 3), 0.605, accuracy: 1e-12)
    }

    func testDeeperAdaBoostIsWithinMarginOfScikitLearn() {
        var rng = SeededGenerator(seed: 3)
        let deeper = SAMME.fit(problem.train(), options: SAMME.Options(rounds: 50, learningRate: 1, tree: TreeOptions(criterion: .gini, maxDepth: 2, maxFeatures: 6)),
                               generator: &rng)
        let pd = problem.testX.withUnsafeBufferPointer {
            SAMME.probabilities(trees: deeper.trees, weights: deeper.weights, x: $0, rows: 200, features: 6, classes: 3)
        }
        XCTAssertEqual(accuracy(pd, Array(problem.y.suffix(200)), classes: 3), 0.74, accuracy: 0.04)
    }
}
