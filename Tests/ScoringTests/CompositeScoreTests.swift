import Testing
@testable import Scoring

/// Three wards and two indicators, worked by hand (docs/scoring.md):
/// t, higher is worse: A 10, B 20, C 30 → ranks 1, 2, 3 → Φ⁻¹(1/6, 1/2, 5/6) = −0.96742, 0, 0.96742.
/// b, higher is better: A 5, B 5, C 1 → y = −5, −5, −1 → average ranks 1.5, 1.5, 3 → Φ⁻¹(1/3, 1/3, 5/6) =
/// −0.43073, −0.43073, 0.96742. Quantiles from scipy.special.ndtri; X values from −23 ln(1 − R(1 − e^(−100/23))).
@Suite struct CompositeScoreTests {
    static let zSixth = -0.967421566101701, zThird = -0.43072729929545756, zQuarter = -0.6744897501960817
    static let xThird = 9.177425077599056, xHalf = 15.646790072602894, xTwoThirds = 24.68064330052791

    let table = IndicatorTable(codes: ["A", "B", "C"], values: [[10, 20, 30], [5, 5, 1]])

    func spec(domains: [DomainSpec], tDomain: String, bDomain: String, tWeight: Double = 1, bWeight: Double = 1,
              normalisation: Normalisation = .rank, transform: DomainTransform = .exponential,
              missing: MissingPolicy = .reweight, draws: Int = 0) -> ScoringSpec {
        ScoringSpec(indicators: [IndicatorSpec(name: "t", direction: .higherIsWorse, domain: tDomain, weight: tWeight),
                                 IndicatorSpec(name: "b", direction: .higherIsBetter, domain: bDomain, weight: bWeight)],
                    domains: domains, normalisation: normalisation, domainTransform: transform, missing: missing,
                    robustness: RobustnessSpec(draws: draws, leaveOneOut: true))
    }

    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { a.map { abs($0 - b) <= tolerance } ?? false }

    /// One domain, weights 2 : 1, linear: D = (2/3) z_t + (1/3) z_b.
    /// A: (2/3)(−0.96742) + (1/3)(−0.43073) = −0.78852; B: (1/3)(−0.43073) = −0.14358; C: 0.96742.
    @Test func oneDomainWeightedSum() throws {
        let result = try CompositeScore.compute(spec(domains: [DomainSpec(name: "access")], tDomain: "access", bDomain: "access",
                                                     tWeight: 2, bWeight: 1, transform: .linear), table: table)
        #expect(close(result.normalised[0][0], Self.zSixth) && result.normalised[0][1] == 0)
        #expect(close(result.normalised[1][0], Self.zThird) && close(result.normalised[1][2], -Self.zSixth))
        #expect(close(result.score[0], 2.0 / 3 * Self.zSixth + 1.0 / 3 * Self.zThird))
        #expect(close(result.score[0], -0.788523477166286))
        #expect(close(result.score[1], -0.143575766431819))
        #expect(close(result.score[2], 0.967421566101701))
        #expect(result.rank == [3, 2, 1])
        // Deciles: ⌊(rank − 1) × 10 / 3⌋ + 1.
        #expect(result.decile == [7, 4, 1])
        #expect(result.domainTransformed[0] == result.domainScores[0])
    }

    /// Two domains, exponential, weights 1 (transport) and 3 (digital).
    /// transport X: R = 1/3, 2/3, 1 → 9.17743, 24.68064, 100. digital X: A and B tie at R = 1.5/3 → 15.64679; C 100.
    /// S_A = 0.25 × 9.17743 + 0.75 × 15.64679 = 14.02945; S_B = 0.25 × 24.68064 + 0.75 × 15.64679 = 17.90525.
    @Test func twoDomainsExponential() throws {
        let result = try CompositeScore.compute(spec(domains: [DomainSpec(name: "transport", weight: 1), DomainSpec(name: "digital", weight: 3)],
                                                     tDomain: "transport", bDomain: "digital"), table: table)
        #expect(close(result.domainTransformed[0][0], Self.xThird) && close(result.domainTransformed[0][1], Self.xTwoThirds))
        #expect(close(result.domainTransformed[0][2], 100))
        #expect(close(result.domainTransformed[1][0], Self.xHalf) && close(result.domainTransformed[1][1], Self.xHalf))
        #expect(close(result.score[0], 14.029448823851934) && close(result.score[1], 17.905253379584148))
        #expect(close(result.score[2], 100))
        #expect(result.rank == [3, 2, 1])
        #expect(result.domainRanks[0] == [3, 2, 1])
        #expect(result.domainRanks[1] == [2, 2, 1]) // A and B tie: both take the better rank
        // Leave t out: digital alone, A and B tie at 2. Leave b out: transport alone, ranks 3, 2, 1.
        #expect(result.leaveOneOutRanks! == [[2, 2, 1], [3, 2, 1]])
        #expect(result.leaveOneOutMin(0) == 2 && result.leaveOneOutMax(0) == 3)
        #expect(result.missingNote(0) == "none")
    }

