import Learn
import PipelineSpec
import PipelineStore

/// `knn`: k-nearest neighbours (scikit-learn's `KNeighborsClassifier` / `KNeighborsRegressor`, brute force):
/// the model is the training set; predictions vote (or average) over the k closest rows in Euclidean distance.
struct NearestNeighborsFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("knn", fields: [
            FamilyOptions.integer("n_neighbors", 5, "k: neighbours that vote."),
            ParamDecl("weights", .choice(["uniform", "distance"]), default: .string("uniform"),
                      help: "uniform: equal votes; distance: votes weighted by 1/distance (exact matches take all the weight)."),
            FamilyOptions.integer("memory_mb", 64, "Bound on the distance block computed at once (queries × training rows floats)."),
        ], primary: "n_neighbors", help: "k-nearest neighbours by brute-force BLAS distances; classification (vote) or regression (mean).")
    }
    var tasks: Set<ModelTask> { [.classification, .regression] }

    struct Fitted: FittedModel {
        let family = "knn"
        let task: ModelTask
        let index: NearestNeighborIndex
        let labels: [Int32]
        let targets: [Float]
        let outputs: Int
        let k: Int
        let distanceWeights: Bool
        let memoryBudget: Int
        var features: Int { index.columns }

        func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [Float] {
            guard x.count == rows * features else { throw StageError("knn: expected \(features) features per row") }
            let (indices, distances) = index.search(x, queries: rows, k: k, memoryBudget: memoryBudget)
            let found = min(k, index.rows)
            var out = [Float](repeating: 0, count: rows * outputs)
            var weights = [Double](repeating: 1, count: found)
            for r in 0..<rows {
                if distanceWeights {
                    let exact = (0..<found).contains { distances[r * found + $0] == 0 }
                    for j in 0..<found {
                        let d = Double(distances[r * found + j])
                        weights[j] = exact ? (d == 0 ? 1 : 0) : 1 / d
                    }
                }
                let total = weights.reduce(0, +)
                if task == .regression {
                    var s = 0.0
                    for j in 0..<found { s += weights[j] * Double(targets[Int(indices[r * found + j])]) }
                    out[r] = Float(s / total)
                } else {
                    var votes = [Double](repeating: 0, count: outputs)
                    for j in 0..<found { votes[Int(labels[Int(indices[r * found + j])])] += weights[j] }
                    for c in 0..<outputs { out[r * outputs + c] = Float(votes[c] / total) }
                }
            }
            return out
        }

        func write(to group: HDF5Group) throws {
            try group.setAttribute("formula", .string(task == .regression ? "y = weighted mean of the k nearest training targets"
                                                          : "p(c) = weighted share of class c among the k nearest training rows"))
            try group.setAttribute("n_neighbors", .int(Int64(k)))
            try group.setAttribute("weights", .string(distanceWeights ? "distance" : "uniform"))
            try group.setAttribute("memory_mb", .int(Int64(memoryBudget >> 20)))
            try group.writeFloats("x", shape: [index.rows, index.columns], index.x, meaning: "training rows (the neighbours searched)")
            if task == .regression {
                try group.writeFloats("targets", shape: [targets.count], targets, meaning: "regression target per training row")
            } else {
                let dataset = try group.createDataset("labels", shape: [labels.count], data: labels)
                try dataset.setAttribute("meaning", .string("class index per training row"))
            }
        }
    }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        Fitted(task: data.task, index: NearestNeighborIndex(x: data.x, rows: data.rows, columns: data.columns), labels: data.labels ?? [],
               targets: data.targets ?? [], outputs: data.task == .regression ? 1 : data.classes, k: FamilyOptions.int(params, "n_neighbors", 5),
               distanceWeights: FamilyOptions.string(params, "weights", "uniform") == "distance",
               memoryBudget: FamilyOptions.int(params, "memory_mb", 64) << 20)
    }

    func read(from group: HDF5Group) throws -> any FittedModel {
        let task = ModelTask(rawValue: try group.requiredString("task")) ?? .classification
        let xSet = try group.dataset("x")
        guard xSet.shape.count == 2 else { throw StageError("knn: /x must be 2-D") }
        return Fitted(task: task, index: NearestNeighborIndex(x: try xSet.read(as: Float.self), rows: xSet.shape[0], columns: xSet.shape[1]),
                      labels: task == .classification ? try group.readRequired("labels", as: Int32.self) : [],
                      targets: task == .regression ? try group.readRequired("targets", as: Float.self) : [],
                      outputs: try group.requiredInt("classes"), k: try group.requiredInt("n_neighbors"),
                      distanceWeights: try group.requiredString("weights") == "distance", memoryBudget: try group.requiredInt("memory_mb") << 20)
    }
}
