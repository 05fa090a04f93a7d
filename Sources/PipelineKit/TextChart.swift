import Foundation

/// A small line chart drawn with characters, for curves printed in a terminal.
public enum TextChart {
    /// `values` resampled to `width` columns (each column shows its bucket's mean) over `height` rows,
    /// with the value range on the left and `xLabel` under the axis.
    public static func render(_ values: [Double], width: Int = 64, height: Int = 12, xLabel: String) -> String {
        guard !values.isEmpty else { return "(no data)\n" }
        let columns = min(width, values.count)
        let buckets = (0..<columns).map { c -> Double in
            let lower = c * values.count / columns, upper = max(lower + 1, (c + 1) * values.count / columns)
            return values[lower..<upper].reduce(0, +) / Double(upper - lower)
        }
        let low = buckets.min()!, high = buckets.max()!
        let span = high - low
        var grid = Array(repeating: Array(repeating: Character(" "), count: columns), count: height)
        for (c, value) in buckets.enumerated() {
            let row = span == 0 ? height / 2 : Int(((high - value) / span * Double(height - 1)).rounded())
            grid[row][c] = "•"
        }
        func label(_ v: Double) -> String { String(format: "%10.3g", v) }
        var lines: [String] = []
        for (r, row) in grid.enumerated() {
            let prefix = r == 0 ? label(high) : r == height - 1 ? label(low) : String(repeating: " ", count: 10)
            lines.append(prefix + " │" + String(row))
        }
        lines.append(String(repeating: " ", count: 11) + "└" + String(repeating: "─", count: columns))
        lines.append(String(repeating: " ", count: 12) + xLabel)
        return lines.joined(separator: "\n") + "\n"
    }
}
