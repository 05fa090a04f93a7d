import Learn
import PipelineSpec
import PipelineStore

/// `gaussian_nb`: Gaussian naive Bayes (scikit-learn's `GaussianNB`).
struct GaussianNaiveBayesFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("gaussian_nb", fields: [
            FamilyOptions.number("var_smoothing", 1e-9, "Added to every variance, as a fraction of the largest feature variance."),
        ], primary: "var_smoothing", help: "Gaussian naive Bayes: per-class feature means and variances.")
    }
    var tasks: Set<ModelTask> { [.classification] }

    struct Fitted: FittedModel {
        let family = "gaussian_nb"
        let task = ModelTask.classification
        let model: GaussianNaiveBayes
        var features: Int { model.features }
        var outputs: Int { model.prior.count }

        func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [Float] {
            guard x.count == rows * features else { throw StageError("gaussian_nb: expected \(features) features per row") }
            return normalizedProbabilities(model.jointLogLikelihood(x, rows: rows), rows: rows, classes: outputs)
        }

        func write(to group: HDF5Group) throws {
            try group.setAttribute("formula", .string("log p(c|x) ∝ log class_prior[c] + Σ_j log N(x_j; theta[c, j], var[c, j])"))
            try group.writeDoubles("class_prior", shape: [outputs], model.prior, meaning: "P(class), from class frequencies")
            try group.writeDoubles("theta", shape: [outputs, features], model.theta, meaning: "per-class feature means")
            try group.writeDoubles("var", shape: [outputs, features], model.variance, meaning: "per-class feature variances plus the smoothing epsilon")
        }
    }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        Fitted(model: data.x.withUnsafeBufferPointer {
            GaussianNaiveBayes.fit($0, rows: data.rows, columns: data.columns, labels: data.labels ?? [], classes: data.classes,
                                   varSmoothing: FamilyOptions.double(params, "var_smoothing", 1e-9))
        })
    }

    func read(from group: HDF5Group) throws -> any FittedModel {
        let theta = try group.dataset("theta")
        return Fitted(model: GaussianNaiveBayes(prior: try group.readRequired("class_prior", as: Double.self), theta: try theta.read(as: Double.self),
                                                variance: try group.readRequired("var", as: Double.self), features: theta.shape[1]))
    }
}

/// `multinomial_nb`: multinomial naive Bayes with additive smoothing (scikit-learn's `MultinomialNB`).
struct MultinomialNaiveBayesFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("multinomial_nb", fields: [
            FamilyOptions.number("alpha", 1, "Additive (Laplace/Lidstone) smoothing added to every feature count."),
        ], primary: "alpha", help: "Multinomial naive Bayes for counts or frequencies (features must be ≥ 0).")
    }
    var tasks: Set<ModelTask> { [.classification] }

    struct Fitted: FittedModel {
        let family = "multinomial_nb"
        let task = ModelTask.classification
        let model: MultinomialNaiveBayes
        var features: Int { model.features }
        var outputs: Int { model.classLogPrior.count }

        func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [Float] {
            guard x.count == rows * features else { throw StageError("multinomial_nb: expected \(features) features per row") }
            return normalizedProbabilities(model.jointLogLikelihood(x, rows: rows), rows: rows, classes: outputs)
        }

        func write(to group: HDF5Group) throws {
            try group.setAttribute("formula", .string("log p(c|x) ∝ class_log_prior[c] + x · feature_log_prob[c]"))
            try group.writeDoubles("class_log_prior", shape: [outputs], model.classLogPrior, meaning: "log P(class), from class frequencies")
            try group.writeDoubles("feature_log_prob", shape: [outputs, features], model.featureLogProb,
                                   meaning: "log of the smoothed per-class feature distribution (N_cj + alpha) / (N_c + alpha·features)")
        }
    }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        do {
            return Fitted(model: try data.x.withUnsafeBufferPointer {
                try MultinomialNaiveBayes.fit($0, rows: data.rows, columns: data.columns, labels: data.labels ?? [], classes: data.classes,
                                              alpha: FamilyOptions.double(params, "alpha", 1))
            })
        } catch let error as ClassicalModelError {
            throw StageError("\(error.description) (scale with minmax, or use gaussian_nb)")
        }
    }

    func read(from group: HDF5Group) throws -> any FittedModel {
        let logProb = try group.dataset("feature_log_prob")
        return Fitted(model: MultinomialNaiveBayes(classLogPrior: try group.readRequired("class_log_prior", as: Double.self),
                                                   featureLogProb: try logProb.read(as: Double.self), features: logProb.shape[1]))
    }
}
