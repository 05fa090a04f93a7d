import Learn
import PipelineStore

/// A trained classifier as stored in a model artifact; new model families add a case here and a
/// reader/writer, and every consumer (evaluate, later search and compression) works through this type.
public enum ModelArtifact: Sendable {
    /// Multinomial logistic regression.
    case softmaxRegression(SoftmaxRegressionModel)
    /// A neural network (mlp or sequential) producing logits.
    case network(NetworkSnapshot)

    /// Class probabilities, `rows × classes`, row-major.
    public func predictProbabilities(_ x: [Float], rows: Int) throws -> [Float] {
        switch self {
        case .softmaxRegression(let m): return m.predictProbabilities(x, rows: rows)
        case .network(let n): return try n.predictProbabilities(x, rows: rows)
        }
    }

    /// Number of input features.
    public var features: Int {
        switch self {
        case .softmaxRegression(let m): return m.features
        case .network(let n): return n.inputShape.reduce(1, *)
        }
    }

    /// Number of classes.
    public var classes: Int {
        switch self {
        case .softmaxRegression(let m): return m.classes
        case .network(let n): return n.outputShape.reduce(1, *)
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

    /// Creates a stored model.
    public init(model: ModelArtifact, classNames: [String], sampleShape: [Int], history: [EpochStats] = []) {
        self.model = model
        self.classNames = classNames
        self.sampleShape = sampleShape
        self.history = history
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
        }
        try HistoryTable.write(history, to: try root.createGroup("history"))
        try provenance.stamp(root)
        try file.close()
    }

    /// Reads a model artifact, dispatching on its `model` attribute.
    public static func read(from path: String) throws -> StoredModel {
        let file = try ArtifactFile.open(path, type: "model", requirement: "an HDF5 file with a model family attribute")
        defer { try? file.close() }
        let root = file.root
        let family = try root.attribute("model")?.stringValue ?? "?"
        let classNames = try root.stringList("class_names")
        let sampleShape = try root.intList("sample_shape")
        let history = root.contains("history") ? try HistoryTable.read(from: try root.group("history")) : []
        switch family {
        case "softmax_regression":
            let weights = try root.dataset("weights")
            guard weights.shape.count == 2 else { throw StageError("'\(path)': /weights must be 2-D") }
            let model = SoftmaxRegressionModel(weights: try weights.read(as: Float.self), bias: try root.dataset("bias").read(as: Float.self),
                                               classes: weights.shape[1], features: weights.shape[0])
            return StoredModel(model: .softmaxRegression(model), classNames: classNames, sampleShape: sampleShape, history: history)
        case "network":
            return StoredModel(model: .network(try NetworkSnapshot.read(from: root)), classNames: classNames, sampleShape: sampleShape, history: history)
        default:
            throw StageError("'\(path)': unknown model family '\(family)'")
        }
    }
}
