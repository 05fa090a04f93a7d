import COpenBLAS
import Foundation
import Learn
import PipelineStore

/// A fitted linear model, shared by the linear families: scores `s = x·coefᵀ + intercept`, turned into
/// the output by its link (identity for regression, sigmoid / softmax for logistic regression, arg-max of
/// the decision values for linear SVMs).
struct LinearModel: FittedModel {
    /// How scores become outputs.
    enum Link: String {
        /// Regression: the score is the prediction.
        case identity
        /// Binary logistic: p(class 1) = sigmoid(s), one score row for two classes.
        case logistic
        /// Multinomial logistic: p = softmax(s), one score row per class.
        case softmax
        /// SVM: the predicted class (largest score; binary: class 1 when s > 0) gets probability 1.
        case decision
    }

    let family: String
    let task: ModelTask
    let features: Int
    /// Classes (classification) or 1.
    let outputs: Int
    /// `scoreRows × features`, row-major (scikit-learn's `coef_`).
    let coef: [Double]
    /// One intercept per score row (`intercept_`).
    let intercept: [Double]
    let link: Link
    /// Hyperparameters and solver facts written as attributes.
    var attributes: [String: HDF5AttributeValue] = [:]
    var fitMetrics: [String: Double] = [:]

    /// Score rows: 1 for regression and binary problems, else one per class.
    var scoreRows: Int { intercept.count }

    /// Decision values, `rows × scoreRows`.
    func scores(_ x: UnsafeBufferPointer<Float>, rows: Int) -> [Double] {
        let m = scoreRows
        var out = [Double](repeating: 0, count: rows * m)
        let xd = x.map(Double.init)
        for r in 0..<rows { for k in 0..<m { out[r * m + k] = intercept[k] } }
        xd.withUnsafeBufferPointer { a in
            coef.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(m), Int32(features), 1, a.baseAddress, Int32(max(features, 1)),
                                w.baseAddress, Int32(max(features, 1)), 1, o.baseAddress, Int32(m))
                }
            }
        }
        return out
    }

    func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [Float] {
        guard x.count == rows * features else { throw StageError("\(family): expected \(features) features per row") }
        let s = scores(x, rows: rows)
        switch link {
        case .identity:
            return s.map(Float.init)
        case .logistic:
            return s.flatMap { v -> [Float] in let p = 1 / (1 + exp(-v)); return [Float(1 - p), Float(p)] }
        case .softmax:
            var out = [Float](repeating: 0, count: s.count)
            for r in 0..<rows {
                let row = s[(r * outputs)..<((r + 1) * outputs)]
                let top = row.max()!
                let total = row.reduce(0) { $0 + exp($1 - top) }
                for k in 0..<outputs { out[r * outputs + k] = Float(exp(s[r * outputs + k] - top) / total) }
            }
            return out
        case .decision:
            if scoreRows == 1 { return oneHotArgmax(s.flatMap { [0, $0] }, rows: rows, classes: 2) }
            return oneHotArgmax(s, rows: rows, classes: outputs)
        }
    }

    func write(to group: HDF5Group) throws {
        try group.setAttribute("link", .string(link.rawValue))
        let formula: String
        switch link {
        case .identity: formula = "y = x · coefᵀ + intercept"
        case .logistic: formula = "p(class 1) = sigmoid(x · coefᵀ + intercept)"
        case .softmax: formula = "p = softmax(x · coefᵀ + intercept)"
        case .decision: formula = "class = argmax(x · coefᵀ + intercept) (binary: class 1 when the score > 0)"
        }
        try group.setAttribute("formula", .string(formula))
        for key in attributes.keys.sorted() { try group.setAttribute(key, attributes[key]!) }
        try group.writeDoubles("coef", shape: [scoreRows, features], coef, meaning: "weights, one row per score (class, or one row for binary/regression), one column per feature")
        try group.writeDoubles("intercept", shape: [scoreRows], intercept, meaning: "intercept per score row")
    }

    /// Reads a model written by `write(to:)`.
    static func read(from group: HDF5Group, family: String) throws -> LinearModel {
        let task = ModelTask(rawValue: try group.requiredString("task")) ?? .classification
        guard let link = Link(rawValue: try group.requiredString("link")) else { throw StageError("\(family): unknown link in model file") }
        let coefSet = try group.dataset("coef")
        guard coefSet.shape.count == 2 else { throw StageError("\(family): /coef must be 2-D") }
        return LinearModel(family: family, task: task, features: coefSet.shape[1], outputs: try group.requiredInt("classes"),
                           coef: try coefSet.read(as: Double.self), intercept: try group.readRequired("intercept", as: Double.self), link: link)
    }
}
