// Multinomial logistic (softmax) regression trained by mini-batch SGD or full-batch L-BFGS.

import COpenBLAS
import Foundation

/// Training settings for `SoftmaxRegression.fit`.
///
/// The objective is `J(W, b) = (1/n) Σᵢ CEᵢ + ½ · l2 · ‖W‖²` (the bias is not penalised), where
/// `CEᵢ = −log softmax(xᵢW + b)[yᵢ]`. With scikit-learn's `LogisticRegression(C=…)` (objective `C·Σ CE + ½‖W‖²`)
/// the same optimum is reached for `l2 = 1 / (C · n)`.
public struct SoftmaxRegressionConfig: Sendable, Equatable, Codable {
    /// Optimisation algorithm.
    public enum Optimizer: String, Sendable, Equatable, Codable {
        /// Mini-batch stochastic gradient descent with optional momentum.
        case sgd
        /// Full-batch limited-memory BFGS (`LBFGS.minimize`).
        case lbfgs
    }

    /// Optimisation algorithm.
    public var optimizer: Optimizer
    /// SGD: number of passes over the data. L-BFGS: maximum number of iterations.
    public var epochs: Int
    /// SGD mini-batch size (the last batch of an epoch may be smaller). Ignored by L-BFGS.
    public var batchSize: Int
    /// SGD base learning rate. Ignored by L-BFGS.
    public var learningRate: Float
    /// SGD momentum μ ∈ [0, 1): `v ← μ·v + g`, `θ ← θ − lr·v` (the PyTorch form). 0 disables it.
    public var momentum: Float
    /// L2 penalty coefficient on the weights (not the bias), added to the mean cross-entropy as `½·l2·‖W‖²`.
    public var l2: Float
    /// L-BFGS: stop when `‖∇J‖∞ ≤ tolerance`. SGD: stop when the epoch's training loss has failed to drop below
    /// `best − tolerance` for `patience` consecutive epochs (scikit-learn's `SGDClassifier` rule); 0 disables it.
    public var tolerance: Double
    /// SGD only: number of non-improving epochs tolerated before stopping (see `tolerance`).
    public var patience: Int
    /// Optional SGD learning-rate decay: epoch `e` (0-based) uses `learningRate / (1 + lrDecay·e)`.
    public var lrDecay: Float?
    /// L-BFGS history size (number of correction pairs).
    public var lbfgsMemory: Int

    /// Creates a configuration; every argument has a default.
    public init(optimizer: Optimizer = .lbfgs, epochs: Int = 100, batchSize: Int = 128, learningRate: Float = 0.1,
                momentum: Float = 0.9, l2: Float = 1e-4, tolerance: Double = 1e-5, patience: Int = 5,
                lrDecay: Float? = nil, lbfgsMemory: Int = 10) {
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.momentum = momentum
        self.l2 = l2
        self.tolerance = tolerance
        self.patience = patience
        self.lrDecay = lrDecay
        self.lbfgsMemory = lbfgsMemory
    }
}

/// One entry of the training history (numbers only, no wall-clock time, so histories are reproducible).
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch (SGD) or iteration (L-BFGS) number.
    public var epoch: Int
    /// SGD: size-weighted mean over the epoch's mini-batches of `batch mean CE + ½·l2·‖W‖²` (W as it was for each
    /// batch). L-BFGS: the exact full-batch objective `J` at the new iterate.
    public var trainLoss: Double
    /// Mean cross-entropy (no penalty) on the validation set after the epoch, when one was given.
    public var validationLoss: Double?
    /// Accuracy on the validation set after the epoch, when one was given.
    public var validationAccuracy: Double?
    /// SGD: learning rate used during the epoch. L-BFGS: accepted line-search step length.
    public var learningRate: Double
    /// L-BFGS: `‖∇J‖∞` at the new iterate; nil for SGD.
    public var gradientNorm: Double?

    /// Memberwise initialiser.
    public init(epoch: Int, trainLoss: Double, validationLoss: Double? = nil, validationAccuracy: Double? = nil,
                learningRate: Double, gradientNorm: Double? = nil) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
        self.gradientNorm = gradientNorm
    }
}

