// Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, JMLR 18(185), 2018, Algorithm 1).

import Foundation

/// Hyperband's bracket schedule.
///
/// With `R = maxBudget / minBudget`, `s_max = ⌊log_eta R⌋` and `B = (s_max + 1) R`, bracket `s = s_max … 0` starts
/// `n = ⌈B/R · eta^s / (s + 1)⌉` configurations at `r = R · eta^(−s)` (in units of `minBudget`) and runs
/// successive halving: round `i = 0 … s` has `n_i = ⌊n · eta^(−i)⌋` configurations at budget
/// `r_i = r · eta^i`, i.e. `maxBudget · eta^(i − s)`. Budgets are reported exactly and rounded to integers.
public struct Hyperband: Sendable, Equatable {
    /// One successive-halving round of a bracket.
    public struct Round: Sendable, Equatable {
        /// Configurations evaluated in this round (`n_i`).
        public var configurations: Int
        /// Budget per configuration (`r_i`, exact).
        public var exactBudget: Double
        /// `exactBudget` rounded to the nearest integer (≥ `minBudget`).
        public var budget: Int
    }

    /// One bracket (a successive-halving run).
    public struct Bracket: Sendable, Equatable {
        /// The bracket index `s` (number of halvings).
        public var s: Int
        /// Rounds `i = 0 … s`.
        public var rounds: [Round]
    }

    /// Smallest budget.
    public let minBudget: Int
    /// Largest budget.
    public let maxBudget: Int
    /// Reduction factor.
    public let eta: Int
    /// Brackets from the most exploratory (`s = s_max`) to plain full-budget random search (`s = 0`).
    public let brackets: [Bracket]

    /// Builds the schedule; the arguments must satisfy `multiFidelityProblem(...) == nil`.
    public init(minBudget: Int, maxBudget: Int, eta: Int = 3) {
        precondition(multiFidelityProblem(minBudget: minBudget, maxBudget: maxBudget, eta: eta) == nil,
                     multiFidelityProblem(minBudget: minBudget, maxBudget: maxBudget, eta: eta) ?? "")
        self.minBudget = minBudget
        self.maxBudget = maxBudget
        self.eta = eta
        // s_max = ⌊log_eta(max/min)⌋ in integer arithmetic: the largest s with min·eta^s ≤ max.
        var sMax = 0
        var p = minBudget
        while true {
            let (next, overflow) = p.multipliedReportingOverflow(by: eta)
            if overflow || next > maxBudget { break }
            p = next
            sMax += 1
        }
        var brackets: [Bracket] = []
        for s in stride(from: sMax, through: 0, by: -1) {
            let etaS = Self.power(eta, s)
            let n = ((sMax + 1) * etaS + s) / (s + 1)  // ⌈(s_max+1) eta^s / (s+1)⌉
            let rounds = (0...s).map { i -> Round in
                let exact = Double(maxBudget) * Foundation.pow(Double(eta), Double(i - s))
                return Round(configurations: n / Self.power(eta, i), exactBudget: exact,
                             budget: max(minBudget, Int(exact.rounded())))
            }
            brackets.append(Bracket(s: s, rounds: rounds))
        }
        self.brackets = brackets
    }

    /// Total configurations started over all brackets.
    public var totalConfigurations: Int { brackets.reduce(0) { $0 + ($1.rounds.first?.configurations ?? 0) } }

    static func power(_ base: Int, _ k: Int) -> Int { (0..<k).reduce(1) { acc, _ in acc * base } }
}
