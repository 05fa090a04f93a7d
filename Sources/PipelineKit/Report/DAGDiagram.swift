import PipelinePlan

/// The stage graph as an SVG diagram: stages in layers by longest path from a source (left to right), boxes
/// coloured by status, arrows labelled with the output they carry.
enum DAGDiagram {
    static func svg(_ graph: StageGraph, status: [String: String]) -> String {
        var layer: [String: Int] = [:]
        for name in graph.order {
            layer[name] = (graph.nodes[name]!.upstream.compactMap { layer[$0] }.max() ?? -1) + 1
        }
        let layers = (layer.values.max() ?? 0) + 1
        var rows: [[String]] = Array(repeating: [], count: layers)
        for name in graph.order { rows[layer[name]!].append(name) }
        let boxWidth = 150, boxHeight = 46, gapX = 96, gapY = 22
        let tallest = rows.map(\.count).max() ?? 1
        let width = layers * boxWidth + (layers - 1) * gapX + 20
        let height = tallest * boxHeight + (tallest - 1) * gapY + 20
        var position: [String: (x: Int, y: Int)] = [:]
        for (l, names) in rows.enumerated() {
            let columnHeight = names.count * boxHeight + (names.count - 1) * gapY
            let offset = (height - columnHeight) / 2
            for (i, name) in names.enumerated() { position[name] = (10 + l * (boxWidth + gapX), offset + i * (boxHeight + gapY)) }
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" class=\"dag\">"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
        svg += "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#666\"/></marker></defs>"
        for name in graph.order {
            let to = position[name]!
            // One arrow per upstream stage, labelled with every output it carries.
            var carried: [String: [String]] = [:]
            for input in graph.nodes[name]!.inputs where !(carried[input.stage]?.contains(input.output) ?? false) {
                carried[input.stage, default: []].append(input.output)
            }
            for upstream in carried.keys.sorted() {
                let from = position[upstream]!
                let x1 = from.x + boxWidth, y1 = from.y + boxHeight / 2, x2 = to.x, y2 = to.y + boxHeight / 2
                let mx = (x1 + x2) / 2
                svg += "<path d=\"M\(x1),\(y1) C\(mx),\(y1) \(mx),\(y2) \(x2 - 2),\(y2)\" fill=\"none\" stroke=\"#888\" marker-end=\"url(#arrow)\" class=\"edge\"/>"
                svg += "<text x=\"\(mx)\" y=\"\((y1 + y2) / 2 - 3)\" text-anchor=\"middle\" class=\"edge-label\">\(SVGCharts.escape(carried[upstream]!.joined(separator: ", ")))</text>"
            }
        }
        for name in graph.order {
            let p = position[name]!
            let state = status[name] ?? "stale"
            let fill = state == "up to date" ? "#e3f4e1" : (state == "cached" ? "#e6eefb" : "#fdecea")
            svg += "<g class=\"stage\" data-stage=\"\(SVGCharts.escape(name))\"><rect x=\"\(p.x)\" y=\"\(p.y)\" rx=\"7\" width=\"\(boxWidth)\" height=\"\(boxHeight)\" fill=\"\(fill)\" stroke=\"#555\"/>"
            svg += "<text x=\"\(p.x + boxWidth / 2)\" y=\"\(p.y + 19)\" text-anchor=\"middle\" class=\"stage-name\">\(SVGCharts.escape(name))</text>"
            svg += "<text x=\"\(p.x + boxWidth / 2)\" y=\"\(p.y + 35)\" text-anchor=\"middle\" class=\"stage-kind\">\(SVGCharts.escape(graph.nodes[name]!.spec.kind)) · \(state)</text></g>"
        }
        return svg + "</svg>"
    }
}
