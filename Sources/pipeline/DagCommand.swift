import ArgumentParser
import PipelineKit

/// `pipeline dag FILE`: the stage graph as text, dot or mermaid.
struct DagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dag", abstract: "Print the pipeline's DAG.")

    @Argument(help: "The pipeline file.") var file: String
    @Option(help: "Output format: \(DagRenderer.Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: DagRenderer.Format = .text

    func run() throws {
        print(DagRenderer.render(try load(file).graph, format: format), terminator: "")
    }
}

extension DagRenderer.Format: ExpressibleByArgument {}
