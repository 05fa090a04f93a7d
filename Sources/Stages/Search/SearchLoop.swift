import Learn

/// How trials are scheduled: plain (every trial at full budget) or one of the multi-fidelity rules, which
/// run trials at small budgets first and spend the large budgets on the promising ones.
enum TrialSchedule: Sendable {
    case plain
    case successiveHalving(rungs: [Int], eta: Int)
    case asha(ASHA)
    case hyperband(min: Int, max: Int, eta: Int)
    case median(rungs: [Int])

    /// Budgets min, min·eta, min·eta², … below max, then max.
    static func rungs(min: Int, max: Int, eta: Int) -> [Int] {
        SuccessiveHalving(minBudget: min, maxBudget: max, eta: eta).rungs
    }
}

/// Runs a search: asks the sampler for assignments, runs them in batches, tells it the results.
/// Every decision depends only on earlier results in trial order, so a search re-run (all trials cached)
/// or resumed after a kill takes the same path.
struct SearchLoop {
    let sampler: any SearchSampler
    let space: TrialSpace
    let batch: TrialBatch
    let seed: UInt64
    /// Configurations to sample.
    let trials: Int
    /// Trials suggested and run at once.
    let batchSize: Int
    let progress: (_ done: Int, _ total: Int, _ results: [TrialResult]) -> Void

    private(set) var results: [TrialResult] = []
    private var sampled = 0

    init(sampler: any SearchSampler, space: TrialSpace, batch: TrialBatch, seed: UInt64, trials: Int, batchSize: Int,
         progress: @escaping (Int, Int, [TrialResult]) -> Void) {
        self.sampler = sampler
        self.space = space
        self.batch = batch
        self.seed = seed
        self.trials = trials
        self.batchSize = batchSize
        self.progress = progress
    }

    /// What the sampler has seen: each trial's latest (largest-budget) result.
    private var observations: [SearchObservation] {
        var latest: [Int: TrialResult] = [:]
        for result in results { latest[result.row.index] = result }
        return latest.keys.sorted().map { latest[$0]! }.map {
            SearchObservation(assignment: $0.row.assignment, loss: $0.loss, budget: $0.row.budget)
        }
    }

    private mutating func sample(_ count: Int) throws -> [(index: Int, assignment: SearchAssignment)] {
        let wanted = min(count, trials - sampled)
        guard wanted > 0 else { return [] }
        let assignments = try sampler.suggest(space: space.space, observations: observations, pending: [], count: wanted,
                                              firstIndex: sampled, seed: seed)
        defer { sampled += assignments.count }
        return assignments.enumerated().map { (sampled + $0.offset, $0.element) }
    }

    private mutating func run(_ jobs: [TrialJob], total: Int) throws -> [TrialResult] {
        let done = try batch.run(jobs)
        results += done
        progress(results.count, total, results)
        return done
    }

    mutating func run(_ schedule: TrialSchedule) throws {
        switch schedule {
        case .plain:
            while true {
                let fresh = try sample(batchSize)
                if fresh.isEmpty { break }
                _ = try run(fresh.map { TrialJob(index: $0.index, assignment: $0.assignment, budget: nil) }, total: trials)
            }
        case let .successiveHalving(rungs, eta):
            let configs = try sample(trials)
            try halve(configs, rungs: rungs, eta: eta, total: Self.halvingCost(configs.count, rungs: rungs.count, eta: eta))
        case let .hyperband(lo, hi, eta):
            let brackets = Self.hyperbandBrackets(min: lo, max: hi, eta: eta)
            let total = brackets.reduce(0) { $0 + Self.halvingCost($1.configs, rungs: $1.rungs.count, eta: eta) }
            for bracket in brackets {
                let configs = try sample(bracket.configs)
                if configs.isEmpty { break }
                try halve(configs, rungs: bracket.rungs, eta: eta, total: total)
            }
        case let .asha(rule):
            try asha(rule)
        case let .median(rungs):
            try median(rungs: rungs)
        }
    }

    /// Evaluations successive halving spends on `configs` over `rungs`.
    static func halvingCost(_ configs: Int, rungs: Int, eta: Int) -> Int {
        var alive = configs
        var cost = 0
        for _ in 0..<rungs {
            cost += alive
            alive = max(1, alive / eta)
        }
        return cost
    }

    /// Hyperband's brackets (Li et al. 2018): configurations started and the budgets of their rounds.
    static func hyperbandBrackets(min: Int, max: Int, eta: Int) -> [(configs: Int, rungs: [Int])] {
        Hyperband(minBudget: min, maxBudget: max, eta: eta).brackets.map { ($0.rounds[0].configurations, $0.rounds.map(\.budget)) }
    }