    func missingTable() -> IndicatorTable { IndicatorTable(codes: ["A", "B", "C"], values: [[10, 20, 30], [5, nil, 1]]) }

    /// B lacks b. b is normalised over A and C: Φ⁻¹(1/4), Φ⁻¹(3/4) = ∓0.67449; digital X: A 15.64679 (R = 1/2), C 100.
    /// B's score is its transport X alone (the domain weights rescaled): 24.68064. A keeps 14.02945.
    @Test func reweightDropsTheMissingDomain() throws {
        let result = try CompositeScore.compute(spec(domains: [DomainSpec(name: "transport", weight: 1), DomainSpec(name: "digital", weight: 3)],
                                                     tDomain: "transport", bDomain: "digital"), table: missingTable())
        #expect(close(result.normalised[1][0], Self.zQuarter) && result.normalised[1][1] == nil)
        #expect(result.domainScores[1][1] == nil)
        #expect(close(result.score[0], 14.029448823851934))
        #expect(close(result.score[1], Self.xTwoThirds))
        #expect(result.rank == [3, 2, 1])
        #expect(result.missingNote(1) == "reweight: b" && result.missingNote(0) == "none")
    }

    /// impute_median: B's b becomes median(5, 1) = 3, so b ranks 1, 2, 3 like t and both X are 9.17743, 24.68064, 100.
    @Test func imputeMedianFillsTheGap() throws {
        let result = try CompositeScore.compute(spec(domains: [DomainSpec(name: "transport", weight: 1), DomainSpec(name: "digital", weight: 3)],
                                                     tDomain: "transport", bDomain: "digital", missing: .imputeMedian), table: missingTable())
        #expect(result.used[1][1] == 3)
        #expect(close(result.score[0], Self.xThird) && close(result.score[1], Self.xTwoThirds) && close(result.score[2], 100))
        #expect(result.missingNote(1) == "impute_median: b")
    }

    /// null: B gets no score and takes no part in the transform: transport X over A and C is R = 1/2, 1.
    @Test func nullLeavesTheWardUnscored() throws {
        let result = try CompositeScore.compute(spec(domains: [DomainSpec(name: "transport", weight: 1), DomainSpec(name: "digital", weight: 3)],
                                                     tDomain: "transport", bDomain: "digital", missing: .null, draws: 50), table: missingTable())
        #expect(result.score[1] == nil && result.rank[1] == nil && result.decile[1] == nil && result.rankP05![1] == nil)
        #expect(result.domainTransformed[0][1] == nil)
        #expect(close(result.score[0], Self.xHalf) && close(result.score[2], 100))
        #expect(result.rank == [2, nil, 1])
        #expect(result.decile == [6, nil, 1]) // ⌊(2 − 1) × 10 / 2⌋ + 1
        #expect(result.missingNote(1) == "null: b")
    }

    /// zscore (population sd): t has mean 20 and sd √(200/3) = 8.16497, so z = ∓1.22474, 0.
    /// minmax: t → 0, 0.5, 1; b (y = −5, −5, −1) → 0, 0, 1.
    @Test func zscoreAndMinmax() throws {
        let z = try CompositeScore.compute(spec(domains: [DomainSpec(name: "d")], tDomain: "d", bDomain: "d", normalisation: .zscore,
                                                transform: .linear), table: table)
        #expect(close(z.normalised[0][0], -1.224744871391589) && close(z.normalised[0][2], 1.224744871391589))
        let m = try CompositeScore.compute(spec(domains: [DomainSpec(name: "d")], tDomain: "d", bDomain: "d", normalisation: .minmax,
                                                transform: .linear), table: table)
        #expect(m.normalised[0] == [0, 0.5, 1] && m.normalised[1] == [0, 0, 1])
        #expect(close(m.score[1], 0.25) && close(m.score[2], 1))
    }

