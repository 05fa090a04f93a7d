import XCTest
@testable import Learn

final class SplittingTests: XCTestCase {
    private func checkPartition(_ s: (train: [Int], validation: [Int], test: [Int]), n: Int,
                                file: StaticString = #filePath, line: UInt = #line) {
        for part in [s.train, s.validation, s.test] {
            XCTAssertEqual(part, part.sorted(), "parts must be sorted", file: file, line: line)
        }
        XCTAssertEqual((s.train + s.validation + s.test).sorted(), Array(0..<n), "disjoint and covering",
                       file: file, line: line)
    }

    func testUnstratifiedSizesCoverAndDisjoint() {
        var g = SeededGenerator(seed: 5)
        let s = holdoutSplit(labels: nil, count: 103, validation: 0.15, test: 0.2, stratify: false, generator: &g)
        XCTAssertEqual(s.validation.count, 15)   // round(15.45)
        XCTAssertEqual(s.test.count, 21)         // round(20.6)
        XCTAssertEqual(s.train.count, 67)
        checkPartition(s, n: 103)
    }

    func testStratifiedExactProportionsOnDesignedCase() {
        // 3 classes with 50 / 30 / 20 members interleaved; 20 % validation and 10 % test are integral per class.
        let labels: [Int32] = (0..<100).map { i in i % 10 < 5 ? 0 : (i % 10 < 8 ? 1 : 2) }
        var g = SeededGenerator(seed: 11)
        let s = holdoutSplit(labels: labels, count: 100, validation: 0.2, test: 0.1, stratify: true, generator: &g)
        checkPartition(s, n: 100)
        func counts(_ idx: [Int]) -> [Int] {
            var c = [0, 0, 0]
            for i in idx { c[Int(labels[i])] += 1 }
            return c
        }
        XCTAssertEqual(counts(s.validation), [10, 6, 4])
        XCTAssertEqual(counts(s.test), [5, 3, 2])
        XCTAssertEqual(counts(s.train), [35, 21, 14])
    }

    func testStratifiedLargestRemainderMatchesTotals() {
        // Class sizes 7, 7, 7 (n = 21), validation 0.3 → 6.3 → 6 total; exact per class 2.1 → floor 2 each = 6.
        // test 0.25 → round(5.25) = 5; per class 1.75 → floor 1 each (3) + 2 units to the first two classes.
        let labels: [Int32] = (0..<21).map { Int32($0 % 3) }
        var g = SeededGenerator(seed: 2)
        let s = holdoutSplit(labels: labels, count: 21, validation: 0.3, test: 0.25, stratify: true, generator: &g)
        checkPartition(s, n: 21)
        XCTAssertEqual(s.validation.count, 6)
        XCTAssertEqual(s.test.count, 5)
        var tc = [0, 0, 0]
        for i in s.test { tc[Int(labels[i])] += 1 }
        XCTAssertEqual(tc, [2, 2, 1])
        // Tiny classes cannot over-allocate.
        let tiny: [Int32] = [0, 1, 2, 3, 4]
        var g2 = SeededGenerator(seed: 2)
        let t = holdoutSplit(labels: tiny, count: 5, validation: 0.5, test: 0.5, stratify: true, generator: &g2)
        checkPartition(t, n: 5)
        XCTAssertEqual(t.validation.count, 3) // round(2.5) = 3 (half away from zero)
        XCTAssertEqual(t.test.count, 2)
    }

    func testDeterminismAndSeedSensitivity() {
        let labels: [Int32] = (0..<500).map { Int32(($0 * 7) % 4) }
        func run(_ seed: UInt64, stratify: Bool) -> (train: [Int], validation: [Int], test: [Int]) {
            var g = SeededGenerator(seed: seed)
            return holdoutSplit(labels: labels, count: 500, validation: 0.1, test: 0.2, stratify: stratify,
                                generator: &g)
        }
        for strat in [false, true] {
            let a = run(1, stratify: strat), b = run(1, stratify: strat), c = run(2, stratify: strat)
            XCTAssertEqual(a.train, b.train); XCTAssertEqual(a.validation, b.validation); XCTAssertEqual(a.test, b.test)
            XCTAssertNotEqual(a.validation, c.validation)
            XCTAssertEqual(a.validation.count, 50); XCTAssertEqual(a.test.count, 100)
            checkPartition(a, n: 500)
        }
    }

    func testEdgeCases() {
        var g = SeededGenerator(seed: 0)
        let e = holdoutSplit(labels: [], count: 0, validation: 0.2, test: 0.2, stratify: true, generator: &g)
        XCTAssertEqual(e.train, []); XCTAssertEqual(e.validation, []); XCTAssertEqual(e.test, [])
        let all = holdoutSplit(labels: nil, count: 10, validation: 0, test: 0, stratify: false, generator: &g)
        XCTAssertEqual(all.train, Array(0..<10))
    }
}
