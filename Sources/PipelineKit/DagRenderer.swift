import PipelinePlan

/// Renders a stage graph as text, Graphviz dot, or Mermaid.
public enum DagRenderer {
    /// Output formats of `pipeline dag`.
    public enum Format: String, CaseIterable, Sendable { case text, dot, mermaid }

    /// The graph in `format`.
    public static func render(_ graph: StageGraph, format: Format) -> String {
        switch format {
        case .text: return text(graph)
        case .dot: return dot(graph)
        case .mermaid: return mermaid(graph)
        }
    }

    /// One line per stage in topological order with its inputs, e.g. `scale (scale) <- split.train, split.test`.
    static func text(_ graph: StageGraph) -> String {
        var lines = ["\(graph.spec.name): \(graph.order.count) stage\(graph.order.count == 1 ? "" : "s")"]
        for name in graph.order {
            let node = graph.nodes[name]!
            let inputs = node.inputs.map { $0.key == $0.stage || $0.key == $0.output ? "\($0.stage).\($0.output)" : "\($0.key)=\($0.stage).\($0.output)" }
            let outputs = node.outputs.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ", ")
            lines.append("  \(name) [\(node.spec.kind)]" + (inputs.isEmpty ? "" : " <- " + inputs.joined(separator: ", ")) + "  => " + outputs)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func dot(_ graph: StageGraph) -> String {
        var lines = ["digraph \"\(graph.spec.name)\" {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        for name in graph.order { lines.append("  \"\(name)\" [label=\"\(name)\\n(\(graph.nodes[name]!.spec.kind))\"];") }
        for name in graph.order {
            for input in graph.nodes[name]!.inputs {
                lines.append("  \"\(input.stage)\" -> \"\(name)\" [label=\"\(input.output)\"];")
            }
        }
        return (lines + ["}"]).joined(separator: "\n") + "\n"
    }

    static func mermaid(_ graph: StageGraph) -> String {
        func id(_ name: String) -> String { "s_" + name.replacingOccurrences(of: "-", with: "_") }
        var lines = ["flowchart LR"]
        for name in graph.order { lines.append("  \(id(name))[\"\(name) (\(graph.nodes[name]!.spec.kind))\"]") }
        for name in graph.order {
            for input in graph.nodes[name]!.inputs { lines.append("  \(id(input.stage)) -->|\(input.output)| \(id(name))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