/// A fitted softmax-regression classifier: `p = softmax(x·W + b)`.
public struct SoftmaxRegressionModel: Sendable, Equatable, Codable {
    /// Why training stopped.
    public enum StopReason: String, Sendable, Equatable, Codable {
        /// All epochs / iterations were used.
        case maxEpochs
        /// The tolerance criterion was met.
        case converged
        /// L-BFGS could not find a decreasing step (usually: at the optimum to Float precision).
        case lineSearchFailed
        /// The loss became non-finite (SGD learning rate too large).
        case diverged
    }

    /// Weights `W`, `features × classes`, row-major.
    public var weights: [Float]
    /// Bias `b`, `classes` entries.
    public var bias: [Float]
    /// Number of classes `k`.
    public var classes: Int
    /// Number of input features `d`.
    public var features: Int
    /// One record per completed epoch / iteration.
    public var history: [EpochRecord]
    /// Why training stopped.
    public var stopReason: StopReason

    /// Creates a model from parameters. Preconditions: `weights.count == features·classes`, `bias.count == classes`.
    public init(weights: [Float], bias: [Float], classes: Int, features: Int, history: [EpochRecord] = [],
                stopReason: StopReason = .maxEpochs) {
        precondition(weights.count == features * classes && bias.count == classes, "parameter shapes mismatch")
        self.weights = weights
        self.bias = bias
        self.classes = classes
        self.features = features
        self.history = history
        self.stopReason = stopReason
    }

    /// Class probabilities for a row-major `rows × features` matrix: a `rows × classes` row-major array whose rows
    /// sum to 1 (stable softmax: the row maximum is subtracted before `exp`).
    public func predictProbabilities(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        precondition(x.count == rows * features, "x.count must be rows*features")
        var out = [Float](repeating: 0, count: rows * classes)
        out.withUnsafeMutableBufferPointer { o in
            weights.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    SoftmaxRegression.logits(x: x.baseAddress, rows: rows, cols: features, classes: classes,
                                             weights: w.baseAddress!, bias: b.baseAddress!, out: o.baseAddress!)
                    SoftmaxRegression.softmaxRows(o.baseAddress!, rows: rows, classes: classes)
                }
            }
        }
        return out
    }

    /// Convenience overload of `predictProbabilities(_:rows:)` for an array.
    public func predictProbabilities(_ x: [Float], rows: Int) -> [Float] {
        x.withUnsafeBufferPointer { predictProbabilities($0, rows: rows) }
    }

    /// Predicted class per row: the arg-max of the logits (ties → the smallest class index).
    public func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Int32] {
        precondition(x.count == rows * features, "x.count must be rows*features")
        var z = [Float](repeating: 0, count: rows * classes)
        var out = [Int32](repeating: 0, count: rows)
        let k = classes
        z.withUnsafeMutableBufferPointer { zb in
            weights.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    SoftmaxRegression.logits(x: x.baseAddress, rows: rows, cols: features, classes: k,
                                             weights: w.baseAddress!, bias: b.baseAddress!, out: zb.baseAddress!)
                }
            }
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<rows { o[i] = Int32(SoftmaxRegression.argmax(zb.baseAddress! + i * k, k)) }
            }
        }
        return out
    }

    /// Convenience overload of `predict(_:rows:)` for an array.
    public func predict(_ x: [Float], rows: Int) -> [Int32] {
        x.withUnsafeBufferPointer { predict($0, rows: rows) }
    }
}

