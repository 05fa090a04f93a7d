import ArgumentParser
import Foundation
import PipelineKit
import PipelinePlan

/// `pipeline diff FILE [REV]`: parameters and metrics of the workspace's lockfile against the one at a git revision.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Compare params and metrics with the lockfile at a git revision (default HEAD).")

    @Argument(help: "The pipeline file.") var file: String
    @Argument(help: "A git revision.") var revision: String = "HEAD"
    @Flag(help: "Show unchanged parameters too.") var all = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let pipeline = try load(file)
        do {
            let lockPath = pipeline.workspace.lockfilePath
            let current = LockfileStore.read(lockPath, pipeline: pipeline.spec.name)
            var old = Lockfile(pipeline: pipeline.spec.name)
            if let text = try GitRevision.contents(of: lockPath, at: revision) { old = try LockfileStore.decode(text) }
            let diff = LockfileDiff(old: old, new: current, all: all)
            print(json ? diff.json : diff.text(oldLabel: revision, newLabel: "workspace"), terminator: "")
        } catch { throw fail(error) }
    }
}
