import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// `search`: tunes parameters of other stages of the same pipeline. Its input is the objective stage (an
/// `evaluate` or `cross_validate` stage's metrics); each trial re-runs that stage and its upstream with the
/// sampled values (`space:` keys are `STAGE.PARAMETER[.KEY…]` paths) through the run's cache, so finished
/// trials are never recomputed — a re-run is instant and a killed search resumes where it stopped.
/// Outputs the trials table (HDF5 and CSV) and, with `best: STAGE`, that stage's model from the best trial.
public struct SearchStage: StageKind {
    public init() {}

    public var signature: StageSignature {
        StageSignature(
            kind: "search", summary: "Tune parameters of upstream stages: grid, random, Bayesian (GP), TPE or evolutionary search, with ASHA/Hyperband.",
            params: [
                ParamDecl("objective", SearchParameters.objective, required: true, help: "The input stage's metric to optimise."),
                ParamDecl("space", .dictionary(of: SearchParameters.dimension), required: true,
                          help: "Parameters to tune, by path: {train.optimizer.lr: {type: log_uniform, low: 1.0e-4, high: 0.1}, …}."),
                ParamDecl("strategy", SearchParameters.strategy, default: .string("random"), help: "How to choose the next trials."),
                ParamDecl("trials", .int(min: 1, max: 100_000), default: .int(20), help: "Configurations to try (grid: at most the grid's size)."),
                ParamDecl("batch", .int(min: 1), default: .int(1),
                          help: "Trials suggested and run at once (in parallel up to --jobs); results depend on it, not on --jobs."),
                ParamDecl("early_stopping", SearchParameters.earlyStopping, help: "Multi-fidelity trial early stopping over a budget parameter (e.g. epochs)."),
                ParamDecl("best", .string, help: "A stage with a 'model' output: the best trial's model becomes this stage's best_model output."),
            ],
            inputs: [InputRule(.metrics, min: 1, max: 1)],
            outputs: { context in
                [OutputDecl("trials", .metrics), OutputDecl("trials_csv", .files)]
                    + (context.params["best"] == nil ? [] : [OutputDecl("best_model", .model)])
            },
            check: { context in Self.check(context) },
            // Families a `space:` chooses among (`cv.model.type: [random_forest, svm]`); the objective stage's own
            // model reaches the search's fingerprint through its output's content hash.
            pluginVersions: ModelFamilyCatalog.builtInVersions)
    }

    static func check(_ context: KindCheckContext) -> [KindProblem] {
        var problems: [KindProblem] = []
        let space = context.params["space"]?.mapValue ?? [:]
        if space.isEmpty { problems.append(KindProblem(.param("space"), "expected at least one parameter to tune")) }
        for (name, dimension) in space {
            let fields = dimension.mapValue ?? [:]
            if let low = fields["low"]?.doubleValue, let high = fields["high"]?.doubleValue, low >= high {
                problems.append(KindProblem(.param("space"), "space.\(name): expected low < high, found [\(low), \(high)]"))
            }
        }
        if let rule = context.params["early_stopping"]?.mapValue {
            if let lo = rule["min"]?.intValue, let hi = rule["max"]?.intValue, let eta = rule["eta"]?.intValue {
                if lo >= hi {
                    problems.append(KindProblem(.param("early_stopping"), "expected min < max, found min \(lo), max \(hi)"))
                } else if let problem = multiFidelityProblem(minBudget: lo, maxBudget: hi, eta: eta) {
                    problems.append(KindProblem(.param("early_stopping"), problem))
                }
            }
            if let budget = rule["budget"]?.stringValue {
                if budget.split(separator: ".").count < 2 {
                    problems.append(KindProblem(.param("early_stopping"), "budget: expected STAGE.PARAMETER, e.g. train.epochs, found '\(budget)'"))
                }
                if space[budget] != nil {
                    problems.append(KindProblem(.param("early_stopping"), "budget '\(budget)' is also in the space; the early-stopping rule sets it"))
                }
            }
        }
        return problems
    }

    /// One probe per dimension (its lowest value or first choice, with its parent's enabling choice) and one
    /// for the budget parameter.
    public func trialProbes(params: [String: ParamValue], inputStages: [String]) -> [TrialProbe] {
        guard let target = inputStages.first, let space = try? TrialSpace(params["space"]?.mapValue ?? [:]) else { return [] }
        var probes: [TrialProbe] = []
        for parameter in space.space.parameters {
            var assignment: SearchAssignment = [parameter.name: Self.lowest(parameter.dimension)]
            var child = parameter
            while let condition = child.condition, let parent = space.space.parameters.first(where: { $0.name == condition.parent }) {
                assignment[parent.name] = .choice(condition.choices.min()!)
                child = parent
            }
            probes.append(TrialProbe(target: target, overrides: space.overrides(assignment), param: "space"))
            if case .categorical(let count) = parameter.dimension, count > 1 {
                for choice in 1..<count {
                    var other = assignment
                    other[parameter.name] = .choice(choice)
                    probes.append(TrialProbe(target: target, overrides: space.overrides(other), param: "space"))
                }
            }
        }
        if let budget = params["early_stopping"]?.mapValue?["budget"]?.stringValue, let low = params["early_stopping"]?.mapValue?["min"]?.intValue {
            let parts = budget.split(separator: ".").map(String.init)
            if parts.count >= 2 {
                probes.append(TrialProbe(target: target, overrides: [TrialOverride(stage: parts[0], path: Array(parts.dropFirst()), value: .int(low))],
                                         param: "early_stopping"))
            }
        }
        return probes
    }

    static func lowest(_ dimension: SearchDimension) -> SearchValue {
        switch dimension {
        case let .real(low, _, _): return .real(low)
        case let .integer(low, _, _, _): return .integer(low)
        case .categorical: return .choice(0)
        }
    }

