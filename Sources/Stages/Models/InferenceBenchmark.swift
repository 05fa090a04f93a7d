import Foundation
import Learn

/// Times a stored network's inference (`pipeline bench inference`, used by `make bench-compress`): the
/// network's own predict path, so an int8 model runs its int8 GEMM exactly as `evaluate` does.
public enum InferenceBenchmark {
    /// Best-of-`repeats` seconds to predict `rows` rows of the dataset at `dataPath` in batches of `batch`,
    /// and the accuracy of those predictions.
    public static func run(model modelPath: String, data dataPath: String, batch: Int, rows limit: Int, repeats: Int) throws
        -> (seconds: Double, rows: Int, accuracy: Double) {
        let stored = try StoredModel.read(from: modelPath)
        guard case .network(let snapshot) = stored.model else { throw StageError("'\(modelPath)' is not a network model") }
        let data = try Dataset.read(from: dataPath)
        let rows = min(limit, data.rows)
        let x = Array(data.floatFeatures().prefix(rows * data.columns))
        let network = try snapshot.makeNetwork()
        var best = Double.infinity
        var logits: [Float] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            logits = x.withUnsafeBufferPointer { network.predict($0, rows: rows, batchSize: batch) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let classes = snapshot.outputShape.reduce(1, *)
        let predicted = EvaluateStage.argmax(logits, rows: rows, classes: classes)
        let correct = zip(predicted, data.labels ?? []).filter { $0 == $1 }.count
        return (best, rows, Double(correct) / Double(max(rows, 1)))
    }
}
