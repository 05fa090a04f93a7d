import Foundation

/// Solver settings shared by every binary machine of a kernel SVM.
public struct KernelSVMSettings: Sendable {
    /// The kernel (γ already resolved).
    public var kernel: Kernel
    /// Box constraint C.
    public var c: Double
    /// KKT tolerance (libsvm `eps`, scikit-learn `tol`).
    public var tol: Double
    /// Kernel-row cache size in MB.
    public var cacheMegabytes: Double
    /// Iteration cap per machine.
    public var maxIterations: Int
    /// ε of the ε-insensitive loss (regression).
    public var epsilon: Double

    /// Creates settings.
    public init(kernel: Kernel, c: Double, tol: Double = 1e-3, cacheMegabytes: Double = 200, maxIterations: Int = 10_000_000, epsilon: Double = 0.1) {
        self.kernel = kernel
        self.c = c
        self.tol = tol
        self.cacheMegabytes = cacheMegabytes
        self.maxIterations = maxIterations
        self.epsilon = epsilon
    }
}

/// A kernel SVM: shared support vectors and binary machines `f(x) = Σ coefᵢ·K(svᵢ, x) − ρ`.
///
/// Classification is one-vs-one (libsvm's and scikit-learn's `SVC`: a machine per class pair, positive
/// for the first class, prediction by votes with ties to the lower class) or one-vs-rest (a machine per
/// class, prediction by the largest decision value). Regression is ε-SVR (one machine).
public struct KernelSVMModel: Sendable {
    /// One binary machine.
    public struct Machine: Sendable, Equatable {
        /// Class for `f > 0`.
        public var positive: Int32
        /// Class for `f < 0`; −1 for "every other class" (one-vs-rest) and for regression.
        public var negative: Int32
        /// Indices into the support vectors.
        public var support: [Int32]
        /// `αᵢ·yᵢ` per support vector.
        public var coef: [Double]
        /// Offset ρ.
        public var rho: Double
        /// Platt parameters (A, B) when probabilities were fitted.
        public var platt: [Double]

        /// Creates a machine.
        public init(positive: Int32, negative: Int32, support: [Int32], coef: [Double], rho: Double, platt: [Double] = []) {
            self.positive = positive
            self.negative = negative
            self.support = support
            self.coef = coef
            self.rho = rho
            self.platt = platt
        }
    }

    /// The kernel.
    public var kernel: Kernel
    /// Support vectors (Double rows).
    public var supportVectors: KernelRows
    /// Machines in order (one-vs-one: pairs (0,1), (0,2), …, (1,2), …).
    public var machines: [Machine]
    /// Number of classes (1 for regression).
    public var classes: Int
    /// True for one-vs-rest classification.
    public var oneVsRest: Bool
    /// True for ε-SVR.
    public var regression: Bool
    /// SMO iterations summed over machines.
    public var iterations: Int = 0

    /// Creates a model from its parts.
    public init(kernel: Kernel, supportVectors: KernelRows, machines: [Machine], classes: Int, oneVsRest: Bool, regression: Bool) {
        self.kernel = kernel
        self.supportVectors = supportVectors
        self.machines = machines
        self.classes = classes
        self.oneVsRest = oneVsRest
        self.regression = regression
    }

    /// Whether every machine carries Platt parameters.
    public var hasProbabilities: Bool { !machines.isEmpty && machines.allSatisfy { $0.platt.count == 2 } }

    /// Decision values, `rows × machines`, computed 256 query rows at a time.
    public func decisionValues(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Double] {
        let d = supportVectors.columns, m = machines.count
        var out = [Double](repeating: 0, count: rows * m)
        let block = 256
        var start = 0
        while start < rows {
            let count = min(block, rows - start)
            var q = [Double](repeating: 0, count: count * d)
            var norms = [Double](repeating: 0, count: count)
            for r in 0..<count {
                for c in 0..<d {
                    let v = Double(x[(start + r) * d + c])
                    q[r * d + c] = v
                    norms[r] += v * v
                }
            }
            let k = supportVectors.kernelBlock(q, queries: count, queryNorms: norms, kernel: kernel)
            let nsv = supportVectors.count
            for r in 0..<count {
                for (index, machine) in machines.enumerated() {
                    var s = -machine.rho
                    for (i, sv) in machine.support.enumerated() { s += machine.coef[i] * k[r * nsv + Int(sv)] }
                    out[(start + r) * m + index] = s
                }
            }
            start += count
        }
        return out
    }

