import Learn
import PipelineStore

/// How an ensemble's members combine.
enum EnsembleCombination: Sendable {
    /// Weighted mean of the members' probabilities (soft voting, bagging) or values (regression).
    case average(weights: [Double])
    /// Weighted share of the members' argmax votes per class (hard voting); argmax = the majority.
    case hardVote(weights: [Double])
    /// The members' outputs (probabilities, or values) — plus the raw features with `passthrough` — feed `meta`.
    case stack(meta: any FittedModel, passthrough: Bool)
}

/// A fitted ensemble of catalogue models (`voting`, `bagging`, `stacking`, `blending`).
struct FittedEnsemble: FittedModel {
    let family: String
    let task: ModelTask
    let features: Int
    let outputs: Int
    let members: [any FittedModel]
    /// Per member, the columns it was fitted on (bagging's feature subsets); nil = all columns.
    let columns: [[Int]]?
    let combination: EnsembleCombination
    var fitMetrics: [String: Double] = [:]

    func memberPredictions(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [[Float]] {
        try members.enumerated().map { i, member in
            if let subset = columns?[i] {
                return try EnsembleMembers.columns(x, rows: rows, features: features, subset).withUnsafeBufferPointer { try member.predict($0, rows: rows) }
            }
            return try member.predict(x, rows: rows)
        }
    }

    func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [Float] {
        guard x.count == rows * features else { throw StageError("\(family): expected \(features) features per row, got \(x.count / max(1, rows))") }
        let each = try memberPredictions(x, rows: rows)
        let width = task == .classification ? outputs : 1
        switch combination {
        case .average(let weights):
            let total = weights.reduce(0, +)
            var out = [Float](repeating: 0, count: rows * width)
            for (p, w) in zip(each, weights) { for j in 0..<out.count { out[j] += Float(w / total) * p[j] } }
            return out
        case .hardVote(let weights):
            let total = weights.reduce(0, +)
            var out = [Float](repeating: 0, count: rows * width)
            for (p, w) in zip(each, weights) {
                for r in 0..<rows {
                    var best = 0
                    for c in 1..<width where p[r * width + c] > p[r * width + best] { best = c }
                    out[r * width + best] += Float(w / total)
                }
            }
            return out
        case let .stack(meta, passthrough):
            let z = Self.metaFeatures(each, x: x, rows: rows, features: features, width: width, passthrough: passthrough)
            return try z.withUnsafeBufferPointer { try meta.predict($0, rows: rows) }
        }
    }

    /// Row-major meta features: each member's `width` outputs in member order, then the raw features when `passthrough`.
    static func metaFeatures(_ each: [[Float]], x: UnsafeBufferPointer<Float>?, rows: Int, features: Int, width: Int, passthrough: Bool) -> [Float] {
        let columns = each.count * width + (passthrough ? features : 0)
        var z = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for (m, p) in each.enumerated() { for c in 0..<width { z[r * columns + m * width + c] = p[r * width + c] } }
            if passthrough, let x { for f in 0..<features { z[r * columns + each.count * width + f] = x[r * features + f] } }
        }
        return z
    }

    func write(to group: HDF5Group) throws {
        try EnsembleMembers.write(members, to: group)
        if let columns {
            let d = try group.createDataset("feature_subsets", shape: [columns.count, columns.first?.count ?? 0], data: columns.flatMap { $0.map(Int32.init) })
            try d.setAttribute("meaning", .string("columns each member was fitted on (member i reads x[:, feature_subsets[i]])"))
        }
        switch combination {
        case .average(let weights):
            try group.setAttribute("combination", .string(task == .classification ? "weighted mean of the members' class probabilities" : "weighted mean of the members' values"))
            try group.setAttribute("weights", .doubles(weights))
        case .hardVote(let weights):
            try group.setAttribute("combination", .string("weighted share of member votes (argmax) per class; the prediction is the majority"))
            try group.setAttribute("weights", .doubles(weights))
        case let .stack(meta, passthrough):
            try group.setAttribute("combination", .string("meta model on [member outputs in member order" + (passthrough ? ", raw features]" : "]")))
            try group.setAttribute("passthrough", .int(passthrough ? 1 : 0))
            try EnsembleMembers.writeOne(meta, to: try group.createGroup("meta"))
        }
    }

    static func read(family: String, from group: HDF5Group) throws -> FittedEnsemble {
        let task = ModelTask(rawValue: try group.attribute("task")?.stringValue ?? "") ?? .classification
        let members = try EnsembleMembers.read(from: group)
        var columns: [[Int]]?
        if group.contains("feature_subsets") {
            let d = try group.dataset("feature_subsets")
            let flat = try d.read(as: Int32.self).map(Int.init)
            let width = d.shape.count == 2 ? d.shape[1] : 0
            columns = (0..<members.count).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
        }
        let combination: EnsembleCombination
        let weights = try group.attribute("weights")?.doublesValue ?? [Double](repeating: 1, count: members.count)
        if group.contains("meta") {
            combination = .stack(meta: try EnsembleMembers.readOne(from: try group.group("meta")), passthrough: try group.attribute("passthrough")?.intValue == 1)
        } else if (try group.attribute("combination")?.stringValue ?? "").hasPrefix("weighted share") {
            combination = .hardVote(weights: weights)
        } else {
            combination = .average(weights: weights)
        }
        return FittedEnsemble(family: family, task: task, features: Int(try group.attribute("features")?.intValue ?? 0),
                              outputs: Int(try group.attribute("classes")?.intValue ?? 1), members: members, columns: columns, combination: combination)
    }
}
