import Learn
import PipelineSpec
import PipelineStore
import XCTest
@testable import Stages

/// Ensembles of catalogue families, on designed cases whose numbers are worked out by hand in the comments.
final class EnsembleFamilyTests: XCTestCase {
    let context = FitContext(seed: 1, streamPrefix: "t")

    /// x = 1…7 (one column), y = [0, 0, 1, 0, 1, 1, 1]. A stump splits at 4.5 (gini: left [0,0,1,0] → 4·0.375 = 1.5,
    /// right pure; 2.5 gives 5·0.32 = 1.6, 3.5 gives 1.333 + 1.5): x ≤ 4.5 → [0.75, 0.25], else [0, 1].
    /// A full tree has pure leaves: x = 3 → [0, 1].
    let seven = FitData(x: [1, 2, 3, 4, 5, 6, 7], rows: 7, columns: 1, labels: [0, 0, 1, 0, 1, 1, 1], targets: nil, classes: 2)
    let stump: ParamValue = .map(["type": .string("decision_tree"), "max_depth": .int(1)])
    let full: ParamValue = .string("decision_tree")

    func model(_ family: any ModelFamily, _ params: [String: ParamValue], _ data: FitData) throws -> any FittedModel {
        let (checked, problems) = EnsembleMembers.union.validate(.map(params.merging(["type": .string(family.name)]) { a, _ in a }), keyPath: "model")
        XCTAssertEqual(problems, [])
        XCTAssertEqual(family.check(checked!.mapValue!), [])
        return try family.fit(data, params: checked!.mapValue!, context: context)
    }

    func predict(_ m: any FittedModel, _ x: [Float]) throws -> [Float] {
        try x.withUnsafeBufferPointer { try m.predict($0, rows: x.count / m.features) }
    }

    func testSoftAndHardVotingAreHandComputed() throws {
        let soft = try model(VotingFamily(), ["members": .list([stump, full])], seven)
        XCTAssertEqual(try predict(soft, [3]), [0.375, 0.625])        // ([0.75, 0.25] + [0, 1]) / 2
        let weighted = try model(VotingFamily(), ["members": .list([stump, full]), "weights": .list([.int(3), .int(1)])], seven)
        XCTAssertEqual(try predict(weighted, [3]), [0.5625, 0.4375])  // (3·[0.75, 0.25] + [0, 1]) / 4
        let hard = try model(VotingFamily(), ["members": .list([stump, full, full]), "voting": .string("hard")], seven)
        let p = try predict(hard, [3, 6])
        XCTAssertEqual(p[0], 1.0 / 3, accuracy: 1e-7); XCTAssertEqual(p[1], 2.0 / 3, accuracy: 1e-7)  // votes 0, 1, 1
        XCTAssertEqual(Array(p[2...]), [0, 1])                                                           // all vote 1
    }

    func testRegressionVotingAveragesValues() throws {
        // Targets 10, 20, …, 60, 100: a depth-1 stump's squared error is 2275 / 1900 / 1800 / 1750 for splits at
        // 3.5 / 4.5 / 5.5 / 6.5 (and more below 3.5), so it splits at 6.5 with means 35 and 100. A full tree returns each target.
        let data = FitData(x: [1, 2, 3, 4, 5, 6, 7], rows: 7, columns: 1, labels: nil, targets: [10, 20, 30, 40, 50, 60, 100], classes: 0)
        let voting = try model(VotingFamily(), ["members": .list([stump, full])], data)
        XCTAssertEqual(try predict(voting, [3, 7]), [32.5, 100])  // (35 + 30) / 2, (100 + 100) / 2
    }

