import PipelineSpec
import PipelineStore
import XCTest
@testable import Stages

/// Numeric preprocessing steps against scikit-learn 1.9.1 / numpy 2.4.6 references (the Python call that produced
/// each number is in the comment above it) or hand-computed values. Every step is also written to HDF5, read back,
/// and must give the same result on unseen rows.
final class PreprocessingStepTests: XCTestCase {
    let context = FitContext(seed: 7, streamPrefix: "t")

    /// Fits one step on `train`, checks the HDF5 round trip on `test`, returns (fitted train, transformed test).
    func fit(_ spec: [String: ParamValue], _ train: Dataset, _ test: Dataset, file: StaticString = #filePath, line: UInt = #line) throws -> (Dataset, Dataset) {
        let (chain, fittedTrain) = try FittedChain.fit([spec], on: train, context: context)
        let applied = try chain.transform(test)
        let path = try makeTemporaryDirectory(for: self) + "/chain.h5"
        let out = try HDF5File.create(path)
        try chain.write(to: out.root)
        try out.close()
        let reopened = try HDF5File.open(path)
        let restored = try FittedChain.read(from: reopened.root)
        try reopened.close()
        let again = try restored.transform(test)
        XCTAssertEqual(again.featureNames, applied.featureNames, "round trip names", file: file, line: line)
        assertClose(again.floatFeatures().map(Double.init), applied.floatFeatures().map(Double.init), accuracy: 0, file: file, line: line)
        return (fittedTrain, applied)
    }

    func assertClose(_ a: [Double], _ b: [Double], accuracy: Double = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
        for (x, y) in zip(a, b) {
            if x.isNaN || y.isNaN { XCTAssertTrue(x.isNaN && y.isNaN, "\(a) vs \(b)", file: file, line: line); continue }
            XCTAssertEqual(x, y, accuracy: accuracy * max(1, abs(y)), "\(a) vs \(b)", file: file, line: line)
        }
    }

    func table(_ rows: [[Float]], names: [String] = ["a", "b"], labels: [Int32]? = nil) -> Dataset {
        Dataset(features: .float32(rows.flatMap { $0 }), rows: rows.count, sampleShape: [names.count], labels: labels, classNames: [], featureNames: names)
    }

    let nan = Float.nan
    lazy var scalerTrain = table([[1, -3], [2, -1], [2.5, 0], [4, 0.5], [10, 2], [nan, 8]])
    lazy var scalerTest = table([[3, -2], [20, nan]])

    func testRobustMatchesScikitLearn() throws {
        // X = [[1,-3],[2,-1],[2.5,0],[4,0.5],[10,2],[nan,8]]; Xt = [[3,-2],[20,nan]]
        // r = RobustScaler().fit(X): center_ [2.5, 0.25], scale_ [2.0, 2.375];
        // r.transform(Xt) = [[0.25, -0.9473684210526315], [8.75, nan]]
        let (_, test) = try fit(["type": .string("robust")], scalerTrain, scalerTest)
        assertClose(test.floatFeatures().map(Double.init), [0.25, -0.9473684210526315, 8.75, .nan])
        // RobustScaler(quantile_range=(10, 90)).fit(X).scale_ = [6.200000000000001, 7.0]; center as above.
        let (_, wide) = try fit(["type": .string("robust"), "quantile_range": .list([.double(10), .double(90)])], scalerTrain, scalerTest)
        assertClose(wide.floatFeatures().map(Double.init), [(3 - 2.5) / 6.2, (-2 - 0.25) / 7, (20 - 2.5) / 6.2, .nan])
    }

    func testMaxAbsMatchesScikitLearn() throws {
        // MaxAbsScaler().fit(X): scale_ [10.0, 8.0]; transform(Xt) = [[0.3, -0.25], [2.0, nan]]
        let (_, test) = try fit(["type": .string("max_abs")], scalerTrain, scalerTest)
        assertClose(test.floatFeatures().map(Double.init), [0.3, -0.25, 2.0, .nan])
    }

