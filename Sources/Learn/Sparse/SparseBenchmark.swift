/// Times inference forward passes of a network, for comparing the dense (sgemm) and sparse (CSR) engines
/// on the same weights (`pipeline bench sparse`).
public enum InferenceBenchmark {
    /// Seconds per forward pass of `batch` rows: the best of `repeats` timings, each the mean over enough
    /// passes to take about `target` seconds (after a warm-up), over rows cycled from `x`.
    public static func secondsPerPass(_ network: Network, x: [Float], rows: Int, batch: Int, repeats: Int = 5,
                                      target: Double = 0.05) -> Double {
        let width = network.inputShape.reduce(1, *)
        precondition(rows >= batch && x.count >= rows * width, "benchmark: need at least one batch of input")
        var generator = SeededGenerator(seed: 0)
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        return x.withUnsafeBufferPointer { xp in
            var start = 0
            func pass() {
                if start + batch > rows { start = 0 }
                let chunk = UnsafeBufferPointer(rebasing: xp[(start * width)..<((start + batch) * width)])
                _ = network.forward(chunk, batch: batch, mode: .inference, generator: &generator)
                start += batch
            }
            // Warm up and size the inner loop.
            var passes = 1
            while true {
                let t = seconds(clock.measure { for _ in 0..<passes { pass() } })
                if t >= target / 4 || passes >= 1 << 20 { passes = max(1, Int(Double(passes) * target / max(t, 1e-9))); break }
                passes *= 4
            }
            var best = Double.infinity
            for _ in 0..<repeats {
                best = min(best, seconds(clock.measure { for _ in 0..<passes { pass() } }) / Double(passes))
            }
            return best
        }
    }
}
