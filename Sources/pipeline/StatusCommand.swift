import ArgumentParser
import PipelineKit

/// `pipeline status FILE`: which stages are stale and why.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show which stages are stale and why.")

    @Argument(help: "The pipeline file.") var file: String

    func run() throws {
        let pipeline = try load(file)
        do {
            let lockfile = LockfileStore.read(pipeline.workspace.lockfilePath, pipeline: pipeline.spec.name)
            print(StatusText.render(try StatusReport.compute(pipeline, lockfile: lockfile), verb: "status"), terminator: "")
        } catch { throw fail(error) }
    }
}
