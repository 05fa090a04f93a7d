import Foundation
import Stages

extension ArtifactInspector {
    /// For a network model file: one row per layer with parameters, nonzeros, sparsity, forward FLOPs per
    /// sample (dense and counting only nonzero weights) and bytes (dense float32 and as stored), plus totals.
    /// Nil for any other artifact.
    static func sparsityTable(_ path: String) throws -> String? {
        guard let stored = try? StoredModel.read(from: path), case .network(let snapshot) = stored.model else { return nil }
        let rows = try snapshot.layerSparsity()
        func row(_ cells: [String]) -> String {
            let widths = [4, 12, 10, 10, 10, 13, 13, 12, 12]
            return "  " + zip(cells, widths).enumerated().map { i, pair in
                i == 1 ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0) : String(repeating: " ", count: max(0, pair.1 - pair.0.count)) + pair.0
            }.joined(separator: " ")
        }
        func percent(_ p: Int, _ n: Int) -> String { n == 0 ? "-" : String(format: "%.2f %%", 100 * (1 - Double(n) / Double(p))) }
        var lines = ["network layers (sparsity = zero share of the parameters; FLOPs per sample; bytes of the parameters):",
                     row(["#", "layer", "params", "nonzeros", "sparsity", "dense FLOPs", "eff. FLOPs", "dense bytes", "stored bytes"])]
        for r in rows {
            lines.append(row([String(r.index), r.kind, String(r.parameters), String(r.nonzeros), r.parameters == 0 ? "-" : percent(r.parameters, r.nonzeros),
                              String(r.denseFLOPs), String(r.effectiveFLOPs), String(r.denseBytes), String(r.storedBytes)]))
        }
        let p = rows.reduce(0) { $0 + $1.parameters }, n = rows.reduce(0) { $0 + $1.nonzeros }
        lines.append(row(["", "total", String(p), String(n), percent(p, n), String(rows.reduce(0) { $0 + $1.denseFLOPs }),
                          String(rows.reduce(0) { $0 + $1.effectiveFLOPs }), String(rows.reduce(0) { $0 + $1.denseBytes }),
                          String(rows.reduce(0) { $0 + $1.storedBytes })]))
        return lines.joined(separator: "\n") + "\n"
    }
}
