import ArgumentParser
import PipelineKit

/// `pipeline validate FILE`: reports every problem in the file; writes nothing.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a pipeline file; print every problem found (exit 0 or 2).")

    @Argument(help: "The pipeline file.") var file: String
    @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false

    func run() throws {
        let pipeline = try load(file)
        if !quiet { print("\(file): valid (\(pipeline.graph.order.count) stages)") }
    }
}
