import Learn
import PipelineSpec
import PipelineStore

/// `svm`: kernel SVM by SMO (libsvm's algorithm, as scikit-learn's `SVC` / `SVR`): C-SVC one-vs-one (or
/// one-vs-rest) for labels, ε-SVR for regression targets; optional Platt probabilities from internal
/// 5-fold cross-validation, as libsvm.
struct KernelSVMFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("svm", fields: [
            ParamDecl("kernel", .choice(Kernel.Kind.allCases.map(\.rawValue)), default: .string("rbf"), help: "Kernel function."),
            FamilyOptions.number("C", 1, exclusiveMin: true, "Box constraint (penalty on margin violations)."),
            ParamDecl("gamma", .oneOf([.choice(["scale", "auto"]), .number(min: 0, exclusiveMin: true)]), default: .string("scale"),
                      help: "Kernel γ: 'scale' = 1/(features·var(X)), 'auto' = 1/features, or a number."),
            FamilyOptions.integer("degree", 3, "poly: degree."),
            FamilyOptions.number("coef0", 0, min: nil, "poly / sigmoid: constant term."),
            FamilyOptions.number("tol", 1e-3, exclusiveMin: true, "Stop when the maximal KKT violation is below tol (libsvm eps)."),
            FamilyOptions.number("cache_mb", 200, exclusiveMin: true, "Kernel-row LRU cache per binary problem, in MB."),
            ParamDecl("max_iter", .int(min: 1), help: "SMO iteration cap per binary problem (default: none)."),
            ParamDecl("multiclass", .choice(["ovo", "ovr"]), default: .string("ovo"),
                      help: "ovo: a machine per class pair, majority vote (libsvm); ovr: a machine per class against the rest."),
            ParamDecl("probability", .bool, default: .bool(false),
                      help: "Platt-scaled probabilities from 5-fold internal cross-validation (5× extra fits); else the predicted class gets 1."),
            FamilyOptions.number("epsilon", 0.1, "Regression: width of the ε-insensitive tube."),
        ], primary: "kernel", help: "Kernel SVM (SMO with second-order working-set selection): classification or ε-SVR regression.")
    }
    var tasks: Set<ModelTask> { [.classification, .regression] }

    struct Fitted: FittedModel {
        let family = "svm"
        let task: ModelTask
        let model: KernelSVMModel
        var features: Int { model.supportVectors.columns }
        var outputs: Int { model.classes }
        var fitMetrics: [String: Double] {
            ["support_vectors": Double(model.supportVectors.count), "iterations": Double(model.iterations)]
        }

        func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [Float] {
            guard x.count == rows * features else { throw StageError("svm: expected \(features) features per row") }
            return model.predict(x, rows: rows)
        }

        func write(to group: HDF5Group) throws {
            let k = model.kernel
            try group.setAttribute("formula", .string("f_m(x) = Σ_i machine_coef[i]·K(support_vectors[machine_support[i]], x) − rho[m] over machine m's slice machine_offsets[m]..<machine_offsets[m+1]"))
            try group.setAttribute("kernel", .string(k.kind.rawValue))
            try group.setAttribute("gamma", .double(k.gamma))
            try group.setAttribute("coef0", .double(k.coef0))
            try group.setAttribute("degree", .int(Int64(k.degree)))
            try group.setAttribute("multiclass", .string(model.regression ? "regression" : model.oneVsRest ? "ovr" : "ovo"))
            let sv = model.supportVectors
            try group.writeDoubles("support_vectors", shape: [sv.count, sv.columns], sv.x, meaning: "support vectors (training rows with α > 0)")
            let machines = model.machines
            let pairs = try group.createDataset("machine_classes", shape: [machines.count, 2], data: machines.flatMap { [$0.positive, $0.negative] })
            try pairs.setAttribute("meaning", .string("per machine: class for f > 0, class for f < 0 (−1: every other class / regression)"))
            var offsets: [Int64] = [0]
            for m in machines { offsets.append(offsets.last! + Int64(m.support.count)) }
            let offsetSet = try group.createDataset("machine_offsets", shape: [offsets.count], data: offsets)
            try offsetSet.setAttribute("meaning", .string("machine m's support entries are machine_support/machine_coef[offsets[m]..<offsets[m+1]]"))
            let support = try group.createDataset("machine_support", shape: [Int(offsets.last!)], data: machines.flatMap(\.support))
            try support.setAttribute("meaning", .string("row of support_vectors"))
            try group.writeDoubles("machine_coef", shape: [Int(offsets.last!)], machines.flatMap(\.coef), meaning: "dual coefficient α·y per support entry")
            try group.writeDoubles("rho", shape: [machines.count], machines.map(\.rho), meaning: "offset ρ per machine (f = Σ coef·K − ρ)")
            if model.hasProbabilities {
                try group.writeDoubles("platt", shape: [machines.count, 2], machines.flatMap(\.platt),
                                       meaning: "Platt (A, B) per machine: P(f > 0 class) = 1 / (1 + exp(A·f + B))")
            }
        }
    }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let kind = Kernel.Kind(rawValue: FamilyOptions.string(params, "kernel", "rbf")) ?? .rbf
        let gamma: Double
        switch params["gamma"] {
        case .string("auto"): gamma = 1 / Double(max(data.columns, 1))
        case let value? where value.doubleValue != nil: gamma = value.doubleValue!
        default: gamma = data.x.withUnsafeBufferPointer { Kernel.scaleGamma($0, columns: data.columns) }
        }
        let kernel = Kernel(kind: kind, gamma: gamma, coef0: FamilyOptions.double(params, "coef0", 0), degree: FamilyOptions.int(params, "degree", 3))
        let settings = KernelSVMSettings(kernel: kernel, c: FamilyOptions.double(params, "C", 1), tol: FamilyOptions.double(params, "tol", 1e-3),
                                         cacheMegabytes: FamilyOptions.double(params, "cache_mb", 200),
                                         maxIterations: params["max_iter"]?.intValue ?? 10_000_000, epsilon: FamilyOptions.double(params, "epsilon", 0.1))
        let model: KernelSVMModel
        if data.task == .regression {
            model = data.x.withUnsafeBufferPointer { KernelSVM.regressor($0, rows: data.rows, columns: data.columns, targets: data.doubleTargets, settings: settings) }
        } else {
            var generator = context.generator("platt")
            model = data.x.withUnsafeBufferPointer {
                KernelSVM.classifier($0, rows: data.rows, columns: data.columns, labels: data.labels ?? [], classes: data.classes, settings: settings,
                                     oneVsRest: FamilyOptions.string(params, "multiclass", "ovo") == "ovr",
                                     probability: FamilyOptions.bool(params, "probability", false), generator: &generator)
            }
        }
        return Fitted(task: data.task, model: model)
    }

    func read(from group: HDF5Group) throws -> any FittedModel {
        let task = ModelTask(rawValue: try group.requiredString("task")) ?? .classification
        guard let kind = Kernel.Kind(rawValue: try group.requiredString("kernel")) else { throw StageError("svm: unknown kernel in model file") }
        let kernel = Kernel(kind: kind, gamma: try group.attribute("gamma")?.doubleValue ?? 1, coef0: try group.attribute("coef0")?.doubleValue ?? 0,
                            degree: try group.requiredInt("degree"))
        let svSet = try group.dataset("support_vectors")
        guard svSet.shape.count == 2 else { throw StageError("svm: /support_vectors must be 2-D") }
        let classesOf = try group.readRequired("machine_classes", as: Int32.self)
        let offsets = try group.readRequired("machine_offsets", as: Int64.self).map(Int.init)
        let support = try group.readRequired("machine_support", as: Int32.self)
        let coef = try group.readRequired("machine_coef", as: Double.self)
        let rho = try group.readRequired("rho", as: Double.self)
        let platt = group.contains("platt") ? try group.readRequired("platt", as: Double.self) : []
        let machines = rho.indices.map { m in
            KernelSVMModel.Machine(positive: classesOf[2 * m], negative: classesOf[2 * m + 1], support: Array(support[offsets[m]..<offsets[m + 1]]),
                                   coef: Array(coef[offsets[m]..<offsets[m + 1]]), rho: rho[m], platt: platt.isEmpty ? [] : [platt[2 * m], platt[2 * m + 1]])
        }
        let multiclass = try group.requiredString("multiclass")
        let model = KernelSVMModel(kernel: kernel, supportVectors: KernelRows(values: try svSet.read(as: Double.self), columns: svSet.shape[1]),
                                   machines: machines, classes: try group.requiredInt("classes"), oneVsRest: multiclass == "ovr",
                                   regression: multiclass == "regression")
        return Fitted(task: task, model: model)
    }
}
