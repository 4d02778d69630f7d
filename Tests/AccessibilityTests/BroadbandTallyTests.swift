import GeoData
import Testing
@testable import Accessibility

struct BroadbandTallyTests {
    func row(premises: Double?, sfbb: Double? = nil, fullFibreCount: Double? = nil, speed: Double? = nil) -> BroadbandRow {
        var row = BroadbandRow()
        if let premises { row.premises = premises; row.present |= BroadbandRow.premisesBit }
        if let sfbb { row.values[0] = sfbb; row.present |= BroadbandRow.bit(.sfbb) }
        if let fullFibreCount {
            row.values[2] = fullFibreCount
            row.present |= BroadbandRow.bit(.fullFibre)
            row.counts |= BroadbandRow.bit(.fullFibre)
        }
        if let speed { row.speedMbps = speed; row.present |= BroadbandRow.speedBit }
        return row
    }

    /// Premises weights: 10 premises at 50 % and 30 at 100 % are 5 + 30 = 35 of 40 = 87.5 %; full fibre from
    /// numbers, 4 + 6 = 10 of 40 = 25 %.
    @Test func premisesWeightedShares() {
        var tally = BroadbandTally()
        for r in [row(premises: 10, sfbb: 50, fullFibreCount: 4), row(premises: 30, sfbb: 100, fullFibreCount: 6)] {
            tally.add(r, weight: r.premises)
        }
        #expect(tally.records == 2 && tally.premises == 40)
        #expect(tally.percent(.sfbb) == 87.5)
        #expect(tally.percent(.fullFibre) == 25)
        #expect(tally.percent(.gigabit) == nil)
    }

    /// Equal weights (no premises counts): the plain mean of the percentages, (50 + 100 + 0) / 3 = 50.
    @Test func equalWeights() {
        var tally = BroadbandTally()
        for r in [row(premises: nil, sfbb: 50), row(premises: nil, sfbb: 100), row(premises: nil, sfbb: 0)] { tally.add(r, weight: 1) }
        #expect(tally.percent(.sfbb) == 50)
        // A count over 0 premises has no share and is left out with equal weights.
        tally.add(row(premises: 0, fullFibreCount: 0), weight: 1)
        #expect(tally.percent(.fullFibre) == nil)
    }

    /// The weighted median, worked by hand.
    @Test func weightedMedian() {
        // Equal weights: the ordinary median, odd and even.
        #expect(BroadbandTally.weightedMedian([(3, 1), (1, 1), (2, 1)]) == 2)
        #expect(BroadbandTally.weightedMedian([(4, 1), (1, 1), (3, 1), (2, 1)]) == 2.5)
        // Weights 1, 1, 10: W = 12, half 6; cumulative 1, 2, 12: the third value.
        #expect(BroadbandTally.weightedMedian([(10, 1), (20, 1), (30, 10)]) == 30)
        // Weights 6, 2, 4: W = 12; the cumulative weight is exactly 6 at the first value: mean of 10 and 20.
        #expect(BroadbandTally.weightedMedian([(20, 2), (10, 6), (30, 4)]) == 15)
        // Weight 0 is left out; nothing left is nil.
        #expect(BroadbandTally.weightedMedian([(5, 0), (7, 3)]) == 7)
        #expect(BroadbandTally.weightedMedian([(5, 0)]) == nil)
        #expect(BroadbandTally.weightedMedian([]) == nil)
    }
}
