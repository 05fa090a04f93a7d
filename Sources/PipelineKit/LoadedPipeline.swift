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
        let spec = try SpecParser(signatures: catalog.signatures).parse(contentsOf: path)
        let graph = try StageGraph.build(spec, signatures: catalog.signatures)
        return LoadedPipeline(spec: spec, graph: graph, catalog: catalog, workspace: Workspace(pipelinePath: path))
    }
}