    /// Synchronous successive halving: every survivor runs at each rung; the best ⌊n/η⌋ (at least one) advance.
    private mutating func halve(_ configs: [(index: Int, assignment: SearchAssignment)], rungs: [Int], eta: Int, total: Int) throws {
        var alive = configs
        for (level, budget) in rungs.enumerated() {
            var jobs = alive.map { TrialJob(index: $0.index, assignment: $0.assignment, budget: budget) }
            var done: [TrialResult] = []
            while !jobs.isEmpty {
                let chunk = Array(jobs.prefix(batchSize))
                jobs.removeFirst(chunk.count)
                done += try run(chunk, total: total)
            }
            guard level < rungs.count - 1 else { break }
            let keep = Set(Self.ranked(done).prefix(max(1, alive.count / eta)).map(\.row.index))
            markStopped(done.map(\.row.index).filter { !keep.contains($0) }, budget: budget)
            for i in results.indices where results[i].row.budget == budget && keep.contains(results[i].row.index) && results[i].row.status == "complete" {
                results[i].row.status = "promoted"
            }
            alive = alive.filter { keep.contains($0.index) }
        }
    }

    /// Completed results best first (ties: lower trial index).
    static func ranked(_ results: [TrialResult]) -> [TrialResult] {
        results.filter { $0.loss != nil }.sorted { ($0.loss!, $0.row.index) < ($1.loss!, $1.row.index) }
    }

    private mutating func markStopped(_ indices: [Int], budget: Int) {
        let stop = Set(indices)
        for i in results.indices where stop.contains(results[i].row.index) && results[i].row.budget == budget && results[i].row.status == "complete" {
            results[i].row.status = "stopped"
        }
    }

    /// ASHA (Li et al. 2020) made deterministic: each slot of a batch takes the search core's next job
    /// (`ASHA.nextJob`: promote the best not-yet-promoted trial in the top 1/η of the highest rung that has one,
    /// else start a new configuration at the lowest rung), given the results so far and the batch's earlier
    /// promotions. Results are folded in batch by batch; ties at a rung go to the lower trial index.
    private mutating func asha(_ rule: ASHA) throws {
        let rungs = rule.rungs
        var assignments: [Int: SearchAssignment] = [:]
        let total = Self.halvingCost(trials, rungs: rungs.count, eta: rule.eta)
        while true {
            // Sorted by trial, so within a rung the core ranks equal losses by trial index.
            let seen = results.map { ASHA.Result(trial: $0.row.index, rung: rungs.firstIndex(of: $0.row.budget!)!, loss: $0.loss) }
                .sorted { $0.trial < $1.trial }
            var jobs: [TrialJob] = []
            var running: [(trial: Int, rung: Int)] = []
            for _ in 0..<batchSize {
                switch rule.nextJob(results: seen, running: running) {
                case let .promote(trial, rung):
                    running.append((trial, rung))
                    jobs.append(TrialJob(index: trial, assignment: assignments[trial]!, budget: rungs[rung]))
                case .newTrial:
                    if let fresh = try sample(1).first {
                        assignments[fresh.index] = fresh.assignment
                        jobs.append(TrialJob(index: fresh.index, assignment: fresh.assignment, budget: rungs[0]))
                    }
                }
            }
            if jobs.isEmpty { break }
            _ = try run(jobs, total: total)
        }
        // Trials whose last evaluation is below the top rung were not promoted: stopped.
        var last: [Int: Int] = [:]
        for (position, result) in results.enumerated() { last[result.row.index] = position }
        for position in last.values where results[position].row.budget != rungs.last && results[position].row.status == "complete" {
            results[position].row.status = "stopped"
        }
        for position in results.indices where last[results[position].row.index] != position && results[position].row.status == "complete" {
            results[position].row.status = "promoted"
        }
    }

    /// Median stopping rule (Golovin et al. 2017) at rung granularity: after each rung a trial stops when its
    /// loss is worse than the median loss of the earlier trials at that rung (needs at least three of them).
    private mutating func median(rungs: [Int]) throws {
        let total = trials * rungs.count
        while true {
            var alive = try sample(batchSize)
            if alive.isEmpty { break }
            for (level, budget) in rungs.enumerated() where !alive.isEmpty {
                let done = try run(alive.map { TrialJob(index: $0.index, assignment: $0.assignment, budget: budget) }, total: total)
                guard level < rungs.count - 1 else { break }
                var stopped: [Int] = []
                for result in done {
                    let earlier = results.filter { $0.row.budget == budget && $0.row.index < result.row.index }.compactMap(\.loss).sorted()
                    guard earlier.count >= 3, let loss = result.loss else {
                        if result.loss == nil { stopped.append(result.row.index) }
                        continue
                    }
                    let middle = earlier.count % 2 == 1 ? earlier[earlier.count / 2] : (earlier[earlier.count / 2 - 1] + earlier[earlier.count / 2]) / 2
                    if loss > middle { stopped.append(result.row.index) }
                }
                markStopped(stopped, budget: budget)
                alive = alive.filter { !stopped.contains($0.index) }
                for i in results.indices where results[i].row.budget == budget && results[i].row.status == "complete" && alive.contains(where: { $0.index == results[i].row.index }) {
                    results[i].row.status = "promoted"
                }
            }
        }
    }
}
