import XCTest
@testable import PipelineSpec

final class SuggestionTests: XCTestCase {
    func testClassicLevenshteinCases() {
        XCTAssertEqual(Suggestion.distance("kitten", "sitting"), 3)   // k→s, e→i, +g
        XCTAssertEqual(Suggestion.distance("sitting", "kitten"), 3)
        XCTAssertEqual(Suggestion.distance("flaw", "lawn"), 2)        // −f, +n
        XCTAssertEqual(Suggestion.distance("saturday", "sunday"), 3)
    }

    func testEmptyAndEqualStrings() {
        XCTAssertEqual(Suggestion.distance("", ""), 0)
        XCTAssertEqual(Suggestion.distance("", "abc"), 3)
        XCTAssertEqual(Suggestion.distance("abcd", ""), 4)
        XCTAssertEqual(Suggestion.distance("epochs", "epochs"), 0)
    }

    func testAdjacentTranspositionCountsOnce() {
        XCTAssertEqual(Suggestion.distance("sclae", "scale"), 1)
        XCTAssertEqual(Suggestion.distance("ab", "ba"), 1)
        XCTAssertEqual(Suggestion.distance("adma", "adam"), 1)
        // Two separate swaps.
        XCTAssertEqual(Suggestion.distance("abcd", "badc"), 2)
    }

    func testOptimalStringAlignmentDoesNotEditATransposedPairAgain() {
        // True Damerau–Levenshtein gives 2 (swap, then insert between); OSA, as documented, gives 3.
        XCTAssertEqual(Suggestion.distance("ca", "abc"), 3)
    }

    func testDistanceIsCaseSensitiveAndCountsScalars() {
        XCTAssertEqual(Suggestion.distance("Epochs", "epochs"), 1)
        XCTAssertEqual(Suggestion.distance("naïve", "naive"), 1)
    }

    func testClosestWithinTheLimit() {
        XCTAssertEqual(Suggestion.closest(to: "epoch", among: ["epochs", "learning_rate"]), "epochs")
        // Limit is max(1, len/3): "lr" may differ by 1 only.
        XCTAssertEqual(Suggestion.closest(to: "lr", among: ["l2", "rate"]), "l2")
        XCTAssertNil(Suggestion.closest(to: "xgboost", among: ["fit", "scale", "split"]))
        // 9 letters: limit 3.
        XCTAssertEqual(Suggestion.closest(to: "optimiser", among: ["optimizer", "epochs"]), "optimizer")
        XCTAssertEqual(Suggestion.closest(to: "optmzr", among: ["optimizer"]), nil)  // distance 3 > 6/3
    }

    func testClosestIgnoresCaseAndBreaksTiesAlphabetically() {
        XCTAssertEqual(Suggestion.closest(to: "SCALE", among: ["scale"]), "scale")
        XCTAssertEqual(Suggestion.closest(to: "cat", among: ["hat", "bat"]), "bat")
        XCTAssertEqual(Suggestion.closest(to: "cat", among: ["cart", "bat"]), "bat")
    }

    func testHintText() {
        XCTAssertEqual(Suggestion.hint(for: "sclae", among: ["scale", "split"]), "did you mean 'scale'?")
        XCTAssertNil(Suggestion.hint(for: "zzz", among: ["scale", "split"]))
    }
}
