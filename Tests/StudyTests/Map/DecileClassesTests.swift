import Testing
@testable import Study

/// The map's classes: the ward of rank r among n is in class ⌊(r − 1) · 10 / n⌋ + 1, ties taking their lowest
/// rank. Every expectation below is that formula worked by hand.
struct DecileClassesTests {
    /// 1...20 in a shuffled order: rank r = value, class ⌊(r − 1) / 2⌋ + 1, so two wards a class:
    /// 1, 2 → 1; 3, 4 → 2; ... 19, 20 → 10.
    @Test func twentyDistinctValuesMakeTwoWardsAClass() {
        let values: [Double] = [7, 3, 20, 1, 14, 9, 2, 18, 5, 11, 16, 4, 19, 6, 13, 8, 17, 10, 15, 12]
        let deciles = DecileClasses(values: values)
        #expect(deciles.classes == values.map { UInt8((Int($0) - 1) / 2 + 1) })
        #expect(deciles.counts == [Int](repeating: 2, count: 10))
        #expect(deciles.ranges.map { $0?.lowerBound } == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19])
        #expect(deciles.ranges.map { $0?.upperBound } == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20])
        #expect(deciles.missing == 0)
    }

    /// n = 3 (the null and the NaN have no value): ranks 1, 2, 3 → classes 1, ⌊10/3⌋ + 1 = 4, ⌊20/3⌋ + 1 = 7.
    @Test func fewWardsAndMissingValues() {
        let deciles = DecileClasses(values: [5, 1, nil, 3, .nan])
        #expect(deciles.classes == [7, 1, 0, 4, 0])
        #expect(deciles.missing == 2)
        #expect(deciles.counts == [1, 0, 0, 1, 0, 0, 1, 0, 0, 0])
        #expect(deciles.ranges[1] == nil && deciles.ranges[3] == 3...3)
    }

    /// Ties share a class: [2, 2, 2, 1] ranks 1 → class 1 and the three 2s share rank 2 → ⌊10/4⌋ + 1 = 3.
    @Test func tiedValuesShareTheirLowestRanksClass() {
        let deciles = DecileClasses(values: [2, 2, 2, 1])
        #expect(deciles.classes == [3, 3, 3, 1])
        #expect(deciles.counts[2] == 3 && deciles.ranges[2] == 2...2)
    }

    @Test func noValuesAtAll() {
        let deciles = DecileClasses(values: [nil, nil])
        #expect(deciles.classes == [0, 0] && deciles.missing == 2 && deciles.ranges.allSatisfy { $0 == nil })
    }

    /// Change classes by hand: the largest |v| is 10, so steps of 2: −10 → 6 − ⌈5⌉ = 1, −3 → 6 − ⌈1.5⌉ = 4,
    /// −0.5 → 6 − ⌈0.25⌉ = 5, 0 → 6 (no change), 2 → 6 + ⌈1⌉ = 7 (the step's top is in it), 2.1 → 8, 10 → 11,
    /// nil → 0.
    @Test func changeClassesAreCentredOnZero() {
        let classes = DecileClasses.change(values: [-10, -3, -0.5, 0, 2, 2.1, 10, nil])
        #expect(classes.classes == [1, 4, 5, 6, 7, 8, 11, 0])
        #expect(classes.diverging)
        #expect(classes.counts == [1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1])
        #expect(classes.missing == 1)
        #expect(classes.ranges[3] == -3 ... -3)
        // All zero: every ward is "no change" (no division by a largest change of 0).
        #expect(DecileClasses.change(values: [0, 0, nil]).classes == [6, 6, 0])
    }
}