/// Namespace for fitting softmax regression and evaluating its objective.
public enum SoftmaxRegression {
    /// Fits `W` (`cols × classes`) and `b` by minimising the objective described on `SoftmaxRegressionConfig`.
    ///
    /// - Parameters:
    ///   - x: row-major `rows × cols` features (`x.count == rows·cols`, `rows ≥ 1`).
    ///   - labels: `rows` class indices in `0..<classes` (checked).
    ///   - classes: number of classes `k ≥ 2`.
    ///   - generator: used (and advanced) only by SGD, for one `permutation(n: rows)` per epoch.
    ///   - validation: optional held-out set evaluated after every epoch.
    ///   - progress: called once per epoch / iteration with the record that is also appended to `history`.
    /// - Returns: the fitted model. Parameters start at zero. Given the same inputs, configuration and generator
    ///   state the result is bit-identical (on the same machine and BLAS thread count).
    public static func fit(
        x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, labels: UnsafeBufferPointer<Int32>, classes: Int,
        config: SoftmaxRegressionConfig, generator: inout SeededGenerator,
        validation: (x: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, rows: Int)? = nil,
        progress: (EpochRecord) -> Void = { _ in }
    ) -> SoftmaxRegressionModel {
        precondition(rows >= 1 && cols >= 1 && classes >= 2, "need rows ≥ 1, cols ≥ 1, classes ≥ 2")
        precondition(x.count == rows * cols, "x.count (\(x.count)) != rows*cols (\(rows * cols))")
        precondition(labels.count == rows, "labels.count must equal rows")
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classes }, "labels must lie in 0..<classes")
        precondition(config.epochs >= 0, "epochs must be non-negative")
        if let v = validation {
            precondition(v.x.count == v.rows * cols && v.labels.count == v.rows, "validation shapes mismatch")
            precondition(v.labels.allSatisfy { $0 >= 0 && Int($0) < classes }, "validation labels out of range")
        }
        switch config.optimizer {
        case .sgd:
            return fitSGD(x: x, rows: rows, cols: cols, labels: labels, classes: classes, config: config,
                          generator: &generator, validation: validation, progress: progress)
        case .lbfgs:
            return fitLBFGS(x: x, rows: rows, cols: cols, labels: labels, classes: classes, config: config,
                            validation: validation, progress: progress)
        }
    }

    /// Evaluates the objective `J = mean CE + ½·l2·‖W‖²` and, when buffers are given, its gradient
    /// (`∂J/∂W = Xᵀ(P − Y)/n + l2·W`, `∂J/∂b = Σᵢ(Pᵢ − Yᵢ)/n`).
    ///
    /// Logits and gradients are computed in Float (sgemm); the loss is accumulated in Double.
    /// Preconditions: `weights.count == cols·classes`, `bias.count == classes`, gradient buffers (if any) likewise.
    public static func objective(
        x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, labels: UnsafeBufferPointer<Int32>, classes: Int,
        weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>, l2: Float,
        weightGradient: UnsafeMutableBufferPointer<Float>? = nil, biasGradient: UnsafeMutableBufferPointer<Float>? = nil
    ) -> Double {
        precondition(x.count == rows * cols && labels.count == rows, "shape mismatch")
        precondition(weights.count == cols * classes && bias.count == classes, "parameter shape mismatch")
        var scratch = [Float](repeating: 0, count: rows * classes)
        return scratch.withUnsafeMutableBufferPointer { s in
            lossAndGradient(x: x.baseAddress!, rows: rows, cols: cols, labels: labels.baseAddress!, classes: classes,
                            weights: weights.baseAddress!, bias: bias.baseAddress!, l2: l2, scratch: s.baseAddress!,
                            weightGradient: weightGradient?.baseAddress, biasGradient: biasGradient?.baseAddress)
        }
    }

    /// Mean cross-entropy (no penalty) and accuracy of `(weights, bias)` on a labelled set.
    public static func evaluate(
        x: UnsafeBufferPointer<Float>, rows: Int, cols: Int, labels: UnsafeBufferPointer<Int32>, classes: Int,
        weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>
    ) -> (loss: Double, accuracy: Double) {
        var scratch = [Float](repeating: 0, count: rows * classes)
        return scratch.withUnsafeMutableBufferPointer { s in
            evaluate(x: x.baseAddress!, rows: rows, cols: cols, labels: labels.baseAddress!, classes: classes,
                     weights: weights.baseAddress!, bias: bias.baseAddress!, scratch: s.baseAddress!)
        }
    }

    // MARK: - Kernels

    /// `out[rows×k] = X·W + b` (bias broadcast, then one sgemm with beta = 1).
    static func logits(x: UnsafePointer<Float>?, rows: Int, cols: Int, classes k: Int,
                       weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        for i in 0..<rows { (out + i * k).update(from: bias, count: k) }
        gemm(transposeA: false, transposeB: false, m: rows, n: k, k: cols, alpha: 1, a: x, lda: cols,
             b: weights, ldb: k, beta: 1, c: out, ldc: k)
    }

    /// In-place stable softmax of each length-`k` row.
    static func softmaxRows(_ z: UnsafeMutablePointer<Float>, rows: Int, classes k: Int) {
        for i in 0..<rows {
            let row = z + i * k
            var m = row[0]
            for j in 1..<k { m = max(m, row[j]) }
            var s: Float = 0
            for j in 0..<k {
                let e = expf(row[j] - m)
                row[j] = e
                s += e
            }
            let inv = 1 / s
            for j in 0..<k { row[j] *= inv }
        }
    }

    @inline(__always)
    static func argmax(_ row: UnsafePointer<Float>, _ k: Int) -> Int {
        var best = 0
        var bv = row[0]
        for j in 1..<k where row[j] > bv { bv = row[j]; best = j }
        return best
    }

    /// Core objective. `scratch` holds `rows × k` floats; on return it contains `(P − Y)/rows` when a gradient was
    /// requested, otherwise the probabilities' numerators are irrelevant.
    static func lossAndGradient(x: UnsafePointer<Float>, rows: Int, cols: Int, labels: UnsafePointer<Int32>,
                                classes k: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, l2: Float,
                                scratch z: UnsafeMutablePointer<Float>,
                                weightGradient gW: UnsafeMutablePointer<Float>?,
                                biasGradient gb: UnsafeMutablePointer<Float>?) -> Double {
        logits(x: x, rows: rows, cols: cols, classes: k, weights: weights, bias: bias, out: z)
        let invN = 1 / Float(rows)
        var total = 0.0
        for i in 0..<rows {
            let row = z + i * k
            let y = Int(labels[i])
            var m = row[0]
            for j in 1..<k { m = max(m, row[j]) }
            let zy = row[y]
            var s: Float = 0
            for j in 0..<k {
                let e = expf(row[j] - m)
                row[j] = e
                s += e
            }
            total += Double(m - zy) + log(Double(s))
            let scale = invN / s
            for j in 0..<k { row[j] *= scale }
            row[y] -= invN
        }
        var loss = total / Double(rows)
        let dk = cols * k
        if l2 != 0 {
            var sq = 0.0
            for i in 0..<dk { let w = Double(weights[i]); sq += w * w }
            loss += 0.5 * Double(l2) * sq
        }
        if let gW {
            gemm(transposeA: true, transposeB: false, m: cols, n: k, k: rows, alpha: 1, a: x, lda: cols,
                 b: z, ldb: k, beta: 0, c: gW, ldc: k)
            if l2 != 0 { cblas_saxpy(Int32(dk), l2, weights, 1, gW, 1) }
        }
        if let gb {
            for j in 0..<k { gb[j] = 0 }
            for i in 0..<rows {
                let row = z + i * k
                for j in 0..<k { gb[j] += row[j] }
            }
        }
        return loss
    }

    static func evaluate(x: UnsafePointer<Float>, rows: Int, cols: Int, labels: UnsafePointer<Int32>, classes k: Int,
                         weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                         scratch z: UnsafeMutablePointer<Float>) -> (loss: Double, accuracy: Double) {
        guard rows > 0 else { return (0, 0) }
        logits(x: x, rows: rows, cols: cols, classes: k, weights: weights, bias: bias, out: z)
        var total = 0.0
        var correct = 0
        for i in 0..<rows {
            let row = z + i * k
            let y = Int(labels[i])
            let best = argmax(row, k)
            if best == y { correct += 1 }
            let m = row[best]
            var s: Float = 0
            for j in 0..<k { s += expf(row[j] - m) }
            total += Double(m - row[y]) + log(Double(s))
        }
        return (total / Double(rows), Double(correct) / Double(rows))
    }

    // MARK: - SGD

    static func fitSGD(
        x: UnsafeBufferPointer<Float>, rows n: Int, cols d: Int, labels: UnsafeBufferPointer<Int32>, classes k: Int,
        config: SoftmaxRegressionConfig, generator: inout SeededGenerator,
        validation: (x: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, rows: Int)?,
        progress: (EpochRecord) -> Void
    ) -> SoftmaxRegressionModel {
        precondition(config.batchSize >= 1, "batchSize must be ≥ 1")
        let bs = min(config.batchSize, n)
        let dk = d * k
        var W = [Float](repeating: 0, count: dk)
        var b = [Float](repeating: 0, count: k)
        var vW = [Float](repeating: 0, count: dk)
        var vb = [Float](repeating: 0, count: k)
        var gW = [Float](repeating: 0, count: dk)
        var gb = [Float](repeating: 0, count: k)
        var bx = [Float](repeating: 0, count: bs * d)
        var by = [Int32](repeating: 0, count: bs)
        var z = [Float](repeating: 0, count: max(bs, validation?.rows ?? 0) * k)
        var history: [EpochRecord] = []
        var stop = SoftmaxRegressionModel.StopReason.maxEpochs
        var best = Double.infinity
        var stale = 0
        let mu = config.momentum
        let xb = x.baseAddress!, yb = labels.baseAddress!

        for epoch in 0..<config.epochs {
            let lr = config.learningRate / (1 + (config.lrDecay ?? 0) * Float(epoch))
            let order = generator.permutation(n: n)
            var epochLoss = 0.0
            order.withUnsafeBufferPointer { ord in
                W.withUnsafeMutableBufferPointer { Wp in
                b.withUnsafeMutableBufferPointer { bp in
                vW.withUnsafeMutableBufferPointer { vWp in
                vb.withUnsafeMutableBufferPointer { vbp in
                gW.withUnsafeMutableBufferPointer { gWp in
                gb.withUnsafeMutableBufferPointer { gbp in
                bx.withUnsafeMutableBufferPointer { bxp in
                by.withUnsafeMutableBufferPointer { byp in
                z.withUnsafeMutableBufferPointer { zp in
                    let Wp = Wp.baseAddress!, bp = bp.baseAddress!, vWp = vWp.baseAddress!, vbp = vbp.baseAddress!
                    let gWp = gWp.baseAddress!, gbp = gbp.baseAddress!, bxp = bxp.baseAddress!
                    let byp = byp.baseAddress!, zp = zp.baseAddress!
                    var start = 0
                    while start < n {
                        let m = min(bs, n - start)
                        for r in 0..<m {
                            let src = ord[start + r]
                            (bxp + r * d).update(from: xb + src * d, count: d)
                            byp[r] = yb[src]
                        }
                        let batchLoss = lossAndGradient(
                            x: bxp, rows: m, cols: d, labels: byp, classes: k, weights: Wp, bias: bp,
                            l2: config.l2, scratch: zp, weightGradient: gWp, biasGradient: gbp)
                        epochLoss += batchLoss * Double(m)
                        if mu != 0 {
                            cblas_sscal(Int32(dk), mu, vWp, 1)
                            cblas_saxpy(Int32(dk), 1, gWp, 1, vWp, 1)
                            cblas_saxpy(Int32(dk), -lr, vWp, 1, Wp, 1)
                            for j in 0..<k { vbp[j] = mu * vbp[j] + gbp[j]; bp[j] -= lr * vbp[j] }
                        } else {
                            cblas_saxpy(Int32(dk), -lr, gWp, 1, Wp, 1)
                            for j in 0..<k { bp[j] -= lr * gbp[j] }
                        }
                        start += m
                    }
                }}}}}}}}}
            }
            epochLoss /= Double(n)
            var record = EpochRecord(epoch: epoch + 1, trainLoss: epochLoss, learningRate: Double(lr))
            scoreValidation(&record, validation, weights: W, bias: b, cols: d, classes: k, scratch: &z)
            history.append(record)
            progress(record)
            if !epochLoss.isFinite { stop = .diverged; break }
            if config.tolerance > 0 {
                if epochLoss > best - config.tolerance { stale += 1 } else { stale = 0 }
                best = min(best, epochLoss)
                if stale >= max(1, config.patience) { stop = .converged; break }
            }
        }
        return SoftmaxRegressionModel(weights: W, bias: b, classes: k, features: d, history: history,
                                      stopReason: stop)
    }

    /// Fills the record's validation loss and accuracy for the current parameters (no-op without a set).
    static func scoreValidation(_ record: inout EpochRecord,
                                _ validation: (x: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, rows: Int)?,
                                weights W: [Float], bias b: [Float], cols d: Int, classes k: Int, scratch z: inout [Float]) {
        guard let v = validation, v.rows > 0 else { return }
        let e = W.withUnsafeBufferPointer { Wp in
            b.withUnsafeBufferPointer { bp in
                z.withUnsafeMutableBufferPointer { zp in
                    evaluate(x: v.x.baseAddress!, rows: v.rows, cols: d, labels: v.labels.baseAddress!,
                             classes: k, weights: Wp.baseAddress!, bias: bp.baseAddress!, scratch: zp.baseAddress!)
                }
            }
        }
        record.validationLoss = e.loss
        record.validationAccuracy = e.accuracy
    }

    // MARK: - L-BFGS

    static func fitLBFGS(
        x: UnsafeBufferPointer<Float>, rows n: Int, cols d: Int, labels: UnsafeBufferPointer<Int32>, classes k: Int,
        config: SoftmaxRegressionConfig,
        validation: (x: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int32>, rows: Int)?,
        progress: (EpochRecord) -> Void
    ) -> SoftmaxRegressionModel {
        let dk = d * k
        var W = [Float](repeating: 0, count: dk)
        var b = [Float](repeating: 0, count: k)
        var gW = [Float](repeating: 0, count: dk)
        var gb = [Float](repeating: 0, count: k)
        var z = [Float](repeating: 0, count: max(n, validation?.rows ?? 0) * k)
        var history: [EpochRecord] = []
        let xb = x.baseAddress!, yb = labels.baseAddress!

        // Parameter vector: [W row-major (d·k), b (k)] in Double.
        func load(_ p: UnsafeBufferPointer<Double>) {
            W.withUnsafeMutableBufferPointer { w in for i in 0..<dk { w[i] = Float(p[i]) } }
            b.withUnsafeMutableBufferPointer { bb in for j in 0..<k { bb[j] = Float(p[dk + j]) } }
        }
        let result = LBFGS.minimize(
            x0: [Double](repeating: 0, count: dk + k), maxIterations: config.epochs,
            tolerance: config.tolerance, memory: config.lbfgsMemory,
            functionPrecision: 1e-6,  // logits are Float: J is only accurate to about single precision
            progress: { it, p in
                var record = EpochRecord(epoch: it.iteration, trainLoss: it.value, learningRate: it.step,
                                         gradientNorm: it.gradientNorm)
                if let v = validation, v.rows > 0 {
                    load(p)
                    scoreValidation(&record, v, weights: W, bias: b, cols: d, classes: k, scratch: &z)
                }
                history.append(record)
                progress(record)
            },
            objective: { p, g in
                load(p)
                let loss = W.withUnsafeBufferPointer { Wp in
                    b.withUnsafeBufferPointer { bp in
                        z.withUnsafeMutableBufferPointer { zp in
                            gW.withUnsafeMutableBufferPointer { gWp in
                                gb.withUnsafeMutableBufferPointer { gbp in
                                    lossAndGradient(x: xb, rows: n, cols: d, labels: yb, classes: k,
                                                    weights: Wp.baseAddress!, bias: bp.baseAddress!, l2: config.l2,
                                                    scratch: zp.baseAddress!, weightGradient: gWp.baseAddress!,
                                                    biasGradient: gbp.baseAddress!)
                                }
                            }
                        }
                    }
                }
                gW.withUnsafeBufferPointer { s in for i in 0..<dk { g[i] = Double(s[i]) } }
                gb.withUnsafeBufferPointer { s in for j in 0..<k { g[dk + j] = Double(s[j]) } }
                return loss
            })
        result.x.withUnsafeBufferPointer { load($0) }
        let stop: SoftmaxRegressionModel.StopReason
        switch result.status {
        case .converged, .functionToleranceReached: stop = .converged
        case .maxIterations: stop = result.value.isFinite ? .maxEpochs : .diverged
        case .lineSearchFailed: stop = .lineSearchFailed
        }
        return SoftmaxRegressionModel(weights: W, bias: b, classes: k, features: d, history: history,
                                      stopReason: stop)
    }
}
