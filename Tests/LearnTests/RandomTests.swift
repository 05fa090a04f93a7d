import XCTest
@testable import Learn

/// Expected values were produced by /tmp/ref/xoshiro.py, a line-by-line Python transcription of the reference
/// C files xoshiro256starstar.c and splitmix64.c (Blackman & Vigna), run with python3:
///   state (1,2,3,4)          → 0x2d00, 0x0, 0x5a007080, 0x10e0000000009d80, 0x10e0b61ce1009d80, 0x870021ce143ad00
///   splitmix64(x=0) outputs  → 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f, 0xf88bb8a8724c81ec
///   seeded(0) outputs        → 0x99ec5f36cb75f2b4, 0xbf6e1f784956452a, 0x1a5f849d4933e6e0, 0x6aa594f1262d2d2c
///   seeded(42) outputs       → 0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1, 0xecb8ad4703b360a1
///   seed 42, stream "split"  → 0xfd72b5181f64cc4a, 0x59d88100e74fadef, 0xc45049b117bdd3ad, 0x4b0e42811a3bcc59
///     (splitmix state = first splitmix64(42) output XOR fnv1a64("split"))
///   seed 42 permutation(10)  → [9, 1, 4, 2, 8, 7, 6, 5, 3, 0] (Fisher–Yates from the top, Lemire bounded ints)
///   seed 7 nextFloat ×3      → 0.7005764245986938, 0.2787511944770813, 0.8396274447441101 ((x >> 40) / 2^24)
final class RandomTests: XCTestCase {
    func testReferenceXoshiroFromExplicitState() {
        var g = SeededGenerator(state: (1, 2, 3, 4))
        let expected: [UInt64] = [0x2d00, 0x0, 0x5a00_7080, 0x10e0_0000_0000_9d80, 0x10e0_b61c_e100_9d80,
                                  0x0870_021c_e143_ad00]
        XCTAssertEqual((0..<6).map { _ in g.next() }, expected)
    }

    func testSplitMixSeeding() {
        let g = SeededGenerator(seed: 0)
        XCTAssertTrue(g.state == (0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4, 0x06c4_5d18_8009_454f,
                                  0xf88b_b8a8_724c_81ec))
        var g0 = g
        XCTAssertEqual((0..<4).map { _ in g0.next() },
                       [0x99ec_5f36_cb75_f2b4, 0xbf6e_1f78_4956_452a, 0x1a5f_849d_4933_e6e0, 0x6aa5_94f1_262d_2d2c])
        var g42 = SeededGenerator(seed: 42)
        XCTAssertEqual((0..<4).map { _ in g42.next() },
                       [0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1, 0xecb8_ad47_03b3_60a1])
    }

    func testFNVAndStreams() {
        XCTAssertEqual(SeededGenerator.fnv1a64(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(SeededGenerator.fnv1a64("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(SeededGenerator.fnv1a64("foobar"), 0x8594_4171_f739_67e8)
        var s = SeededGenerator(seed: 42, stream: "split")
        XCTAssertEqual((0..<4).map { _ in s.next() },
                       [0xfd72_b518_1f64_cc4a, 0x59d8_8100_e74f_adef, 0xc450_49b1_17bd_d3ad, 0x4b0e_4281_1a3b_cc59])
        var a = SeededGenerator(seed: 42, stream: "train"), b = SeededGenerator(seed: 42, stream: "init")
        XCTAssertNotEqual(a.next(), b.next())
        let f1 = SeededGenerator(seed: 9).fork(stream: "x"), f2 = SeededGenerator(seed: 9).fork(stream: "x")
        XCTAssertEqual(f1, f2)
    }

    func testPermutationAndFloats() {
        var g = SeededGenerator(seed: 42)
        XCTAssertEqual(g.permutation(n: 10), [9, 1, 4, 2, 8, 7, 6, 5, 3, 0])
        var h = SeededGenerator(seed: 7)
        XCTAssertEqual(h.nextFloat(), 0.7005764245986938)
        XCTAssertEqual(h.nextFloat(), 0.2787511944770813)
        XCTAssertEqual(h.nextFloat(), 0.8396274447441101)
        var p = SeededGenerator(seed: 3)
        let perm = p.permutation(n: 1000)
        XCTAssertEqual(perm.sorted(), Array(0..<1000))
        XCTAssertEqual(p.permutation(n: 0), [])
        XCTAssertEqual(p.permutation(n: 1), [0])
    }

    func testRangesAndMoments() {
        var g = SeededGenerator(seed: 123)
        var sum = 0.0, sumSq = 0.0, fmin: Float = 1, fmax: Float = 0
        let n = 200_000
        for _ in 0..<n {
            let f = g.nextFloat()
            fmin = min(fmin, f); fmax = max(fmax, f)
            let z = g.nextGaussian()
            sum += z; sumSq += z * z
        }
        XCTAssertGreaterThanOrEqual(fmin, 0)
        XCTAssertLessThan(fmax, 1)
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(sumSq / Double(n), 1, accuracy: 0.01)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[g.nextInt(below: 7)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 400) }
    }
}