    func testYeoJohnsonPowerMatchesScikitLearn() throws {
        // p = PowerTransformer(method="yeo-johnson", standardize=True).fit(X)
        // p.lambdas_ = [-0.5834001949392562, 0.6162306261050252]
        // p.transform(X) = [[-1.4613335433313839, -1.649317017123112], [-0.45755922602156457, -0.516823806196713],
        //   [-0.13406384422115525, -0.0828340101062375], [0.5117670834389948, 0.08903328444131052],
        //   [1.54118953013511, 0.5032627097436455], [nan, 1.6566788392411063]]
        // p.transform(Xt) = [[0.1235830123065884, -1.0463412380250203], [2.0950719604962305, nan]]
        let (train, test) = try fit(["type": .string("power")], scalerTrain, scalerTest)
        assertClose(train.floatFeatures().map(Double.init), [-1.4613335433313839, -1.649317017123112, -0.45755922602156457, -0.516823806196713,
                                                             -0.13406384422115525, -0.0828340101062375, 0.5117670834389948, 0.08903328444131052,
                                                             1.54118953013511, 0.5032627097436455, .nan, 1.6566788392411063], accuracy: 2e-5)
        assertClose(test.floatFeatures().map(Double.init), [0.1235830123065884, -1.0463412380250203, 2.0950719604962305, .nan], accuracy: 2e-5)
        // PowerTransformer(method="yeo-johnson", standardize=False).fit(X).transform(Xt)
        //   = [[0.9506200588707044, -2.582264703831752], [1.4239206312300856, nan]]
        let (_, raw) = try fit(["type": .string("power"), "standardize": .bool(false)], scalerTrain, scalerTest)
        assertClose(raw.floatFeatures().map(Double.init), [0.9506200588707044, -2.582264703831752, 1.4239206312300856, .nan], accuracy: 2e-5)
    }

    func testImputeStrategiesWithIndicatorMatchScikitLearn() throws {
        // Xi = [[1,5],[nan,5],[3,2],[4,nan],[3,2]]; test [[nan,nan],[7,1]]
        // SimpleImputer(strategy=s, add_indicator=True).fit(Xi): statistics_ mean [2.75, 3.5], median [3.0, 3.5],
        // most_frequent [3.0, 2.0] (tie 5/2 → smaller); transform(test) = [[stat_a, stat_b, 1, 1], [7, 1, 0, 0]];
        // get_feature_names_out(["a","b"]) = ['a', 'b', 'missingindicator_a', 'missingindicator_b']
        let train = table([[1, 5], [nan, 5], [3, 2], [4, nan], [3, 2]])
        let test = table([[nan, nan], [7, 1]])
        for (strategy, a, b) in [("mean", 2.75, 3.5), ("median", 3.0, 3.5), ("most_frequent", 3.0, 2.0)] {
            let (fitted, out) = try fit(["type": .string("impute"), "strategy": .string(strategy), "add_indicator": .bool(true)], train, test)
            assertClose(out.floatFeatures().map(Double.init), [a, b, 1, 1, 7, 1, 0, 0])
            XCTAssertEqual(out.featureNames, ["a", "b", "missingindicator_a", "missingindicator_b"])
            XCTAssertEqual(fitted.columns, 4)
        }
        // constant: hand-computed.
        let (_, constant) = try fit(["type": .string("impute"), "strategy": .string("constant"), "fill_value": .double(-1)], train, test)
        assertClose(constant.floatFeatures().map(Double.init), [-1, -1, 7, 1])
        // A column with no observed training value cannot be imputed by a statistic.
        XCTAssertThrowsError(try FittedChain.fit([["type": .string("impute")]], on: table([[nan, 1], [nan, 2]]), context: context)) {
            XCTAssertTrue("\($0)".contains("column 'a' has no observed training value"), "\($0)")
        }
    }

