import Foundation
import Learn
import PipelineStore

/// The per-layer storage table `pipeline show` prints for network models: parameters, and bytes as dense
/// float32 against bytes as stored (int8 codes + scales + zero points, codebook + indices, or bits + scales).
public enum NetworkStorageReport {
    /// The table's lines for the model artifact at `path`, or nil when it is not a network model.
    public static func lines(for path: String) throws -> [String]? {
        guard HDF5File.isHDF5(path) else { return nil }
        let stored: StoredModel
        do {
            let file = try HDF5File.open(path)
            let isNetwork = try file.root.attribute("artifact")?.stringValue == "model" && file.root.attribute("model")?.stringValue == "network"
            try file.close()
            guard isNetwork else { return nil }
            stored = try StoredModel.read(from: path)
        }
        guard case .network(let snapshot) = stored.model else { return nil }
        return table(snapshot)
    }

    /// The table for a snapshot.
    public static func table(_ snapshot: NetworkSnapshot) -> [String] {
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        var lines = ["per layer storage (bytes as dense float32 → as stored):",
                     "  " + pad("layer", 5, left: true) + "  " + pad("kind", 11, left: true) + pad("parameters", 12) + pad("f32 bytes", 12)
                        + pad("int8", 10) + pad("codebook", 10) + pad("binary", 10) + pad("stored", 10)]
        var totals = [0, 0, 0, 0, 0, 0]
        for (index, layer) in snapshot.layers.enumerated() where !layer.parameters.isEmpty {
            let count = layer.parameters.reduce(0) { $0 + $1.values.count }
            var byForm = ["int8": 0, "codebook": 0, "binary": 0]
            for (_, encoding) in layer.encodings { byForm[encoding.name, default: 0] += encoding.storageBytes }
            let bytes = ModelCompression.bytes(layer)
            let row = [count, bytes.dense, byForm["int8"]!, byForm["codebook"]!, byForm["binary"]!, bytes.stored]
            for k in row.indices { totals[k] += row[k] }
            lines.append("  " + pad(String(format: "%02d", index), 5, left: true) + "  " + pad(layer.kind, 11, left: true) + pad(String(row[0]), 12)
                         + pad(String(row[1]), 12) + row[2...4].map { pad($0 > 0 ? String($0) : "–", 10) }.joined() + pad(String(row[5]), 10))
        }
        lines.append("  " + pad("all", 5, left: true) + "  " + pad("", 11) + pad(String(totals[0]), 12) + pad(String(totals[1]), 12)
                     + totals[2...4].map { pad($0 > 0 ? String($0) : "–", 10) }.joined() + pad(String(totals[5]), 10)
                     + String(format: "   (%.2f× smaller)", Double(totals[1]) / Double(max(totals[5], 1))))
        return lines
    }
}
