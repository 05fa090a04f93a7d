import Foundation
import Learn
import PipelineStore

/// How a tree model's trees combine into a prediction.
enum TreeCombination: Sendable, Equatable {
    /// Mean of the trees' leaf values (a single tree, random forests).
    case mean
    /// SAMME: class votes weighted by `weights`, turned into probabilities like scikit-learn's AdaBoost.
    case samme(weights: [Double])
    /// Gradient boosting: `baseline + Σ leaf values` (leaf values already include the learning rate);
    /// `perIteration` trees per iteration (one per class for softmax, else one).
    case boosted(baseline: [Double], perIteration: Int)
}

/// A fitted tree model of any tree family (`decision_tree`, `random_forest`, `hist_gradient_boosting`,
/// `adaboost`): node arrays plus how they combine, and feature importances.
struct FittedTrees: FittedModel {
    let family: String
    let task: ModelTask
    let features: Int
    let outputs: Int
    let trees: [TreeModel]
    let combination: TreeCombination
    var importances: FeatureImportances
    var fitMetrics: [String: Double] = [:]

    func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [Float] {
        guard x.count == rows * features else { throw StageError("\(family): expected \(features) features per row, got \(x.count / max(1, rows))") }
        switch combination {
        case .mean:
            var out = [Float](repeating: 0, count: rows * outputs)
            let scale = 1 / Float(trees.count)
            out.withUnsafeMutableBufferPointer { o in
                for tree in trees { tree.accumulate(x, rows: rows, features: features, weight: scale, into: o) }
            }
            return out
        case .samme(let weights):
            return SAMME.probabilities(trees: trees, weights: weights, x: x, rows: rows, features: features, classes: outputs)
        case let .boosted(baseline, perIteration):
            return BoostedTrees.predict(trees: trees, baseline: baseline, perIteration: perIteration, x: x, rows: rows, features: features,
                                        classification: task == .classification, classes: outputs)
        }
    }

    func write(to group: HDF5Group) throws {
        try TreeArrays.write(trees, to: try group.createGroup("trees"))
        switch combination {
        case .mean:
            try group.setAttribute("combination", .string("mean of the trees' leaf values"))
        case .samme(let weights):
            try group.setAttribute("combination", .string("SAMME: p = softmax(Σ_m w_m·onehot(argmax tree_m) / Σ w / (classes − 1))"))
            let d = try group.createDataset("tree_weights", shape: [weights.count], data: weights)
            try d.setAttribute("meaning", .string("weight of each tree's class vote (SAMME estimator weight)"))
        case let .boosted(baseline, perIteration):
            try group.setAttribute("combination", .string(task == .regression ? "value = baseline + Σ trees"
                : outputs == 2 ? "p(class 1) = sigmoid(baseline + Σ trees)" : "p = softmax(baseline + Σ trees), tree i adds to class i mod classes"))
            try group.setAttribute("trees_per_iteration", .int(Int64(perIteration)))
            let d = try group.createDataset("baseline", shape: [baseline.count], data: baseline)
            try d.setAttribute("meaning", .string("raw score before any tree (log prior odds, or the target mean)"))
        }
        try importances.write(to: group)
    }

    static func read(family: String, from group: HDF5Group) throws -> FittedTrees {
        let task = ModelTask(rawValue: try group.attribute("task")?.stringValue ?? "") ?? .classification
        let outputs = Int(try group.attribute("classes")?.intValue ?? 1)
        let features = Int(try group.attribute("features")?.intValue ?? 0)
        let trees = try TreeArrays.read(from: try group.group("trees"))
        let combination: TreeCombination
        if group.contains("tree_weights") {
            combination = .samme(weights: try group.dataset("tree_weights").read(as: Double.self))
        } else if group.contains("baseline") {
            combination = .boosted(baseline: try group.dataset("baseline").read(as: Double.self),
                                   perIteration: Int(try group.attribute("trees_per_iteration")?.intValue ?? 1))
        } else {
            combination = .mean
        }
        return FittedTrees(family: family, task: task, features: features, outputs: outputs, trees: trees, combination: combination,
                           importances: try FeatureImportances.read(from: group))
    }
}

/// Trees as concatenated node arrays (scikit-learn's `tree_` fields), one range of nodes per tree.
enum TreeArrays {
    static func write(_ trees: [TreeModel], to group: HDF5Group) throws {
        var start: [Int64] = [0]
        var feature: [Int32] = [], left: [Int32] = [], right: [Int32] = [], samples: [Int32] = []
        var threshold: [Double] = [], impurity: [Double] = []
        var value: [Float] = []
        for tree in trees {
            feature += tree.feature; left += tree.left; right += tree.right; samples += tree.samples
            threshold += tree.threshold; impurity += tree.impurity; value += tree.value
            start.append(start.last! + Int64(tree.nodeCount))
        }
        let outputs = trees.first?.outputs ?? 1
        let nodes = feature.count
        try group.setAttribute("meaning", .string("\(trees.count) binary tree(s); nodes of tree i are [tree_start[i], tree_start[i+1]); "
            + "at a split node, rows with x[feature] <= threshold go to left, others to right (indices within the tree); leaves have feature -1"))
        func put<T: HDF5Numeric>(_ name: String, _ shape: [Int], _ data: [T], _ meaning: String) throws {
            let d = try group.createDataset(name, shape: shape, data: data, gzipLevel: data.count > 4096 ? 4 : nil)
            try d.setAttribute("meaning", .string(meaning))
        }
        try put("tree_start", [start.count], start, "first node of each tree, then the total node count")
        try put("feature", [nodes], feature, "split feature (column index), -1 at leaves")
        try put("threshold", [nodes], threshold, "split threshold: x[feature] <= threshold goes left")
        try put("left", [nodes], left, "left child (node index within its tree), -1 at leaves")
        try put("right", [nodes], right, "right child (node index within its tree), -1 at leaves")
        try put("value", [nodes, outputs], value, outputs > 1 ? "class fractions of the training rows at the node (weighted)" : "node value (mean target, or leaf score)")
        try put("impurity", [nodes], impurity, "node impurity under the split criterion (0 where not tracked)")
        try put("n_node_samples", [nodes], samples, "distinct training rows that reached the node")
    }

