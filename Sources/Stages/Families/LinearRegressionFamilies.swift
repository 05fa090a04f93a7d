import Learn
import PipelineSpec
import PipelineStore

/// `linear_regression`: ordinary least squares by LAPACK `dgelsd` (scikit-learn's `LinearRegression`).
struct LinearRegressionFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("linear_regression", fields: [FamilyOptions.fitIntercept],
                     help: "Ordinary least squares (minimum-norm solution by SVD, LAPACK dgelsd).")
    }
    var tasks: Set<ModelTask> { [.regression] }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let fitIntercept = FamilyOptions.bool(params, "fit_intercept", true)
        let fit = try data.x.withUnsafeBufferPointer {
            try LeastSquares.ordinary($0, rows: data.rows, columns: data.columns, y: data.doubleTargets, fitIntercept: fitIntercept)
        }
        return LinearModel(family: name, task: .regression, features: data.columns, outputs: 1, coef: fit.coef, intercept: [fit.intercept],
                           link: .identity, attributes: ["fit_intercept": .int(fitIntercept ? 1 : 0)])
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try LinearModel.read(from: group, family: name) }
}

/// `ridge`: L2-penalised least squares, `||y − Xw − b||² + α||w||²`, by Cholesky (scikit-learn's `Ridge`).
struct RidgeFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("ridge", fields: [
            FamilyOptions.number("alpha", 1, "Penalty α on ||w||² (the intercept is not penalised)."),
            FamilyOptions.fitIntercept,
        ], primary: "alpha", help: "Ridge regression: (XᵀX + αI) w = Xᵀy on centred data, by Cholesky (LAPACK dposv).")
    }
    var tasks: Set<ModelTask> { [.regression] }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let alpha = FamilyOptions.double(params, "alpha", 1)
        let fitIntercept = FamilyOptions.bool(params, "fit_intercept", true)
        let fit = try data.x.withUnsafeBufferPointer {
            try LeastSquares.ridge($0, rows: data.rows, columns: data.columns, y: data.doubleTargets, alpha: alpha, fitIntercept: fitIntercept)
        }
        return LinearModel(family: name, task: .regression, features: data.columns, outputs: 1, coef: fit.coef, intercept: [fit.intercept],
                           link: .identity, attributes: ["alpha": .double(alpha)])
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try LinearModel.read(from: group, family: name) }
}

/// `lasso` and `elastic_net`: coordinate descent on `1/(2n)||y − Xw − b||² + α·ρ·||w||₁ + α(1 − ρ)/2·||w||²`
/// (scikit-learn's `Lasso` / `ElasticNet`), one α or a warm-started regularisation path chosen on the
/// validation input.
struct ElasticNetFamily: ModelFamily {
    /// `lasso` fixes ρ = 1; `elastic_net` declares `l1_ratio`.
    let isLasso: Bool

    var declaration: UnionVariant {
        var fields: [ParamDecl] = [
            ParamDecl("alpha", .number(min: 0, exclusiveMin: true), help: "Penalty strength α (default 1.0 when neither alphas nor n_alphas is given)."),
            ParamDecl("alphas", .list(of: .number(min: 0, exclusiveMin: true), minCount: 1),
                      help: "A regularisation path: fit each α (largest first, warm-started) and keep the one with the lowest validation MSE."),
            ParamDecl("n_alphas", .int(min: 2), help: "A path of n α values log-spaced from α_max (all weights zero) down to eps·α_max."),
            FamilyOptions.number("eps", 1e-3, exclusiveMin: true, max: 1, "Path length for n_alphas: α_min = eps·α_max."),
            FamilyOptions.integer("max_iter", 1000, "Maximum coordinate-descent sweeps per α."),
            FamilyOptions.number("tol", 1e-4, exclusiveMin: true, "Stop when the duality gap is below tol·||y||²."),
            FamilyOptions.fitIntercept,
        ]
        if !isLasso { fields.insert(FamilyOptions.number("l1_ratio", 0.5, max: 1, "ρ: share of the L1 penalty (1 = lasso, 0 = ridge-like)."), at: 3) }
        return UnionVariant(isLasso ? "lasso" : "elastic_net", fields: fields, primary: "alpha",
                            help: isLasso ? "Lasso: L1-penalised least squares by coordinate descent (exact zeros)."
                                : "Elastic net: L1 + L2 penalised least squares by coordinate descent.")
    }
    var tasks: Set<ModelTask> { [.regression] }