    /// Classification: probabilities (Platt + coupling when fitted, else 1 for the predicted class);
    /// regression: one value per row.
    public func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        let m = machines.count
        let values = decisionValues(x, rows: rows)
        if regression { return values.map(Float.init) }
        var out = [Float](repeating: 0, count: rows * classes)
        for r in 0..<rows {
            let f = values[(r * m)..<((r + 1) * m)].map { $0 }
            if hasProbabilities {
                let p: [Double]
                if oneVsRest {
                    let raw = machines.enumerated().map { PlattScaling.probability(f[$0.offset], a: $0.element.platt[0], b: $0.element.platt[1]) }
                    let total = raw.reduce(0, +)
                    p = raw.map { total > 0 ? $0 / total : 1 / Double(classes) }
                } else {
                    var pairwise = [Double](repeating: 0, count: classes * classes)
                    for (index, machine) in machines.enumerated() {
                        let win = min(max(PlattScaling.probability(f[index], a: machine.platt[0], b: machine.platt[1]), 1e-7), 1 - 1e-7)
                        pairwise[Int(machine.positive) * classes + Int(machine.negative)] = win
                        pairwise[Int(machine.negative) * classes + Int(machine.positive)] = 1 - win
                    }
                    p = PlattScaling.couple(pairwise, classes: classes)
                }
                for c in 0..<classes { out[r * classes + c] = Float(p[c]) }
            } else {
                out[r * classes + Int(predictedClass(f))] = 1
            }
        }
        return out
    }

    /// The class chosen from one row of decision values (votes for one-vs-one, first on ties; largest value for one-vs-rest).
    public func predictedClass(_ f: [Double]) -> Int32 {
        if oneVsRest {
            var best = 0
            for k in 1..<f.count where f[k] > f[best] { best = k }
            return machines[best].positive
        }
        var votes = [Int](repeating: 0, count: classes)
        for (index, machine) in machines.enumerated() { votes[Int(f[index] > 0 ? machine.positive : machine.negative)] += 1 }
        var best = 0
        for c in 1..<classes where votes[c] > votes[best] { best = c }
        return Int32(best)
    }
}

/// Fitting kernel SVMs with `SMOSolver`.
public enum KernelSVM {
    /// One solved binary problem on a row subset: support rows (indices into the subset), coefficients, ρ.
    struct BinaryFit {
        var support: [Int]
        var coef: [Double]
        var rho: Double
        var iterations: Int
    }

    static func solveBinary(_ x: UnsafeBufferPointer<Float>, columns: Int, rows: [Int], positive: [Bool], settings: KernelSVMSettings) -> BinaryFit {
        let kernelRows = KernelRows(x, columns: columns, rows: rows)
        let y = positive.map { $0 ? 1.0 : -1.0 }
        let solution = SMOSolver.solve(rows: kernelRows, kernel: settings.kernel, y: y, p: [Double](repeating: -1, count: rows.count),
                                       upper: [Double](repeating: settings.c, count: rows.count), eps: settings.tol,
                                       cacheMegabytes: settings.cacheMegabytes, maxIterations: settings.maxIterations)
        let support = (0..<rows.count).filter { solution.alpha[$0] > 0 }
        return BinaryFit(support: support, coef: support.map { solution.alpha[$0] * y[$0] }, rho: solution.rho, iterations: solution.iterations)
    }

    /// libsvm's `svm_binary_svc_probability`: decision values from 5-fold cross-validation (folds from a
    /// permutation drawn from `generator`), then Platt's sigmoid on them.
    static func plattParameters(_ x: UnsafeBufferPointer<Float>, columns: Int, rows: [Int], positive: [Bool], settings: KernelSVMSettings,
                                generator: inout SeededGenerator) -> [Double] {
        let n = rows.count, folds = 5
        let permutation = generator.permutation(n: n)
        var decisions = [Double](repeating: 0, count: n)
        for fold in 0..<folds {
            let begin = fold * n / folds, end = (fold + 1) * n / folds
            let held = Array(permutation[begin..<end])
            let kept = Array(permutation[0..<begin]) + Array(permutation[end...])
            let keptPositive = kept.map { positive[$0] }
            let positives = keptPositive.filter { $0 }.count
            if positives == 0 || positives == kept.count {
                for i in held { decisions[i] = positives == 0 ? -1 : 1 }
                continue
            }
            let fit = solveBinary(x, columns: columns, rows: kept.map { rows[$0] }, positive: keptPositive, settings: settings)
            let support = KernelRows(x, columns: columns, rows: fit.support.map { rows[kept[$0]] })
            let queries = KernelRows(x, columns: columns, rows: held.map { rows[$0] })
            let k = support.kernelBlock(queries.x, queries: held.count, queryNorms: queries.squaredNorms, kernel: settings.kernel)
            for (r, i) in held.enumerated() {
                var s = -fit.rho
                for j in 0..<support.count { s += fit.coef[j] * k[r * support.count + j] }
                decisions[i] = s
            }
        }
        let (a, b) = PlattScaling.fit(decisions: decisions, positive: positive)
        return [a, b]
    }

