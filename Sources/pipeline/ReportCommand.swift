import ArgumentParser
import Foundation
import PipelineKit

/// `pipeline report FILE [-o report.html]`: a self-contained HTML report of the pipeline's last run.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write a self-contained HTML report (DAG, stage status, metrics, plots) of the last run.")

    @Argument(help: "The pipeline file.") var file: String
    @Option(name: .shortAndLong, help: "Output HTML file (default: NAME.report.html beside the pipeline file).") var output: String?

    func run() throws {
        let pipeline = try load(file)
        do {
            let (html, seconds) = try HTMLReport.render(pipeline)
            let path = output ?? (pipeline.workspace.directory + "/" + ((file as NSString).lastPathComponent as NSString).deletingPathExtension + ".report.html")
            try Data(html.utf8).write(to: URL(fileURLWithPath: path))
            print("wrote \(path) (\(html.utf8.count) bytes, \(html.components(separatedBy: "<figure ").count - 1) figures) in \(String(format: "%.3f", seconds)) s")
        } catch let exit as ExitCode { throw exit } catch { throw fail(error) }
    }
}
