import Learn
import PipelineSpec
import PipelineStore

/// Members of an ensemble family (`voting`, `bagging`, `stacking`, `blending`): `model:`-like mappings of
/// any family in the catalogue.
///
/// Design: a member's options depend on its family, and the families' declarations live in
/// `ModelFamilyCatalog.builtIn`, which holds the ensemble families themselves — a static declaration
/// that nested the catalogue's union would be recursive (and a `static let` cannot refer to itself).
/// So the declaration only types a member as "a family name, or a mapping of YAML values"
/// (`memberType`), and the real validation happens in `ModelFamily.check`: each member is checked
/// against the catalogue's union of declarations at check time, with the parser's own rules
/// (unknown keys with suggestions, ranges, defaults, shorthands), then the member family's own `check`
/// runs on it. Problems name the member and key: `members[1].max_depth: expected an integer ≥ 1,
/// found 0`. Families added to the catalogue later are valid members without any change here.
enum EnsembleMembers {
    /// The declared type of one member: a family name, or a mapping with `type:` and its options.
    static let memberType: ParamType = .oneOf([.string, .dictionary(of: .anyValue(depth: 2))])

    /// The catalogue members are checked against (built-in families; networks are not members).
    static var catalog: ModelFamilyCatalog { .builtIn }

    /// The union of every catalogue family's `model:` declaration.
    static var union: ParamType { .union(discriminator: "type", variants: catalog.declarations) }

    /// Problems of the member at `keyPath` (nil = absent, which the declaration reports when required).
    static func problems(_ value: ParamValue?, keyPath: String) -> [String] {
        guard let value else { return [] }
        let (checked, problems) = union.validate(value, keyPath: keyPath)
        guard let params = checked?.mapValue, let name = params["type"]?.stringValue, let family = catalog.family(name) else { return problems }
        return family.check(params).map { "\(keyPath) (\(name)): \($0)" }
    }

    /// Problems of a list of members.
    static func problems(list value: ParamValue?, key: String) -> [String] {
        (value?.listValue ?? []).enumerated().flatMap { problems($1, keyPath: "\(key)[\($0)]") }
    }

    /// The member's family and normalised options (defaults filled in).
    static func resolve(_ value: ParamValue, keyPath: String, ensemble: String, task: ModelTask) throws -> (family: any ModelFamily, params: [String: ParamValue]) {
        let (checked, problems) = union.validate(value, keyPath: keyPath)
        guard let params = checked?.mapValue, let name = params["type"]?.stringValue, let family = catalog.family(name) else {
            throw StageError("\(ensemble): " + problems.joined(separator: "; "))
        }
        guard family.tasks.contains(task) else {
            throw StageError("\(ensemble): \(keyPath) (\(name)) fits \(family.tasks.map(\.rawValue).sorted().joined(separator: ", ")), not \(task.rawValue)")
        }
        return (family, params)
    }

    /// Writes each fitted member into `members/i` with the attributes a model file's root carries.
    static func write(_ members: [any FittedModel], to group: HDF5Group, name: String = "members") throws {
        let list = try group.createGroup(name)
        try list.setAttribute("count", .int(Int64(members.count)))
        for (i, member) in members.enumerated() {
            try writeOne(member, to: try list.createGroup(String(i)))
        }
    }

    /// Writes one fitted model into `group` (family, task, classes, features attributes, then its state).
    static func writeOne(_ member: any FittedModel, to group: HDF5Group) throws {
        try group.setAttribute("model", .string(member.family))
        try group.setAttribute("task", .string(member.task.rawValue))
        try group.setAttribute("classes", .int(Int64(member.outputs)))
        try group.setAttribute("features", .int(Int64(member.features)))
        try member.write(to: group)
    }

    /// Reads the members written by `write`.
    static func read(from group: HDF5Group, name: String = "members") throws -> [any FittedModel] {
        let list = try group.group(name)
        let count = Int(try list.attribute("count")?.intValue ?? 0)
        return try (0..<count).map { try readOne(from: try list.group(String($0))) }
    }

    /// Reads one model written by `writeOne`, through the catalogue.
    static func readOne(from group: HDF5Group) throws -> any FittedModel {
        let name = try group.attribute("model")?.stringValue ?? "?"
        guard let family = catalog.family(name) else { throw StageError("\(group.path): unknown model family '\(name)'") }
        return try family.read(from: group)
    }

    /// The rows of `data` restricted to the columns `columns`.
    static func columns(_ data: FitData, _ columns: [Int]) -> FitData {
        var x = [Float](repeating: 0, count: data.rows * columns.count)
        for r in 0..<data.rows { for (j, c) in columns.enumerated() { x[r * columns.count + j] = data.x[r * data.columns + c] } }
        return FitData(x: x, rows: data.rows, columns: columns.count, labels: data.labels, targets: data.targets, classes: data.classes,
                       featureNames: data.featureNames.count == data.columns ? columns.map { data.featureNames[$0] } : [])
    }

    /// `x` (`rows × features`) restricted to `columns`.
    static func columns(_ x: UnsafeBufferPointer<Float>, rows: Int, features: Int, _ columns: [Int]) -> [Float] {
        var out = [Float](repeating: 0, count: rows * columns.count)
        for r in 0..<rows { for (j, c) in columns.enumerated() { out[r * columns.count + j] = x[r * features + c] } }
        return out
    }
}
