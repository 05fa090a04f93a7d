import Foundation
import Learn
import PipelineSpec
import PipelineStore

/// One trial of a search as recorded in its table.
struct TrialRow: Sendable {
    /// Trial number, in the order trials were suggested.
    let index: Int
    /// The sampled values.
    let assignment: SearchAssignment
    /// The budget (e.g. epochs) it ran with, for multi-fidelity searches.
    let budget: Int?
    /// The objective metric, when the trial completed.
    let value: Double?
    /// `complete`, `failed`, or `stopped` (a multi-fidelity rule did not advance it).
    var status: String
    /// Why it failed.
    let message: String
    /// Seconds its stages took when they were computed (cached stages count their original time).
    let seconds: Double
}

/// Writes a search's trials as an HDF5 table and a CSV. Neither holds wall times, so both are bit-identical
/// across runs; the search's lockfile metrics carry the trials' total and mean seconds.
struct TrialTable {
    let space: TrialSpace
    let rows: [TrialRow]
    let metric: String

    func writeHDF5(to path: String, stamp: (HDF5Group) throws -> Void, attributes: [String: HDF5AttributeValue]) throws {
        let file = try HDF5File.create(path)
        let root = file.root
        try root.setAttribute("artifact", .string("metrics"))
        try root.setAttribute("table", .string("search trials: one row per trial, in suggestion order"))
        for key in attributes.keys.sorted() { try root.setAttribute(key, attributes[key]!) }
        let group = try root.createGroup("trials")
        let count = rows.count
        _ = try group.createDataset("index", shape: [count], data: rows.map { Int64($0.index) })
        let values = try group.createDataset(metric, shape: [count], data: rows.map { $0.value ?? .nan })
        try values.setAttribute("meaning", .string("objective metric per trial; NaN when the trial failed"))
        let budgets = try group.createDataset("budget", shape: [count], data: rows.map { Int64($0.budget ?? -1) })
        try budgets.setAttribute("meaning", .string("resource the trial ran with; -1 when the search has no budget"))
        try group.setAttribute("status", .strings(rows.map(\.status)))
        for parameter in space.space.parameters {
            let data = try group.createDataset(parameter.name, shape: [count], data: rows.map { row -> Double in
                switch row.assignment[parameter.name] {
                case .real(let x)?: return x
                case .integer(let n)?: return Double(n)
                case .choice(let i)?: return Double(i)
                case nil: return .nan
                }
            })
            if let choices = space.choices[parameter.name] {
                try data.setAttribute("meaning", .string("index into the attribute 'choices'; NaN when inactive"))
                try data.setAttribute("choices", .strings(choices.map(\.description)))
            } else {
                try data.setAttribute("meaning", .string("sampled value; NaN when inactive"))
            }
        }
        try stamp(root)
        try file.close()
    }

    func csv() -> String {
        let names = space.space.parameters.map(\.name)
        var lines = [(["trial"] + names + [metric, "budget", "status", "message"]).map(Self.field).joined(separator: ",")]
        for row in rows {
            var cells = [String(row.index)]
            cells += names.map { name in row.assignment[name].map { space.value(name, $0).description } ?? "" }
            cells += [row.value.map { "\($0)" } ?? "", row.budget.map(String.init) ?? "", row.status, row.message]
            lines.append(cells.map(Self.field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting where needed.
    static func field(_ text: String) -> String {
        text.contains(where: { ",\"\n".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
