import Testing
@testable import Scoring

@Suite struct RankingTests {
    /// scipy rankdata([3, 1, 3, 2], method="average") = [3.5, 1, 3.5, 2]; NaN stays out.
    @Test func averageRanksShareTies() {
        var workspace = RankWorkspace()
        let ranks = workspace.averageRanks([3, 1, .nan, 3, 2])
        #expect(ranks[0] == 3.5 && ranks[1] == 1 && ranks[2].isNaN && ranks[3] == 3.5 && ranks[4] == 2)
    }

    /// Descending competition ranks: 1 + the count strictly higher; negative values, zeros and −0 sort right.
    @Test func descendingCompetitionRanks() {
        var workspace = RankWorkspace()
        #expect(workspace.descendingRanks([5, -1, 5, 0, -0.0, .nan, 7]) == [2, 6, 2, 4, 4, 0, 1])
    }

    @Test func ranksWithinGroups() {
        var workspace = RankWorkspace()
        // Group 0: 1, 9, 4 → ranks 3, 1, 2. Group 1: 2, 2 → 1, 1.
        #expect(workspace.descendingRanks([1, 2, 9, 2, 4], groups: [0, 1, 0, 1, 0]) == [3, 1, 1, 1, 2])
    }

    /// The radix sort against the standard library's sort on values spanning signs and magnitudes.
    @Test func matchesBruteForce() {
        var generator = SeededGenerator(seed: 7)
        var workspace = RankWorkspace()
        for size in [1, 2, 3, 50, 3_000] {
            let values = (0..<size).map { i -> Double in
                let u = generator.nextUnit()
                if i % 7 == 0 { return Double(Int(u * 5)) } // ties
                return (u - 0.4) * pow10(Int(generator.next() % 12) - 6)
            }
            let ranks = workspace.descendingRanks(values)
            for i in values.indices {
                #expect(Int(ranks[i]) == 1 + values.count { $0 > values[i] })
            }
            let average = workspace.averageRanks(values)
            for i in values.indices {
                let below = Double(values.count { $0 < values[i] }), equal = Double(values.count { $0 == values[i] })
                #expect(average[i] == below + (equal + 1) / 2)
            }
        }
    }

    private func pow10(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<abs(exponent) { value *= 10 }
        return exponent < 0 ? 1 / value : value
    }
}
