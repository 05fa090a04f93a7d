@testable import Learn
import XCTest

/// The fast paths the tree benchmarks rely on give the same numbers as the plain ones: uint8-valued features binned
/// by counting (against numpy and against the sort path), CART nodes read from the row-major code copy, softmax root
/// histograms built for all classes in one pass, and boosting scores updated from leaf ranges instead of descents.
final class TreeFastPathTests: XCTestCase {
    /// Whole numbers 0…255 with 250 distinct values: v[i] = ((i·37 + 11)·(i mod 7 + 1)) mod 256, i < 1000.
    static let wholeNumbers: [Float] = (0..<1000).map { (i: Int) -> Float in
        let v: Int = ((i * 37 + 11) * (i % 7 + 1)) % 256
        return Float(v)
    }

    func testCountedQuantileBinsMatchNumpy() {
        // numpy 2.4.6: numpy.percentile(v, numpy.linspace(0, 100, 17)[1:-1], method="averaged_inverted_cdf") with v as
        // above (float32 → float64), scikit-learn 1.9's quantile binning. (method="midpoint" would give 79.5 and 139.5
        // for the 5th and 9th edges.)
        let expected: [Double] = [16.0, 32.0, 48.0, 63.5, 79.0, 94.5, 109.0, 124.5, 140.0, 154.5, 170.0, 185.5, 203.0, 220.0, 238.0]
        let bins = Self.wholeNumbers.withUnsafeBufferPointer { FeatureBins.fit($0, rows: 1000, columns: 1, maxBins: 16) }
        XCTAssertEqual(bins.edges[0], expected)
        XCTAssertEqual(bins.values[0], [])
    }

    func testCountedBinsEqualSortedBinsShiftedByAHalf() {
        // Shifting every value by 0.5 (exact in float) sends the feature down the sort path; edges and codes must
        // shift with it, in both the exact (≤ maxBins distinct) and the quantile regime.
        let shifted = Self.wholeNumbers.map { $0 + 0.5 }
        for maxBins in [256, 16] {
            let counted = Self.wholeNumbers.withUnsafeBufferPointer { FeatureBins.fit($0, rows: 1000, columns: 1, maxBins: maxBins) }
            let sorted = shifted.withUnsafeBufferPointer { FeatureBins.fit($0, rows: 1000, columns: 1, maxBins: maxBins) }
            XCTAssertEqual(counted.edges[0].map { $0 + 0.5 }, sorted.edges[0], "maxBins \(maxBins)")
            XCTAssertEqual(counted.values[0].map { $0 + 0.5 }, sorted.values[0], "maxBins \(maxBins)")
            let countedCodes = Self.wholeNumbers.withUnsafeBufferPointer { counted.codes($0, rows: 1000) }
            let sortedCodes = shifted.withUnsafeBufferPointer { sorted.codes($0, rows: 1000) }
            XCTAssertEqual(countedCodes, sortedCodes, "maxBins \(maxBins)")
        }
    }

    func testTableCodesEqualSearchedCodesForMixedColumns() {
        // Column 0 whole numbers (table lookup), column 1 the same plus 0.25 (binary search), bins fitted elsewhere.
        var x: [Float] = []
        for v in Self.wholeNumbers { x += [v, v + 0.25] }
        let bins = x.withUnsafeBufferPointer { FeatureBins.fit($0, rows: 1000, columns: 2, maxBins: 32) }
        let codes = x.withUnsafeBufferPointer { bins.codes($0, rows: 1000) }
        for r in 0..<1000 {
            XCTAssertEqual(codes[r], bins.code(x[2 * r], feature: 0))
            XCTAssertEqual(codes[1000 + r], bins.code(x[2 * r + 1], feature: 1))
        }
    }

    func testRowMajorCopyIsTheTranspose() {
        let problem = TreeEnsembleTests.Problem()
        let data = problem.train()
        let rowMajor = data.withRowMajorCodes().rowCodes!
        for r in 0..<data.rows { for f in 0..<data.features { XCTAssertEqual(rowMajor[r * data.features + f], data.codes[f * data.rows + r]) } }
    }

    func testCARTTreesAreIdenticalWithTheRowMajorCopy() {
        let data = TreeEnsembleTests.Problem().train()
        for criterion in [SplitCriterion.gini, .entropy] {
            let options = TreeOptions(criterion: criterion, maxFeatures: 2)
            var trees: [TreeModel] = []
            for rows in [data, data.withRowMajorCodes()] {
                var rng = SeededGenerator(seed: 3)
                var importance = [Double](repeating: 0, count: 6)
                let weights = (0..<400).map { Double($0 % 3) }
                let kept = (0..<400).filter { $0 % 3 != 0 }.map { Int32($0) }
                trees.append(weights.withUnsafeBufferPointer {
                    CARTBuilder(data: rows, options: options).grow(rows: kept, weights: $0, generator: &rng, importance: &importance)
                })
            }
            XCTAssertGreaterThan(trees[0].nodeCount, 20)
            XCTAssertEqual(trees[0], trees[1], "\(criterion)")
        }
    }

    func testSharedRootHistogramsGiveTheSameTreesAndLeafRangesCoverEveryRow() {
        let data = TreeEnsembleTests.Problem().train()
        let k = 3, n = data.rows
        let options = BoostingOptions(maxIterations: 1, learningRate: 0.1, maxLeafNodes: 8, minSamplesLeaf: 5)
        let raw = [Double](repeating: 0, count: n * k)
        var gradients = [Float](repeating: 0, count: n * k), hessians = gradients
        HistGradientBoosting.computeGradients(data, raw: raw, perIteration: k, gradients: &gradients, hessians: &hessians)
        let rows = (0..<n).map { Int32($0) }
        let grower = LeafwiseGrower(data: data, options: options)
        let stride = data.features * grower.histStride
        var roots = [Double](repeating: 0, count: k * stride)
        roots.withUnsafeMutableBufferPointer {
            LeafwiseGrower.rootHistograms(data, rows: rows, gradients: gradients, hessians: hessians, perIteration: k, into: $0.baseAddress!)
        }
        for c in 0..<k {
            let g = (0..<n).map { gradients[$0 * k + c] }, h = (0..<n).map { hessians[$0 * k + c] }
            var gains = [Double](repeating: 0, count: data.features)
            let own = grower.grow(rows: rows, gradients: g, hessians: h, gains: &gains)
            let shared = roots.withUnsafeBufferPointer { grower.grow(rows: rows, gradients: g, hessians: h, root: $0.baseAddress! + c * stride, gains: &gains) }
            XCTAssertEqual(own, shared, "class \(c)")
            XCTAssertEqual(own.leafCount, 8)
            // Every row lies in exactly one leaf range, and it is the leaf the row's descent reaches.
            var seen = [Int](repeating: 0, count: n)
            for range in grower.leafRanges {
                XCTAssertLessThan(shared.feature[range.node], 0, "a leaf range must name a leaf")
                for r in grower.rows(of: range) {
                    seen[Int(r)] += 1
                    data.codes.withUnsafeBufferPointer { XCTAssertEqual(shared.leaf(codes: $0, row: Int(r), rows: n), range.node) }
                }
            }
            XCTAssertEqual(seen, [Int](repeating: 1, count: n))
        }
    }
}
