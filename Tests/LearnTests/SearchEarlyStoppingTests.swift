import XCTest
@testable import Learn

final class SearchEarlyStoppingTests: XCTestCase {
    func testSuccessiveHalvingRungsAndAdvancement() {
        let sh = SuccessiveHalving(minBudget: 1, maxBudget: 81, eta: 3)
        XCTAssertEqual(sh.rungs, [1, 3, 9, 27, 81])
        XCTAssertEqual(SuccessiveHalving(minBudget: 2, maxBudget: 20, eta: 3).rungs, [2, 6, 18, 20])
        // 9 configurations at rung 0 → ⌊9/3⌋ = 3 advance: the losses 0.1, 0.2, 0.25 (indices 4, 7, 1).
        let losses: [Double?] = [0.9, 0.25, 0.5, nil, 0.1, 0.7, 0.3, 0.2, 0.8]
        XCTAssertEqual(sh.advance(losses: losses, rung: 0), [4, 7, 1])
        XCTAssertEqual(sh.advance(losses: [0.3, 0.3, 0.1, 0.3, 0.9, 0.9], rung: 1), [2, 0])  // tie → lower index
        XCTAssertEqual(sh.advance(losses: [0.1, 0.2], rung: 2), [])                          // ⌊2/3⌋ = 0
        XCTAssertEqual(sh.advance(losses: [0.1, 0.2, 0.3], rung: 4), [])                     // top rung
        XCTAssertEqual(multiFidelityProblem(minBudget: 1, maxBudget: 81, eta: 1), "eta must be ≥ 2, got 1")
    }

    func testHyperbandScheduleIsTheTableOfLiEtAl() {
        // Li et al. 2018, Table 1 (R = 81, η = 3): (n_i, r_i) per bracket s = 4 … 0.
        let hb = Hyperband(minBudget: 1, maxBudget: 81, eta: 3)
        let table = hb.brackets.map { b in b.rounds.map { [$0.configurations, $0.budget] } }
        XCTAssertEqual(table, [
            [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]],
            [[34, 3], [11, 9], [3, 27], [1, 81]],
            [[15, 9], [5, 27], [1, 81]],
            [[8, 27], [2, 81]],
            [[5, 81]],
        ])
        XCTAssertEqual(hb.brackets.map(\.s), [4, 3, 2, 1, 0])
        XCTAssertEqual(hb.totalConfigurations, 81 + 34 + 15 + 8 + 5)
        // R = 10/1, η = 3: s_max = 2, B = 30. s=2: n = ⌈3·9/3⌉ = 9, r = 10/9; s=1: n = ⌈3·3/2⌉ = 5, r = 10/3; s=0: n = 3, r = 10.
        let small = Hyperband(minBudget: 1, maxBudget: 10, eta: 3)
        XCTAssertEqual(small.brackets.map { $0.rounds.map(\.configurations) }, [[9, 3, 1], [5, 1], [3]])
        XCTAssertEqual(small.brackets[0].rounds.map(\.exactBudget)[0], 10.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(small.brackets[0].rounds.map(\.budget), [1, 3, 10])
        XCTAssertEqual(small.brackets[1].rounds.map(\.budget), [3, 10])
    }

    func testASHAPromotionsFollowCompletionOrder() {
        let asha = ASHA(minBudget: 1, maxBudget: 9, eta: 3)
        XCTAssertEqual(asha.rungs, [1, 3, 9])
        var results = [ASHA.Result(trial: 0, rung: 0, loss: 0.5), ASHA.Result(trial: 1, rung: 0, loss: 0.3)]
        XCTAssertEqual(asha.promotable(rung: 0, results: results), [])   // ⌊2/3⌋ = 0
        XCTAssertEqual(asha.nextJob(results: results), .newTrial)
        results.append(ASHA.Result(trial: 2, rung: 0, loss: 0.9))
        XCTAssertTrue(asha.isPromotable(trial: 1, rung: 0, results: results))
        XCTAssertFalse(asha.isPromotable(trial: 0, rung: 0, results: results))
        XCTAssertEqual(asha.nextJob(results: results), .promote(trial: 1, rung: 1))
        XCTAssertEqual(asha.nextJob(results: results, running: [(trial: 1, rung: 1)]), .newTrial)
        results += [ASHA.Result(trial: 3, rung: 0, loss: 0.1), ASHA.Result(trial: 4, rung: 0, loss: nil),
                    ASHA.Result(trial: 5, rung: 0, loss: 0.2), ASHA.Result(trial: 1, rung: 1, loss: 0.25)]
        // Rung 0 has 6 results → top 2 = trials 3, 5; trial 1 is already at rung 1.
        XCTAssertEqual(asha.promotable(rung: 0, results: results), [3, 5])
        XCTAssertEqual(asha.promotable(rung: 1, results: results), [])   // 1 result at rung 1
        XCTAssertEqual(asha.nextJob(results: results), .promote(trial: 3, rung: 1))
        results += [ASHA.Result(trial: 3, rung: 1, loss: 0.05), ASHA.Result(trial: 5, rung: 1, loss: 0.4)]
        // Rung 1 now has 3 results → trial 3 (0.05) promotable to the top rung, which beats lower rungs.
        XCTAssertEqual(asha.nextJob(results: results), .promote(trial: 3, rung: 2))
        XCTAssertEqual(asha.promotable(rung: 2, results: results), [])   // nothing leaves the top rung
    }

    func testMedianStoppingRuleByHand() {
        let rule = MedianStoppingRule(warmupSteps: 1, minTrials: 3)
        let others: [[Double]] = [[1, 1, 1], [2, 2, 2], [3, 5, 3], [0.5]]
        // Step 2: running averages of the trials with ≥ 2 steps: 1, 2, 4 → median 2.
        XCTAssertEqual(rule.medianRunningAverage(at: 2, others: others), 2)
        XCTAssertTrue(rule.shouldStop(curve: [2.5, 2.2], others: others))    // best 2.2 > 2
        XCTAssertFalse(rule.shouldStop(curve: [2.5, 1.9], others: others))   // best 1.9
        XCTAssertFalse(rule.shouldStop(curve: [9], others: others))          // warm-up (t = 1)
        XCTAssertFalse(MedianStoppingRule(minTrials: 4).shouldStop(curve: [9, 9], others: others))  // only 3 reached t = 2
        // Even count: step 1 averages 1, 2, 3, 0.5 → median (1 + 2) / 2.
        XCTAssertEqual(MedianStoppingRule().medianRunningAverage(at: 1, others: others), 1.5)
    }
}
