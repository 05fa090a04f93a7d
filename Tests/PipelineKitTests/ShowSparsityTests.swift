import Foundation
import Learn
import PipelineKit
import Stages
import XCTest

/// `pipeline show` on a pruned network model reports per-layer parameters, nonzeros, sparsity, FLOPs and bytes.
final class ShowSparsityTests: XCTestCase {
    func testShowPrintsPerLayerSparsityOfAPrunedModel() throws {
        let bench = try Workbench()
        defer { bench.remove() }
        let net = try Network(inputShape: [8], layers: [DenseLayer(units: 4), ActivationLayer(.relu), DenseLayer(units: 2)])
        var g = SeededGenerator(seed: 4)
        for i in 0..<net.parameters.count { net.parameters[i] = Float(g.nextGaussian()) }
        var mask = [Float](repeating: 1, count: net.parameterCount)
        MagnitudePruning.prune(net.parameters, mask: &mask, tensors: net.layout.filter { $0.spec.role == .weight }.map(\.range),
                               sparsity: [0.75, 0.5], scope: .layer)
        var snapshot = NetworkSnapshot(net)
        snapshot.recordMasks(mask, network: net)
        let path = bench.path("pruned.h5")
        try StoredModel(model: .network(snapshot), classNames: [], sampleShape: [8])
            .write(to: path, provenance: Provenance(stage: "s", kind: "prune", fingerprint: "f"), attributes: [:])
        let text = try ArtifactInspector.describe(path)
        let rows = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        // Layer 0: 32 weights (8 kept) + 4 biases; FLOPs 2·32 + 4 dense, 2·8 + 4 effective; bytes 36·4 dense,
        // bitmask 4 + 8 values·4 + bias 16 stored. Layer 2: 8 weights (4 kept) + 2 biases.
        XCTAssertTrue(rows.contains(["0", "dense", "36", "12", "66.67", "%", "68", "20", "144", "52"]), text)
        XCTAssertTrue(rows.contains(["1", "activation", "0", "0", "-", "4", "4", "0", "0"]), text)
        XCTAssertTrue(rows.contains(["2", "dense", "10", "6", "40.00", "%", "18", "10", "40", "25"]), text)
        XCTAssertTrue(rows.contains { $0.first == "total" && $0.dropFirst().prefix(3) == ["46", "18", "60.87"] }, text)
        XCTAssertTrue(text.contains("sparse_format = \"bitmask\""), "the sparse layout is visible in the listing")
    }
}
