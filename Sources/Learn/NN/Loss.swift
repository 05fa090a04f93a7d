/// Training targets for a batch: class indices (classification) or values (regression, multi-label).
public enum Targets {
    /// One class index per sample.
    case classes(UnsafeBufferPointer<Int32>)
    /// `batch × width` values, row-major.
    case values(UnsafeBufferPointer<Float>)
}

/// A loss over a batch of network outputs.
public protocol Loss: Sendable {
    /// Name as written in YAML ("cross_entropy", "mse", …).
    var name: String { get }
    /// The mean loss over the batch (weighted mean when the loss has sample or class weights), and its
    /// gradient with respect to `output` written into `gradient` (same layout as `output`, already
    /// divided by the batch size or weight sum, so the network's parameter gradients are means).
    func evaluate(output: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, width: Int,
                  gradient: UnsafeMutableBufferPointer<Float>) -> Double
}
