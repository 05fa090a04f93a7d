import Learn
import PipelineSpec
import PipelineStore

/// Called with every transform chain a cross-validation fits (its random-stream name, the raw training rows
/// it saw, the fitted chain), so tests can check that no test row ever reaches a fit.
typealias FitObserver = @Sendable (_ stream: String, _ train: Dataset, _ chain: FittedChain) -> Void

/// What one outer fold's inner search chose.
struct NestedFoldChoice: Sendable {
    /// The best trial's assignment (active parameters only).
    let assignment: SearchAssignment
    /// The configuration it gives (model and steps), refitted on the whole outer training part.
    let configuration: NestedTuning.Configuration
    /// The best trial's mean inner-fold score.
    let innerBest: Double
    /// Index of the best trial.
    let trial: Int
    /// Trials run (the sampler's suggestions).
    let trials: Int
}

extension NestedTuning {
    /// The inner search on one outer training part: `trials` suggestions of the sampler (one at a time, so
    /// every suggestion sees all earlier results), each scored by the mean of `innerFolds` inner-fold scores —
    /// transforms and model fitted on each inner training part only. Best: the best mean, ties to the earlier
    /// trial (as scikit-learn's GridSearchCV). Deterministic: inner folds and sampler seed come from `seed`
    /// and `stream`.
    func search(train: Dataset, base: Configuration, classes: Int, stratified: Bool, seed: UInt64, stream: String,
                fitting: FoldFitting, observe: FitObserver?) throws -> NestedFoldChoice {
        guard train.rows >= innerFolds else {
            throw StageError("tune: an outer training part has \(train.rows) rows, fewer than \(innerFolds) inner folds")
        }
        var foldGenerator = SeededGenerator(seed: seed, stream: "\(stream)/inner-folds")
        let folds = kFolds(count: train.rows, k: innerFolds, labels: stratified ? train.labels : nil, generator: &foldGenerator)
        let parts: [(train: Dataset, test: Dataset)] = folds.map { testIndices in
            let inTest = Set(testIndices)
            return (train.subset((0..<train.rows).filter { !inTest.contains($0) }), train.subset(testIndices))
        }
        var samplerGenerator = SeededGenerator(seed: seed, stream: "\(stream)/sampler")
        let samplerSeed = samplerGenerator.next()

        var observations: [SearchObservation] = []
        var best: (trial: Int, loss: Double, assignment: SearchAssignment, configuration: Configuration)?
        for trial in 0..<trials {
            guard let assignment = try sampler.suggest(space: space.space, observations: observations, pending: [], count: 1,
                                                       firstIndex: trial, seed: samplerSeed).first else { break }
            let configuration = try base.applying(space.overrides(assignment))
            var total = 0.0
            for (i, part) in parts.enumerated() {
                let partStream = "\(stream)/trial\(trial)/inner\(i)"
                let (chain, fitted) = try FittedChain.fit(configuration.steps, on: part.train, context: FitContext(seed: seed, streamPrefix: partStream))
                observe?(partStream, part.train, chain)
                let test = try chain.transform(part.test)
                let predictions = try fitting.fitPredict(model: configuration.model, name: "model", train: fitted, test: test, classes: classes,
                                                         stream: "\(partStream)/model")
                total += try CrossValidateStage.score(predictions, test: test, classes: classes)[metric] ?? .nan
            }
            let mean = total / Double(parts.count)
            let loss: Double? = mean.isFinite ? (maximize ? -mean : mean) : nil
            observations.append(SearchObservation(assignment: assignment, loss: loss))
            if let loss, best.map({ loss < $0.loss }) ?? true { best = (trial, loss, assignment, configuration) }
        }
        guard let best else { throw StageError("tune: every trial of an outer fold gave a non-finite \(metric)") }
        return NestedFoldChoice(assignment: best.assignment, configuration: best.configuration,
                                innerBest: maximize ? -best.loss : best.loss, trial: best.trial, trials: observations.count)
    }
}

