import Learn
import PipelineSpec
import PipelineStore

/// What a model predicts.
public enum ModelTask: String, Sendable, CaseIterable {
    /// Class probabilities from integer labels.
    case classification
    /// One real value per row from float targets.
    case regression
}

/// A fitted model of a plug-in family (see `ModelFamily`): predicts, and writes itself into an HDF5 group.
public protocol FittedModel: Sendable {
    /// The family name, as written in YAML (`model: {type: NAME}`) and in the artifact's `model` attribute.
    var family: String { get }
    /// Classification or regression.
    var task: ModelTask { get }
    /// Number of input features.
    var features: Int { get }
    /// Classification: number of classes. Regression: 1.
    var outputs: Int { get }
    /// Classification: class probabilities, `rows × outputs`, row-major. Regression: one value per row.
    func predict(_ x: UnsafeBufferPointer<Float>, rows: Int) throws -> [Float]
    /// Writes the fitted state (datasets and attributes) into `group`, the model file's root.
    func write(to group: HDF5Group) throws
    /// Numbers found while fitting that belong in the lockfile (e.g. `oob_score`, `iterations`).
    var fitMetrics: [String: Double] { get }
}

extension FittedModel {
    public var fitMetrics: [String: Double] { [:] }
}

/// The rows a family fits on: features in memory plus labels (classification) or targets (regression).
public struct FitData: Sendable {
    /// Features, `rows × columns`, row-major.
    public var x: [Float]
    /// Number of rows.
    public var rows: Int
    /// Values per row.
    public var columns: Int
    /// Class index per row (classification).
    public var labels: [Int32]?
    /// Real target per row (regression).
    public var targets: [Float]?
    /// Number of classes (classification; 0 for regression).
    public var classes: Int
    /// Column names, when known.
    public var featureNames: [String]

    /// Creates fit data.
    public init(x: [Float], rows: Int, columns: Int, labels: [Int32]?, targets: [Float]?, classes: Int, featureNames: [String] = []) {
        precondition(x.count == rows * columns, "feature count does not match rows × columns")
        self.x = x
        self.rows = rows
        self.columns = columns
        self.labels = labels
        self.targets = targets
        self.classes = classes
        self.featureNames = featureNames
    }

    /// The task these rows support: classification when labelled, else regression.
    public var task: ModelTask { labels != nil ? .classification : .regression }

    /// The rows at `indices`, in that order (for folds, bootstraps and validation splits).
    public func subset(_ indices: [Int]) -> FitData {
        var out = [Float](repeating: 0, count: indices.count * columns)
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (row, index) in indices.enumerated() {
                    for c in 0..<columns { dst[row * columns + c] = src[index * columns + c] }
                }
            }
        }
        return FitData(x: out, rows: indices.count, columns: columns, labels: labels.map { l in indices.map { l[$0] } },
                       targets: targets.map { t in indices.map { t[$0] } }, classes: classes, featureNames: featureNames)
    }
}

/// What a family may use while fitting: its random stream, progress reporting, and a validation set.
public struct FitContext: Sendable {
    /// Seed of the pipeline; derive generators with `generator(_:)`.
    public let seed: UInt64
    /// Prefix of every random stream name (the stage name, plus e.g. a fold for refits).
    public let streamPrefix: String
    /// Progress and notes for the user.
    public let report: @Sendable (StageEvent) -> Void
    /// Held-out rows (the stage's `validation` input), when given.
    public let validation: FitData?

    /// Creates a fit context.
    public init(seed: UInt64, streamPrefix: String, validation: FitData? = nil, report: @escaping @Sendable (StageEvent) -> Void = { _ in }) {
        self.seed = seed
        self.streamPrefix = streamPrefix
        self.validation = validation
        self.report = report
    }

    /// A generator for a named random stream of this fit.
    public func generator(_ stream: String = "") -> SeededGenerator {
        SeededGenerator(seed: seed, stream: "\(streamPrefix)/fit/\(stream)")
    }

