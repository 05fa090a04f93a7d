import Foundation

/// Inline SVG charts for the HTML report: no scripts, no external resources, deterministic output.
enum SVGCharts {
    /// One line of a line chart.
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var dashed = false
    }

    /// Where a chart's legend sits (away from where its curves usually run).
    enum Legend { case topLeft, topRight, bottomLeft, bottomRight }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// Escapes text for HTML and SVG.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A short number for axis ticks and tables.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "—" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.2e", value) }
        if magnitude >= 100 { return String(format: "%.0f", value) }
        return String(format: "%.4g", value)
    }

    /// "Nice" tick values covering `lo...hi`.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= raw } ?? raw
        var out: [Double] = []
        var v = (lo / step).rounded(.up) * step
        while v <= hi + step * 1e-9 { out.append(v); v += step }
        return out
    }

    /// A line chart with axes, ticks, labels and a legend. `yRange` fixes the y axis (e.g. 0…1 for ROC).
    static func lineChart(_ series: [Series], xLabel: String, yLabel: String, width: Int = 520, height: Int = 320,
                          xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil, diagonal: Bool = false, logY: Bool = false,
                          legend: Legend = .topRight) -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
        guard !all.isEmpty else { return "" }
        func ty(_ y: Double) -> Double { logY ? log10(y) : y }
        var x0 = xRange?.lowerBound ?? all.map(\.x).min()!, x1 = xRange?.upperBound ?? all.map(\.x).max()!
        var y0 = yRange?.lowerBound ?? all.map { ty($0.y) }.min()!, y1 = yRange?.upperBound ?? all.map { ty($0.y) }.max()!
        if x1 == x0 { x0 -= 1; x1 += 1 }
        if y1 == y0 { y0 -= abs(y0) * 0.1 + 1e-9; y1 += abs(y1) * 0.1 + 1e-9 }
        let left = 64.0, right = 12.0, top = 12.0, bottom = 44.0
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * w }
        func py(_ y: Double) -> Double { top + h - (ty(y) - y0) / (y1 - y0) * h }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" class=\"chart\">"
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(w)\" height=\"\(h)\" fill=\"#fff\" stroke=\"#999\"/>"
        for t in ticks(x0, x1) {
            let x = px(t)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + h))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + h + 14))\" text-anchor=\"middle\" class=\"tick\">\(format(t))</text>"
        }
        for t in ticks(y0, y1) {
            let y = top + h - (t - y0) / (y1 - y0) * h
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + w))\" y2=\"\(f(y))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(left - 4))\" y=\"\(f(y + 4))\" text-anchor=\"end\" class=\"tick\">\(format(logY ? pow(10, t) : t))</text>"
        }
        if diagonal { svg += "<line x1=\"\(f(px(0)))\" y1=\"\(f(py(0)))\" x2=\"\(f(px(1)))\" y2=\"\(f(py(1)))\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>" }
        for (index, s) in series.enumerated() {
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
            guard !points.isEmpty else { continue }
            let color = palette[index % palette.count]
            let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "") points=\"\(path)\"/>"
            if points.count == 1 { svg += "<circle cx=\"\(f(px(points[0].x)))\" cy=\"\(f(py(points[0].y)))\" r=\"3\" fill=\"\(color)\"/>" }
        }
        let legendWidth = Double(min(170, 30 + 6 * (series.map(\.name.count).max() ?? 0)))
        let legendX = legend == .topLeft || legend == .bottomLeft ? left + 8 : left + w - legendWidth
        let legendTop = legend == .topLeft || legend == .topRight ? top + 4 : top + h - 6 - Double(series.count) * 14
        if series.count > 1 {
            svg += "<rect x=\"\(f(legendX - 4))\" y=\"\(f(legendTop - 2))\" width=\"\(f(legendWidth))\" height=\"\(f(Double(series.count) * 14 + 6))\" fill=\"#fff\" fill-opacity=\"0.85\" stroke=\"#ddd\"/>"
        }
        for (index, s) in series.enumerated() where series.count > 1 {
            let y = legendTop + 14 + Double(index) * 14
            svg += "<rect x=\"\(f(legendX))\" y=\"\(f(y - 8))\" width=\"10\" height=\"3\" fill=\"\(palette[index % palette.count])\"/>"
            svg += "<text x=\"\(f(legendX + 14))\" y=\"\(f(y - 3))\" class=\"legend\">\(escape(s.name))</text>"
        }
        svg += "<text x=\"\(f(left + w / 2))\" y=\"\(height - 6)\" text-anchor=\"middle\" class=\"axis\">\(escape(xLabel))</text>"
        svg += "<text transform=\"translate(14 \(f(top + h / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis\">\(escape(yLabel))</text>"
        return svg + "</svg>"
    }

    /// A confusion-matrix heatmap: rows true class, columns predicted, cell shade by row-normalised count.
    static func heatmap(_ matrix: [[Int]], labels: [String]) -> String {
        let k = matrix.count
        guard k > 0 else { return "" }
        let cell = max(26, min(48, 480 / k)), left = 110, top = 96
        let size = cell * k
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(left + size + 10) \(top + size + 30)\" width=\"\(left + size + 10)\" height=\"\(top + size + 30)\" class=\"chart\">"
        for (r, row) in matrix.enumerated() {
            let total = max(1, row.reduce(0, +))
            for (c, count) in row.enumerated() {
                let share = Double(count) / Double(total)
                let shade = Int(255 - share * 200)
                let fill = r == c ? "rgb(\(shade),\(min(255, shade + 40)),255)" : "rgb(255,\(shade),\(shade))"
                svg += "<rect x=\"\(left + c * cell)\" y=\"\(top + r * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(count == 0 ? "#fafafa" : fill)\" stroke=\"#ddd\"/>"
                svg += "<text x=\"\(left + c * cell + cell / 2)\" y=\"\(top + r * cell + cell / 2 + 4)\" text-anchor=\"middle\" class=\"cell\">\(count)</text>"
            }
            svg += "<text x=\"\(left - 4)\" y=\"\(top + r * cell + cell / 2 + 4)\" text-anchor=\"end\" class=\"tick\">\(escape(labels[r]))</text>"
        }
        for c in 0..<k {
            let x = left + c * cell + cell / 2
            svg += "<text transform=\"translate(\(x) \(top - 4)) rotate(-55)\" class=\"tick\">\(escape(labels[c]))</text>"
        }
        svg += "<text x=\"\(left + size / 2)\" y=\"\(top + size + 20)\" text-anchor=\"middle\" class=\"axis\">predicted class (rows: true class)</text>"
        return svg + "</svg>"
    }

    /// Horizontal bars, largest first (feature importances).
    static func bars(_ values: [(String, Double)], xLabel: String) -> String {
        let rows = values.prefix(25)
        guard let top = rows.map(\.1).max(), top > 0 else { return "" }
        let left = 150, barHeight = 16, width = 520
        let height = rows.count * (barHeight + 4) + 36
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" class=\"chart\">"
        for (i, (name, value)) in rows.enumerated() {
            let y = 6 + i * (barHeight + 4)
            let w = max(0, value / top * Double(width - left - 70))
            svg += "<text x=\"\(left - 4)\" y=\"\(y + 12)\" text-anchor=\"end\" class=\"tick\">\(escape(name))</text>"
            svg += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(f(w))\" height=\"\(barHeight)\" fill=\"#1f77b4\"/>"
            svg += "<text x=\"\(f(Double(left) + w + 4))\" y=\"\(y + 12)\" class=\"tick\">\(format(value))</text>"
        }
        svg += "<text x=\"\(left + (width - left) / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\" class=\"axis\">\(escape(xLabel))</text>"
        return svg + "</svg>"
    }

    /// Labelled points (model size against accuracy).
    static func scatter(_ points: [(String, Double, Double)], xLabel: String, yLabel: String) -> String {
        var chart = lineChart(points.map { Series(name: $0.0, points: [($0.1, $0.2)]) }, xLabel: xLabel, yLabel: yLabel)
        guard !chart.isEmpty else { return "" }
        chart = chart.replacingOccurrences(of: "<polyline", with: "<polyline stroke-opacity=\"0\"")
        return chart
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
