import ArgumentParser
import Foundation
import Learn

/// `pipeline bench search`: median best-found regret of the hyperparameter samplers on standard test functions,
/// plus the GP sampler's per-suggestion overhead.
struct BenchSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Median regret of GP-BO, TPE and random search on Branin and Hartmann-6.",
        discussion: """
            Runs each sampler for --trials sequential trials with seeds 0..<--seeds on each function and prints the \
            median over seeds of the best-found regret (best value − known minimum) after 10, 25 and --trials \
            trials, then the median wall time of one GP suggestion with 100 observed trials. Run a release build.
            """)

    @Option(help: "Seeds per sampler and function (0..<seeds).") var seeds: Int = 10
    @Option(help: "Trials per run.") var trials: Int = 50
    @Option(help: "Comma-separated samplers: gp, gp-ucb, tpe, random, evolution.") var samplers: String = "gp,tpe,random"
    @Option(help: "Comma-separated functions: branin, hartmann6.") var functions: String = "branin,hartmann6"
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Flag(help: "Skip the GP overhead measurement.") var noOverhead = false

    func validate() throws {
        guard seeds >= 1, trials >= 1 else { throw ValidationError("--seeds and --trials must be ≥ 1") }
        for s in samplerNames where Self.sampler(s) == nil {
            throw ValidationError("unknown sampler '\(s)'; expected gp, gp-ucb, tpe, random or evolution")
        }
        for f in functionNames where Self.function(f) == nil {
            throw ValidationError("unknown function '\(f)'; expected branin or hartmann6")
        }
    }

    var samplerNames: [String] { samplers.split(separator: ",").map { String($0) } }
    var functionNames: [String] { functions.split(separator: ",").map { String($0) } }

    static func sampler(_ name: String) -> (any SearchSampler)? {
        switch name {
        case "gp": return GaussianProcessSampler()
        case "gp-ucb": return GaussianProcessSampler(acquisition: .upperConfidenceBound(kappa: 2))
        case "tpe": return TPESampler()
        case "random": return RandomSampler()
        case "evolution": return EvolutionarySampler()
        default: return nil
        }
    }

    static func function(_ name: String) -> SearchTestFunction? {
        switch name {
        case "branin": return .branin
        case "hartmann6": return .hartmann6
        default: return nil
        }
    }

    func run() throws {
        let checkpoints = Array(Set([10, 25, trials].filter { $0 <= trials })).sorted()
        var results: [[String: Any]] = []
        for f in functionNames {
            let function = Self.function(f)!
            for s in samplerNames {
                let sampler = Self.sampler(s)!
                let curves = try (0..<seeds).map { try function.regretCurve(sampler: sampler, trials: trials, seed: UInt64($0)) }
                var row: [String: Any] = ["function": f, "sampler": s]
                for c in checkpoints { row["median_regret_\(c)"] = SearchBenchmark.median(curves.map { $0[c - 1] }) }
                results.append(row)
                if !json {
                    let cells = checkpoints.map { String(format: "@%d %.5f", $0, row["median_regret_\($0)"] as! Double) }
                    print(f.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + s.padding(toLength: 10, withPad: " ", startingAt: 0)
                          + " " + cells.joined(separator: "  "))
                }
            }
        }
        var overhead: (wall: Double, cpu: Double)?
        if !noOverhead {
            overhead = try SearchBenchmark.gpSuggestionMilliseconds(observations: 100)
            if !json {
                print(String(format: "GP suggestion at 100 observations (hartmann6, median of 5): %.1f ms wall, %.1f ms CPU",
                             overhead!.wall, overhead!.cpu))
            }
        }
        if json {
            var doc: [String: Any] = ["seeds": seeds, "trials": trials, "results": results]
            if let overhead {
                doc["gp_suggest_wall_ms_at_100"] = overhead.wall
                doc["gp_suggest_cpu_ms_at_100"] = overhead.cpu
            }
            let data = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
