import Learn
import PipelineStore

/// A trained model as stored in a model artifact. Networks and softmax regression are built in; every
/// other family plugs in through `ModelFamily` / `FittedModel` (case `fitted`), so consumers (evaluate,
/// search, compression) work through this type without knowing the family.
public enum ModelArtifact: Sendable {
    /// Multinomial logistic regression.
    case softmaxRegression(SoftmaxRegressionModel)
    /// A neural network (mlp or sequential) producing logits.
    case network(NetworkSnapshot)
    /// A model of a plug-in family from `ModelFamilyCatalog`.
    case fitted(any FittedModel)

    /// Classification: class probabilities, `rows × classes`, row-major. Regression: one value per row.
    public func predict(_ x: [Float], rows: Int) throws -> [Float] {
        switch self {
        case .softmaxRegression(let m): return m.predictProbabilities(x, rows: rows)
        case .network(let n): return try n.predictProbabilities(x, rows: rows)
        case .fitted(let m): return try x.withUnsafeBufferPointer { try m.predict($0, rows: rows) }
        }
    }

    /// Class probabilities, `rows × classes`, row-major (classification models).
    public func predictProbabilities(_ x: [Float], rows: Int) throws -> [Float] {
        guard task == .classification else { throw StageError("a \(family) regression model predicts values, not class probabilities") }
        return try predict(x, rows: rows)
    }

    /// Classification or regression.
    public var task: ModelTask {
        if case .fitted(let m) = self { return m.task }
        return .classification
    }

    /// The family name written in YAML and in the artifact.
    public var family: String {
        switch self {
        case .softmaxRegression: return "softmax_regression"
        case .network: return "network"
        case .fitted(let m): return m.family
        }
    }

    /// Number of input features.
    public var features: Int {
        switch self {
        case .softmaxRegression(let m): return m.features
        case .network(let n): return n.inputShape.reduce(1, *)
        case .fitted(let m): return m.features
        }
    }

    /// Number of classes (1 for regression).
    public var classes: Int {
        switch self {
        case .softmaxRegression(let m): return m.classes
        case .network(let n): return n.outputShape.reduce(1, *)
        case .fitted(let m): return m.outputs
        }
    }
}

/// A model artifact with the names that travel with it.
public struct StoredModel: Sendable {
    /// The model.
    public let model: ModelArtifact
    /// Class names by index (may be empty).
    public let classNames: [String]
    /// Shape of one input sample.
    public let sampleShape: [Int]
    /// Training history, one entry per epoch (or L-BFGS iteration).
    public let history: [EpochStats]
    /// The learning-rate schedule's planned curve, one value per optimizer step (networks), and the
    /// steps per epoch it was computed for.
    public let schedule: (rates: [Float], stepsPerEpoch: Int)?

    /// Creates a stored model.
    public init(model: ModelArtifact, classNames: [String], sampleShape: [Int], history: [EpochStats] = [],
                schedule: (rates: [Float], stepsPerEpoch: Int)? = nil) {
        self.model = model
        self.classNames = classNames
        self.sampleShape = sampleShape
        self.history = history
        self.schedule = schedule
    }

    /// Writes the model as HDF5: `/weights` (features × classes), `/bias`, `/history/*` per epoch, and
    /// attributes naming the model family, classes and training configuration.
    public func write(to path: String, provenance: Provenance, attributes: [String: HDF5AttributeValue]) throws {
        let file = try HDF5File.create(path)
        let root = file.root
        try root.setAttribute("artifact", .string("model"))
        try root.setAttribute("sample_shape", .ints(sampleShape.map(Int64.init)))
        if !classNames.isEmpty { try root.setAttribute("class_names", .strings(classNames)) }
        for key in attributes.keys.sorted() { try root.setAttribute(key, attributes[key]!) }
        switch model {
        case .softmaxRegression(let m):
            try root.setAttribute("model", .string("softmax_regression"))
            try root.setAttribute("formula", .string("p = softmax(x · weights + bias)"))
            try root.setAttribute("classes", .int(Int64(m.classes)))
            try root.setAttribute("features", .int(Int64(m.features)))
            try root.setAttribute("stop_reason", .string(m.stopReason.rawValue))
            _ = try root.createDataset("weights", shape: [m.features, m.classes], data: m.weights)
            _ = try root.createDataset("bias", shape: [m.classes], data: m.bias)
        case .network(let n):
            try root.setAttribute("model", .string("network"))
            try root.setAttribute("formula", .string("logits = layers(x); p = softmax(logits)"))
            try root.setAttribute("classes", .int(Int64(n.outputShape.reduce(1, *))))
            try root.setAttribute("features", .int(Int64(n.inputShape.reduce(1, *))))
            try root.setAttribute("parameters", .int(Int64(n.parameterCount)))
            try n.write(to: root)
        case .fitted(let m):
            try root.setAttribute("model", .string(m.family))
            try root.setAttribute("task", .string(m.task.rawValue))
            try root.setAttribute("classes", .int(Int64(m.outputs)))
            try root.setAttribute("features", .int(Int64(m.features)))
            try m.write(to: root)
        }
        let historyGroup = try root.createGroup("history")
        try HistoryTable.write(history, to: historyGroup)
        if let schedule {
            let curve = try historyGroup.createDataset("lr_schedule", shape: [schedule.rates.count], data: schedule.rates)
            try curve.setAttribute("meaning", .string("planned learning rate per optimizer step (reduce_on_plateau shown without reductions)"))
            try curve.setAttribute("steps_per_epoch", .int(Int64(schedule.stepsPerEpoch)))
        }
        try provenance.stamp(root)
        try file.close()
    }

    /// Reads a model artifact, dispatching on its `model` attribute (plug-in families through `catalog`).
    public static func read(from path: String, catalog: ModelFamilyCatalog = .builtIn) throws -> StoredModel {
        let file = try ArtifactFile.open(path, type: "model", requirement: "an HDF5 file with a model family attribute")
        defer { try? file.close() }
        let root = file.root
        let family = try root.attribute("model")?.stringValue ?? "?"
        let classNames = try root.stringList("class_names")
        let sampleShape = try root.intList("sample_shape")
        let history = root.contains("history") ? try HistoryTable.read(from: try root.group("history")) : []
        var schedule: (rates: [Float], stepsPerEpoch: Int)?
        if root.contains("history"), try root.group("history").contains("lr_schedule") {
            let curve = try root.group("history").dataset("lr_schedule")
            schedule = (try curve.read(as: Float.self), Int(try curve.attribute("steps_per_epoch")?.intValue ?? 1))
        }
        switch family {
        case "softmax_regression":
            let weights = try root.dataset("weights")
            guard weights.shape.count == 2 else { throw StageError("'\(path)': /weights must be 2-D") }
            let model = SoftmaxRegressionModel(weights: try weights.read(as: Float.self), bias: try root.dataset("bias").read(as: Float.self),
                                               classes: weights.shape[1], features: weights.shape[0])
            return StoredModel(model: .softmaxRegression(model), classNames: classNames, sampleShape: sampleShape, history: history)
        case "network":
            return StoredModel(model: .network(try NetworkSnapshot.read(from: root)), classNames: classNames, sampleShape: sampleShape,
                               history: history, schedule: schedule)
        default:
            guard let plugIn = catalog.family(family) else { throw StageError("'\(path)': unknown model family '\(family)'") }
            return StoredModel(model: .fitted(try plugIn.read(from: root)), classNames: classNames, sampleShape: sampleShape, history: history)
        }
    }
}
