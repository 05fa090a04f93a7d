import XCTest
@testable import Learn

final class SearchSpaceTests: XCTestCase {
    /// a ∈ {0,1,2}; b real on [0,1] only when a ∈ {0,2}; c integer 1…5 step 2; d log-real [1e-3, 1] only when a = 1.
    static func conditionalSpace() throws -> SearchSpace {
        try SearchSpace([
            SearchParameter(name: "a", dimension: .categorical(count: 3)),
            SearchParameter(name: "b", dimension: .real(low: 0, high: 1, log: false),
                            condition: SearchCondition(parent: "a", choices: [0, 2])),
            SearchParameter(name: "c", dimension: .integer(low: 1, high: 5, step: 2, log: false)),
            SearchParameter(name: "d", dimension: .real(low: 1e-3, high: 1, log: true),
                            condition: SearchCondition(parent: "a", choices: [1])),
        ])
    }

    func testValidationRejectsBadSpaces() {
        func rejects(_ ps: [SearchParameter], _ expected: SearchSpaceError, line: UInt = #line) {
            XCTAssertThrowsError(try SearchSpace(ps), line: line) { XCTAssertEqual($0 as? SearchSpaceError, expected, line: line) }
        }
        rejects([], .empty)
        let r = SearchParameter(name: "x", dimension: .real(low: 0, high: 1, log: false))
        rejects([r, r], .badName("x"))
        rejects([SearchParameter(name: "x", dimension: .real(low: 1, high: 1, log: false))],
                .invalidDimension(parameter: "x", reason: "expected finite low < high, got [1.0, 1.0]"))
        rejects([SearchParameter(name: "x", dimension: .real(low: 0, high: 1, log: true))],
                .invalidDimension(parameter: "x", reason: "log scale needs low > 0, got 0.0"))
        rejects([SearchParameter(name: "n", dimension: .integer(low: 1, high: 9, step: 0, log: false))],
                .invalidDimension(parameter: "n", reason: "expected step ≥ 1, got 0"))
        rejects([SearchParameter(name: "n", dimension: .integer(low: 0, high: 9, step: 1, log: true))],
                .invalidDimension(parameter: "n", reason: "log scale needs low ≥ 1 and step 1"))
        rejects([SearchParameter(name: "k", dimension: .categorical(count: 0))],
                .invalidDimension(parameter: "k", reason: "expected at least one choice, got 0"))
        rejects([SearchParameter(name: "y", dimension: .real(low: 0, high: 1, log: false),
                                 condition: SearchCondition(parent: "k", choices: [0])),
                 SearchParameter(name: "k", dimension: .categorical(count: 2))],
                .invalidCondition(parameter: "y", reason: "parent 'k' must be declared before it"))
        rejects([r, SearchParameter(name: "y", dimension: .real(low: 0, high: 1, log: false),
                                    condition: SearchCondition(parent: "x", choices: [0]))],
                .invalidCondition(parameter: "y", reason: "parent 'x' must be categorical"))
        rejects([SearchParameter(name: "k", dimension: .categorical(count: 2)),
                 SearchParameter(name: "y", dimension: .real(low: 0, high: 1, log: false),
                                 condition: SearchCondition(parent: "k", choices: [2]))],
                .invalidCondition(parameter: "y", reason: "choices must be a non-empty subset of 0..<2"))
    }

    func testUnitEncodingRoundTripsAndRespectsBounds() {
        let logInt = SearchDimension.integer(low: 1, high: 100, step: 1, log: true)
        for x in [1, 2, 7, 50, 100] { XCTAssertEqual(logInt.value(atUnit: logInt.unit(of: .integer(x))), .integer(x)) }
        let lattice = SearchDimension.integer(low: 3, high: 12, step: 4, log: false)  // 3, 7, 11
        XCTAssertEqual(lattice.latticeCount, 3)
        XCTAssertEqual([0.0, 0.34, 0.67, 1.0].map { lattice.value(atUnit: $0) }, [.integer(3), .integer(7), .integer(11), .integer(11)])
        let logReal = SearchDimension.real(low: 1e-4, high: 1, log: true)
        func real(_ v: SearchValue) -> Double { if case .real(let x) = v { return x } else { return .nan } }
        XCTAssertEqual(real(logReal.value(atUnit: 0.5)), 1e-2, accuracy: 1e-15)  // log-midpoint
        XCTAssertEqual(real(logReal.value(atUnit: 0)), 1e-4, accuracy: 1e-17)
        XCTAssertEqual(real(logReal.value(atUnit: 1)), 1)
        XCTAssertEqual(logReal.unit(of: .real(1e-3)), 0.25, accuracy: 1e-15)
        XCTAssertEqual(SearchDimension.categorical(count: 4).value(atUnit: 0.999), .choice(3))
    }

    func testValidityRequiresExactlyTheActiveParameters() throws {
        let space = try Self.conditionalSpace()
        XCTAssertTrue(space.isValid(["a": .choice(0), "b": .real(0.5), "c": .integer(3)]))
        XCTAssertFalse(space.isValid(["a": .choice(1), "b": .real(0.5), "c": .integer(3)]))  // b inactive under a = 1
        XCTAssertFalse(space.isValid(["a": .choice(1), "c": .integer(3)]))                    // d missing
        XCTAssertFalse(space.isValid(["a": .choice(0), "b": .real(0.5), "c": .integer(4)]))  // off the step lattice
    }
}
