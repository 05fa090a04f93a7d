import PipelinePlan
import PipelineSpec

/// Parameters and metrics of two lockfiles of one pipeline, compared stage by stage (what
/// `pipeline diff` shows, like `dvc params diff` and `dvc metrics diff`).
public struct LockfileDiff: Sendable, Equatable {
    /// One parameter that differs (or, with `all`, one parameter).
    public struct ParamRow: Sendable, Equatable {
        public let stage: String
        public let param: String
        public let old: ParamValue?
        public let new: ParamValue?

        /// Creates a row.
        public init(stage: String, param: String, old: ParamValue?, new: ParamValue?) {
            self.stage = stage
            self.param = param
            self.old = old
            self.new = new
        }
    }

    /// One metric, with its change when both sides have it.
    public struct MetricRow: Sendable, Equatable {
        public let stage: String
        public let metric: String
        public let old: Double?
        public let new: Double?
        /// new − old, when both exist.
        public var change: Double? { old.flatMap { o in new.map { $0 - o } } }
    }

    /// Parameter rows, sorted by stage and name.
    public let params: [ParamRow]
    /// Metric rows, sorted by stage and name.
    public let metrics: [MetricRow]

    /// Compares `old` with `new`; unchanged parameters are left out unless `all` is set.
    public init(old: Lockfile, new: Lockfile, all: Bool = false) {
        var params: [ParamRow] = [], metrics: [MetricRow] = []
        for stage in Set(old.stages.keys).union(new.stages.keys).sorted() {
            let a = old.stages[stage], b = new.stages[stage]
            let paramNames = Set(a?.params.keys ?? [:].keys).union(b?.params.keys ?? [:].keys)
            for name in paramNames.sorted() {
                let x = a?.params[name], y = b?.params[name]
                let same = x.map { $0.sameValue(as: y) } ?? (y == nil)
                if all || !same { params.append(ParamRow(stage: stage, param: name, old: x, new: y)) }
            }
            let metricNames = Set(a?.metrics.keys ?? [:].keys).union(b?.metrics.keys ?? [:].keys)
            for name in metricNames.sorted() {
                metrics.append(MetricRow(stage: stage, metric: name, old: a?.metrics[name], new: b?.metrics[name]))
            }
        }
        self.params = params
        self.metrics = metrics
    }

    /// Tables for people: parameters that changed, then every metric with its change.
    public func text(oldLabel: String, newLabel: String) -> String {
        func value(_ v: ParamValue?) -> String { v.map(\.description) ?? "—" }
        func number(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "—" }
        func signed(_ v: Double?) -> String { v.map { $0 == 0 ? "0" : String(format: "%+.6g", $0) } ?? "" }
        var out = ""
        let paramTable = [["stage", "param", oldLabel, newLabel]] + params.map { [$0.stage, $0.param, value($0.old), value($0.new)] }
        out += params.isEmpty ? "Params: no changes\n" : "Params\n" + TextTable.render(paramTable)
        let metricTable = [["stage", "metric", oldLabel, newLabel, "change"]]
            + metrics.map { [$0.stage, $0.metric, number($0.old), number($0.new), signed($0.change)] }
        out += metrics.isEmpty ? "Metrics: none recorded\n" : "\nMetrics\n" + TextTable.render(metricTable)
        return out
    }

    /// The same as JSON: {"params": [...], "metrics": [...]} with sorted keys.
    public var json: String {
        func optional(_ v: ParamValue?) -> ParamValue { v ?? .null }
        func number(_ v: Double?) -> ParamValue { v.map { .double($0) } ?? .null }
        let value = ParamValue.map([
            "params": .list(params.map { .map(["stage": .string($0.stage), "param": .string($0.param), "old": optional($0.old), "new": optional($0.new)]) }),
            "metrics": .list(metrics.map {
                .map(["stage": .string($0.stage), "metric": .string($0.metric), "old": number($0.old), "new": number($0.new), "change": number($0.change)])
            }),
        ])
        return value.prettyJSON() + "\n"
    }
}

/// Plain-text tables with aligned columns.
public enum TextTable {
    /// Rows (the first is the header) as left-aligned columns separated by two spaces.
    public static func render(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = header.indices.map { column in rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
}