    static func read(from group: HDF5Group) throws -> [TreeModel] {
        let start = try group.dataset("tree_start").read(as: Int64.self).map(Int.init)
        let feature = try group.dataset("feature").read(as: Int32.self)
        let threshold = try group.dataset("threshold").read(as: Double.self)
        let left = try group.dataset("left").read(as: Int32.self)
        let right = try group.dataset("right").read(as: Int32.self)
        let valueSet = try group.dataset("value")
        let value = try valueSet.read(as: Float.self)
        let impurity = try group.dataset("impurity").read(as: Double.self)
        let samples = try group.dataset("n_node_samples").read(as: Int32.self)
        let outputs = valueSet.shape.count == 2 ? valueSet.shape[1] : 1
        let nodes = feature.count
        guard [threshold.count, left.count, right.count, impurity.count, samples.count].allSatisfy({ $0 == nodes }), value.count == nodes * outputs,
              start.first == 0, start.last == nodes, zip(start, start.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw StageError("\(group.path): tree node arrays disagree in length")
        }
        return try zip(start, start.dropFirst()).map { a, b in
            let range = a..<b
            for i in range where feature[i] >= 0 {
                guard left[i] > 0, Int(left[i]) < b - a, right[i] > 0, Int(right[i]) < b - a, Int(feature[i]) < Int.max else {
                    throw StageError("\(group.path): node \(i) has a child index outside its tree")
                }
            }
            return TreeModel(feature: Array(feature[range]), threshold: Array(threshold[range]), binThreshold: [UInt8](repeating: 0, count: b - a),
                             left: Array(left[range]), right: Array(right[range]), value: Array(value[(a * outputs)..<(b * outputs)]),
                             outputs: outputs, impurity: Array(impurity[range]), samples: Array(samples[range]))
        }
    }
}

/// Feature importances stored with a model: mean decrease in impurity and, when asked for, permutation
/// importances, with the feature names; the ten largest are also an attribute so `pipeline show` lists them.
struct FeatureImportances: Sendable, Equatable {
    var names: [String]
    var impurity: [Double]?
    var permutationMean: [Double]?
    var permutationStd: [Double]?
    var permutationOn: String?

    static let none = FeatureImportances(names: [])

    init(names: [String], impurity: [Double]? = nil) {
        self.names = names
        self.impurity = impurity
    }

    func write(to group: HDF5Group) throws {
        guard impurity != nil || permutationMean != nil else { return }
        let g = try group.createGroup("feature_importances")
        try g.setAttribute("meaning", .string("how much each feature matters to the model"))
        _ = try g.createStringDataset("feature_names", names)
        if let impurity {
            let d = try g.createDataset("impurity", shape: [impurity.count], data: impurity)
            try d.setAttribute("meaning", .string("mean decrease in impurity (weighted by rows, normalised to sum 1 per tree, averaged over trees)"))
            try g.setAttribute("top_impurity", .strings(Self.top(impurity, names)))
        }
        if let mean = permutationMean, let std = permutationStd {
            let d = try g.createDataset("permutation_mean", shape: [mean.count], data: mean)
            try d.setAttribute("meaning", .string("mean drop in score (accuracy or R²) when the feature's column is shuffled, on \(permutationOn ?? "?")"))
            let s = try g.createDataset("permutation_std", shape: [std.count], data: std)
            try s.setAttribute("meaning", .string("standard deviation of that drop over the repeats"))
            try g.setAttribute("top_permutation", .strings(Self.top(mean, names)))
        }
    }

    static func read(from group: HDF5Group) throws -> FeatureImportances {
        guard group.contains("feature_importances") else { return .none }
        let g = try group.group("feature_importances")
        var out = FeatureImportances(names: try g.dataset("feature_names").readStrings(),
                                     impurity: g.contains("impurity") ? try g.dataset("impurity").read(as: Double.self) : nil)
        if g.contains("permutation_mean") {
            out.permutationMean = try g.dataset("permutation_mean").read(as: Double.self)
            out.permutationStd = try g.dataset("permutation_std").read(as: Double.self)
        }
        return out
    }

    /// "name: value" for the ten largest values, largest first.
    static func top(_ values: [Double], _ names: [String]) -> [String] {
        values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(10).map {
            "\($0 < names.count ? names[$0] : "f\($0)"): \(String(format: "%.4f", values[$0]))"
        }
    }
}