    @Test func constantIndicatorNormalisesToZero() throws {
        let flat = IndicatorTable(codes: ["A", "B", "C"], values: [[10, 20, 30], [4, 4, 4]])
        for normalisation in Normalisation.allCases {
            let result = try CompositeScore.compute(spec(domains: [DomainSpec(name: "d")], tDomain: "d", bDomain: "d",
                                                         normalisation: normalisation, transform: .linear), table: flat)
            #expect(result.normalised[1] == [0, 0, 0])
            #expect(result.constantIndicators == ["b"])
        }
    }

    /// Ranks and deciles within groups; normalisation stays over all wards.
    @Test func ranksWithinGroups() throws {
        let grouped = IndicatorTable(codes: ["A", "B", "C", "D"], groups: ["north", "south", "north", "south"],
                                     values: [[1, 2, 3, 4], [0, 0, 0, 0]])
        let result = try CompositeScore.compute(spec(domains: [DomainSpec(name: "d")], tDomain: "d", bDomain: "d", transform: .linear),
                                                table: grouped)
        #expect(result.groupNames == ["north", "south"])
        #expect(result.rank == [2, 2, 1, 1])
        #expect(result.decile == [6, 6, 1, 1])
        #expect(result.groupSizes == [2, 2])
    }

    /// Three wards scored (1, 0), (0, 1), (0.5, 0.5) on two equally weighted minmax indicators tie at 0.5.
    /// Under any jittered weights ω_t ≠ ω_u, so P and Q take ranks 1 and 3 (each about half the draws) and R
    /// always 2: P and Q's interval is 1–3, R's 2–2. Jitter 0 reproduces the base ranks.
    @Test func monteCarloIntervals() throws {
        let balanced = IndicatorTable(codes: ["P", "Q", "R"], values: [[1, 0, 0.5], [0, 1, 0.5]])
        var s = ScoringSpec(indicators: [IndicatorSpec(name: "t", domain: "d"), IndicatorSpec(name: "u", domain: "d")],
                            domains: [DomainSpec(name: "d")], normalisation: .minmax, domainTransform: .linear,
                            robustness: RobustnessSpec(draws: 1000, weightJitter: 0.25, seed: 42))
        let result = try CompositeScore.compute(s, table: balanced, workers: 2)
        #expect(result.rank == [1, 1, 1])
        #expect(result.rankP05! == [1, 1, 2] && result.rankP95! == [3, 3, 2])
        let oneThread = try CompositeScore.compute(s, table: balanced, workers: 1)
        #expect(oneThread.rankP05! == result.rankP05! && oneThread.rankP95! == result.rankP95!)
        s.robustness.weightJitter = 0
        let still = try CompositeScore.compute(s, table: balanced)
        #expect(still.rankP05! == [1, 1, 1] && still.rankP95! == [1, 1, 1])
    }

    @Test func invalidSpecsAreNamed() {
        let ok = spec(domains: [DomainSpec(name: "d")], tDomain: "d", bDomain: "d")
        var undeclared = ok
        undeclared.indicators[1].domain = "digital"
        #expect(throws: ScoringError.invalidSpec("indicator 'b': domain 'digital' is not declared (declared: d)")) {
            try CompositeScore.compute(undeclared, table: table)
        }
        var zero = ok
        zero.indicators[0].weight = 0
        zero.indicators[1].weight = 0
        #expect(throws: ScoringError.invalidSpec("domain 'd' has no indicator with a weight above 0")) {
            try CompositeScore.compute(zero, table: table)
        }
        let empty = IndicatorTable(codes: ["A", "B", "C"], values: [[10, 20, 30], [nil, nil, nil]])
        #expect(throws: ScoringError.noValues(indicator: "b", source: "b")) { try CompositeScore.compute(ok, table: empty) }
    }

    @Test func explanationAddsUp() throws {
        let result = try CompositeScore.compute(spec(domains: [DomainSpec(name: "transport", weight: 1), DomainSpec(name: "digital", weight: 3)],
                                                     tDomain: "transport", bDomain: "digital", draws: 20), table: table)
        let explanation = Explanation(result, ward: 0)
        #expect(explanation.indicators.map(\.rank) == [3, 2]) // A: lowest t (best), tied best-connected b
        #expect(close(explanation.domains.compactMap(\.contribution).reduce(0, +), 14.029448823851934))
        #expect(explanation.domains.map(\.weight) == [0.25, 0.75])
        #expect(explanation.mostInfluential?.indicator == "t") // without t, A moves from 3 to 2
        #expect(explanation.text.contains("connectivity_score 14.0294   rank 3 of 3 wards"))
    }
}