    /// x = 1…8, y = [0,0,0,0,1,1,1,1], cv = 2, stratified round-robin folds: rows 0, 2, 4, 6 in fold 0, rows 1, 3, 5, 7 in fold 1.
    /// Fold 0 is predicted by a stump fitted on x = 2, 4, 6, 8 (threshold 5), so row 4 (x = 5, y = 1) gets [1, 0];
    /// fold 1 by a stump on x = 1, 3, 5, 7 (threshold 4): all right. Out-of-fold p(1) = [0, 0, 0, 0, 0, 1, 1, 1].
    func testStackingUsesOutOfFoldPredictionsAndRefitsMembers() throws {
        let data = FitData(x: [1, 2, 3, 4, 5, 6, 7, 8], rows: 8, columns: 1, labels: [0, 0, 0, 0, 1, 1, 1, 1], targets: nil, classes: 2)
        let family = StackingFamily(blending: false)
        XCTAssertEqual(StackingFamily.folds(data, k: 2), [0, 1, 0, 1, 0, 1, 0, 1])
        let members = try family.resolveMembers(["members": .list([stump])], task: .classification)
        let z = try family.outOfFold(data, members: members, k: 2, context: context)
        XCTAssertEqual(z, [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1])

        let stacked = try model(family, ["members": .list([stump]), "final": stump, "cv": .int(2)], data)
        // The kept member is refitted on all rows: threshold (4 + 5) / 2.
        let ensemble = try XCTUnwrap(stacked as? FittedEnsemble)
        XCTAssertEqual((ensemble.members[0] as? FittedTrees)?.trees[0].threshold[0], 4.5)
        // x = 5: member [0, 1] → the final stump's pure side (rows 5–7) → [0, 1]. x = 4.4: member [1, 0] → the side with
        // out-of-fold rows 0–4, labels [0, 0, 0, 0, 1] → [0.8, 0.2].
        XCTAssertEqual(try predict(stacked, [5, 4.4]), [0, 1, 0.8, 0.2])
    }

    func testBlendingFitsMembersAndFinalOnDisjointRows() throws {
        var x: [Float] = [], y: [Int32] = []
        for i in 0..<40 { x.append(Float(i)); y.append(i < 20 ? 0 : 1) }
        let data = FitData(x: x, rows: 40, columns: 1, labels: y, targets: nil, classes: 2)
        let blended = try model(StackingFamily(blending: true), ["members": .list([full]), "final": stump, "holdout": .double(0.25)], data)
        let ensemble = try XCTUnwrap(blended as? FittedEnsemble)
        XCTAssertEqual((ensemble.members[0] as? FittedTrees)?.trees[0].samples[0], 30)   // 40 − ⌊0.25·40⌋ rows
        guard case .stack(let meta, _) = ensemble.combination else { return XCTFail("not stacked") }
        XCTAssertEqual((meta as? FittedTrees)?.trees[0].samples[0], 10)                   // the holdout
        XCTAssertEqual(ensemble.fitMetrics["meta_rows"], 10)
    }

    func testBaggingWithoutResamplingEqualsItsBaseAndStoresColumnSubsets() throws {
        let same = try model(BaggingFamily(), ["base": stump, "bootstrap": .bool(false), "n_estimators": .int(3)], seven)
        XCTAssertEqual(try predict(same, [3, 6]), [0.75, 0.25, 0, 1])
        // Two columns, max_features 0.5: each copy sees one column; the prediction is the mean of the copies on their column.
        let two = FitData(x: seven.x.flatMap { [$0, 8 - $0] }, rows: 7, columns: 2, labels: seven.labels, targets: nil, classes: 2)
        let bagged = try XCTUnwrap(try model(BaggingFamily(), ["base": stump, "n_estimators": .int(4), "max_features": .double(0.5)], two) as? FittedEnsemble)
        let subsets = try XCTUnwrap(bagged.columns)
        XCTAssertTrue(subsets.allSatisfy { $0.count == 1 })
        let rows: [Float] = [3, 5]
        var mean: [Float] = [0, 0]
        for (member, columns) in zip(bagged.members, subsets) {
            let p = try predict(member, [rows[columns[0]]])
            mean[0] += p[0] / 4; mean[1] += p[1] / 4
        }
        XCTAssertEqual(try predict(bagged, rows), mean)
    }