    func testDropMissingRowsOnlyTouchesTrainingRows() throws {
        // Hand-computed: rows 1 and 3 have a NaN and are dropped from training; labels follow.
        let train = table([[1, 5], [nan, 5], [3, 2], [4, nan]], labels: [0, 1, 0, 1])
        let (chain, fitted) = try FittedChain.fit([["type": .string("drop_missing_rows")]], on: train, context: context)
        XCTAssertEqual(fitted.floatFeatures(), [1, 5, 3, 2])
        XCTAssertEqual(fitted.labels, [0, 0])
        // Other splits cannot lose rows: a missing value there is an error by default …
        XCTAssertThrowsError(try chain.transform(table([[nan, 1]]))) { XCTAssertTrue("\($0)".contains("missing 'a'"), "\($0)") }
        // … and passes on with other_splits: keep, for a later impute step (which fills it with the kept rows' mean).
        let keep: [[String: ParamValue]] = [["type": .string("drop_missing_rows"), "other_splits": .string("keep")], ["type": .string("impute")]]
        let (chain2, _) = try FittedChain.fit(keep, on: train, context: context)
        XCTAssertEqual(try chain2.transform(table([[nan, 1]])).floatFeatures(), [2, 1])
    }

    func testDropMissingColumnsDecidedOnTrain() throws {
        // Hand-computed: missing fractions on train a 2/4, b 1/4, c 0 → threshold 0.3 drops a only, in every split.
        let train = table([[nan, 1, 1], [nan, nan, 2], [1, 3, 3], [2, 4, 4]], names: ["a", "b", "c"])
        let (_, test) = try fit(["type": .string("drop_missing_columns"), "threshold": .double(0.3)], train,
                                table([[9, nan, 9]], names: ["a", "b", "c"]))
        XCTAssertEqual(test.featureNames, ["b", "c"])
        assertClose(test.floatFeatures().map(Double.init), [.nan, 9])
    }

    func testOutlierClipAndDropUseTrainingBounds() throws {
        let train = table([[1], [2], [2.5], [4], [10]], names: ["x"], labels: [0, 0, 1, 1, 1])
        let test = table([[-5], [8], [100]], names: ["x"])
        // IQR (numpy.percentile([1,2,2.5,4,10], [25, 75]) = [2, 4]), k = 1.5 → bounds [-1, 7].
        let (clipped, clippedTest) = try fit(["type": .string("outliers"), "method": .string("iqr")], train, test)
        XCTAssertEqual(clipped.floatFeatures(), [1, 2, 2.5, 4, 7])
        XCTAssertEqual(clippedTest.floatFeatures(), [-1, 7, 7])
        // z-score: mean 3.9, population std sqrt(51.2 / 5) = 3.2; threshold 1.5 → bounds [-0.9, 8.7].
        let (_, zTest) = try fit(["type": .string("outliers"), "method": .string("zscore"), "threshold": .double(1.5)], train, test)
        assertClose(zTest.floatFeatures().map(Double.init), [-0.9, 8, 8.7])
        // drop: the training row 10 (outside [-1, 7]) goes, labels follow; other splits are untouched.
        let (dropped, droppedTest) = try fit(["type": .string("outliers"), "action": .string("drop")], train, test)
        XCTAssertEqual(dropped.floatFeatures(), [1, 2, 2.5, 4])
        XCTAssertEqual(dropped.labels, [0, 0, 1, 1])
        XCTAssertEqual(droppedTest.floatFeatures(), [-5, 8, 100])
    }

