import Foundation
import Testing
@testable import Accessibility

@Suite struct OpportunityAccessTests {
    /// Services 5, 12, 12 and 40 minutes away, one unreachable; thresholds 10 and 30; β = 0.1 per minute.
    /// By hand: within 10 → 1, within 30 → 3. Gravity: e^(−0.5) + 2 e^(−1.2) + e^(−4) = 0.606531 + 0.602388
    /// + 0.018316 = 1.227235 (40 min is inside the cutoff ln(1000)/0.1 = 69.08 min).
    @Test func cumulativeAndGravityByHand() {
        let access = OpportunityAccess(thresholds: [30, 10], beta: 0.1)
        #expect(access.thresholds == [10, 30])
        #expect(abs(access.gravityCutoff! - 69.07755278982137) < 1e-12)
        #expect(access.searchLimit == access.gravityCutoff!)
        let (counts, gravity) = access.measure(costs: [5, 12, nil, 12, 40])
        #expect(counts == [1, 3])
        #expect(abs(gravity! - (exp(-0.5) + 2 * exp(-1.2) + exp(-4))) < 1e-15)
        #expect(abs(gravity! - 1.227235) < 1e-6)
    }

    /// Terms beyond the cutoff (e^(−β c) < 0.001) are dropped; without β there is no gravity.
    @Test func cutoffAndNoBeta() {
        let access = OpportunityAccess(thresholds: [15], beta: 1)
        #expect(access.measure(costs: [6.9, 7]).gravity == exp(-6.9)) // 7 > ln(1000) = 6.9078
        #expect(OpportunityAccess(thresholds: [15]).measure(costs: [1]).gravity == nil)
        #expect(OpportunityAccess(thresholds: [15]).searchLimit == 15)
    }
}