    /// The same context under a sub-stream (an ensemble member, a fold), so members draw unrelated numbers.
    public func child(_ name: String, validation: FitData? = nil) -> FitContext {
        FitContext(seed: seed, streamPrefix: "\(streamPrefix)/\(name)", validation: validation, report: report)
    }
}

/// A model family the `train` kind fits (the classical toolbox: linear models, trees, ensembles, …).
///
/// A family declares its YAML (one variant of `model:`, with its own parameters, validated and put in the
/// JSON Schema like every other parameter), fits on in-memory rows, and reads its fitted state back.
/// Adding a family means adding it to `ModelFamilyCatalog.builtIn`; `train`, `evaluate` and `show` need
/// no change.
public protocol ModelFamily: Sendable {
    /// The variant of `model:` (its name is the family name).
    var declaration: UnionVariant { get }
    /// Tasks the family can fit.
    var tasks: Set<ModelTask> { get }
    /// Fits the family with validated parameters (the `model:` mapping, defaults filled in).
    func fit(_ data: FitData, params: [String: ParamValue], context: FitContext) throws -> any FittedModel
    /// Reads a fitted model written by `FittedModel.write(to:)`.
    func read(from group: HDF5Group) throws -> any FittedModel
    /// Extra checks on the `model:` mapping beyond types and ranges (e.g. one option excluding another).
    func check(_ params: [String: ParamValue]) -> [String]
    /// The implementation's version: bump it when the family fits something different for the same parameters
    /// and data, so stages that fit it are recomputed instead of served from the cache (1 by default).
    var version: Int { get }
}

extension ModelFamily {
    /// The family name.
    public var name: String { declaration.name }
    public func check(_ params: [String: ParamValue]) -> [String] { [] }
    public var version: Int { 1 }
}

/// The registry of plug-in model families.
public struct ModelFamilyCatalog: Sendable {
    /// Families by name.
    public let families: [String: any ModelFamily]
    /// Names in registration order (for the schema and help).
    public let order: [String]

    /// A catalogue of the given families.
    public init(_ families: [any ModelFamily]) {
        self.families = Dictionary(families.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.order = families.map(\.name)
    }

    /// Every built-in family.
    public static let builtIn = ModelFamilyCatalog([
        LinearRegressionFamily(), RidgeFamily(), ElasticNetFamily(isLasso: true), ElasticNetFamily(isLasso: false),
        LogisticRegressionFamily(), LinearSVMFamily(),
        NearestNeighborsFamily(), GaussianNaiveBayesFamily(), MultinomialNaiveBayesFamily(), KernelSVMFamily(),
        DecisionTreeFamily(), RandomForestFamily(), HistGradientBoostingFamily(), AdaBoostFamily(),
        VotingFamily(), BaggingFamily(), StackingFamily(blending: false), StackingFamily(blending: true),
    ])

    /// The family called `name`.
    public func family(_ name: String) -> (any ModelFamily)? { families[name] }

    /// Versions of the families past version 1 named anywhere in `value` — a `model:` mapping or its one-word
    /// form, ensemble members nested in it, or a stage's whole parameter map — by family name
    /// (`StageSignature.pluginVersions`). Any string equal to such a family's name counts: a false match only
    /// costs a recomputation, a missed one would serve stale numbers.
    public func versions(in value: ParamValue) -> [String: Int] {
        var found: [String: Int] = [:]
        func visit(_ value: ParamValue) {
            switch value {
            case .string(let name):
                if let family = families[name], family.version > 1 { found[name] = family.version }
            case .map(let fields):
                fields.values.forEach(visit)
            case .list(let items):
                items.forEach(visit)
            default:
                break
            }
        }
        visit(value)
        return found
    }

    /// `StageSignature.pluginVersions` of a kind whose parameters name built-in families (train, cross_validate,
    /// search): the versions of those past 1, found anywhere in the parameters.
    static let builtInVersions: @Sendable ([String: ParamValue]) -> [String: Int] = { params in builtIn.versions(in: .map(params)) }

    /// The `model:` variants of every family, in registration order.
    public var declarations: [UnionVariant] { order.map { families[$0]!.declaration } }
}
