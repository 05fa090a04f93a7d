/// Renders stage statuses for `pipeline status` and `pipeline run --dry-run`.
public enum StatusText {
    /// One line per stage, with an indented line per reason.
    public static func render(_ statuses: [StageStatus], verb: String) -> String {
        var lines: [String] = []
        for status in statuses {
            switch status.state {
            case .upToDate:
                lines.append("  up to date   \(status.stage)")
            case .cached:
                lines.append("  \(verb == "would" ? "would restore" : "cached      ") \(status.stage)  (this configuration is in the cache)")
            case .stale:
                lines.append("  \(verb == "would" ? "would run    " : "stale       ") \(status.stage)")
            }
            for reason in status.reasons { lines.append("      - \(reason)") }
        }
        let stale = statuses.filter { $0.state == .stale }.count
        let cached = statuses.filter { $0.state == .cached }.count
        lines.append(stale + cached == 0 ? "Everything is up to date." : "\(stale) stage\(stale == 1 ? "" : "s") to run, \(cached) to restore from cache.")
        return lines.joined(separator: "\n") + "\n"
    }
}