    /// Fits a classifier on labels in `0..<classes` (one-vs-one unless `oneVsRest`), with Platt
    /// probabilities when `probability` (random folds from `generator`).
    public static func classifier(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int, labels: [Int32], classes: Int,
                                  settings: KernelSVMSettings, oneVsRest: Bool, probability: Bool,
                                  generator: inout SeededGenerator) -> KernelSVMModel {
        var byClass = [[Int]](repeating: [], count: classes)
        for (r, label) in labels.enumerated() { byClass[Int(label)].append(r) }
        var problems: [(positive: Int32, negative: Int32, rows: [Int], signs: [Bool])] = []
        if oneVsRest && classes > 2 {
            for k in 0..<classes { problems.append((Int32(k), -1, Array(0..<rows), labels.map { $0 == Int32(k) })) }
        } else {
            for a in 0..<classes {
                for b in (a + 1)..<max(classes, a + 1) where !byClass[a].isEmpty && !byClass[b].isEmpty {
                    let subset = (byClass[a] + byClass[b]).sorted()
                    problems.append((Int32(a), Int32(b), subset, subset.map { labels[$0] == Int32(a) }))
                }
            }
        }
        var fits: [BinaryFit] = [], platt: [[Double]] = []
        for problem in problems {
            fits.append(solveBinary(x, columns: columns, rows: problem.rows, positive: problem.signs, settings: settings))
            platt.append(probability ? plattParameters(x, columns: columns, rows: problem.rows, positive: problem.signs, settings: settings,
                                                       generator: &generator) : [])
        }
        // Shared support vectors: the union of every machine's, in training-row order.
        let global = Set(zip(problems, fits).flatMap { problem, fit in fit.support.map { problem.rows[$0] } }).sorted()
        let position = Dictionary(uniqueKeysWithValues: global.enumerated().map { ($0.element, Int32($0.offset)) })
        let machines = problems.indices.map { i in
            KernelSVMModel.Machine(positive: problems[i].positive, negative: problems[i].negative,
                                   support: fits[i].support.map { position[problems[i].rows[$0]]! }, coef: fits[i].coef, rho: fits[i].rho, platt: platt[i])
        }
        var model = KernelSVMModel(kernel: settings.kernel, supportVectors: KernelRows(x, columns: columns, rows: global), machines: machines,
                                   classes: classes, oneVsRest: oneVsRest && classes > 2, regression: false)
        model.iterations = fits.reduce(0) { $0 + $1.iterations }
        return model
    }

    /// Fits ε-SVR (scikit-learn's `SVR`): 2n dual variables `α⁺, α⁻` sharing n kernel rows.
    public static func regressor(_ x: UnsafeBufferPointer<Float>, rows n: Int, columns: Int, targets: [Double], settings: KernelSVMSettings) -> KernelSVMModel {
        let kernelRows = KernelRows(x, columns: columns, rows: Array(0..<n))
        let y = [Double](repeating: 1, count: n) + [Double](repeating: -1, count: n)
        let p = targets.map { settings.epsilon - $0 } + targets.map { settings.epsilon + $0 }
        let solution = SMOSolver.solve(rows: kernelRows, kernel: settings.kernel, y: y, p: p, upper: [Double](repeating: settings.c, count: 2 * n),
                                       eps: settings.tol, cacheMegabytes: settings.cacheMegabytes, maxIterations: settings.maxIterations)
        let coef = (0..<n).map { solution.alpha[$0] - solution.alpha[$0 + n] }
        let support = (0..<n).filter { coef[$0] != 0 }
        let machine = KernelSVMModel.Machine(positive: 0, negative: -1, support: support.indices.map { Int32($0) }, coef: support.map { coef[$0] },
                                             rho: solution.rho)
        var model = KernelSVMModel(kernel: settings.kernel, supportVectors: KernelRows(x, columns: columns, rows: support), machines: [machine],
                                   classes: 1, oneVsRest: false, regression: true)
        model.iterations = solution.iterations
        return model
    }
}