    public func run(_ context: StageContext) throws -> StageResult {
        guard let runner = context.trials else { throw StageError("search runs trials through a pipeline run; none is available here") }
        let target = context.inputs(of: .metrics)[0].input.stage
        let space = try TrialSpace(context.param("space").mapValue ?? [:])
        let objective = context.param("objective").mapValue!
        let metric = objective["metric"]!.stringValue!
        let maximize = objective["direction"]?.stringValue != "minimize"
        let strategy = context.param("strategy").mapValue ?? ["type": .string("random")]
        let sampler = try SamplerChoice.make(strategy)
        var trialCount = context.int("trials")
        if let grid = sampler as? GridSampler {
            let size = grid.size(space.space)
            if trialCount < size { context.report(.note("the grid has \(size) points; running the first \(trialCount) (raise trials to run all)")) }
            trialCount = min(trialCount, size)
        }

        let rule = context.params["early_stopping"]?.mapValue
        let budgetParts = rule?["budget"]?.stringValue?.split(separator: ".").map(String.init)
        let batch = TrialBatch(runner: runner, target: target, space: space, metric: metric, maximize: maximize,
                               budgetPath: budgetParts.map { ($0[0], Array($0.dropFirst())) })
        let schedule = Self.schedule(rule)
        let started = Date()
        var generator = context.generator("sampler")
        var loop = SearchLoop(sampler: sampler, space: space, batch: batch, seed: generator.next(), trials: trialCount,
                              batchSize: context.int("batch"), progress: { done, total, results in
            let best = SearchLoop.ranked(results).first
            let elapsed = Date().timeIntervalSince(started)
            var message = "trial \(results.last.map { $0.row.index + 1 } ?? 0)/\(trialCount)"
            if let best, let value = best.row.value { message += String(format: " · best %@ %.4f (trial %d)", metric, value, best.row.index + 1) }
            if done < total { message += String(format: " · ETA %.0f s", elapsed / Double(done) * Double(total - done)) }
            context.report(.progress(step: min(done, total), total: total, message: message))
        })
        try loop.run(schedule)
        let results = loop.results
        let rows = results.map(\.row)

        // The best: among the evaluations at the largest budget any trial reached, the best loss.
        let topBudget = rows.compactMap(\.budget).max()
        let finalists = results.filter { $0.row.budget == topBudget }
        guard let best = SearchLoop.ranked(finalists).first ?? SearchLoop.ranked(results).first else {
            let reasons = Set(rows.map(\.message)).sorted().prefix(3).joined(separator: "; ")
            throw StageError("all \(rows.count) trials failed: \(reasons)")
        }

        var outputs: [String: String] = [:]
        let table = TrialTable(space: space, rows: rows, metric: metric)
        let tablePath = context.outputPath("trials")
        try table.writeHDF5(to: tablePath, stamp: { try context.provenance.stamp($0) }, attributes: [
            "objective": .string("\(target).\(metric) (\(maximize ? "maximize" : "minimize"))"),
            "strategy": .string(strategy["type"]!.stringValue!), "best_trial": .int(Int64(best.row.index)),
        ])
        outputs["trials"] = tablePath
        let csvPath = context.outputPath("trials_csv", extension: "csv")
        try Data(table.csv().utf8).write(to: URL(fileURLWithPath: csvPath))
        outputs["trials_csv"] = csvPath
        if let bestStage = context.params["best"]?.stringValue {
            guard let model = best.outputs[bestStage]?["model"] else {
                throw StageError("best: stage '\(bestStage)' produced no 'model' output in the trials (it must be upstream of '\(target)' and have a model output)")
            }
            let path = context.outputPath("best_model")
            try FileManager.default.copyItem(atPath: model, toPath: path)
            outputs["best_model"] = path
        }

        var metrics: [String: Double] = [
            "best_\(metric)": best.row.value!, "best_trial": Double(best.row.index),
            "trials": Double(Set(rows.map(\.index)).count), "evaluations": Double(rows.count),
            "failed_trials": Double(rows.filter { $0.status == "failed" }.count),
            "trial_seconds_total": rows.reduce(0) { $0 + $1.seconds }, "trial_seconds_mean": rows.reduce(0) { $0 + $1.seconds } / Double(max(1, rows.count)),
        ]
        for parameter in space.space.parameters {
            switch best.row.assignment[parameter.name] {
            case .real(let x)?: metrics["best.\(parameter.name)"] = x
            case .integer(let n)?: metrics["best.\(parameter.name)"] = Double(n)
            case .choice(let i)?:
                if let number = space.choices[parameter.name]![i].doubleValue { metrics["best.\(parameter.name)"] = number } else { metrics["best.\(parameter.name)#choice"] = Double(i) }
            case nil: break
            }
        }
        context.report(.note("best of \(metrics["trials"]!.formatted()) trials: \(metric) \(best.row.value!) at \(space.describe(best.row.assignment))"))
        return StageResult(outputs: outputs, metrics: metrics)
    }

    static func schedule(_ rule: [String: ParamValue]?) -> TrialSchedule {
        guard let rule, let type = rule["type"]?.stringValue else { return .plain }
        let lo = rule["min"]!.intValue!, hi = rule["max"]!.intValue!, eta = rule["eta"]!.intValue!
        let rungs = TrialSchedule.rungs(min: lo, max: hi, eta: eta)
        switch type {
        case "successive_halving": return .successiveHalving(rungs: rungs, eta: eta)
        case "asha": return .asha(ASHA(minBudget: lo, maxBudget: hi, eta: eta))
        case "hyperband": return .hyperband(min: lo, max: hi, eta: eta)
        default: return .median(rungs: rungs)
        }
    }
}
