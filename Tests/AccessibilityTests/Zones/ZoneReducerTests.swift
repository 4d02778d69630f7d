import Testing
@testable import Accessibility

/// The one reduction rule (docs/architecture.md, "Zone figures: one rule"), worked by hand on five zones:
/// zone 0: weights 2, 3, 5 with values 10, none, 20;  zone 1: weights 0, 0 with values 4, 8;  zone 2: no origin;
/// zone 3: one origin but no usable boundary;  zone 4: weights 0, 4 with values 1, none.
struct ZoneReducerTests {
    static let zoneOf = [0, 0, 0, 1, 1, 3, 4, 4]
    static let weights: [Double] = [2, 3, 5, 0, 0, 7, 0, 4]
    static let values: [Double?] = [10, nil, 20, 4, 8, 1, 1, nil]
    static let reducer = ZoneReducer(zoneOf: zoneOf, weights: weights, usable: [true, true, true, false, true])

    @Test func weightsFollowTheRule() {
        // Zone 1's origins all weigh 0, so each weighs 1; zone 4 has weight 4 in all, so its 0 stays 0.
        #expect(Self.reducer.weights == [2, 3, 5, 1, 1, 7, 0, 4])
        #expect(Self.reducer.ownWeight == [10, 0, 0, 7, 4])
        #expect(Self.reducer.originCounts == [3, 2, 0, 1, 2])
        #expect(Self.reducer.members == [[0, 1, 2], [3, 4], [], [5], [6, 7]])
    }

    @Test func meansLeaveOutOriginsWithoutAValue() {
        let mean = Self.reducer.mean(Self.values)
        // Zone 0: (2·10 + 5·20) / (2 + 5) = 120/7; zone 1: (4 + 8)/2 = 6; zone 4: the valued origin weighs 0,
        // so no weight is reached and there is no mean.
        #expect(mean[0] == 120.0 / 7.0)
        #expect(mean[1] == 6)
        #expect(mean[2] == nil && mean[3] == nil && mean[4] == nil)
    }

    @Test func sharesCountOriginsWithoutAValueAsNotWithin() {
        // Zone 0, within 15: weight 2 of 10 (the unreached origin's 3 is in the denominator) = 20 %; within 25:
        // 7 of 10 = 70 %. Zone 1 within 15: both, 100 %; within 5: 1 of 2 = 50 %. Zone 4 within 15: 0 of 4 = 0 %.
        let within15 = Self.reducer.share(Self.values, atMost: 15)
        #expect(within15[0] == 20 && within15[1] == 100 && within15[2] == nil && within15[3] == nil && within15[4] == 0)
        #expect(Self.reducer.share(Self.values, atMost: 25)[0] == 70)
        #expect(Self.reducer.share(Self.values, atMost: 5)[1] == 50)
        // A test over origins: the origins with index ≥ 2 of zone 0 hold 5 of its 10.
        #expect(Self.reducer.share { $0 >= 2 }[0] == 50)
    }

    @Test func unknownOriginsLeaveTheShares() {
        // Zone 0's second origin (weight 3, no value) is unknown (off the network): within 15 is now 2 of 7.
        // Zone 4's second origin is unknown too, and its first weighs 0: no known weight, no share.
        var known = [Bool](repeating: true, count: Self.values.count)
        known[1] = false
        known[7] = false
        let within15 = Self.reducer.share(Self.values, atMost: 15, known: known)
        #expect(within15[0] == 200.0 / 7.0)
        #expect(within15[1] == 100 && within15[4] == nil)
        // Means do not change: an origin without a value is out of them either way.
        #expect(Self.reducer.mean(Self.values)[0] == 120.0 / 7.0)
    }

    @Test func maximaPercentilesAndMissingCounts() {
        #expect(Self.reducer.maximum(Self.values) == [20, 8, nil, nil, 1])
        #expect(Self.reducer.missing(Self.values) == [1, 0, 0, 0, 1])
        // Zone 0's valued origins: 10 (weight 2), 20 (weight 5), total 7. p25 needs 1.75: 10; p50 needs 3.5: 20.
        #expect(Self.reducer.percentile(25, of: Self.values)[0] == 10)
        #expect(Self.reducer.percentile(50, of: Self.values)[0] == 20)
        #expect(Self.reducer.percentile(100, of: Self.values)[0] == 20)
        // Zone 1 (4 and 8, weight 1 each): p50 needs 1, reached by the first: the lower median, 4.
        #expect(Self.reducer.percentile(50, of: Self.values)[1] == 4)
        #expect(Self.reducer.percentile(51, of: Self.values)[1] == 8)
        // Zone 4: its only valued origin weighs 0; the percentile is that value, and nil where there is none.
        #expect(Self.reducer.percentile(50, of: Self.values)[4] == 1)
        #expect(Self.reducer.percentile(50, of: Self.values)[2] == nil)
    }

    /// Against a one-origin-at-a-time reading of the rule on random zones: the reducer's mean and share equal
    /// sums written out here, and its percentile equals the smallest value whose weight below reaches p %.
    @Test func randomZonesAgainstBruteForce() {
        var generator = LinearCongruential(seed: 7)
        let origins = 2_000, zones = 60
        let zoneOf = (0..<origins).map { _ in Int(generator.next() % UInt64(zones)) }
        let weights = (0..<origins).map { _ in generator.next() % 5 == 0 ? 0 : Double(generator.next() % 400) }
        let values: [Double?] = (0..<origins).map { _ in generator.next() % 7 == 0 ? nil : Double(generator.next() % 90) }
        let reducer = ZoneReducer(zoneOf: zoneOf, weights: weights, usable: Array(repeating: true, count: zones))
        let mean = reducer.mean(values), share = reducer.share(values, atMost: 30), p50 = reducer.percentile(50, of: values)
        for z in 0..<zones {
            let own = (0..<origins).filter { zoneOf[$0] == z }
            let allZero = own.allSatisfy { weights[$0] == 0 }
            func w(_ o: Int) -> Double { allZero ? 1 : weights[o] }
            let valued = own.filter { values[$0] != nil }
            let valuedWeight = valued.reduce(0.0) { $0 + w($1) }
            let expectedMean = valuedWeight > 0 ? valued.reduce(0.0) { $0 + w($1) * values[$1]! } / valuedWeight : nil
            #expect(mean[z].map { abs($0 - expectedMean!) < 1e-9 } ?? (expectedMean == nil), "zone \(z)")
            let total = own.reduce(0.0) { $0 + w($1) }
            let within = own.filter { (values[$0] ?? .infinity) <= 30 }.reduce(0.0) { $0 + w($1) }
            #expect(abs(share[z]! - 100 * within / total) < 1e-9, "zone \(z)")
            let candidates = Set(valued.map { values[$0]! }).sorted()
            let expectedP50 = valuedWeight > 0
                ? candidates.first { v in valued.filter { values[$0]! <= v }.reduce(0.0) { $0 + w($1) } >= 0.5 * valuedWeight * (1 - 1e-12) }
                : valued.map { values[$0]! }.max()
            #expect(p50[z] == expectedP50, "zone \(z)")
        }
    }
}

/// Knuth's MMIX linear congruential generator: a fixed, dependency-free stream for the random cases.
struct LinearCongruential {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
}
