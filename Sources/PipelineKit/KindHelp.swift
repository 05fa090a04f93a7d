import PipelineSpec
import Stages

/// Help text for stage kinds, straight from their declarations.
public enum KindHelp {
    /// All kinds with summaries, or one kind in full.
    public static func render(_ kind: String?, catalog: StageCatalog = .builtIn) throws -> String {
        guard let kind else {
            return catalog.signatures.map { "  \($0.kind.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n") + "\n"
        }
        guard let signature = catalog.kind(kind)?.signature else {
            throw UnknownStageError(description: "unknown stage kind '\(kind)'" + (Suggestion.hint(for: kind, among: catalog.kinds.keys).map { "; \($0)" } ?? ""))
        }
        var lines = ["\(signature.kind): \(signature.summary)", "", "inputs:"]
        lines += signature.inputs.isEmpty ? ["  none"] : signature.inputs.map { rule in
            "  \(rule.type.rawValue): " + (rule.max.map { $0 == rule.min ? "exactly \($0)" : "\(rule.min) to \($0)" } ?? "at least \(rule.min)")
        }
        lines += ["", "parameters:"]
        for decl in signature.params {
            let status = decl.required ? "required" : decl.defaultValue.map { "default \($0)" } ?? "optional"
            lines.append("  \(decl.name): \(decl.type.expectation) (\(status))")
            lines.append("      \(decl.help)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
