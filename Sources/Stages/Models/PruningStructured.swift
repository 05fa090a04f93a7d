import Learn

/// How structured pruning ranks units.
public enum UnitNorm: String, Sendable, CaseIterable {
    /// Σ|w| over the unit's incoming weights.
    case l1
    /// Σw² (the squared L2 norm ranks the same as the norm).
    case l2
}

/// Structured pruning: remove whole units — dense neurons (weight columns) or conv2d filters — ranked by the
/// L1 or L2 norm of their incoming weights, and shrink what follows so the model is physically smaller: the
/// next dense/conv2d layer loses the matching input rows/channels (after `flatten`, every position of a
/// removed channel), batch-norm loses the matching scale, shift and running statistics. The last layer with
/// weights (the class outputs) is never pruned. Masks of pruned tensors are sliced alike.
public enum StructuredPruning {
    /// Indices of the layers whose units can be removed: every dense/conv2d layer but the last one with weights.
    public static func prunableLayers(_ snapshot: NetworkSnapshot) -> [Int] {
        let weighted = snapshot.layers.indices.filter { ["dense", "conv2d"].contains(snapshot.layers[$0].kind) }
        return Array(weighted.dropLast())
    }

    /// Removes `fraction[i]` (rounded to the nearest count, at least one unit kept) of the units of the i-th
    /// prunable layer (`fraction` may also hold one value for all), lowest norm first, ties by index.
    public static func prune(_ snapshot: NetworkSnapshot, fraction: [Double], norm: UnitNorm) throws -> NetworkSnapshot {
        let prunable = prunableLayers(snapshot)
        guard fraction.count == 1 || fraction.count == prunable.count else {
            throw StageError("structured pruning: \(fraction.count) sparsities given for \(prunable.count) prunable layers (every dense/conv2d layer but the output layer)")
        }
        let original = try snapshot.makeNetwork()
        var result = snapshot
        var keep: [Int]?  // kept indices along axis 0 of the current layer's input (original numbering)
        var inShape = snapshot.inputShape
        for (index, record) in snapshot.layers.enumerated() {
            var layer = record
            let outShape = original.layerOutputShapes[index]
            switch record.kind {
            case "dense":
                let units = outShape[0], inputs = inShape.reduce(1, *)
                var rows = Array(0..<inputs)
                if let keep { rows = expand(keep, shape: inShape) }
                var columns = Array(0..<units)
                if let position = prunable.firstIndex(of: index) {
                    let weight = try tensor(record, "weight")
                    let norms = columns.map { j in rows.reduce(Float(0)) { $0 + magnitude(weight[$1 * units + j], norm) } }
                    columns = strongest(norms, removing: fraction.count == 1 ? fraction[0] : fraction[position])
                    layer.configuration["units"] = .int(columns.count)
                    keep = columns
                } else {
                    keep = nil
                }
                layer.slice("weight", shape: [rows.count, columns.count]) { r, c in rows[r] * units + columns[c] }
                layer.slice("bias", shape: [columns.count]) { r, _ in columns[r] }
            case "conv2d":
                let weightShape = try shape(record, "weight")
                let (filters, channels, area) = (weightShape[0], weightShape[1], weightShape[2] * weightShape[3])
                let inChannels = keep ?? Array(0..<channels)
                var outFilters = Array(0..<filters)
                if let position = prunable.firstIndex(of: index) {
                    let weight = try tensor(record, "weight")
                    let norms = outFilters.map { f in
                        inChannels.reduce(Float(0)) { sum, c in (0..<area).reduce(sum) { $0 + magnitude(weight[(f * channels + c) * area + $1], norm) } }
                    }
                    outFilters = strongest(norms, removing: fraction.count == 1 ? fraction[0] : fraction[position])
                    layer.configuration["filters"] = .int(outFilters.count)
                    keep = outFilters
                } else {
                    keep = nil
                }
                layer.slice("weight", shape: [outFilters.count, inChannels.count, weightShape[2], weightShape[3]]) { r, c in
                    (outFilters[r] * channels + inChannels[c / area]) * area + c % area
                }
                layer.slice("bias", shape: [outFilters.count]) { r, _ in outFilters[r] }
            case "batch_norm":
                if let keep {
                    for name in ["scale", "shift", "runningMean", "runningVariance"] {
                        layer.slice(name, shape: [keep.count]) { r, _ in keep[r] }
                    }
                }
            case "flatten":
                if let current = keep { keep = expand(current, shape: inShape) }
            case "max_pool", "avg_pool", "activation", "dropout":
                break  // channels (axis 0) pass through unchanged
            default:
                if keep != nil {
                    throw StageError("structured pruning: layer \(index) (\(record.kind)) follows a pruned layer and cannot be shrunk")
                }
            }
            result.layers[index] = layer
            inShape = outShape
        }
        _ = try result.makeNetwork()  // the shrunk layers fit together
        return result
    }

    private static func magnitude(_ w: Float, _ norm: UnitNorm) -> Float { norm == .l1 ? abs(w) : w * w }

    /// Sorted indices of the units kept when `fraction` of them (rounded, at least one kept) with the smallest
    /// norms are removed, ties broken by index.
    static func strongest(_ norms: [Float], removing fraction: Double) -> [Int] {
        let remove = min(norms.count - 1, Int((fraction * Double(norms.count)).rounded()))
        let order = norms.indices.sorted { norms[$0] != norms[$1] ? norms[$0] < norms[$1] : $0 < $1 }
        return Array(order.dropFirst(remove)).sorted()
    }

    /// Flat indices of the kept axis-0 slices of a per-sample `shape`.
    static func expand(_ keep: [Int], shape: [Int]) -> [Int] {
        let inner = shape.dropFirst().reduce(1, *)
        return keep.flatMap { c in (0..<inner).map { c * inner + $0 } }
    }

    private static func tensor(_ record: NetworkSnapshot.LayerRecord, _ name: String) throws -> [Float] {
        guard let t = record.parameters.first(where: { $0.name == name }) else { throw StageError("structured pruning: \(record.kind) layer lacks '\(name)'") }
        return t.values
    }

    private static func shape(_ record: NetworkSnapshot.LayerRecord, _ name: String) throws -> [Int] {
        guard let t = record.parameters.first(where: { $0.name == name }) else { throw StageError("structured pruning: \(record.kind) layer lacks '\(name)'") }
        return t.shape
    }
}

extension NetworkSnapshot.LayerRecord {
    /// Replaces tensor `name` (parameter or state) by a `shape` tensor whose element (r, c) — r over
    /// shape[0], c over the rest, flattened — is the old element `source(r, c)`; its mask is sliced alike.
    mutating func slice(_ name: String, shape: [Int], source: (Int, Int) -> Int) {
        let rows = shape[0], inner = shape.dropFirst().reduce(1, *)
        func take<T>(_ values: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(rows * inner)
            for r in 0..<rows { for c in 0..<inner { out.append(values[source(r, c)]) } }
            return out
        }
        if let i = parameters.firstIndex(where: { $0.name == name }) {
            parameters[i] = (name, shape, take(parameters[i].values))
            if let mask = masks[name] { masks[name] = take(mask) }
        }
        if let i = state.firstIndex(where: { $0.name == name }) { state[i] = (name, shape, take(state[i].values)) }
    }
}
