import ArgumentParser
import Foundation
import PipelineKit

/// `pipeline show TARGET`: what an artifact holds. TARGET is an HDF5 file, or `FILE.yaml STAGE[.OUTPUT]`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Describe an artifact: datasets, shapes, dtypes, attributes, metrics.",
        discussion: "Examples:\n  pipeline show model.h5\n  pipeline show pipelines/quickstart.yaml train\n  pipeline show pipelines/quickstart.yaml split.test")

    @Argument(help: "An artifact file, or a pipeline file followed by a stage or stage.output.") var targets: [String]

    func validate() throws {
        guard (1...2).contains(targets.count) else { throw ValidationError("expected FILE, or PIPELINE.yaml STAGE[.OUTPUT]") }
    }

    func run() throws {
        do {
            if targets.count == 1 {
                print(try ArtifactInspector.describe(targets[0]), terminator: "")
            } else {
                print(try StageArtifacts.describe(try load(targets[0]), target: targets[1]), terminator: "")
            }
        } catch let exit as ExitCode { throw exit } catch { throw fail(error) }
    }
}
