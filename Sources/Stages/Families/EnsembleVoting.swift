import Learn
import PipelineSpec
import PipelineStore

/// `voting`: members of any catalogue family fitted on the same rows; classification by soft voting
/// (weighted mean of probabilities) or hard voting (weighted majority of predicted classes), regression
/// by the weighted mean (scikit-learn's VotingClassifier / VotingRegressor). Members: see `EnsembleMembers`.
struct VotingFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("voting", fields: [
            ParamDecl("members", .list(of: EnsembleMembers.memberType, minCount: 1), required: true,
                      help: "Models to combine: each a family name or a model: mapping ({type: NAME, …}) of any catalogue family."),
            ParamDecl("voting", .choice(["soft", "hard"]), default: .string("soft"),
                      help: "Classification: soft (mean probabilities) or hard (majority of predicted classes)."),
            ParamDecl("weights", .list(of: .number(min: 0)), help: "One weight per member (default: equal)."),
        ], help: "Voting/averaging ensemble of catalogue models (soft or hard voting; mean for regression).")
    }

    var tasks: Set<ModelTask> { [.classification, .regression] }

    func check(_ params: [String: ParamValue]) -> [String] {
        var problems = EnsembleMembers.problems(list: params["members"], key: "members")
        if let weights = params["weights"]?.listValue, weights.count != params["members"]?.listValue?.count ?? 0 {
            problems.append("voting: weights has \(weights.count) entries for \(params["members"]?.listValue?.count ?? 0) members")
        } else if let weights = params["weights"]?.listValue, weights.allSatisfy({ $0.doubleValue == 0 }) {
            problems.append("voting: weights are all zero")
        }
        return problems
    }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let list = params["members"]?.listValue ?? []
        let hard = params["voting"]?.stringValue == "hard"
        if hard, data.task == .regression { throw StageError("voting: hard voting needs class labels; the training input holds regression targets") }
        var members: [any FittedModel] = []
        for (i, value) in list.enumerated() {
            let (family, memberParams) = try EnsembleMembers.resolve(value, keyPath: "members[\(i)]", ensemble: name, task: data.task)
            members.append(try family.fit(data, params: memberParams, context: context.child("members/\(i)", validation: context.validation)))
        }
        let weights = params["weights"]?.listValue?.compactMap(\.doubleValue) ?? [Double](repeating: 1, count: members.count)
        return FittedEnsemble(family: name, task: data.task, features: data.columns, outputs: data.task == .classification ? data.classes : 1,
                              members: members, columns: nil, combination: hard ? .hardVote(weights: weights) : .average(weights: weights),
                              fitMetrics: ["members": Double(members.count)])
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try FittedEnsemble.read(family: name, from: group) }
}

/// `bagging`: copies of one base model of any catalogue family, each fitted on a bootstrap sample of the
/// rows (and optionally a random subset of the columns), averaged (scikit-learn's BaggingClassifier /
/// BaggingRegressor). Member `i` draws its rows and columns from the stream `members/i` of the stage seed.
struct BaggingFamily: ModelFamily {
    var declaration: UnionVariant {
        UnionVariant("bagging", fields: [
            ParamDecl("base", EnsembleMembers.memberType, required: true, help: "The base model: a family name or a model: mapping of any catalogue family."),
            ParamDecl("n_estimators", .int(min: 1), default: .int(10), help: "Number of copies."),
            ParamDecl("max_samples", .number(min: 0, max: 1, exclusiveMin: true), default: .double(1), help: "Rows per copy, as a fraction of the training rows."),
            ParamDecl("bootstrap", .bool, default: .bool(true), help: "Draw rows with replacement (else without)."),
            ParamDecl("max_features", .number(min: 0, max: 1, exclusiveMin: true), default: .double(1),
                      help: "Columns per copy, as a fraction (drawn without replacement, kept in column order)."),
        ], help: "Bagging of any catalogue model: bootstrap rows (and column subsets), probabilities or values averaged.")
    }

    var tasks: Set<ModelTask> { [.classification, .regression] }

    func check(_ params: [String: ParamValue]) -> [String] { EnsembleMembers.problems(params["base"], keyPath: "base") }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let (family, baseParams) = try EnsembleMembers.resolve(params["base"] ?? .null, keyPath: "base", ensemble: name, task: data.task)
        let count = params["n_estimators"]?.intValue ?? 10
        let drawn = max(1, Int((Double(data.rows) * (params["max_samples"]?.doubleValue ?? 1)).rounded(.down)))
        let width = max(1, Int((Double(data.columns) * (params["max_features"]?.doubleValue ?? 1)).rounded(.down)))
        let bootstrap = params["bootstrap"]?.boolValue ?? true
        var members: [any FittedModel] = [], subsets: [[Int]] = []
        for i in 0..<count {
            var rng = context.generator("members/\(i)")
            let rows = bootstrap ? (0..<drawn).map { _ in rng.nextInt(below: data.rows) } : Array(rng.permutation(n: data.rows).prefix(drawn)).sorted()
            let columns = width < data.columns ? Array(rng.permutation(n: data.columns).prefix(width)).sorted() : Array(0..<data.columns)
            let sample = EnsembleMembers.columns(data.subset(rows), columns)
            members.append(try family.fit(sample, params: baseParams, context: context.child("members/\(i)")))
            subsets.append(columns)
        }
        return FittedEnsemble(family: name, task: data.task, features: data.columns, outputs: data.task == .classification ? data.classes : 1,
                              members: members, columns: width < data.columns ? subsets : nil,
                              combination: .average(weights: [Double](repeating: 1, count: count)), fitMetrics: ["members": Double(count)])
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try FittedEnsemble.read(family: name, from: group) }
}
