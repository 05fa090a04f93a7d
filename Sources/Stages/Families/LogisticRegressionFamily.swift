import Learn
import PipelineSpec
import PipelineStore

/// `logistic_regression`: binary or multinomial logistic regression with an L2, L1 or elastic-net penalty
/// and scikit-learn's `C` (scikit-learn's `LogisticRegression`). L2 / none: L-BFGS; L1 / elastic net:
/// FISTA (proximal gradient), which gives exact zeros.
struct LogisticRegressionFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("logistic_regression", fields: [
            FamilyOptions.number("C", 1, exclusiveMin: true, "Inverse penalty strength: minimises C·Σ loss + penalty(w)."),
            ParamDecl("penalty", .choice(["l2", "l1", "elasticnet", "none"]), default: .string("l2"),
                      help: "l2: ½||w||²; l1: ||w||₁; elasticnet: l1_ratio·||w||₁ + (1 − l1_ratio)/2·||w||²; none."),
            ParamDecl("l1_ratio", .number(min: 0, max: 1), help: "elasticnet: share of the L1 penalty (required with penalty: elasticnet)."),
            FamilyOptions.integer("max_iter", 100, "Maximum iterations (L-BFGS or proximal-gradient steps)."),
            FamilyOptions.number("tol", 1e-4, exclusiveMin: true, "Stop when the (proximal) gradient's largest entry is below tol."),
            FamilyOptions.fitIntercept,
        ], primary: "C", help: "Logistic regression: sigmoid for 2 classes, multinomial softmax for more.")
    }
    var tasks: Set<ModelTask> { [.classification] }

    func check(_ params: [String: ParamValue]) -> [String] {
        let penalty = params["penalty"]?.stringValue ?? "l2"
        if penalty == "elasticnet", params["l1_ratio"] == nil { return ["logistic_regression: penalty 'elasticnet' needs l1_ratio in [0, 1]"] }
        if penalty != "elasticnet", params["l1_ratio"] != nil { return ["logistic_regression: l1_ratio applies only to penalty 'elasticnet' (penalty is '\(penalty)')"] }
        return []
    }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let c = FamilyOptions.double(params, "C", 1)
        let penalty = FamilyOptions.string(params, "penalty", "l2")
        let l1Ratio: Double? = switch penalty {
        case "l1": 1
        case "elasticnet": FamilyOptions.double(params, "l1_ratio", 0.5)
        case "none": nil
        default: 0
        }
        let problem = data.x.withUnsafeBufferPointer {
            LogisticProblem($0, rows: data.rows, columns: data.columns, labels: data.labels ?? [], classes: data.classes,
                            fitIntercept: FamilyOptions.bool(params, "fit_intercept", true))
        }
        let result = problem.fit(c: c, l1Ratio: l1Ratio, tol: FamilyOptions.double(params, "tol", 1e-4),
                                 maxIterations: FamilyOptions.int(params, "max_iter", 100))
        if !result.converged {
            context.report(.note("logistic_regression did not converge in \(result.iterations) iterations (raise max_iter or tol)"))
        }
        // Parameters are feature-major (d × m) then m intercepts; coef_ is m × d.
        let m = problem.outputs, d = data.columns
        var coef = [Double](repeating: 0, count: m * d)
        for j in 0..<d { for k in 0..<m { coef[k * d + j] = result.parameters[j * m + k] } }
        let intercept = Array(result.parameters[(d * m)...])
        return LinearModel(family: name, task: .classification, features: d, outputs: data.classes, coef: coef, intercept: intercept,
                           link: m == 1 ? .logistic : .softmax,
                           attributes: ["C": .double(c), "penalty": .string(penalty), "solver": .string(l1Ratio ?? 0 > 0 ? "fista" : "lbfgs")],
                           fitMetrics: ["iterations": Double(result.iterations), "converged": result.converged ? 1 : 0,
                                        "nonzero_coefficients": Double(coef.filter { $0 != 0 }.count)])
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try LinearModel.read(from: group, family: name) }
}

/// `linear_svm`: linear support vector classifier by dual coordinate descent (liblinear, scikit-learn's
/// `LinearSVC(dual=True)`), one-vs-rest for more than two classes. Predicts the class (probability 1).
struct LinearSVMFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("linear_svm", fields: [
            FamilyOptions.number("C", 1, exclusiveMin: true, "Penalty on the margin violations: minimises ½||w||² + C·Σ loss."),
            ParamDecl("loss", .choice(["squared_hinge", "hinge"]), default: .string("squared_hinge"), help: "Margin loss."),
            FamilyOptions.integer("max_iter", 1000, "Maximum sweeps over the rows."),
            FamilyOptions.number("tol", 1e-4, exclusiveMin: true, "Stop when the projected-gradient spread is below tol."),
            FamilyOptions.fitIntercept,
            FamilyOptions.number("intercept_scaling", 1, exclusiveMin: true, "Value of the constant feature carrying the (penalised) intercept, as liblinear."),
        ], primary: "C", help: "Linear SVM (hinge or squared hinge) by dual coordinate descent; one-vs-rest for multiclass.")
    }
    var tasks: Set<ModelTask> { [.classification] }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let c = FamilyOptions.double(params, "C", 1)
        let loss = LinearSVMProblem.Loss(rawValue: FamilyOptions.string(params, "loss", "squared_hinge")) ?? .squaredHinge
        let scaling = FamilyOptions.bool(params, "fit_intercept", true) ? FamilyOptions.double(params, "intercept_scaling", 1) : nil
        let problem = data.x.withUnsafeBufferPointer { LinearSVMProblem($0, rows: data.rows, columns: data.columns, interceptScaling: scaling) }
        let machines = data.classes == 2 ? [Int32(1)] : (0..<Int32(data.classes)).map { $0 }
        var coef: [Double] = [], intercept: [Double] = []
        var sweeps = 0, unconverged = 0
        for positive in machines {
            var generator = context.generator("ovr-\(positive)")
            let result = problem.fit(y: data.signs(positive: positive), c: c, loss: loss, tol: FamilyOptions.double(params, "tol", 1e-4),
                                     maxIterations: FamilyOptions.int(params, "max_iter", 1000), generator: &generator)
            coef += result.coef
            intercept.append(result.intercept)
            sweeps = max(sweeps, result.iterations)
            if !result.converged { unconverged += 1 }
        }
        if unconverged > 0 { context.report(.note("linear_svm: \(unconverged) of \(machines.count) machines hit max_iter")) }
        return LinearModel(family: name, task: .classification, features: data.columns, outputs: data.classes, coef: coef, intercept: intercept,
                           link: .decision, attributes: ["C": .double(c), "loss": .string(loss.rawValue)],
                           fitMetrics: ["iterations": Double(sweeps), "unconverged_machines": Double(unconverged)])
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try LinearModel.read(from: group, family: name) }
}
