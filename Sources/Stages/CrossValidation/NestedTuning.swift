import Learn
import PipelineSpec

/// `cross_validate`'s `tune:` — nested cross-validation. For every outer fold a hyperparameter search (the
/// `search` kind's samplers) picks the model's and steps' parameters by inner k-fold cross-validation on the
/// outer training rows only; the best configuration is refitted on all outer training rows and scored on the
/// outer test fold. Paths of `space:` are `model.PARAM[.KEY…]` or `steps.INDEX.PARAM[.KEY…]`.
struct NestedTuning {
    /// Metrics the folds record (classification, then regression), which `metric:` may name.
    static let metrics = ["accuracy", "balanced_accuracy", "macro_f1", "log_loss", "mse", "rmse", "mae", "r2"]
    /// Metrics where smaller is better: `direction:` defaults to minimize for these.
    static let minimized: Set<String> = ["log_loss", "mse", "rmse", "mae"]

    /// The `tune:` declaration.
    static let declaration: ParamType = .object([
        ParamDecl("space", .dictionary(of: SearchParameters.dimension), required: true,
                  help: "Parameters to tune, by path: {model.alpha: {type: log_uniform, low: 1.0e-3, high: 100}, steps.0.k: …}."),
        ParamDecl("strategy", SearchParameters.strategy, default: .string("grid"), help: "How each outer fold's search chooses trials (the search kind's samplers)."),
        ParamDecl("trials", .int(min: 1, max: 100_000), default: .int(20), help: "Configurations per outer fold (grid: at most the grid's size)."),
        ParamDecl("folds", .int(min: 2, max: 1000), default: .int(3), help: "Inner folds on each outer training part."),
        ParamDecl("metric", .choice(metrics), help: "Inner metric to optimise (default accuracy, or r2 for regression)."),
        ParamDecl("direction", .choice(["maximize", "minimize"]), help: "Default: minimize for log_loss, mse, rmse, mae; else maximize."),
    ])

    let space: TrialSpace
    let sampler: any SearchSampler
    let trials: Int
    let innerFolds: Int
    let metric: String
    let maximize: Bool
    let strategyName: String

    /// Builds the tuning from the validated `tune:` mapping; `task` picks the default metric.
    init(_ tune: [String: ParamValue], task: ModelTask) throws {
        space = try TrialSpace(tune["space"]?.mapValue ?? [:], prefix: "tune.space")
        let strategy = tune["strategy"]?.mapValue ?? ["type": .string("grid")]
        strategyName = strategy["type"]?.stringValue ?? "grid"
        sampler = try SamplerChoice.make(strategy)
        var count = tune["trials"]?.intValue ?? 20
        if let grid = sampler as? GridSampler { count = min(count, grid.size(space.space)) }
        trials = count
        innerFolds = tune["folds"]?.intValue ?? 3
        metric = tune["metric"]?.stringValue ?? (task == .classification ? "accuracy" : "r2")
        let classification = Array(Self.metrics.prefix(4))
        guard classification.contains(metric) == (task == .classification) else {
            throw StageError("tune.metric '\(metric)' is a \(task == .classification ? "regression" : "classification") metric; "
                             + "this \(task.rawValue) problem records \((task == .classification ? classification : Array(Self.metrics.dropFirst(4))).joined(separator: ", "))")
        }
        maximize = (tune["direction"]?.stringValue ?? (Self.minimized.contains(metric) ? "minimize" : "maximize")) == "maximize"
    }

    /// One candidate configuration: the model mapping and the transform steps.
    struct Configuration: Sendable {
        var model: [String: ParamValue]
        var steps: [[String: ParamValue]]