    func check(_ params: [String: ParamValue]) -> [String] {
        let given = ["alpha", "alphas", "n_alphas"].filter { params[$0] != nil }
        return given.count > 1 ? ["\(name): give one of alpha, alphas, n_alphas (found \(given.joined(separator: ", ")))"] : []
    }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let l1Ratio = isLasso ? 1 : FamilyOptions.double(params, "l1_ratio", 0.5)
        let fitIntercept = FamilyOptions.bool(params, "fit_intercept", true)
        let tol = FamilyOptions.double(params, "tol", 1e-4), maxIter = FamilyOptions.int(params, "max_iter", 1000)
        let problem = data.x.withUnsafeBufferPointer {
            ElasticNetProblem($0, rows: data.rows, columns: data.columns, y: data.doubleTargets, fitIntercept: fitIntercept)
        }
        var alphas: [Double]
        if let list = params["alphas"]?.listValue {
            alphas = list.compactMap(\.doubleValue).sorted(by: >)
        } else if let count = params["n_alphas"]?.intValue {
            if l1Ratio == 0 { throw StageError("\(name): n_alphas needs l1_ratio > 0 (α_max is infinite for a pure L2 penalty); give alphas") }
            alphas = problem.defaultAlphas(l1Ratio: l1Ratio, count: count, eps: FamilyOptions.double(params, "eps", 1e-3))
        } else {
            alphas = [FamilyOptions.double(params, "alpha", 1)]
        }
        var metrics: [String: Double] = [:]
        var chosen: LinearFit
        var chosenAlpha = alphas[0]
        if alphas.count == 1 {
            chosen = problem.fit(alpha: alphas[0], l1Ratio: l1Ratio, tol: tol, maxIterations: maxIter)
        } else {
            guard let validation = context.validation, let validationTargets = validation.targets else {
                throw StageError("\(name): a regularisation path (alphas / n_alphas) picks α on the validation input; give the stage a validation dataset, or set one alpha")
            }
            let yValidation = validationTargets.map(Double.init)
            var warm: [Double]? = nil
            var best: (fit: LinearFit, alpha: Double, mse: Double)?
            for (step, alpha) in alphas.enumerated() {
                let fit = problem.fit(alpha: alpha, l1Ratio: l1Ratio, tol: tol, maxIterations: maxIter, warmStart: warm)
                warm = fit.coef
                let mse = validation.x.withUnsafeBufferPointer { meanSquaredError(fit, $0, rows: validation.rows, columns: validation.columns, y: yValidation) }
                context.report(.progress(step: step + 1, total: alphas.count, message: "alpha \(alpha): validation MSE \(mse)"))
                if best == nil || mse < best!.mse { best = (fit, alpha, mse) }
            }
            chosen = best!.fit
            chosenAlpha = best!.alpha
            metrics["validation_mse"] = best!.mse
        }
        metrics["alpha"] = chosenAlpha
        metrics["iterations"] = Double(chosen.iterations)
        metrics["nonzero_coefficients"] = Double(chosen.coef.filter { $0 != 0 }.count)
        return LinearModel(family: name, task: .regression, features: data.columns, outputs: 1, coef: chosen.coef, intercept: [chosen.intercept],
                           link: .identity, attributes: ["alpha": .double(chosenAlpha), "l1_ratio": .double(l1Ratio),
                                                         "path_alphas": .doubles(alphas)],
                           fitMetrics: metrics)
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try LinearModel.read(from: group, family: name) }
}
