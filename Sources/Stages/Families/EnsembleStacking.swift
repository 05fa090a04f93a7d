import Learn
import PipelineSpec
import PipelineStore

/// `stacking` and `blending`: members of any catalogue family whose outputs (class probabilities, or
/// values) feed a final (meta) model (scikit-learn's StackingClassifier / StackingRegressor; blending is
/// the holdout variant).
///
/// Stacking: the meta model is fitted on out-of-fold predictions — fold `f` of `cv` folds is predicted by
/// members fitted on the other folds. Folds are deterministic: classification assigns the j-th row of
/// each class (in row order) to fold j mod cv (stratified); regression assigns row i to fold i mod cv.
/// The members kept in the model are then refitted on all rows. Blending: a seeded `holdout` fraction of
/// the rows is set aside; members fit on the rest, the meta model on their predictions for the holdout.
struct StackingFamily: ModelFamily {
    /// true: `blending` (holdout); false: `stacking` (k folds).
    let blending: Bool

    var declaration: UnionVariant {
        let split = blending
            ? ParamDecl("holdout", .number(min: 0, max: 1, exclusiveMin: true, exclusiveMax: true), default: .double(0.2),
                        help: "Fraction of the training rows held out (seeded shuffle) to fit the final model on.")
            : ParamDecl("cv", .int(min: 2), default: .int(5), help: "Folds for the out-of-fold predictions the final model is fitted on.")
        return UnionVariant(blending ? "blending" : "stacking", fields: [
            ParamDecl("members", .list(of: EnsembleMembers.memberType, minCount: 1), required: true,
                      help: "Base models: each a family name or a model: mapping ({type: NAME, …}) of any catalogue family."),
            ParamDecl("final", EnsembleMembers.memberType, required: true, help: "The final (meta) model, of any catalogue family."),
            split,
            ParamDecl("passthrough", .bool, default: .bool(false), help: "Also give the final model the raw features."),
        ], help: blending ? "Blending: base models fitted on most rows, a final model on their predictions for a holdout."
                          : "Stacking: a final model fitted on out-of-fold predictions of the base models (refitted on all rows).")
    }

    var tasks: Set<ModelTask> { [.classification, .regression] }

    func check(_ params: [String: ParamValue]) -> [String] {
        EnsembleMembers.problems(list: params["members"], key: "members") + EnsembleMembers.problems(params["final"], keyPath: "final")
    }

    /// Fold of each row (see the type's doc comment).
    static func folds(_ data: FitData, k: Int) -> [Int] {
        guard let labels = data.labels else { return (0..<data.rows).map { $0 % k } }
        var seen = [Int](repeating: 0, count: max(data.classes, Int(labels.max() ?? 0) + 1))
        return labels.map { y in
            defer { seen[Int(y)] += 1 }
            return seen[Int(y)] % k
        }
    }

    func resolveMembers(_ params: [String: ParamValue], task: ModelTask) throws -> [(any ModelFamily, [String: ParamValue])] {
        try (params["members"]?.listValue ?? []).enumerated().map {
            try EnsembleMembers.resolve($1, keyPath: "members[\($0)]", ensemble: name, task: task)
        }
    }

    /// Out-of-fold member outputs, `rows × (members · width)` row-major (member order, then output).
    func outOfFold(_ data: FitData, members: [(any ModelFamily, [String: ParamValue])], k: Int, context: FitContext) throws -> [Float] {
        let width = data.task == .classification ? data.classes : 1
        let fold = Self.folds(data, k: k)
        var z = [Float](repeating: 0, count: data.rows * members.count * width)
        for f in 0..<k {
            let inside = (0..<data.rows).filter { fold[$0] != f }, outside = (0..<data.rows).filter { fold[$0] == f }
            guard !inside.isEmpty, !outside.isEmpty else { throw StageError("\(name): fold \(f) of \(k) is empty; lower cv (the training input has \(data.rows) rows)") }
            let train = data.subset(inside), held = data.subset(outside)
            for (m, (family, params)) in members.enumerated() {
                let model = try family.fit(train, params: params, context: context.child("fold\(f)/members/\(m)"))
                let p = try held.x.withUnsafeBufferPointer { try model.predict($0, rows: held.rows) }
                for (j, row) in outside.enumerated() {
                    for c in 0..<width { z[row * members.count * width + m * width + c] = p[j * width + c] }
                }
            }
        }
        return z
    }

    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel {
        let members = try resolveMembers(params, task: data.task)
        let (finalFamily, finalParams) = try EnsembleMembers.resolve(params["final"] ?? .null, keyPath: "final", ensemble: name, task: data.task)
        let passthrough = params["passthrough"]?.boolValue ?? false
        let width = data.task == .classification ? data.classes : 1
        var fitted: [any FittedModel] = []
        let metaData: FitData
        if blending {
            var rng = context.generator("holdout")
            let order = rng.permutation(n: data.rows)
            let held = max(1, Int((Double(data.rows) * (params["holdout"]?.doubleValue ?? 0.2)).rounded(.down)))
            guard held < data.rows else { throw StageError("\(name): holdout leaves no rows for the members") }
            let fitRows = Array(order.dropFirst(held)).sorted(), holdRows = Array(order.prefix(held)).sorted()
            let train = data.subset(fitRows), holdout = data.subset(holdRows)
            for (m, (family, memberParams)) in members.enumerated() {
                fitted.append(try family.fit(train, params: memberParams, context: context.child("members/\(m)")))
            }
            let each = try holdout.x.withUnsafeBufferPointer { x in try fitted.map { try $0.predict(x, rows: holdout.rows) } }
            let z = holdout.x.withUnsafeBufferPointer { FittedEnsemble.metaFeatures(each, x: $0, rows: holdout.rows, features: data.columns, width: width, passthrough: passthrough) }
            metaData = FitData(x: z, rows: holdout.rows, columns: z.count / holdout.rows, labels: holdout.labels, targets: holdout.targets, classes: data.classes)
        } else {
            let k = params["cv"]?.intValue ?? 5
            var z = try outOfFold(data, members: members, k: k, context: context)
            if passthrough {
                let count = members.count
                var each = [[Float]](repeating: [Float](repeating: 0, count: data.rows * width), count: count)
                for r in 0..<data.rows {
                    for m in 0..<count {
                        for c in 0..<width { each[m][r * width + c] = z[(r * count + m) * width + c] }
                    }
                }
                z = data.x.withUnsafeBufferPointer { FittedEnsemble.metaFeatures(each, x: $0, rows: data.rows, features: data.columns, width: width, passthrough: true) }
            }
            metaData = FitData(x: z, rows: data.rows, columns: z.count / data.rows, labels: data.labels, targets: data.targets, classes: data.classes)
            for (m, (family, memberParams)) in members.enumerated() {
                fitted.append(try family.fit(data, params: memberParams, context: context.child("members/\(m)")))
            }
        }
        let meta = try finalFamily.fit(metaData, params: finalParams, context: context.child("final"))
        return FittedEnsemble(family: name, task: data.task, features: data.columns, outputs: width, members: fitted, columns: nil,
                              combination: .stack(meta: meta, passthrough: passthrough),
                              fitMetrics: ["members": Double(fitted.count), "meta_rows": Double(metaData.rows)])
    }

    func read(from group: HDF5Group) throws -> any FittedModel { try FittedEnsemble.read(family: name, from: group) }
}
