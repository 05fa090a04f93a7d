// A fitted binary decision tree as flat node arrays (scikit-learn's `tree_` layout), and prediction.

import Foundation

/// A fitted binary tree: node `i` is a leaf when `feature[i] < 0`; otherwise rows with
/// `x[feature[i]] ≤ threshold[i]` go to `left[i]`, the rest to `right[i]`. Node 0 is the root.
public struct TreeModel: Sendable, Equatable {
    /// Split feature per node, -1 for leaves.
    public var feature: [Int32]
    /// Split threshold per node (0 for leaves).
    public var threshold: [Double]
    /// Bin code of the threshold (rows with code ≤ it go left), for predicting on binned rows.
    public var binThreshold: [UInt8]
    /// Left child per node, -1 for leaves.
    public var left: [Int32]
    /// Right child per node, -1 for leaves.
    public var right: [Int32]
    /// `nodes × outputs`: class fractions (classification) or the mean/leaf value (regression).
    public var value: [Float]
    /// Values per node.
    public var outputs: Int
    /// Impurity of each node (gini, entropy, variance; 0 where not tracked).
    public var impurity: [Double]
    /// Training rows (distinct, unweighted) that reached each node.
    public var samples: [Int32]

    /// Creates a tree from node arrays.
    public init(feature: [Int32], threshold: [Double], binThreshold: [UInt8], left: [Int32], right: [Int32], value: [Float],
                outputs: Int, impurity: [Double], samples: [Int32]) {
        self.feature = feature
        self.threshold = threshold
        self.binThreshold = binThreshold
        self.left = left
        self.right = right
        self.value = value
        self.outputs = outputs
        self.impurity = impurity
        self.samples = samples
    }

    /// An empty tree to append nodes to.
    public init(outputs: Int) {
        self.init(feature: [], threshold: [], binThreshold: [], left: [], right: [], value: [], outputs: outputs, impurity: [], samples: [])
    }

    /// Number of nodes.
    public var nodeCount: Int { feature.count }
    /// Number of leaves.
    public var leafCount: Int { feature.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }
    /// Length of the longest root-to-leaf path.
    public var depth: Int {
        guard nodeCount > 0 else { return 0 }
        var depths = [Int](repeating: 0, count: nodeCount), deepest = 0
        for i in 0..<nodeCount where feature[i] >= 0 {
            depths[Int(left[i])] = depths[i] + 1
            depths[Int(right[i])] = depths[i] + 1
            deepest = max(deepest, depths[i] + 1)
        }
        return deepest
    }

    /// Appends a node and returns its index (children are filled in later by `setChildren`).
    @discardableResult
    public mutating func appendNode(value nodeValue: UnsafeBufferPointer<Float>, impurity nodeImpurity: Double, samples count: Int) -> Int {
        feature.append(-1)
        threshold.append(0)
        binThreshold.append(0)
        left.append(-1)
        right.append(-1)
        value.append(contentsOf: nodeValue)
        impurity.append(nodeImpurity)
        samples.append(Int32(count))
        return feature.count - 1
    }

    /// Turns leaf `node` into a split on `feature` at `threshold` (bin `bin`) with the given children.
    public mutating func setSplit(_ node: Int, feature f: Int, threshold t: Double, bin: UInt8, left l: Int, right r: Int) {
        feature[node] = Int32(f)
        threshold[node] = t
        binThreshold[node] = bin
        left[node] = Int32(l)
        right[node] = Int32(r)
    }

    /// The leaf reached by the row starting at `x` (raw feature values).
    @inline(__always)
    public func leaf(_ x: UnsafePointer<Float>) -> Int {
        feature.withUnsafeBufferPointer { f in
            threshold.withUnsafeBufferPointer { t in
                left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { r in
                        var node = 0
                        while f[node] >= 0 {
                            node = Int(Double(x[Int(f[node])]) <= t[node] ? l[node] : r[node])
                        }
                        return node
                    }
                }
            }
        }
    }

    /// The leaf reached by row `row` of column-major codes with `rows` rows.
    @inline(__always)
    public func leaf(codes: UnsafeBufferPointer<UInt8>, row: Int, rows: Int) -> Int {
        var node = 0
        while feature[node] >= 0 {
            node = Int(codes[Int(feature[node]) * rows + row] <= binThreshold[node] ? left[node] : right[node])
        }
        return node
    }

    /// The leaf reached by one row of bin codes (`row[f]` is feature `f`'s code).
    @inline(__always)
    public func leaf(rowCodes row: UnsafePointer<UInt8>) -> Int {
        feature.withUnsafeBufferPointer { f in
            binThreshold.withUnsafeBufferPointer { t in
                left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { r in
                        var node = 0
                        while f[node] >= 0 { node = Int(row[Int(f[node])] <= t[node] ? l[node] : r[node]) }
                        return node
                    }
                }
            }
        }
    }

    /// Adds `weight × value(leaf)` of every row of `rows × features` row-major `x` into `out` (`rows × outputs`).
    public func accumulate(_ x: UnsafeBufferPointer<Float>, rows: Int, features: Int, weight: Float = 1, into out: UnsafeMutableBufferPointer<Float>) {
        value.withUnsafeBufferPointer { v in
            for r in 0..<rows {
                let node = leaf(x.baseAddress! + r * features)
                for k in 0..<outputs { out[r * outputs + k] += weight * v[node * outputs + k] }
            }
        }
    }

    /// `rows × outputs` leaf values for `rows × features` row-major `x`.
    public func predict(_ x: UnsafeBufferPointer<Float>, rows: Int, features: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outputs)
        out.withUnsafeMutableBufferPointer { accumulate(x, rows: rows, features: features, into: $0) }
        return out
    }
}