        /// A copy with the assignment's values set, each re-validated as the YAML would be.
        func applying(_ overrides: [TrialOverride]) throws -> Configuration {
            var out = self
            for override in overrides {
                let name = ([override.stage] + override.path).joined(separator: ".")
                do {
                    switch override.stage {
                    case "model":
                        let set = try ParamValue.map(out.model).setting(override.path, to: override.value, prefix: "model")
                        let checked = TrainingParameters.model.validate(set, keyPath: "model")
                        guard let value = checked.value?.mapValue else { throw TuneProblem(checked.problems.joined(separator: "; ")) }
                        out.model = value
                    case "steps":
                        guard let first = override.path.first, let index = Int(first), out.steps.indices.contains(index), override.path.count >= 2 else {
                            throw TuneProblem("expected steps.INDEX.PARAM with INDEX in 0..<\(out.steps.count)")
                        }
                        let set = try ParamValue.map(out.steps[index]).setting(Array(override.path.dropFirst()), to: override.value, prefix: "steps.\(index)")
                        let checked = TransformCatalog.builtIn.stepType.validate(set, keyPath: "steps.\(index)")
                        guard let value = checked.value?.mapValue else { throw TuneProblem(checked.problems.joined(separator: "; ")) }
                        if let kind = value["type"]?.stringValue.flatMap(TransformCatalog.builtIn.step), let problem = kind.check(value).first {
                            throw TuneProblem("steps.\(index): \(problem)")
                        }
                        out.steps[index] = value
                    default:
                        throw TuneProblem("expected a path starting with 'model.' or 'steps.INDEX.'")
                    }
                } catch let error as OverrideError {
                    throw StageError("tune.space.\(name) = \(override.value): \(error.description)")
                } catch let error as TuneProblem {
                    throw StageError("tune.space.\(name) = \(override.value): \(error.text)")
                }
            }
            return out
        }
    }

    /// Problems of a `tune:` mapping for the kind check: bad paths, values the model or a step rejects (each
    /// dimension probed at its bounds and every choice), `tune` with several models.
    static func check(_ tune: [String: ParamValue], params: [String: ParamValue]) -> [KindProblem] {
        if params["models"] != nil {
            return [KindProblem(.param("tune"), "nested tuning needs one 'model:', not 'models:'", hint: "tune each model in its own cross_validate stage")]
        }
        let declared = tune["space"]?.mapValue ?? [:]
        if declared.isEmpty { return [KindProblem(.param("tune"), "tune.space: expected at least one parameter to tune")] }
        let badPaths = declared.keys.sorted().filter { name in
            let parts = name.split(separator: ".")
            return parts.count < 2 || !["model", "steps"].contains(String(parts[0])) || (parts[0] == "steps" && (parts.count < 3 || Int(parts[1]) == nil))
        }
        if !badPaths.isEmpty {
            return badPaths.map {
                KindProblem(.param("tune"), "tune.space.\($0): expected model.PARAM[.KEY…] or steps.INDEX.PARAM[.KEY…]",
                            hint: "e.g. model.alpha, model.n_neighbors, steps.0.k")
            }
        }
        let space: TrialSpace
        do {
            space = try TrialSpace(declared, prefix: "tune.space")
        } catch {
            return [KindProblem(.param("tune"), "\(error)")]
        }
        let base = Configuration(model: params["model"]?.mapValue ?? [:], steps: (params["steps"]?.listValue ?? []).compactMap(\.mapValue))
        var problems: [KindProblem] = []
        for parameter in space.space.parameters {
            let parts = parameter.name.split(separator: ".").map(String.init)
            let probes: [ParamValue]
            switch parameter.dimension {
            case let .real(low, high, _): probes = [.double(low), .double(high)]
            case let .integer(low, high, _, _): probes = [.int(low), .int(high)]
            case .categorical: probes = space.choices[parameter.name] ?? []
            }
            // A conditional parameter is probed with the parent choice that enables it.
            var enabling: [TrialOverride] = []
            var child = parameter
            while let condition = child.condition, let parent = space.space.parameters.first(where: { $0.name == condition.parent }) {
                let parentParts = parent.name.split(separator: ".").map(String.init)
                enabling.insert(TrialOverride(stage: parentParts[0], path: Array(parentParts.dropFirst()),
                                              value: space.choices[parent.name]![condition.choices.min()!]), at: 0)
                child = parent
            }
            for value in probes {
                do {
                    _ = try base.applying(enabling + [TrialOverride(stage: parts[0], path: Array(parts.dropFirst()), value: value)])
                } catch {
                    problems.append(KindProblem(.param("tune"), "\(error)", hint: "paths are model.PARAM or steps.INDEX.PARAM of this stage"))
                    break
                }
            }
        }
        return problems
    }
}

/// Why one tuned value does not fit the model or step it is set in.
private struct TuneProblem: Error {
    let text: String
    init(_ text: String) { self.text = text }
}
