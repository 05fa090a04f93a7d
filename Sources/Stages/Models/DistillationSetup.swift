import Foundation
import Learn

/// The `train` kind's `distillation:` option: the teacher (the stage's model input) scores every training
/// row once, and the trainer blends its softened outputs into the loss (see `Distillation`).
enum DistillationSetup {
    /// The distillation targets for `source`, or nil when the stage does not distil.
    static func targets(_ context: StageContext, source: BatchSource, classes: Int) throws -> Distillation? {
        guard let options = context.params["distillation"]?.mapValue else { return nil }
        guard let teacherInput = context.inputs(of: .model).first(where: { $0.key == "teacher" }) else {
            throw StageError("distillation needs a teacher: a model input named 'teacher'")
        }
        let teacher = try StoredModel.read(from: teacherInput.input.path)
        guard teacher.model.task == .classification, teacher.model.classes == classes else {
            throw StageError("the teacher '\(teacherInput.input.stage)' predicts \(teacher.model.classes) classes; the training data has \(classes)")
        }
        guard teacher.model.features == source.columns else {
            throw StageError("the teacher '\(teacherInput.input.stage)' expects \(teacher.model.features) features; the training data has \(source.columns)")
        }
        let logits = try teacherLogits(teacher.model, source: source, classes: classes)
        context.report(.note("distilling from '\(teacherInput.input.stage)' (\(teacher.model.family)), T = \(options["temperature"]?.doubleValue ?? 4)"))
        return Distillation(teacherLogits: logits, temperature: Float(options["temperature"]?.doubleValue ?? 4),
                            alpha: Float(options["alpha"]?.doubleValue ?? 0.9))
    }

    /// The teacher's logits for every row of `source`, in row order (networks: their logits; other families:
    /// log-probabilities, which give the same softened distribution).
    static func teacherLogits(_ model: ModelArtifact, source: BatchSource, classes: Int) throws -> [Float] {
        let network: Network?
        if case .network(let snapshot) = model { network = try snapshot.makeNetwork() } else { network = nil }
        var logits = [Float](repeating: 0, count: source.rows * classes)
        let chunk = 1024
        var x = [Float](repeating: 0, count: chunk * source.columns)
        var labels = [Int32](repeating: 0, count: chunk)
        var start = 0
        while start < source.rows {
            let n = min(chunk, source.rows - start)
            let indices = Array(start..<(start + n))
            try indices.withUnsafeBufferPointer { i in
                try x.withUnsafeMutableBufferPointer { xp in try labels.withUnsafeMutableBufferPointer { try source.gather(i, x: xp.baseAddress!, labels: $0.baseAddress!) } }
            }
            let rows = Array(x.prefix(n * source.columns))
            let out: [Float]
            if let network {
                out = rows.withUnsafeBufferPointer { network.predict($0, rows: n) }
            } else {
                out = try model.predictProbabilities(rows, rows: n).map { logf(max($0, .leastNormalMagnitude)) }
            }
            for k in 0..<(n * classes) { logits[start * classes + k] = out[k] }
            start += n
        }
        return logits
    }
}
