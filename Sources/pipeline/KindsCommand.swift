import ArgumentParser
import PipelineKit

/// `pipeline kinds [KIND]`: the stage catalogue with parameters and help.
struct KindsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kinds", abstract: "List stage kinds, or describe one.")

    @Argument(help: "A kind to describe in full.") var kind: String?

    func run() throws {
        do { print(try KindHelp.render(kind), terminator: "") } catch { throw fail(error) }
    }
}
