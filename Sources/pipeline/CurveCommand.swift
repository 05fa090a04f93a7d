import ArgumentParser
import PipelineKit

/// `pipeline curve FILE STAGE`: the learning-rate schedule and loss curves of a trained model.
struct CurveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve", abstract: "Plot a train stage's learning-rate schedule and loss curves in the terminal.")

    @Argument(help: "The pipeline file.") var file: String
    @Argument(help: "A train stage that has run.") var stage: String

    func run() throws {
        let pipeline = try load(file)
        do { print(try TrainingCurves.describe(pipeline, stage: stage), terminator: "") } catch { throw fail(error) }
    }
}
