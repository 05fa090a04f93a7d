// Deterministic, platform-stable pseudo-random numbers for everything in Learn that needs randomness
// (splits, mini-batch order, initialisation). Nothing here touches the standard library's random APIs,
// so sequences never change with the stdlib version.

import Foundation

/// A seeded xoshiro256** generator (Blackman & Vigna, 2018) whose 256-bit state is filled from SplitMix64.
///
/// Contract:
/// - `next()` is exactly the reference `xoshiro256starstar.c` output for the current state.
/// - `init(seed:)` sets the four state words to the first four outputs of the reference `splitmix64.c`
///   started at `x = seed` (the recommended seeding procedure).
/// - Every derived quantity (`nextFloat`, `nextDouble`, `nextInt(below:)`, `permutation(n:)`, `shuffle`) is defined
///   in this file with integer arithmetic only, so it is bit-stable across platforms and Swift versions.
///   `nextGaussian()` additionally uses `log`, `sqrt` and `cos` from the platform libm, whose last-bit
///   rounding may differ between libm implementations.
/// - It is a value type: copying a generator forks an identical, independent sequence.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The four xoshiro256** state words (never all zero).
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose state is the first four SplitMix64 outputs starting from `seed`.
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        state = (sm.next(), sm.next(), sm.next(), sm.next())
        if state == (0, 0, 0, 0) { state.0 = 0x9E37_79B9_7F4A_7C15 }  // unreachable in practice; keeps the state valid
    }

    /// Creates a generator for the named sub-stream `stream` of `seed`.
    ///
    /// Derivation (stable, documented): `base = splitmix64_first_output(seed)`,
    /// `h = FNV-1a-64(UTF-8 bytes of stream)` (offset basis 0xcbf29ce484222325, prime 0x100000001b3),
    /// then the generator is `SeededGenerator(seed: base ^ h)`. Different names give unrelated streams;
    /// the same `(seed, stream)` always gives the same sequence.
    public init(seed: UInt64, stream: String) {
        var sm = SplitMix64(state: seed)
        let base = sm.next()
        self.init(seed: base ^ SeededGenerator.fnv1a64(stream))
    }

    /// Creates a generator from an explicit xoshiro256** state (must not be all zero).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
        self.state = state
    }

    /// Returns a generator for the named sub-stream of this generator's current state, leaving `self` unchanged.
    /// The derived seed is `state.0 ^ rotl(state.1, 17) ^ rotl(state.2, 31) ^ rotl(state.3, 47)` fed to
    /// `init(seed:stream:)`.
    public func fork(stream: String) -> SeededGenerator {
        let s = state.0 ^ Self.rotl(state.1, 17) ^ Self.rotl(state.2, 31) ^ Self.rotl(state.3, 47)
        return SeededGenerator(seed: s, stream: stream)
    }

    /// FNV-1a 64-bit hash of the UTF-8 bytes of `text` (used for stream derivation).
    public static func fnv1a64(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    @inline(__always)
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// Returns the next 64-bit output of xoshiro256** and advances the state.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// A uniform `Float` in [0, 1): the top 24 bits of `next()` times 2⁻²⁴.
    @inline(__always)
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Double` in [0, 1): the top 53 bits of `next()` times 2⁻⁵³.
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform integer in `0..<bound` (`bound > 0`) by Lemire's multiply-shift with rejection (unbiased).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// A standard normal sample (mean 0, variance 1) by the Box–Muller transform.
    ///
    /// Draws `u1 = 1 - nextDouble()` (in (0, 1]) then `u2 = nextDouble()` and returns
    /// `sqrt(-2 ln u1) * cos(2π u2)`; exactly two `next()` calls per sample, no cached second value.
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextDouble()
        let u2 = nextDouble()
        return (-2.0 * Foundation.log(u1)).squareRoot() * Foundation.cos(2.0 * Double.pi * u2)
    }

    /// Shuffles `elements` in place by Fisher–Yates (from the last index down, `j = nextInt(below: i + 1)`).
    public mutating func shuffle<T>(_ elements: inout [T]) {
        let n = elements.count
        guard n > 1 else { return }
        elements.withUnsafeMutableBufferPointer { buf in
            var i = n - 1
            while i > 0 {
                let j = nextInt(below: i + 1)
                if i != j { buf.swapAt(i, j) }
                i -= 1
            }
        }
    }

    /// Returns a shuffled copy of `elements` (same algorithm as `shuffle(_:)`).
    public mutating func shuffled<T>(_ elements: [T]) -> [T] {
        var copy = elements
        shuffle(&copy)
        return copy
    }

    /// A uniformly random permutation of `0..<n`: `shuffle` applied to `[0, 1, …, n-1]`.
    public mutating func permutation(n: Int) -> [Int] {
        precondition(n >= 0, "n must be non-negative")
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }

    /// Generators are equal when their states are equal.
    public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool { lhs.state == rhs.state }
}

/// SplitMix64 (Steele, Lea & Flood; reference `splitmix64.c`), used only to seed xoshiro256**.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
