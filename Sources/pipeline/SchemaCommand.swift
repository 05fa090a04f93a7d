import ArgumentParser
import PipelineKit
import PipelineSpec
import Stages

/// `pipeline schema`: the JSON Schema of the pipeline file, generated from the stage catalogue.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schema", abstract: "Print the JSON Schema (draft 2020-12) of pipeline files.")

    func run() throws {
        print(JSONSchemaGenerator.schema(for: StageCatalog.builtIn.signatures).prettyJSON())
    }
}
