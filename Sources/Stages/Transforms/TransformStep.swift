import PipelineSpec
import PipelineStore

/// A fitted data transform (scikit-learn's fitted transformer): applies the same mapping to any dataset
/// with the columns it was fitted on, and writes its fitted state into an HDF5 group so evaluation and
/// later inference apply exactly the same transform.
public protocol FittedTransform: Sendable {
    /// The step name, as written in YAML and in the transform file.
    var method: String { get }
    /// Applies the transform. Rows keep their order and count; columns, names and shape may change.
    func transform(_ data: Dataset) throws -> Dataset
    /// Writes the fitted state (datasets and attributes) into `group`.
    func write(to group: HDF5Group) throws
}

/// A transform step that learns from training data (statistics, categories, components, …).
///
/// `fit` sees only the training rows. It returns the fitted transform and the training rows to pass on,
/// which are normally `transform(train)` but may differ for steps that resample the training set
/// (outlier removal, over/under-sampling, materialised augmentation): those change the training rows only,
/// never the rows of other splits. Adding a step means adding it to `TransformCatalog.builtIn`.
public protocol TransformStep: Sendable {
    /// The variant of a `steps:` entry (its name is the step name), with the step's own parameters.
    var declaration: UnionVariant { get }
    /// Fits on the training rows with validated parameters (defaults filled in).
    func fit(_ train: Dataset, params: [String: ParamValue], context: FitContext) throws -> (fitted: any FittedTransform, train: Dataset)
    /// Reads a fitted transform written by `FittedTransform.write(to:)`.
    func read(from group: HDF5Group) throws -> any FittedTransform
    /// Extra checks on the step's mapping beyond types and ranges.
    func check(_ params: [String: ParamValue]) -> [String]
}

extension TransformStep {
    /// The step name.
    public var name: String { declaration.name }
    public func check(_ params: [String: ParamValue]) -> [String] { [] }

    /// Fits, then passes the training rows through the fitted transform (the common case).
    public func fitThenTransform(_ train: Dataset, _ fitted: any FittedTransform) throws -> (fitted: any FittedTransform, train: Dataset) {
        (fitted, try fitted.transform(train))
    }
}

/// The registry of transform steps.
public struct TransformCatalog: Sendable {
    /// Steps by name.
    public let steps: [String: any TransformStep]
    /// Names in registration order.
    public let order: [String]

    /// A catalogue of the given steps.
    public init(_ steps: [any TransformStep]) {
        self.steps = Dictionary(steps.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.order = steps.map(\.name)
    }

    /// Every built-in step.
    public static let builtIn = TransformCatalog([StandardScaling(), MinMaxScaling(),
        DropMissingRows(), DropMissingColumns(), Imputation(), OutlierHandling(), RobustScaling(), MaxAbsScaling(), RowNormalization(),
        LogTransform(), PowerTransform(), OneHotEncoding(), OrdinalEncoding(), BinDiscretization(),
        RandomOverSampling(), RandomUnderSampling(), SMOTESampling(),
        AugmentStep(), VarianceThresholdStep(), UnivariateSelectionStep(), RecursiveEliminationStep(), L1SelectionStep(),
        PCAStep(), LDAStep(), TruncatedSVDStep(), RandomProjectionStep(), PolynomialStep()])

    /// The step called `name`.
    public func step(_ name: String) -> (any TransformStep)? { steps[name] }

    /// The `steps:` entry type: a union of every step's declaration.
    public var stepType: ParamType { .union(discriminator: "type", variants: order.map { steps[$0]!.declaration }) }
}

/// A chain of fitted transforms applied in order.
public struct FittedChain: Sendable {
    /// The fitted steps, in order.
    public let steps: [any FittedTransform]

    /// Creates a chain.
    public init(_ steps: [any FittedTransform]) { self.steps = steps }

    /// Fits `specs` (each a validated step mapping with a `type`) on `train`, in order.
    public static func fit(_ specs: [[String: ParamValue]], on train: Dataset, catalog: TransformCatalog = .builtIn,
                           context: FitContext) throws -> (chain: FittedChain, train: Dataset) {
        var current = train
        var fitted: [any FittedTransform] = []
        for (index, spec) in specs.enumerated() {
            let name = spec["type"]?.stringValue ?? "?"
            guard let step = catalog.step(name) else { throw StageError("unknown transform step '\(name)'") }
            let result = try step.fit(current, params: spec, context: context.child("step\(index)-\(name)"))
            fitted.append(result.fitted)
            current = result.train
        }
        return (FittedChain(fitted), current)
    }

    /// Applies every step in order.
    public func transform(_ data: Dataset) throws -> Dataset {
        try steps.reduce(data) { try $1.transform($0) }
    }

    /// Writes the chain as groups `step_0`, `step_1`, … of `group`, each with a `method` attribute.
    public func write(to group: HDF5Group) throws {
        try group.setAttribute("steps", .int(Int64(steps.count)))
        for (index, step) in steps.enumerated() {
            let child = try group.createGroup("step_\(index)")
            try child.setAttribute("method", .string(step.method))
            try step.write(to: child)
        }
    }

    /// Reads a chain written by `write(to:)`.
    public static func read(from group: HDF5Group, catalog: TransformCatalog = .builtIn) throws -> FittedChain {
        let count = Int(try group.attribute("steps")?.intValue ?? 0)
        return FittedChain(try (0..<count).map { index in
            let child = try group.group("step_\(index)")
            let method = try child.attribute("method")?.stringValue ?? "?"
            guard let step = catalog.step(method) else { throw StageError("transform step_\(index): unknown method '\(method)'") }
            return try step.read(from: child)
        })
    }
}