/// The nested part of a cross-validation's results: per outer fold the chosen parameters, the inner best
/// score and the outer score of the tuning metric; their means show the inner estimate's optimism.
struct NestedSummary {
    let tuning: NestedTuning
    let choices: [NestedFoldChoice]
    /// The tuning metric on each outer test fold.
    let outer: [Double]

    var innerBest: [Double] { choices.map(\.innerBest) }

    /// How much better the inner estimate looks than the outer one (positive: optimistic).
    var optimism: Double {
        let inner = CrossValidationSummary.meanStd(innerBest).0, outerMean = CrossValidationSummary.meanStd(outer).0
        return tuning.maximize ? inner - outerMean : outerMean - inner
    }

    /// The value chosen for `name` in fold `i`, or nil when the parameter was inactive there.
    func chosen(_ name: String, _ i: Int) -> ParamValue? { choices[i].assignment[name].map { tuning.space.value(name, $0) } }

    func write(to root: HDF5Group) throws {
        let group = try root.createGroup("tuning")
        try group.setAttribute("metric", .string(tuning.metric))
        try group.setAttribute("direction", .string(tuning.maximize ? "maximize" : "minimize"))
        try group.setAttribute("strategy", .string(tuning.strategyName))
        try group.setAttribute("trials", .int(Int64(tuning.trials)))
        try group.setAttribute("inner_folds", .int(Int64(tuning.innerFolds)))
        try group.setAttribute("optimism", .double(optimism))
        let names = tuning.space.space.parameters.map(\.name)
        try group.setAttribute("parameters", .strings(names))
        _ = try group.createDataset("inner_best", shape: [choices.count], data: innerBest)
        _ = try group.createDataset("outer", shape: [choices.count], data: outer)
        _ = try group.createDataset("best_trial", shape: [choices.count], data: choices.map { Int64($0.trial) })
        let values = try group.createGroup("chosen")
        for name in names {
            _ = try values.createStringDataset(name, choices.indices.map { chosen(name, $0)?.canonicalJSON ?? "" })
        }
    }

    var json: ParamValue {
        let names = tuning.space.space.parameters.map(\.name)
        let (outerMean, outerStd) = CrossValidationSummary.meanStd(outer)
        return .map([
            "metric": .string(tuning.metric), "direction": .string(tuning.maximize ? "maximize" : "minimize"),
            "strategy": .string(tuning.strategyName), "trials": .int(tuning.trials), "inner_folds": .int(tuning.innerFolds),
            "outer_mean": .double(outerMean), "outer_std": .double(outerStd),
            "inner_best_mean": .double(CrossValidationSummary.meanStd(innerBest).0), "optimism": .double(optimism),
            "folds": .list(choices.indices.map { i in
                var parameters: [String: ParamValue] = [:]
                for name in names { if let value = chosen(name, i) { parameters[name] = value } }
                return .map(["outer": .double(outer[i]), "inner_best": .double(innerBest[i]), "best_trial": .int(choices[i].trial),
                             "parameters": .map(parameters)])
            }),
        ])
    }

    /// Lockfile metrics: inner-best mean, optimism, and each fold's numeric choices (`tune.fold0.model.alpha`).
    var lockMetrics: [String: Double] {
        var out = ["tune.inner_best_mean": CrossValidationSummary.meanStd(innerBest).0, "tune.optimism": optimism]
        for (i, _) in choices.enumerated() {
            out["tune.fold\(i).inner_best"] = innerBest[i]
            for parameter in tuning.space.space.parameters {
                switch choices[i].assignment[parameter.name] {
                case .real(let x)?: out["tune.fold\(i).\(parameter.name)"] = x
                case .integer(let n)?: out["tune.fold\(i).\(parameter.name)"] = Double(n)
                case .choice(let c)?:
                    if let number = tuning.space.choices[parameter.name]![c].doubleValue { out["tune.fold\(i).\(parameter.name)"] = number }
                    else { out["tune.fold\(i).\(parameter.name)#choice"] = Double(c) }
                case nil: break
                }
            }
        }
        return out
    }
}
