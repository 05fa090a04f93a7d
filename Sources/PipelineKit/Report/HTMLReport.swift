import Foundation
import PipelinePlan
import PipelineStore

/// `pipeline report`: one self-contained HTML file (inline CSS and SVG, no scripts, no network) describing a
/// pipeline's last run: the DAG, each stage's status, time and fingerprint, metrics, and the figures its
/// artifacts support (learning curves, schedule, confusion matrix, ROC/PR, calibration, comparisons, CV).
public enum HTMLReport {
    /// The report of `pipeline` as HTML, and how long building it took (seconds).
    public static func render(_ pipeline: LoadedPipeline) throws -> (html: String, seconds: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let lockfile = LockfileStore.read(pipeline.workspace.lockfilePath, pipeline: pipeline.spec.name)
        let statuses = try StatusReport.compute(pipeline, lockfile: lockfile)
        let state = Dictionary(uniqueKeysWithValues: statuses.map { status -> (String, String) in
            let text: String
            switch status.state {
            case .upToDate: text = "up to date"
            case .cached: text = "cached"
            case .stale: text = lockfile.stages[status.stage] == nil ? "never run" : "stale"
            }
            return (status.stage, text)
        })
        let sections = ReportSections(pipeline: pipeline, lockfile: lockfile)
        let name = SVGCharts.escape(pipeline.spec.name)
        var body = "<h1>Pipeline report: \(name)</h1>\n"
        body += "<p class=\"meta\">\(SVGCharts.escape(pipeline.spec.file)) · seed \(pipeline.spec.seed) · \(pipeline.graph.order.count) stages · "
        body += "\(lockfile.stages.count) recorded in \(SVGCharts.escape((pipeline.workspace.lockfilePath as NSString).lastPathComponent))</p>\n"
        body += "<h2>Stage graph</h2>\n" + ReportSections.figure("dag", id: "dag", caption: "stages in dependency order (arrows carry the named outputs)",
                                                               DAGDiagram.svg(pipeline.graph, status: state))
        body += "<h2>Stages</h2>\n" + ReportSections.table(["stage", "kind", "status", "seconds", "fingerprint", "outputs"], pipeline.graph.order.map { stage in
            let record = lockfile.stages[stage]
            return [stage, pipeline.graph.nodes[stage]!.spec.kind, state[stage] ?? "?", record.map { String(format: "%.3f", $0.seconds) } ?? "—",
                    record.map { String($0.fingerprint.prefix(16)) + "…" } ?? "—",
                    record.map { $0.outputs.keys.sorted().map { "\($0) (\(record!.outputs[$0]!.bytes) B)" }.joined(separator: ", ") } ?? "—"]
        }, cls: "stages")
        // Stages whose outputs have no figures (loads, splits, scalers) share one compact metrics table.
        var plain: [[String]] = []
        var detailed = ""
        for stage in pipeline.graph.order {
            guard let record = lockfile.stages[stage] else { continue }
            let figures = sections.sections(for: stage)
            guard !figures.isEmpty else {
                plain += record.metrics.keys.sorted().map { [stage, $0, SVGCharts.format(record.metrics[$0]!)] }
                continue
            }
            detailed += "<section class=\"stage-section\" id=\"stage-\(SVGCharts.escape(stage))\"><h3>\(SVGCharts.escape(stage)) "
            detailed += "<span class=\"kind\">(\(SVGCharts.escape(record.kind)), \(String(format: "%.3f", record.seconds)) s)</span></h3>\n"
            // evaluate's scores appear with their figures; its lockfile adds only what was measured (latency) and tests.
            let keys = record.kind == "evaluate"
                ? record.metrics.keys.filter { $0.contains("latency") || $0.contains("throughput") || $0.hasPrefix("mcnemar") }.sorted()
                : record.kind == "cross_validate" ? [] : record.metrics.keys.sorted()
            detailed += ReportSections.table(["lockfile metric", "value"], keys.map { [$0, SVGCharts.format(record.metrics[$0]!)] })
            detailed += figures + "</section>\n"
        }
        if !plain.isEmpty { body += "<h2>Stage metrics</h2>\n" + ReportSections.table(["stage", "metric", "value"], plain, cls: "stage-metrics") }
        body += detailed
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        body += "<p class=\"meta\" id=\"generated\">Report generated in \(String(format: "%.3f", seconds)) s by pipeline \(ToolVersionText.current).</p>\n"
        return (document(title: "Pipeline report: \(name)", body: body), seconds)
    }

    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(title)</title>
        <style>
        body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
        h1 { font-size: 24px; margin-bottom: 4px; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
        h3 .kind { font-weight: normal; color: #666; font-size: 14px; } .meta { color: #666; }
        table { border-collapse: collapse; margin: 8px 16px 16px 0; font-size: 13px; display: inline-table; vertical-align: top; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
        th { background: #f4f4f4; } h4 { margin: 14px 0 2px; } table.stages, table.stage-metrics { display: table; } td:not(:first-child) { font-variant-numeric: tabular-nums; }
        figure { display: inline-block; vertical-align: top; margin: 8px 16px 16px 0; } figcaption { color: #555; font-size: 12px; max-width: 520px; }
        svg text { font-family: Helvetica, Arial, sans-serif; } .tick, .edge-label, .stage-kind { font-size: 10px; fill: #444; }
        .axis { font-size: 11px; fill: #222; } .legend { font-size: 10px; fill: #222; } .cell { font-size: 10px; fill: #111; }
        .stage-name { font-size: 13px; font-weight: bold; fill: #111; } .warning { color: #b00; }
        section.stage-section { border-top: 1px dashed #ddd; margin-top: 18px; }
        </style></head>
        <body>
        \(body)</body></html>

        """
    }
}

/// The tool version shown in reports.
enum ToolVersionText {
    static let current = "0.1.0"
}