    func testNormalizeMatchesScikitLearn() throws {
        // Normalizer("l2").transform([[3,4],[0,0],[1,-1]]) = [[0.6,0.8],[0,0],[0.7071067811865475,-0.7071067811865475]]
        // Normalizer("l1").transform([[3,4],[1,-1]]) = [[0.42857142857142855, 0.5714285714285714], [0.5, -0.5]]
        // Normalizer("max").transform([[3,-4],[1,-1]]) = [[0.75, -1.0], [1.0, -1.0]]
        let any = table([[1, 1]])
        let (_, l2) = try fit(["type": .string("normalize")], any, table([[3, 4], [0, 0], [1, -1]]))
        assertClose(l2.floatFeatures().map(Double.init), [0.6, 0.8, 0, 0, 0.7071067811865475, -0.7071067811865475])
        let (_, l1) = try fit(["type": .string("normalize"), "norm": .string("l1")], any, table([[3, 4], [1, -1]]))
        assertClose(l1.floatFeatures().map(Double.init), [0.42857142857142855, 0.5714285714285714, 0.5, -0.5])
        let (_, mx) = try fit(["type": .string("normalize"), "norm": .string("max")], any, table([[3, -4], [1, -1]]))
        assertClose(mx.floatFeatures().map(Double.init), [0.75, -1, 1, -1])
    }

    func testLogIsLog1pOnSelectedColumns() throws {
        // Hand-computed: log1p(0) = 0, log1p(e − 1) = 1; column b is not selected and passes unchanged.
        let e = Float(M_E)
        let (_, out) = try fit(["type": .string("log"), "columns": .list([.string("a")])], table([[0, 0]]), table([[0, -7], [e - 1, 3]]))
        assertClose(out.floatFeatures().map(Double.init), [0, -7, 1, 3])
        XCTAssertThrowsError(try fit(["type": .string("log")], table([[0, 0]]), table([[-1, 0]]))) {
            XCTAssertTrue("\($0)".contains("column 'a' has the value -1.0"), "\($0)")
        }
    }

    func testKBinsMatchScikitLearn() throws {
        // Xk = [[0],[1],…,[8],[20]]; probe [[-5],[2.5],[6],[6.5],[100]]
        // KBinsDiscretizer(n_bins=3, encode="ordinal", strategy="uniform").fit(Xk): bin_edges_ [0, 6.667, 13.333, 20];
        //   transform(probe) = [0, 0, 0, 0, 2]
        // KBinsDiscretizer(n_bins=3, encode="ordinal", strategy="quantile", quantile_method="linear").fit(Xk):
        //   bin_edges_ [0.0, 3.0000000000000004, 6.000000000000001, 20.0]; transform(probe) = [0, 0, 1, 2, 2]
        let train = table([[0], [1], [2], [3], [4], [5], [6], [7], [8], [20]], names: ["x"])
        let probe = table([[-5], [2.5], [6], [6.5], [100]], names: ["x"])
        let (_, uniform) = try fit(["type": .string("kbins"), "n_bins": .int(3), "strategy": .string("uniform")], train, probe)
        XCTAssertEqual(uniform.floatFeatures(), [0, 0, 0, 0, 2])
        let (_, quantile) = try fit(["type": .string("kbins"), "n_bins": .int(3), "strategy": .string("quantile")], train, probe)
        XCTAssertEqual(quantile.floatFeatures(), [0, 0, 1, 2, 2])
        // onehot: the same bins as indicator columns (KBinsDiscretizer(encode="onehot-dense")).
        let (_, onehot) = try fit(["type": .string("kbins"), "n_bins": .int(3), "encode": .string("onehot")], train, probe)
        XCTAssertEqual(onehot.featureNames, ["x=bin0", "x=bin1", "x=bin2"])
        XCTAssertEqual(onehot.floatFeatures(), [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1])
    }

    func testUnknownColumnNameIsAnError() {
        XCTAssertThrowsError(try FittedChain.fit([["type": .string("robust"), "columns": .list([.string("zz")])]], on: table([[1, 2]]), context: context)) {
            XCTAssertTrue("\($0)".contains("robust: no column 'zz' (columns: a, b)"), "\($0)")
        }
    }
}