    func testEnsembleModelsRoundTripThroughHDF5() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let data = FitData(x: [1, 2, 3, 4, 5, 6, 7, 8], rows: 8, columns: 1, labels: [0, 0, 0, 0, 1, 1, 1, 1], targets: nil, classes: 2)
        let nested: ParamValue = .map(["type": .string("voting"), "members": .list([stump, full]), "voting": .string("hard")])
        let stacked = try model(StackingFamily(blending: false), ["members": .list([nested, .string("random_forest")]), "final": stump,
                                                                 "cv": .int(2), "passthrough": .bool(true)], data)
        let path = directory + "/m.h5"
        try StoredModel(model: .fitted(stacked), classNames: ["a", "b"], sampleShape: [1])
            .write(to: path, provenance: StageHarness.provenance, attributes: [:])
        let back = try StoredModel.read(from: path)
        XCTAssertEqual(back.model.family, "stacking")
        let x: [Float] = [0.5, 3, 4.5, 9]
        XCTAssertEqual(try back.model.predict(x, rows: 4), try predict(stacked, x))
    }

    func testMemberProblemsNameTheMemberAndKey() {
        let bad: ParamValue = .map(["type": .string("decision_tree"), "max_depth": .int(0)])
        XCTAssertEqual(VotingFamily().check(["members": .list([stump, bad])]), ["members[1].max_depth: expected an integer ≥ 1, found the integer 0"])
        let typo = VotingFamily().check(["members": .list([.string("decison_tree")])])
        XCTAssertEqual(typo.count, 1)
        XCTAssertTrue(typo[0].hasPrefix("members[0]: unknown 'decison_tree'") && typo[0].contains("decision_tree"), typo[0])
        let nested: ParamValue = .map(["type": .string("voting"), "members": .list([.map(["type": .string("random_forest"), "n_estimators": .int(0)])])])
        XCTAssertEqual(StackingFamily(blending: false).check(["members": .list([stump]), "final": nested]),
                       ["final (voting): members[0].n_estimators: expected an integer ≥ 1, found the integer 0"])
        XCTAssertEqual(BaggingFamily().check(["base": .map(["type": .string("random_forest"), "bootstrap": .bool(false), "max_samples": .double(0.5)])]),
                       ["base (random_forest): random_forest: max_samples 0.5 needs bootstrap: true (without bootstrap every tree sees every row)"])
    }
}

extension EnsembleFamilyTests {
    /// The families whose numbers changed (tree binning, version 2) are found wherever a stage's parameters name
    /// them, so only stages fitting them are recomputed; other families (version 1) leave the fingerprint alone.
    func testVersionedFamiliesAreFoundAnywhereInTheParameters() {
        let catalog = ModelFamilyCatalog.builtIn
        XCTAssertEqual(catalog.family("random_forest")?.version, 2)
        XCTAssertEqual(catalog.family("logistic_regression")?.version, 1)
        let params: ParamValue = .map([
            "model": .map(["type": .string("stacking"), "members": .list([stump, .string("hist_gradient_boosting"),
                                                                          .map(["type": .string("logistic_regression")])])]),
            "epochs": .int(3),
        ])
        XCTAssertEqual(catalog.versions(in: params), ["decision_tree": 2, "hist_gradient_boosting": 2])
        XCTAssertEqual(catalog.versions(in: .map(["model": .map(["type": .string("svm")])])), [:])
        XCTAssertEqual(TrainStage().signature.pluginVersions(["model": .string("adaboost")]), ["adaboost": 2])
        XCTAssertEqual(TrainStage().signature.pluginVersions(["model": .map(["type": .string("mlp")])]), [:])
        XCTAssertEqual(CrossValidateStage().signature.pluginVersions(["models": .map(["a": .string("random_forest")])]), ["random_forest": 2])
        // A search whose space chooses among families.
        let space: ParamValue = .map(["cv.model.type": .map(["type": .string("choice"), "values": .list([.string("random_forest"), .string("svm")])])])
        XCTAssertEqual(SearchStage().signature.pluginVersions(["space": space]), ["random_forest": 2])
    }
}
