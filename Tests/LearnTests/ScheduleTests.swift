import Foundation
import XCTest
@testable import Learn

final class ScheduleTests: XCTestCase {
    func at(_ epoch: Int, _ step: Int = 0, of stepsPerEpoch: Int = 10) -> TrainingPosition {
        TrainingPosition(epoch: epoch, step: step, stepsPerEpoch: stepsPerEpoch)
    }

    func assertRate(_ s: any LearningRateSchedule, _ p: TrainingPosition, _ expected: Double,
                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Double(s.rate(at: p)), expected, accuracy: 1e-6 * max(1e-3, abs(expected)),
                       "epoch \(p.epoch) step \(p.step)", file: file, line: line)
    }

    func testConstant() throws {
        let s = try ScheduleFactory.make(name: "constant", baseRate: 0.1)
        for e in [0, 3, 100] { assertRate(s, at(e, 7), 0.1) }
        XCTAssertEqual(s.checkpoint, [])
    }

    func testStep() throws {
        // lr = 0.1·0.5^⌊e/3⌋
        let s = try ScheduleFactory.make(name: "step", baseRate: 0.1, options: ["step_size": 3, "gamma": 0.5])
        assertRate(s, at(0), 0.1)
        assertRate(s, at(2, 9), 0.1)
        assertRate(s, at(3), 0.05)
        assertRate(s, at(5, 9), 0.05)
        assertRate(s, at(6), 0.025)
    }

    func testMultiStep() throws {
        // milestones 2, 5: 0.1 → 0.01 at epoch 2 → 0.001 at epoch 5
        let s = try ScheduleFactory.make(name: "multi_step", baseRate: 0.1, milestones: [5, 2])
        assertRate(s, at(1, 9), 0.1)
        assertRate(s, at(2), 0.01)
        assertRate(s, at(4), 0.01)
        assertRate(s, at(5), 0.001)
        assertRate(s, at(50), 0.001)
    }

    func testExponential() throws {
        // 0.1·0.9³ = 0.0729; per step at epoch 1.5: 0.1·0.9^1.5 = 0.08538149682454625
        let s = try ScheduleFactory.make(name: "exponential", baseRate: 0.1, options: ["gamma": 0.9])
        assertRate(s, at(0), 0.1)
        assertRate(s, at(3, 5), 0.0729)
        assertRate(s, at(1, 5), 0.09)
        let smooth = try ScheduleFactory.make(name: "exponential", baseRate: 0.1, options: ["gamma": 0.9, "per_step": 1])
        assertRate(smooth, at(1, 5), 0.08538149682454625)
        assertRate(smooth, at(3), 0.0729)
    }

    func testCosine() throws {
        // η = 0.01 + 0.09·(1 + cos(π·e/10))/2
        let s = try ScheduleFactory.make(name: "cosine", baseRate: 0.1, options: ["t_max": 10, "eta_min": 0.01])
        assertRate(s, at(0), 0.1)
        assertRate(s, at(5), 0.055)                 // T_max/2: (base + η_min)/2
        assertRate(s, at(5, 9), 0.055)              // per epoch: constant within the epoch
        assertRate(s, at(2), 0.091405764746872634)  // 0.01 + 0.09·(1 + cos 36°)/2, cos 36° = 0.8090169943749474
        assertRate(s, at(10), 0.01)                 // T_max: η_min
        assertRate(s, at(15), 0.055)                // PyTorch's closed form rises again past T_max
        let smooth = try ScheduleFactory.make(name: "cosine", baseRate: 0.1,
                                              options: ["t_max": 10, "eta_min": 0.01, "per_step": 1])
        assertRate(smooth, at(4, 5), 0.01 + 0.09 * (1 + cos(Double.pi * 0.45)) / 2)
        assertRate(smooth, at(5), 0.055)
    }

    func testCosineWarmRestarts() throws {
        // T_0 = 2, T_mult = 2: cycles [0, 2), [2, 6), [6, 14); η_min = 0 so the middle of a cycle is base/2.
        let s = try ScheduleFactory.make(name: "cosine_restarts", baseRate: 0.1, options: ["t_0": 2, "t_mult": 2])
        assertRate(s, at(0), 0.1)
        assertRate(s, at(1), 0.05)
        assertRate(s, at(2), 0.1)   // restart
        assertRate(s, at(3), 0.1 * (1 + cos(Double.pi / 4)) / 2)
        assertRate(s, at(4), 0.05)
        assertRate(s, at(6), 0.1)   // restart
        assertRate(s, at(10), 0.05)
        assertRate(s, at(14), 0.1)
        let r = CosineWarmRestartsSchedule(baseRate: 0.1, t0: 2, tMult: 2)
        XCTAssertEqual(r.cycle(at: 13).tCur, 7)
        XCTAssertEqual(r.cycle(at: 13).tI, 8)

        // T_mult = 1, T_0 = 3, η_min = 0.02, per step: epoch 4.5 is 1.5 epochs into the second cycle.
        let flat = try ScheduleFactory.make(name: "cosine_restarts", baseRate: 0.1,
                                            options: ["t_0": 3, "eta_min": 0.02, "per_step": 1])
        assertRate(flat, at(3), 0.1)
        assertRate(flat, at(4, 5), 0.06)
        assertRate(flat, at(1, 5), 0.06)
        assertRate(flat, at(2, 5), 0.02 + 0.08 * (1 + cos(Double.pi * 2.5 / 3)) / 2)
    }

    func testLinearWarmupSteps() throws {
        // factor = 0.2 + 0.8·g/5 for g < 5: 0.02, 0.036, …, 0.084, then 0.1
        let s = try ScheduleFactory.make(name: "constant", baseRate: 0.1,
                                         options: ["warmup_steps": 5, "warmup_start_factor": 0.2])
        let expected = [0.02, 0.036, 0.052, 0.068, 0.084, 0.1, 0.1]
        for (g, e) in expected.enumerated() { assertRate(s, at(g / 3, g % 3, of: 3), e) }
    }

    func testLinearWarmupEpochsUnderAndBeforeSchedule() throws {
        // 2 warmup epochs of 4 steps = 8 steps, from 0: factor g/8.
        let under = try ScheduleFactory.make(name: "step", baseRate: 0.1,
                                             options: ["step_size": 1, "gamma": 0.5, "warmup_epochs": 2])
        assertRate(under, at(0, 0, of: 4), 0)
        assertRate(under, at(0, 2, of: 4), 0.1 * 2 / 8)
        assertRate(under, at(1, 2, of: 4), 0.05 * 6 / 8)  // inner already at epoch 1
        assertRate(under, at(2, 0, of: 4), 0.025)         // warmup over, inner at epoch 2
        let delayed = try ScheduleFactory.make(name: "step", baseRate: 0.1,
                                               options: ["step_size": 1, "gamma": 0.5, "warmup_epochs": 2,
                                                         "warmup_delay": 1])
        assertRate(delayed, at(1, 2, of: 4), 0.1 * 6 / 8)  // inner still at epoch 0
        assertRate(delayed, at(2, 0, of: 4), 0.1)          // inner starts at epoch 0
        assertRate(delayed, at(3, 3, of: 4), 0.05)
        assertRate(delayed, at(4, 0, of: 4), 0.025)
        let c = curve(under, epochs: 1, stepsPerEpoch: 4)
        XCTAssertEqual(c.count, 4)
        for i in 1..<4 { XCTAssertGreaterThan(c[i], c[i - 1]) }
    }

    func testReduceOnPlateauPatienceAndCooldown() {
        // patience 2: the 3rd bad epoch in a row reduces; cooldown 1 ignores the epoch after a reduction.
        var s = ReduceOnPlateau(baseRate: 1, factor: 0.5, patience: 2, cooldown: 1)
        var rates: [Float] = []
        for e in 0..<9 {
            s.endEpoch(e, monitored: 10)  // never improves after the first
            rates.append(s.rate(at: at(e + 1)))
        }
        // e0 best; e1–e2 bad 1, 2; e3 bad 3 → 0.5 (cooldown 1); e4 in cooldown (bad reset); e5–e6 bad 1, 2; e7 → 0.25
        XCTAssertEqual(rates, [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25])

        var noCooldown = ReduceOnPlateau(baseRate: 1, factor: 0.5, patience: 2)
        rates = []
        for e in 0..<7 {
            noCooldown.endEpoch(e, monitored: 10)
            rates.append(noCooldown.rate(at: at(e + 1)))
        }
        XCTAssertEqual(rates, [1, 1, 1, 0.5, 0.5, 0.5, 0.25])
    }

    func testReduceOnPlateauImprovementResetsAndThresholds() {
        var s = ReduceOnPlateau(baseRate: 1, factor: 0.5, patience: 1)
        s.endEpoch(0, monitored: 10)
        s.endEpoch(1, monitored: 11)   // bad 1
        s.endEpoch(2, monitored: 9)    // better: reset
        s.endEpoch(3, monitored: 9)    // bad 1
        XCTAssertEqual(s.rate(at: at(4)), 1)
        s.endEpoch(4, monitored: 8.9995)  // relative: needs < 9·(1 − 1e-4) = 8.9991 → bad 2 > 1
        XCTAssertEqual(s.rate(at: at(5)), 0.5)
        s.endEpoch(5, monitored: nil)  // no validation value: nothing changes
        XCTAssertEqual(s.checkpoint, [0.5, 1, 9, 0, 0])

        var abs = ReduceOnPlateau(baseRate: 1, factor: 0.5, patience: 0, threshold: 0.1, thresholdMode: .absolute)
        abs.endEpoch(0, monitored: 10)
        abs.endEpoch(1, monitored: 9.85)  // < 10 − 0.1: better
        XCTAssertEqual(abs.rate(at: at(2)), 1)
        abs.endEpoch(2, monitored: 9.8)   // not < 9.75: bad 1 > 0
        XCTAssertEqual(abs.rate(at: at(3)), 0.5)
    }

    func testReduceOnPlateauMinRateAndCheckpoint() throws {
        var s = try ScheduleFactory.make(name: "reduce_on_plateau", baseRate: 1,
                                         options: ["patience": 0, "min_lr": 0.05])
        var restored: (any LearningRateSchedule)?
        var rates: [Float] = []
        for e in 0..<5 {
            s.endEpoch(e, monitored: 1)
            rates.append(s.rate(at: at(e + 1)))
            if e == 1 {
                var fresh = try ScheduleFactory.make(name: "reduce_on_plateau", baseRate: 1,
                                                     options: ["patience": 0, "min_lr": 0.05])
                fresh.checkpoint = s.checkpoint
                restored = fresh
            }
        }
        XCTAssertEqual(rates, [1, 0.1, 0.05, 0.05, 0.05])
        var r = try XCTUnwrap(restored)
        for e in 2..<5 { r.endEpoch(e, monitored: 1) }
        XCTAssertEqual(r.checkpoint, s.checkpoint)
        XCTAssertEqual(r.rate(at: at(5)), 0.05)
    }

    func testWarmupForwardsPlateauState() throws {
        var s = try ScheduleFactory.make(name: "reduce_on_plateau", baseRate: 1,
                                         options: ["patience": 0, "factor": 0.5, "warmup_steps": 2])
        XCTAssertTrue(s is LinearWarmup)
        s.endEpoch(0, monitored: 1)
        s.endEpoch(1, monitored: 1)
        XCTAssertEqual(s.rate(at: at(2)), 0.5)
        XCTAssertEqual(s.checkpoint.first, 0.5)
    }

    func testOneCycle() throws {
        // T = 10 epochs · 10 steps = 100; initial = 1/25 = 0.04, final = 0.04/1e4 = 4e-6;
        // phase 1 ends at step 0.3·100 − 1 = 29 (max), phase 2 at step 99 (final).
        let s = try ScheduleFactory.make(name: "one_cycle", baseRate: 0.5, options: ["epochs": 10, "max_lr": 1])
        assertRate(s, at(0, 0), 0.04)
        assertRate(s, at(2, 9), 1)                                        // step 29: peak
        assertRate(s, at(9, 9), 4e-6)                                     // last step
        assertRate(s, at(6, 4), (1 + 4e-6) / 2)                           // step 64: halfway through phase 2
        assertRate(s, at(1, 0), 1 + (0.04 - 1) * (1 + cos(Double.pi * 10 / 29)) / 2)  // step 10
        let c = curve(s, epochs: 10, stepsPerEpoch: 10)
        XCTAssertEqual(c.count, 100)
        XCTAssertEqual(c.firstIndex(of: c.max()!), 29)
        for i in 1...29 { XCTAssertGreaterThan(c[i], c[i - 1]) }
        for i in 30..<100 { XCTAssertLessThan(c[i], c[i - 1]) }
        // max_lr defaults to the base rate.
        let d = try ScheduleFactory.make(name: "one_cycle", baseRate: 0.5, options: ["epochs": 1, "pct_start": 0.5])
        assertRate(d, at(0, 4), 0.5)
    }

    func testCurveMatchesRates() throws {
        let s = try ScheduleFactory.make(name: "cosine", baseRate: 0.1, options: ["t_max": 3, "per_step": 1])
        let c = curve(s, epochs: 3, stepsPerEpoch: 4)
        XCTAssertEqual(c.count, 12)
        for g in 0..<12 { XCTAssertEqual(c[g], s.rate(at: at(g / 4, g % 4, of: 4))) }
        XCTAssertEqual(curve(s, epochs: 0, stepsPerEpoch: 4), [])
    }

    func testFactoryErrors() {
        func message(_ name: String, _ options: [String: Double], milestones: [Int] = []) -> String {
            do { _ = try ScheduleFactory.make(name: name, baseRate: 0.1, options: options, milestones: milestones); return "" }
            catch { return "\(error)" }
        }
        XCTAssertTrue(message("linear", [:]).contains("unknown learning-rate schedule 'linear'"))
        XCTAssertTrue(message("step", ["gamma": 0.5]).contains("'step_size' is required"))
        XCTAssertTrue(message("step", ["step_size": 2, "t_max": 3]).contains("unknown option 't_max'"))
        XCTAssertTrue(message("step", ["step_size": 1.5]).contains("must be an integer"))
        XCTAssertTrue(message("cosine", ["t_max": 5], milestones: [1]).contains("only for multi_step"))
        XCTAssertTrue(message("multi_step", [:]).contains("milestones are required"))
        XCTAssertTrue(message("constant", ["warmup_steps": 2, "warmup_epochs": 1]).contains("not both"))
        XCTAssertTrue(message("constant", ["warmup_start_factor": 0.1]).contains("needs 'warmup_epochs'"))
        XCTAssertTrue(message("constant", ["warmup_steps": 2, "warmup_start_factor": 2]).contains("in [0, 1]"))
        XCTAssertTrue(message("exponential", [:]).contains("'gamma' is required"))
        XCTAssertTrue(message("one_cycle", ["epochs": 3, "pct_start": 1]).contains("in (0, 1)"))
        XCTAssertTrue(message("reduce_on_plateau", ["factor": 1]).contains("in [0, 1)"))
    }
}
