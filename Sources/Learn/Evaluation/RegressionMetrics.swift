// Regression metrics with scikit-learn's conventions, accumulated in Double.

import Foundation

/// MSE, RMSE, MAE, R² and MAPE of predictions against targets, as scikit-learn's `mean_squared_error`,
/// `root_mean_squared_error`, `mean_absolute_error`, `r2_score` and `mean_absolute_percentage_error`.
public struct RegressionReport: Sendable, Equatable {
    /// Mean squared error.
    public var mse: Double
    /// Square root of `mse`.
    public var rmse: Double
    /// Mean absolute error.
    public var mae: Double
    /// Coefficient of determination `1 − SS_res / SS_tot`; scikit-learn's convention for constant targets:
    /// 1 when the predictions are perfect, else 0.
    public var r2: Double
    /// Mean of `|y − ŷ| / max(|y|, ε)` with `ε` = Double machine epsilon (a fraction, not a percentage).
    public var mape: Double

    /// Computes the report. Precondition: equal, non-zero lengths.
    public init(targets: [Float], predictions: [Float]) {
        precondition(targets.count == predictions.count && !targets.isEmpty, "targets and predictions must have the same non-zero length")
        let n = Double(targets.count)
        var se = 0.0, ae = 0.0, ape = 0.0, sum = 0.0
        for (t, p) in zip(targets, predictions) {
            let y = Double(t), d = y - Double(p)
            se += d * d
            ae += abs(d)
            ape += abs(d) / max(abs(y), Double.ulpOfOne)
            sum += y
        }
        let mean = sum / n
        let total = targets.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
        mse = se / n
        rmse = mse.squareRoot()
        mae = ae / n
        mape = ape / n
        r2 = total == 0 ? (se == 0 ? 1 : 0) : 1 - se / total
    }
}
