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
        let loaded = LoadedPipeline(spec: spec, graph: graph, catalog: catalog, workspace: Workspace(pipelinePath: path))
        let trialProblems = loaded.trialDiagnostics()
        guard trialProblems.isEmpty else { throw ValidationFailure(trialProblems) }
        return loaded
    }

    /// Checks the overrides that kinds running trials (search) will try: each path names a parameter of an
    /// upstream stage and each value fits its declaration. Problems are located at the kind's parameter.
    func trialDiagnostics() -> [Diagnostic] {
        let session = TrialSession(pipeline: self, parallel: 1)
        var diagnostics: [Diagnostic] = []
        for name in graph.order {
            let node = graph.nodes[name]!
            guard let kind = catalog.kind(node.spec.kind) else { continue }
            var seen = Set<String>()
            for probe in kind.trialProbes(params: node.spec.params, inputStages: node.inputs.map(\.stage)) {
                do {
                    try session.check(target: probe.target, overrides: probe.overrides)
                } catch {
                    let message = "\(error)"
                    guard seen.insert(message).inserted else { continue }
                    diagnostics.append(Diagnostic(message, at: node.spec.paramLocations[probe.param] ?? node.spec.location,
                                                  keyPath: "stages.\(name).\(probe.param)"))
                }
            }
        }
        return diagnostics
    }
}
