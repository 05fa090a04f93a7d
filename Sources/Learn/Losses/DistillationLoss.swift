// Knowledge distillation (Hinton, Vinyals & Dean 2015): a student trained on a teacher's softened outputs
// blended with the hard-label loss.

import Foundation

/// Distillation targets for a training run: the teacher's logits for every training row, the temperature T
/// and the weight α of the soft term.
///
///     loss = α·T²·(1/N)·Σ_i KL(softmax(t_i/T) ‖ softmax(s_i/T)) + (1 − α)·hard(s, y)
///     ∂loss/∂s_ic = α·T·(softmax(s_i/T)_c − softmax(t_i/T)_c)/N + (1 − α)·∂hard/∂s_ic
///
/// (the T² keeps the soft gradients' magnitude independent of T, as the paper recommends).
public struct Distillation: Sendable, Equatable {
    /// Teacher logits, `rows × width`, row r for training row r (log-probabilities work as well: softmax is
    /// shift-invariant).
    public var teacherLogits: [Float]
    /// Temperature T > 0.
    public var temperature: Float
    /// Weight α ∈ [0, 1] of the soft term.
    public var alpha: Float

    /// Creates distillation targets.
    public init(teacherLogits: [Float], temperature: Float, alpha: Float) {
        precondition(temperature > 0 && (0...1).contains(alpha), "distillation: temperature must be > 0 and alpha in [0, 1]")
        self.teacherLogits = teacherLogits
        self.temperature = temperature
        self.alpha = alpha
    }

    /// Blends the hard loss already in `gradient` (value `hardLoss`, gradient for a mean over the batch) with the
    /// soft term for the batch whose training rows are `rows`; returns the blended loss and rewrites `gradient`.
    public func blend(hardLoss: Double, student: UnsafeBufferPointer<Float>, rows: UnsafeBufferPointer<Int>, width: Int,
                      gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        let n = rows.count
        precondition(student.count >= n * width && gradient.count >= n * width, "distillation: buffers too small")
        let t = Double(temperature), a = Double(alpha)
        var kl = 0.0
        var ps = [Double](repeating: 0, count: width), pt = [Double](repeating: 0, count: width)
        teacherLogits.withUnsafeBufferPointer { teacher in
            for i in 0..<n {
                let trow = rows[i] * width, srow = i * width
                let logPs = Self.logSoftmax(student, offset: srow, width: width, temperature: t, into: &ps)
                let logPt = Self.logSoftmax(teacher, offset: trow, width: width, temperature: t, into: &pt)
                for c in 0..<width {
                    if pt[c] > 0 { kl += pt[c] * (logPt[c] - logPs[c]) }
                    let soft = a * t * (ps[c] - pt[c]) / Double(n)
                    gradient[srow + c] = Float((1 - a) * Double(gradient[srow + c]) + soft)
                }
            }
        }
        return (1 - a) * hardLoss + a * t * t * kl / Double(max(n, 1))
    }

    /// log softmax(z/T) of one row, also writing softmax(z/T) into `probabilities`.
    static func logSoftmax(_ z: UnsafeBufferPointer<Float>, offset: Int, width: Int, temperature t: Double,
                           into probabilities: inout [Double]) -> [Double] {
        var top = -Double.infinity
        for c in 0..<width { top = max(top, Double(z[offset + c]) / t) }
        var sum = 0.0
        for c in 0..<width { sum += exp(Double(z[offset + c]) / t - top) }
        let lse = top + log(sum)
        var logs = [Double](repeating: 0, count: width)
        for c in 0..<width {
            logs[c] = Double(z[offset + c]) / t - lse
            probabilities[c] = exp(logs[c])
        }
        return logs
    }
}
