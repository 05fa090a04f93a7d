import ArgumentParser
import PipelineKit

/// `pipeline metrics FILE...`: the recorded metrics of several pipelines side by side.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metrics", abstract: "Show the metrics of one or more pipelines side by side.")

    @Argument(help: "Pipeline files.") var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one pipeline file") }
    }

    func run() throws {
        var columns: [(name: String, metrics: [String: Double])] = []
        for file in files {
            let pipeline = try load(file)
            let lock = LockfileStore.read(pipeline.workspace.lockfilePath, pipeline: pipeline.spec.name)
            var metrics: [String: Double] = [:]
            for (stage, record) in lock.stages { for (name, value) in record.metrics { metrics["\(stage).\(name)"] = value } }
            columns.append((pipeline.spec.name, metrics))
        }
        let keys = Set(columns.flatMap(\.metrics.keys)).sorted()
        let rows = [["metric"] + columns.map(\.name)] + keys.map { key in
            [key] + columns.map { $0.metrics[key].map { String(format: "%.6g", $0) } ?? "—" }
        }
        print(keys.isEmpty ? "no metrics recorded yet; run the pipelines first" : TextTable.render(rows), terminator: keys.isEmpty ? "\n" : "")
    }
}
