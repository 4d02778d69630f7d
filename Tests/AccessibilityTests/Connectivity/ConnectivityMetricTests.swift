import Foundation
import Testing
@testable import Accessibility

/// The connectivity metric's parts worked by hand (docs/access.md, "Connectivity in the DfT manner").
struct ConnectivityMetricTests {
    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { a.map { abs($0 - b) <= tolerance * max(1, abs(b)) } ?? false }

    /// Logistic, median 15, sd 5: b = π/(5√3) = 0.3627599; f(0) = 1; at the median (1 + e^(−5.441398))/2 =
    /// (1 + 0.00433342)/2 = 0.50216671; at 30 min 1.00433342/(1 + e^(5.441398)) = 1.00433342/231.764 = 0.00433342
    /// (python3's math.exp).
    @Test func logistic() {
        let decay = TravelDecay.logistic(median: 15, sd: 5)
        #expect(close(decay.weight(0), 1))
        #expect(close(decay.weight(15), 0.50216671, 1e-8))
        #expect(close(decay.weight(30), 0.00433342, 1e-8))
        #expect(decay.weight(10) > decay.weight(11))
    }

    @Test func exponentialAndTable() {
        #expect(close(TravelDecay.exponential(beta: 0.1).weight(10), exp(-1)))
        // Linear between points, the last weight held after the last point, the first before the first.
        let table = TravelDecay.table([(5, 1), (15, 0.5), (35, 0.1)])
        #expect(table.weight(2) == 1)
        #expect(close(table.weight(10), 0.75))
        #expect(close(table.weight(25), 0.3))
        #expect(table.weight(50) == 0.1)
        #expect(table.problem == nil)
    }

    @Test func badCurvesSayWhatIsWrong() {
        #expect(TravelDecay.table([(0, 1), (10, 0.4), (20, 0.6)]).problem
            == "the decay table is not decreasing: weight 0.6 at 20 min after 0.4 at 10 min (point 3)")
        #expect(TravelDecay.table([(0, 1), (10, 0.4), (10, 0.2)]).problem
            == "the decay table's minutes are not ascending: 10 after 10 (point 3)")
        #expect(TravelDecay.table([(0, 1.5)]).problem == "the decay table's point 1 has weight 1.5: weights run from 1 down to 0")
        #expect(TravelDecay.table([]).problem == "the decay table has no points")
        #expect(TravelDecay.exponential(beta: 0).problem != nil)
        #expect(TravelDecay.logistic(median: 10, sd: -1).problem != nil)
        #expect(ConnectivityMetric(returns: 0).problem?.key == "returns")
        #expect(ConnectivityMetric(types: ["gp": .init(weight: -1)]).problem?.key == "types.gp.weight")
    }

    /// Worths 2, 8, 4 with ρ = 0.5: 8 + 0.5 × 4 + 0.25 × 2 = 10.5; with ρ = 1 the plain sum 14. Beyond the
    /// horizon a destination is worth 0; within it, supply × f(t).
    @Test func diminishingReturns() {
        var worths = [2.0, 8, 4]
        #expect(DestinationValue(decay: .exponential(beta: 1), returns: 0.5, horizonMinutes: 60).value(&worths) == 10.5)
        var again = [2.0, 8, 4]
        #expect(DestinationValue(decay: .exponential(beta: 1), returns: 1, horizonMinutes: 60).value(&again) == 14)
        let value = DestinationValue(decay: .table([(0, 1), (10, 0.5)]), returns: 0.5, horizonMinutes: 30)
        #expect(value.worth(minutes: 4, supply: 10) == 8) // 10 × (1 − 0.05 × 4)
        #expect(value.worth(minutes: 31, supply: 10) == 0)
        #expect(value.worth(minutes: 30, supply: 10) == 5)
    }

    /// Zone values walk [10, 5, nil], car [20, 40, 10]: walk scores 100, 50, null; car 50, 100, 25; overall
    /// (equal weights) 75, 75, null, scaled to the best: 100, 100. Car weighted 3: (100 + 150)/4 = 62.5 and
    /// (50 + 300)/4 = 87.5, scaled 71.428571 and 100. References walk 20, car 40: walk 50, 25; car 50, 100, 25;
    /// overall unscaled 50, 62.5.
    @Test func scores() {
        let values: [TravelMode: [Double?]] = [.walk: [10, 5, nil], .car: [20, 40, 10]]
        let plain = ConnectivityMetric().scores(values, modes: [.walk, .car], zoneCount: 3)
        #expect(plain.perMode[.walk]! == [100, 50, nil])
        #expect(plain.perMode[.car]! == [50, 100, 25])
        #expect(plain.overall == [100, 100, nil])
        #expect(plain.references == [.walk: 10, .car: 40])
        let weighted = ConnectivityMetric(modeWeights: [.car: 3]).scores(values, modes: [.walk, .car], zoneCount: 3)
        #expect(close(weighted.overall[0], 71.428571428571, 1e-12))
        #expect(weighted.overall[1] == 100)
        let referenced = ConnectivityMetric(reference: [.walk: 20, .car: 40]).scores(values, modes: [.walk, .car], zoneCount: 3)
        #expect(referenced.perMode[.walk]! == [50, 25, nil])
        #expect(referenced.overall == [50, 62.5, nil])
        let nothing = ConnectivityMetric().scores([.walk: [0, 0]], modes: [.walk], zoneCount: 2)
        #expect(nothing.unscored == [.walk])
        #expect(nothing.overall == [nil, nil])
    }
}
