// Initializer fans and draws.

import XCTest
import Learn

final class NNInitializerTests: XCTestCase {
    func testFans() {
        XCTAssertTrue(Initializer.fans(shape: [300, 100]) == (300, 100))
        XCTAssertTrue(Initializer.fans(shape: [8, 3, 5, 5]) == (75, 200))
        XCTAssertTrue(Initializer.fans(shape: [7]) == (7, 7))
    }

    func testHeNormalStandardDeviation() {
        var g = SeededGenerator(seed: 2024)
        let w = Initializer.heNormal.values(shape: [300, 100], generator: &g)
        let mean = w.reduce(0.0) { $0 + Double($1) } / Double(w.count)
        let sd = (w.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(w.count)).squareRoot()
        let expected = (2.0 / 300).squareRoot()
        XCTAssertEqual(sd, expected, accuracy: 0.05 * expected)
        XCTAssertEqual(mean, 0, accuracy: 0.01 * expected * 10)
    }

    func testXavierUniformBounds() {
        var g = SeededGenerator(seed: 7)
        let w = Initializer.xavierUniform.values(shape: [300, 100], generator: &g)
        let a = Float((6.0 / 400).squareRoot())
        XCTAssertLessThanOrEqual(w.map(abs).max()!, a)
        XCTAssertGreaterThan(w.max()!, 0.99 * a)
        XCTAssertLessThan(w.min()!, -0.99 * a)
        // Uniform: variance a²/3.
        let variance = w.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(w.count)
        XCTAssertEqual(variance, Double(a * a) / 3, accuracy: 0.05 * Double(a * a) / 3)
    }

    func testOtherSchemes() {
        var g = SeededGenerator(seed: 1)
        let conv = Initializer.heUniform.values(shape: [16, 3, 3, 3], generator: &g)
        XCTAssertLessThanOrEqual(conv.map(abs).max()!, Float((6.0 / 27).squareRoot()))
        XCTAssertLessThanOrEqual(Initializer.lecunUniform.values(shape: [50, 10], generator: &g).map(abs).max()!, Float((3.0 / 50).squareRoot()))
        let u = Initializer.uniform(low: 2, high: 3).values(shape: [1000], generator: &g)
        XCTAssertTrue(u.allSatisfy { $0 >= 2 && $0 <= 3 })
        let n = Initializer.normal(mean: 5, std: 0.1).values(shape: [4000], generator: &g)
        XCTAssertEqual(Double(n.reduce(0, +)) / 4000, 5, accuracy: 0.01)
        let before = g
        XCTAssertEqual(Initializer.zeros.values(shape: [3, 3], generator: &g), [Float](repeating: 0, count: 9))
        XCTAssertEqual(g, before, "zeros draws nothing")
    }

    func testDrawsInElementOrder() {
        var g = SeededGenerator(seed: 9)
        let w = Initializer.uniform(low: -1, high: 1).values(shape: [2, 3], generator: &g)
        var replay = SeededGenerator(seed: 9)
        let expected = (0..<6).map { _ in Float(-1 + 2 * Double(replay.nextFloat())) }
        XCTAssertEqual(w, expected)
        XCTAssertEqual(replay, g)
        var g2 = SeededGenerator(seed: 9)
        let normal = Initializer.normal(mean: 0, std: 2).values(shape: [3], generator: &g2)
        var replay2 = SeededGenerator(seed: 9)
        XCTAssertEqual(normal, (0..<3).map { _ in Float(2 * replay2.nextGaussian()) })
    }

    func testNetworkInitializationIsDeterministicAndLayerOrdered() throws {
        func build() throws -> Network {
            try Network(inputShape: [4], layers: [DenseLayer(units: 3), BatchNormLayer(), DenseLayer(units: 2)])
        }
        let a = try build(), b = try build()
        var ga = SeededGenerator(seed: 5), gb = SeededGenerator(seed: 5)
        a.initialize(.heNormal, generator: &ga)
        b.initialize(.heNormal, generator: &gb)
        XCTAssertEqual(Array(a.parameters), Array(b.parameters))
        XCTAssertEqual(ga, gb)
        // Layer order: first dense weight, then the second dense weight, from one stream.
        var replay = SeededGenerator(seed: 5)
        let w1 = Initializer.heNormal.values(shape: [4, 3], generator: &replay)
        let w2 = Initializer.heNormal.values(shape: [3, 2], generator: &replay)
        XCTAssertEqual(Array(a.parameters[a.layout[0].range]), w1)
        XCTAssertEqual(Array(a.parameters[a.layout[4].range]), w2)
        XCTAssertEqual(Array(a.parameters[a.layout[1].range]), [0, 0, 0], "bias")
        XCTAssertEqual(Array(a.parameters[a.layout[2].range]), [1, 1, 1], "scale")
        XCTAssertEqual(Array(a.state[a.stateLayout[1].range]), [1, 1, 1], "running variance")
    }
}
