/// Hinge loss, averaged over the batch.
///
/// - Width 1 (binary, one score f per sample): targets `.classes` {0, 1} are mapped to y = −1/+1 (with
///   `.values` targets, y = +1 when the value is > 0, else −1, so both {0, 1} and {−1, 1} work);
///   `l = max(0, 1 − y·f)`, `∂l/∂f = −y` where `1 − y·f > 0`, else 0.
/// - Width K > 1 (multi-class, Crammer–Singer): with j* the highest-scoring wrong class (the first on ties),
///   `l = max(0, 1 + f_{j*} − f_y)`; where l > 0 the gradient is +1 at j* and −1 at y, else 0. Targets are
///   `.classes` (or one-hot `.values`, whose largest entry names the class).
///
/// At the kink (margin exactly 1) the subgradient 0 is used. Gradients are divided by the batch size.
public struct HingeLoss: Loss {
    /// "hinge".
    public var name: String { "hinge" }

    /// Creates the loss.
    public init() {}

    /// The mean loss and its (sub)gradient.
    public func evaluate(output: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, width: Int,
                         gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        LossSupport.check(name, output: output, targets: targets, batch: batch, width: width, gradient: gradient)
        guard batch > 0 else { return 0 }
        let scale = 1 / Double(batch)
        var total = 0.0
        for j in 0..<gradient.count { gradient[j] = 0 }
        if width == 1 {
            for i in 0..<batch {
                let y: Double
                switch targets {
                case .classes(let c): y = LossSupport.classIndex(c, i, classes: 2, loss: name) == 1 ? 1 : -1
                case .values(let v): y = v[i] > 0 ? 1 : -1
                }
                let margin = 1 - y * Double(output[i])
                if margin > 0 {
                    total += margin
                    gradient[i] = Float(-y * scale)
                }
            }
            return total * scale
        }
        for i in 0..<batch {
            let row = i * width
            let y: Int
            switch targets {
            case .classes(let c): y = LossSupport.classIndex(c, i, classes: width, loss: name)
            case .values(let v):
                var best = 0
                for c in 1..<width where v[row + c] > v[row + best] { best = c }
                y = best
            }
            var rival = y == 0 ? 1 : 0
            for c in 0..<width where c != y && output[row + c] > output[row + rival] { rival = c }
            let l = 1 + Double(output[row + rival]) - Double(output[row + y])
            if l > 0 {
                total += l
                gradient[row + rival] = Float(scale)
                gradient[row + y] = Float(-scale)
            }
        }
        return total * scale
    }
}
