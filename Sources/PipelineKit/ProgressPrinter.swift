import Foundation
import PipelineSpec

/// Prints run events for people (colour when the output is a terminal and `NO_COLOR` is unset; a
/// redrawn progress bar on terminals, sparse progress lines otherwise) or as JSON lines for machines.
public final class ProgressPrinter: RunEventSink, @unchecked Sendable {
    /// Output style.
    public enum Style: Sendable { case human, json }

    // The lock serialises writes from worker threads; it is the reason for @unchecked Sendable.
    private let lock = NSLock()
    private let style: Style
    private let color: Bool
    private let interactive: Bool
    private var lastProgressLine: [String: Int] = [:]
    private var barShown = false
    private let write: @Sendable (String) -> Void

    /// A printer writing to standard output by default.
    public init(style: Style, environment: [String: String] = ProcessInfo.processInfo.environment,
                isTerminal: Bool = isatty(STDOUT_FILENO) != 0,
                write: @escaping @Sendable (String) -> Void = { text in FileHandle.standardOutput.write(Data(text.utf8)) }) {
        self.style = style
        self.interactive = isTerminal && style == .human
        self.color = isTerminal && environment["NO_COLOR"].map(\.isEmpty) ?? true
        self.write = write
    }

    public func emit(_ event: RunEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch style {
        case .json: write(Self.json(event) + "\n")
        case .human: human(event)
        }
    }

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    private func line(_ text: String) {
        if barShown { write("\r\u{1B}[2K"); barShown = false }
        write(text + "\n")
    }

    private func human(_ event: RunEvent) {
        switch event {
        case let .planned(stages, jobs):
            line("Running \(stages.count) stage\(stages.count == 1 ? "" : "s") with up to \(jobs) in parallel")
        case let .started(stage, kind):
            line("\(paint("▶", "36")) \(stage) (\(kind)) started")
        case let .progress(stage, step, total, message):
            if interactive {
                let width = 24
                let filled = total > 0 ? min(width, step * width / total) : 0
                let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
                write("\r\u{1B}[2K  \(stage) [\(bar)] \(step)/\(total) \(message)")
                barShown = true
            } else {
                // Without a terminal, print about ten evenly spaced lines per stage.
                let bucket = total > 0 ? step * 10 / total : step
                if lastProgressLine[stage] != bucket || step == total {
                    lastProgressLine[stage] = bucket
                    line("  \(stage) \(step)/\(total) \(message)")
                }
            }
        case let .note(stage, message):
            line("  \(stage): \(message)")
        case let .finished(stage, seconds, metrics):
            let shown = metrics.keys.sorted().prefix(4).map { "\($0)=\(Self.format(metrics[$0]!))" }.joined(separator: " ")
            line("\(paint("✔", "32")) \(stage) finished in \(Self.duration(seconds))\(shown.isEmpty ? "" : "  \(shown)")")
        case let .upToDate(stage):
            line("\(paint("=", "2")) \(stage) up to date")
        case let .restored(stage):
            line("\(paint("↺", "34")) \(stage) restored from cache")
        case let .failed(stage, message):
            line("\(paint("✘", "31")) \(stage) failed: \(message)")
        case let .skipped(stage, because):
            line("\(paint("-", "33")) \(stage) skipped (upstream '\(because)' failed)")
        case let .completed(succeeded, seconds, counts):
            let parts = ["ran", "up to date", "restored", "failed", "skipped"].compactMap { key in counts[key].flatMap { $0 > 0 ? "\($0) \(key)" : nil } }
            line((succeeded ? paint("Done", "32") : paint("Failed", "31")) + " in \(Self.duration(seconds)): " + parts.joined(separator: ", "))
        }
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : seconds < 120 ? String(format: "%.2f s", seconds) : String(format: "%.1f min", seconds / 60)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.4g", value)
    }

    /// One event as a JSON object (one line).
    static func json(_ event: RunEvent) -> String {
        func object(_ fields: [(String, String)]) -> String {
            "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }
        func str(_ s: String) -> String { ParamValue.quote(s) }
        func num(_ d: Double) -> String { d.isFinite ? "\(d)" : "null" }
        func metrics(_ m: [String: Double]) -> String { "{" + m.keys.sorted().map { "\(str($0)):\(num(m[$0]!))" }.joined(separator: ",") + "}" }
        switch event {
        case let .planned(stages, jobs): return object([("event", str("planned")), ("stages", "[" + stages.map(str).joined(separator: ",") + "]"), ("jobs", "\(jobs)")])
        case let .started(stage, kind): return object([("event", str("started")), ("stage", str(stage)), ("kind", str(kind))])
        case let .progress(stage, step, total, message):
            return object([("event", str("progress")), ("stage", str(stage)), ("step", "\(step)"), ("total", "\(total)"), ("message", str(message))])
        case let .note(stage, message): return object([("event", str("note")), ("stage", str(stage)), ("message", str(message))])
        case let .finished(stage, seconds, m):
            return object([("event", str("finished")), ("stage", str(stage)), ("seconds", num(seconds)), ("metrics", metrics(m))])
        case let .upToDate(stage): return object([("event", str("up_to_date")), ("stage", str(stage))])
        case let .restored(stage): return object([("event", str("restored")), ("stage", str(stage))])
        case let .failed(stage, message): return object([("event", str("failed")), ("stage", str(stage)), ("message", str(message))])
        case let .skipped(stage, because): return object([("event", str("skipped")), ("stage", str(stage)), ("because", str(because))])
        case let .completed(succeeded, seconds, counts):
            return object([("event", str("completed")), ("succeeded", succeeded ? "true" : "false"), ("seconds", num(seconds)),
                           ("counts", "{" + counts.keys.sorted().map { "\(str($0)):\(counts[$0]!)" }.joined(separator: ",") + "}")])
        }
    }
}
