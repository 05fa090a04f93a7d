// The search-space vocabulary shared by every hyperparameter sampler: dimensions, (conditional) parameters,
// assignments and observations. Pure values; no dependency on the pipeline spec layer.

/// One dimension of a search space.
public enum SearchDimension: Sendable, Equatable {
    /// A real number in `[low, high]`, uniform or (when `log`) log-uniform (`low > 0`).
    case real(low: Double, high: Double, log: Bool)
    /// An integer in `low...high` (inclusive) on the lattice `low + k·step`; `log` samples log-uniformly
    /// (requires `low ≥ 1` and `step == 1`).
    case integer(low: Int, high: Int, step: Int, log: Bool)
    /// A choice index in `0..<count`.
    case categorical(count: Int)
}

/// A named parameter, optionally active only when a categorical parent has one of the given choice indices.
public struct SearchParameter: Sendable, Equatable {
    /// Unique name within the space.
    public var name: String
    /// The values it may take.
    public var dimension: SearchDimension
    /// When set, the parameter exists only if the parent is active and its choice is in `condition.choices`.
    public var condition: SearchCondition?

    /// Creates a parameter (validated when placed in a `SearchSpace`).
    public init(name: String, dimension: SearchDimension, condition: SearchCondition? = nil) {
        self.name = name
        self.dimension = dimension
        self.condition = condition
    }
}

/// "Active only when the categorical parameter `parent` takes one of `choices`."
public struct SearchCondition: Sendable, Equatable {
    /// Name of a categorical parameter declared earlier in the space.
    public var parent: String
    /// Choice indices of the parent under which the child is active (non-empty, each `< count`).
    public var choices: Set<Int>

    /// Creates a condition.
    public init(parent: String, choices: Set<Int>) {
        self.parent = parent
        self.choices = choices
    }
}

/// Why a search space was rejected.
public enum SearchSpaceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The space has no parameters.
    case empty
    /// A parameter name is empty or used twice.
    case badName(String)
    /// A dimension's bounds/step/count are invalid; the message says what was expected.
    case invalidDimension(parameter: String, reason: String)
    /// A condition names a missing, later, or non-categorical parent, or an invalid choice set.
    case invalidCondition(parameter: String, reason: String)

    /// Human-readable message.
    public var description: String {
        switch self {
        case .empty: return "search space has no parameters"
        case .badName(let n): return n.isEmpty ? "search parameter name is empty" : "search parameter '\(n)' is declared twice"
        case .invalidDimension(let p, let r): return "search parameter '\(p)': \(r)"
        case .invalidCondition(let p, let r): return "search parameter '\(p)': condition \(r)"
        }
    }
}

/// An ordered, validated list of parameters (parents before children).
public struct SearchSpace: Sendable, Equatable {
    /// The parameters in declaration order; every condition's parent appears before its child.
    public var parameters: [SearchParameter]

    /// Validates and creates a space.
    ///
    /// Rules: at least one parameter; names non-empty and unique; `real`: finite `low < high`, `log` needs
    /// `low > 0`; `integer`: `low ≤ high`, `step ≥ 1`, `log` needs `low ≥ 1` and `step == 1`; `categorical`:
    /// `count ≥ 1`; a condition's parent is a categorical declared earlier, its choices are non-empty and `< count`.
    public init(_ parameters: [SearchParameter]) throws {
        guard !parameters.isEmpty else { throw SearchSpaceError.empty }
        var seen: [String: SearchDimension] = [:]
        for p in parameters {
            guard !p.name.isEmpty, seen[p.name] == nil else { throw SearchSpaceError.badName(p.name) }
            try Self.validate(p.dimension, name: p.name)
            if let c = p.condition {
                guard let parent = seen[c.parent] else {
                    throw SearchSpaceError.invalidCondition(
                        parameter: p.name, reason: "parent '\(c.parent)' must be declared before it")
                }
                guard case .categorical(let count) = parent else {
                    throw SearchSpaceError.invalidCondition(
                        parameter: p.name, reason: "parent '\(c.parent)' must be categorical")
                }
                guard !c.choices.isEmpty, c.choices.allSatisfy({ $0 >= 0 && $0 < count }) else {
                    throw SearchSpaceError.invalidCondition(
                        parameter: p.name, reason: "choices must be a non-empty subset of 0..<\(count)")
                }
            }
            seen[p.name] = p.dimension
        }
        self.parameters = parameters
    }

    private static func validate(_ d: SearchDimension, name: String) throws {
        func bad(_ r: String) -> SearchSpaceError { .invalidDimension(parameter: name, reason: r) }
        switch d {
        case .real(let lo, let hi, let log):
            guard lo.isFinite, hi.isFinite, lo < hi else { throw bad("expected finite low < high, got [\(lo), \(hi)]") }
            if log && lo <= 0 { throw bad("log scale needs low > 0, got \(lo)") }
        case .integer(let lo, let hi, let step, let log):
            guard lo <= hi else { throw bad("expected low ≤ high, got [\(lo), \(hi)]") }
            guard step >= 1 else { throw bad("expected step ≥ 1, got \(step)") }
            if log && (lo < 1 || step != 1) { throw bad("log scale needs low ≥ 1 and step 1") }
        case .categorical(let count):
            guard count >= 1 else { throw bad("expected at least one choice, got \(count)") }
        }
    }

    /// The parameter names in order.
    public var names: [String] { parameters.map(\.name) }

    /// Whether parameter `index` is active under the (partial) assignment of the parameters before it.
    public func isActive(_ index: Int, in assignment: SearchAssignment) -> Bool {
        guard let c = parameters[index].condition else { return true }
        guard case .choice(let k)? = assignment[c.parent] else { return false }
        return c.choices.contains(k)
    }
}

/// A value of one parameter.
public enum SearchValue: Sendable, Hashable {
    /// Value of a `real` dimension.
    case real(Double)
    /// Value of an `integer` dimension.
    case integer(Int)
    /// Choice index of a `categorical` dimension.
    case choice(Int)
}

/// Values of the active parameters only (an inactive conditional parameter is absent).
public typealias SearchAssignment = [String: SearchValue]

/// A finished (or stopped) trial as samplers see it. `loss` is minimised (the caller negates maximised metrics);
/// nil = failed trial. `budget` = resource used (e.g. epochs) for multi-fidelity; nil = full budget.
public struct SearchObservation: Sendable, Equatable {
    /// The trial's parameter values.
    public var assignment: SearchAssignment
    /// The loss to minimise; nil when the trial failed.
    public var loss: Double?
    /// Resource the loss was measured at; nil = full budget.
    public var budget: Int?

    /// Creates an observation.
    public init(assignment: SearchAssignment, loss: Double?, budget: Int? = nil) {
        self.assignment = assignment
        self.loss = loss
        self.budget = budget
    }
}

/// A sampler is a value; suggestions depend only on (space, observations, count, seed) so a killed search resumes
/// deterministically: trial i's randomness comes from SeededGenerator(seed: seed, stream: "trial/\(firstIndex + k)").
public protocol SearchSampler: Sendable {
    /// `count` new assignments given everything observed so far (`pending` are suggested but unfinished trials,
    /// for batch/parallel suggestion — e.g. constant liar for GP). `firstIndex` = index of the first new trial.
    func suggest(space: SearchSpace, observations: [SearchObservation], pending: [SearchAssignment],
                 count: Int, firstIndex: Int, seed: UInt64) throws -> [SearchAssignment]
}
