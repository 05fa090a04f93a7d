// Deep Compression's weight sharing: k-means over one layer's weights (linear initialisation, k = 2^bits),
// stored as a codebook plus one uint8 index per weight; centroid gradients are per-cluster sums.

/// A weight tensor whose values are codebook entries.
public struct SharedWeights: Sendable, Equatable {
    /// The tensor's shape.
    public var shape: [Int]
    /// The codebook (2^bits centroids).
    public var centroids: [Float]
    /// Index into `centroids` per weight, row-major.
    public var indices: [UInt8]

    /// Creates the form from its parts. Precondition: every index is below `centroids.count` ≤ 256.
    public init(shape: [Int], centroids: [Float], indices: [UInt8]) {
        precondition(centroids.count <= 256 && indices.count == shape.reduce(1, *), "shared weights: sizes")
        self.shape = shape
        self.centroids = centroids
        self.indices = indices
    }

    /// Clusters `values` with 1-D k-means into `k = 2^bits` centroids (Han et al. 2016, "Deep Compression"):
    /// centroids start evenly spaced from min to max (linear initialisation), then Lloyd iterations assign every
    /// weight to its nearest centroid and move each centroid to its cluster's mean (a centroid with an empty
    /// cluster stays put), until no assignment changes or `iterations` are done. Deterministic: no random draws.
    ///
    /// The nearest centroid is found by binary search over the midpoints between the sorted centroids (a value
    /// exactly on a midpoint goes to the smaller centroid), so an iteration costs O(n log k).
    public init(clustering values: [Float], shape: [Int], bits: Int, iterations: Int = 100) {
        precondition((1...8).contains(bits), "weight sharing: bits must be 1…8")
        let k = 1 << bits
        let lo = values.min() ?? 0, hi = values.max() ?? 0
        var centroids = (0..<k).map { k == 1 ? lo : lo + (hi - lo) * Float($0) / Float(k - 1) }
        var assignment = [UInt8](repeating: 0, count: values.count)
        var sums = [Double](repeating: 0, count: k), counts = [Int](repeating: 0, count: k)
        for iteration in 0...iterations {
            let order = (0..<k).sorted { (centroids[$0], $0) < (centroids[$1], $1) }
            let midpoints = (0..<(k - 1)).map { (centroids[order[$0]] + centroids[order[$0 + 1]]) / 2 }
            var changed = false
            values.withUnsafeBufferPointer { v in
                assignment.withUnsafeMutableBufferPointer { a in
                    midpoints.withUnsafeBufferPointer { m in
                        order.withUnsafeBufferPointer { o in
                            for i in 0..<v.count {
                                // First midpoint ≥ v: the sorted position of the nearest centroid.
                                var low = 0, high = m.count
                                while low < high {
                                    let mid = (low + high) >> 1
                                    if m[mid] < v[i] { low = mid + 1 } else { high = mid }
                                }
                                let nearest = UInt8(o[low])
                                if nearest != a[i] { changed = true; a[i] = nearest }
                            }
                        }
                    }
                }
            }
            if (iteration > 0 && !changed) || iteration == iterations { break }
            for c in 0..<k { sums[c] = 0; counts[c] = 0 }
            values.withUnsafeBufferPointer { v in
                assignment.withUnsafeBufferPointer { a in
                    for i in 0..<v.count { sums[Int(a[i])] += Double(v[i]); counts[Int(a[i])] += 1 }
                }
            }
            for c in 0..<k where counts[c] > 0 { centroids[c] = Float(sums[c] / Double(counts[c])) }
        }
        self.init(shape: shape, centroids: centroids, indices: assignment)
    }

    /// The weights: `centroids[indices[i]]`.
    public func decoded() -> [Float] { indices.map { centroids[Int($0)] } }

    /// dL/dcentroid_c = Σ over the weights assigned to c of dL/dw (the weights are tied to their centroid).
    public func centroidGradients(_ weightGradients: UnsafeBufferPointer<Float>) -> [Float] {
        precondition(weightGradients.count == indices.count, "centroid gradients: \(weightGradients.count) gradients for \(indices.count) weights")
        var sums = [Float](repeating: 0, count: centroids.count)
        indices.withUnsafeBufferPointer { idx in
            for i in 0..<idx.count { sums[Int(idx[i])] += weightGradients[i] }
        }
        return sums
    }
}

/// Fine-tunes the centroids of weight-shared layers with plain gradient descent on softmax cross-entropy:
/// each step runs a mini-batch forward and backward, sums every layer's weight gradients per cluster, moves
/// the centroids by `−learningRate ·` that sum and writes the decoded weights back (every other parameter
/// stays as it is). Rows are visited in a fixed order, in batches of `batchSize`, so the result is deterministic.
public enum CentroidFineTuning {
    /// Runs `epochs` passes over `x` (`rows × features`) with class `labels`; `shared` maps a parameter range
    /// in `network.parameters` to its codebook, which is updated in place. Returns the mean loss of each epoch.
    public static func run(network: Network, shared: inout [(range: Range<Int>, weights: SharedWeights)],
                           x: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, rows: Int,
                           epochs: Int, batchSize: Int, learningRate: Float) -> [Double] {
        let features = network.inputShape.reduce(1, *), width = network.outputShape.reduce(1, *)
        let loss = CrossEntropyLoss()
        var gradient = [Float](repeating: 0, count: batchSize * width)
        var unused = SeededGenerator(seed: 0)
        var losses: [Double] = []
        for _ in 0..<epochs {
            var total = 0.0
            var start = 0
            while start < rows {
                let m = min(batchSize, rows - start)
                let batch = UnsafeBufferPointer(rebasing: x[(start * features)..<((start + m) * features)])
                // Inference mode keeps dropout off and batch-norm statistics fixed while only centroids move.
                let output = network.forward(batch, batch: m, mode: .inference, generator: &unused)
                let value = gradient.withUnsafeMutableBufferPointer { g in
                    loss.evaluate(output: output, targets: .classes(UnsafeBufferPointer(rebasing: labels[start..<(start + m)])),
                                  batch: m, width: width, gradient: UnsafeMutableBufferPointer(rebasing: g[0..<(m * width)]))
                }
                total += value * Double(m)
                gradient.withUnsafeBufferPointer { network.backward(UnsafeBufferPointer(rebasing: $0[0..<(m * width)]), batch: m) }
                for s in shared.indices {
                    let g = shared[s].weights.centroidGradients(UnsafeBufferPointer(rebasing: network.gradients[shared[s].range]))
                    for c in g.indices { shared[s].weights.centroids[c] -= learningRate * g[c] }
                    _ = UnsafeMutableBufferPointer(rebasing: network.parameters[shared[s].range]).update(fromContentsOf: shared[s].weights.decoded())
                }
                start += m
            }
            losses.append(total / Double(max(rows, 1)))
        }
        return losses
    }
}
