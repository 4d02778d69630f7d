import Testing
@testable import Scoring

/// Five origins in two classes, every figure worked by hand below (docs/equity.md gives the definitions).
///
///   origin      1    2    3    4    5      Σ
///   minutes x  10   20   30   40   60
///   people w    1    2    1    3    3     10
///   need       5   10   20   30   40        (higher = more deprived)
///   class      A    A    B    B    B
@Suite("Inequality")
struct InequalityTests {
    static let x: [Double] = [10, 20, 30, 40, 60], w: [Double] = [1, 2, 1, 3, 3], need: [Double] = [5, 10, 20, 30, 40]
    static let all = WeightedDistribution(values: x, weights: w)

    @Test("weighted mean, quantiles and shares within a threshold")
    func distribution() {
        // μ = (10 + 40 + 30 + 120 + 180) / 10 = 38.
        #expect(abs(Self.all.mean - 38) < 1e-12)
        // Cumulative shares in value order 0.1, 0.3, 0.4, 0.7, 1.0: the median is the first to reach 0.5 (40), the
        // 90th percentile the first to reach 0.9 (60), the 30th exactly at origin 2 (20).
        #expect(Self.all.quantile(0.5) == 40)
        #expect(Self.all.quantile(0.9) == 60)
        #expect(Self.all.quantile(0.3) == 20)
        // Within 30 minutes: origins 1–3, 4 people of 10.
        #expect(abs(Self.all.share(within: 30, better: .lower) - 0.4) < 1e-12)
        // Class A alone: μ = (10 + 40) / 3, median 20 (shares 1/3, 1).
        let a = WeightedDistribution(values: [10, 20], weights: [1, 2])
        #expect(abs(a.mean - 50.0 / 3) < 1e-12)
        #expect(a.quantile(0.5) == 20)
        // Class B: μ = (30 + 120 + 180) / 7 = 330 / 7; within 30 minutes 1 of 7.
        let b = WeightedDistribution(values: [30, 40, 60], weights: [1, 3, 3])
        #expect(abs(b.mean - 330.0 / 7) < 1e-12)
        #expect(abs(b.share(within: 30, better: .lower) - 1.0 / 7) < 1e-12)
    }

    @Test("Gini: the double sum by hand")
    func gini() {
        // Σ_{i<j} wᵢwⱼ|xᵢ−xⱼ| = 20 + 20 + 90 + 150 + 20 + 120 + 240 + 30 + 90 + 180 = 960; doubled 1920;
        // G = 1920 / (2 · 10² · 38) = 0.25263157894736843.
        #expect(abs(Self.all.gini - 1920.0 / 7600) < 1e-12)
        // Unweighted, three values 1, 2, 3: Σᵢ Σⱼ |xᵢ−xⱼ| = 8, G = 8 / (2 · 9 · 2) = 2/9.
        #expect(abs(WeightedDistribution(values: [3, 1, 2], weights: [1, 1, 1]).gini - 2.0 / 9) < 1e-12)
        // All equal, all zero too: 0, not a division by zero.
        #expect(WeightedDistribution(values: [7, 7, 7], weights: [1, 2, 3]).gini == 0)
        #expect(WeightedDistribution(values: [0, 0], weights: [1, 1]).gini == 0)
        #expect(WeightedDistribution(values: [], weights: []).gini.isNaN)
        // A weight of zero leaves an origin out.
        #expect(abs(WeightedDistribution(values: [3, 1, 2, 100], weights: [1, 1, 1, 0]).gini - 2.0 / 9) < 1e-12)
    }

    @Test("FGT 0, 1, 2 against a standard, both directions")
    func fgt() {
        // 30 minutes, lower is better: origins 4 and 5 worse, gaps 10/30 and 30/30.
        // FGT0 = 6/10; FGT1 = (3 · 1/3 + 3 · 1) / 10 = 0.4; FGT2 = (3 · 1/9 + 3 · 1) / 10 = 1/3.
        #expect(abs(Self.all.fgt(standard: 30, alpha: 0, better: .lower) - 0.6) < 1e-12)
        #expect(abs(Self.all.fgt(standard: 30, alpha: 1, better: .lower) - 0.4) < 1e-12)
        #expect(abs(Self.all.fgt(standard: 30, alpha: 2, better: .lower) - 1.0 / 3) < 1e-12)
        // A count, higher is better, standard 2: counts 0, 1, 2, 3, 5 with the weights above; 0 and 1 are worse,
        // gaps 1 and 1/2. FGT0 = 3/10; FGT1 = (1 + 2 · 0.5) / 10 = 0.2; FGT2 = (1 + 2 · 0.25) / 10 = 0.15.
        let counts = WeightedDistribution(values: [0, 1, 2, 3, 5], weights: Self.w)
        #expect(abs(counts.fgt(standard: 2, alpha: 0, better: .higher) - 0.3) < 1e-12)
        #expect(abs(counts.fgt(standard: 2, alpha: 1, better: .higher) - 0.2) < 1e-12)
        #expect(abs(counts.fgt(standard: 2, alpha: 2, better: .higher) - 0.15) < 1e-12)
    }

    @Test("concentration index: fractional ranks by need")
    func concentration() {
        // Ranks R = (share before + own / 2): 0.05, 0.2, 0.35, 0.55, 0.85 (their weighted mean is 0.5).
        // Σ wᵢ(xᵢ−μ)(Rᵢ−½) = 12.6 + 10.8 + 1.2 + 0.3 + 23.1 = 48; CI = 2 · 48 / (38 · 10) = 0.25263157894736843,
        // the Gini: need orders the origins as their times do.
        #expect(abs(Inequality.concentrationIndex(values: Self.x, weights: Self.w, need: Self.need) - 96.0 / 380) < 1e-12)
        // Need reversed: the same magnitude, negative (the longest times are with the least in need).
        #expect(abs(Inequality.concentrationIndex(values: Self.x, weights: Self.w, need: Self.need.map { -$0 }) + 96.0 / 380) < 1e-12)
        // Equal need for origins 4 and 5: both take rank (4 + 3)/10 = 0.7; the sum becomes
        // 12.6 + 10.8 + 1.2 + 3·2·0.2 + 3·22·0.2 = 12.6 + 10.8 + 1.2 + 1.2 + 13.2 = 39; CI = 2 · 39 / 380.
        let tied = [5.0, 10, 20, 30, 30]
        #expect(abs(Inequality.concentrationIndex(values: Self.x, weights: Self.w, need: tied) - 78.0 / 380) < 1e-12)
        #expect(Inequality.concentrationIndex(values: [4, 4], weights: [1, 1], need: [1, 2]) == 0)
    }

    @Test("Palma: the least deprived 10% over the most deprived 40%")
    func palma() {
        // From the most in need, cumulative shares 0.3 (need 40), 0.6 (30), 0.7 (20), 0.9 (10), 1.0 (5):
        // Q(0.4) = 30, so the most deprived are origins 4 and 5 (mean 50); Q(0.9) = 10, so the least deprived are
        // those with need < 10, origin 1 (mean 10). Palma = 10 / 50 = 0.2.
        #expect(abs(Inequality.palma(values: Self.x, weights: Self.w, need: Self.need) - 0.2) < 1e-12)
        // Ten equal-weight origins, need 1…10, values 1…10: most deprived need ≥ 7 (mean 8.5), least deprived
        // need < 2 (value 1): 1 / 8.5.
        let ten = (1...10).map(Double.init)
        #expect(abs(Inequality.palma(values: ten, weights: Array(repeating: 1, count: 10), need: ten) - 1 / 8.5) < 1e-12)
    }
}
