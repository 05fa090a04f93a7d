import COpenBLAS

/// Measures this machine's OpenBLAS single-precision GEMM throughput: the peak that training speed is
/// compared with.
public enum GEMMBenchmark {
    /// GFLOP/s of `cblas_sgemm` on `size × size` matrices: the best of `repeats` timed calls after one
    /// warm-up call (2·n³ FLOPs per call).
    public static func sgemmGFLOPS(size n: Int, repeats: Int = 5) -> Double {
        var generator = SeededGenerator(seed: 1)
        let a = (0..<(n * n)).map { _ in generator.nextFloat() - 0.5 }
        let b = (0..<(n * n)).map { _ in generator.nextFloat() - 0.5 }
        var c = [Float](repeating: 0, count: n * n)
        let clock = ContinuousClock()
        var best = Duration.seconds(1_000_000)
        for iteration in 0...repeats {
            let elapsed = clock.measure {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
            }
            if iteration > 0 { best = min(best, elapsed) }
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) * 1e-18
        return 2 * Double(n) * Double(n) * Double(n) / seconds / 1e9
    }
}
