/// Shape checks shared by the losses.
enum LossSupport {
    /// Checks that `output` and `gradient` hold `batch × width` values and that the targets fit.
    static func check(_ loss: String, output: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, width: Int,
                      gradient: UnsafeMutableBufferPointer<Float>) {
        precondition(batch >= 0 && width >= 1, "\(loss): batch must be ≥ 0 and width ≥ 1")
        precondition(output.count == batch * width,
                     "\(loss): output has \(output.count) values for batch \(batch) × width \(width)")
        precondition(gradient.count == output.count,
                     "\(loss): gradient has \(gradient.count) values for batch \(batch) × width \(width)")
        switch targets {
        case .classes(let c):
            precondition(c.count == batch, "\(loss): \(c.count) class targets for batch \(batch)")
        case .values(let v):
            precondition(v.count == batch * width,
                         "\(loss): \(v.count) target values for batch \(batch) × width \(width)")
        }
    }

    /// The class of sample `i`, checked to be in `0..<classes`.
    @inline(__always)
    static func classIndex(_ c: UnsafeBufferPointer<Int32>, _ i: Int, classes: Int, loss: String) -> Int {
        let y = Int(c[i])
        precondition(y >= 0 && y < classes, "\(loss): class \(y) of sample \(i) is outside 0..<\(classes)")
        return y
    }

    /// Element-wise targets for regression-style losses: `.values`, or `.classes` when the width is 1 (the class
    /// index as the value).
    @inline(__always)
    static func elementTarget(_ targets: Targets, _ k: Int) -> Double {
        switch targets {
        case .values(let v): return Double(v[k])
        case .classes(let c): return Double(c[k])
        }
    }

    /// Requires `.values` targets, or `.classes` with width 1.
    static func requireValues(_ loss: String, _ targets: Targets, width: Int) {
        if case .classes = targets {
            precondition(width == 1, "\(loss): class targets need width 1; give values for width \(width)")
        }
    }
}
