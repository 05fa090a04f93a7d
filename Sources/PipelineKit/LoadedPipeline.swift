import PipelinePlan
import PipelineSpec
import Stages

/// A pipeline file parsed, checked and wired: what every command starts from.
public struct LoadedPipeline: Sendable {
    /// The declared pipeline.
    public let spec: PipelineSpec
    /// Its validated DAG.
    public let graph: StageGraph
    /// The stage kinds it may use.
    public let catalog: StageCatalog
    /// Where its cache and lockfile live.
    public let workspace: Workspace

    /// Parses and validates `path`. Throws `ValidationFailure` carrying every problem found.
    public static func load(_ path: String, catalog: StageCatalog = .builtIn) throws -> LoadedPipeline {
        let parsed = try SpecParser(signatures: catalog.signatures).parsePartially(contentsOf: path)
        var diagnostics = parsed.diagnostics
        var graph: StageGraph?
        if let spec = parsed.spec {
            // The graph is checked even when stages have errors, so one pass reports every problem.
            do {
                graph = try StageGraph.build(spec, signatures: catalog.signatures, invalidStages: parsed.invalidStages,
                                             unreadableStages: parsed.unreadableStages)
            } catch let failure as ValidationFailure {
                diagnostics += failure.diagnostics
            }
        }
        guard diagnostics.isEmpty, let spec = parsed.spec, let graph else { throw ValidationFailure(diagnostics) }
        return LoadedPipeline(spec: spec, graph: graph, catalog: catalog, workspace: Workspace(pipelinePath: path))
    }
}
