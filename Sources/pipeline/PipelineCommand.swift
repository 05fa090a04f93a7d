import ArgumentParser
import Foundation
import PipelineKit

/// `pipeline`: the root command.
@main
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Declarative machine-learning pipelines: one YAML file compiled into a cached, parallel DAG.",
        discussion: "Exit codes: 0 success, 1 a stage failed while running, 2 invalid input.",
        version: "0.1.0",
        subcommands: [ValidateCommand.self, DagCommand.self, RunCommand.self, StatusCommand.self, ShowCommand.self,
                      KindsCommand.self, SchemaCommand.self, CurveCommand.self, DiffCommand.self, MetricsCommand.self, ReportCommand.self,
                      BenchCommand.self, ExecStageCommand.self, ExecTrialCommand.self])
}

/// Prints `error` through the one renderer and exits with its code.
func fail(_ error: Error) -> ExitCode {
    let (text, code) = ErrorReport.render(error)
    FileHandle.standardError.write(Data((text + "\n").utf8))
    return ExitCode(code)
}

/// Loads a pipeline, turning any problem into an exit.
func load(_ path: String) throws -> LoadedPipeline {
    do { return try LoadedPipeline.load(path) } catch { throw fail(error) }
}
