@testable import Accessibility
import Foundation
import GeoPrimitives
import Testing

/// Floating catchments worked by hand (docs/access.md, "Competition for services") on three origins and two
/// services, catchment 15:
/// origins O0 (population 100), O1 (200), O2 (300); services S0 (supply 2) at cost 5 from O0 and 12 from O1,
/// S1 (supply 1) at cost 8 from O1 and 20 from O2 (beyond the catchment).
@Suite struct FloatingCatchmentTests {
    let pairs = CatchmentPairs(originCount: 3, perService: [[(1, 12), (0, 5)], [(1, 8), (2, 20)]])
    let demand = [100.0, 200, 300], supply = [2.0, 1]

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-15 * max(1, abs(b)) }

    @Test func pairsAreRowsByServiceSortedByOrigin() {
        #expect(pairs.first == [0, 2, 4])
        #expect(pairs.origin == [0, 1, 1, 2])
        #expect(pairs.cost == [5, 12, 8, 20])
    }

    /// Luo and Wang: D0 = 100 + 200 = 300, R0 = 2/300; D1 = 200 (O2 is 20 away), R1 = 1/200.
    /// A0 = R0 = 1/150; A1 = R0 + R1 = 7/600; A2 = 0 (nothing within 15).
    @Test func twoStep() {
        let result = FloatingCatchment(method: .twoStep, catchment: 15).compute(pairs, demand: demand, supply: supply)
        #expect(result.demand == [300, 200])
        let ratios: [Double?] = [2.0 / 300, 1.0 / 200]
        #expect(result.ratio == ratios)
        #expect(close(result.access[0], 1.0 / 150) && close(result.access[1], 7.0 / 600) && result.access[2] == 0)
    }

    /// Luo and Qi's steps for t = 15: ≤ 5 → 1, ≤ 10 → 0.68, ≤ 15 → 0.22. D0 = 100·1 + 200·0.22 = 144, R0 = 2/144;
    /// D1 = 200·0.68 = 136, R1 = 1/136. A0 = 2/144 = 0.013888…; A1 = 0.22·2/144 + 0.68/136 = 0.0080555…
    @Test func enhancedSteps() {
        let result = FloatingCatchment(method: .enhanced, catchment: 15, decay: .steps).compute(pairs, demand: demand, supply: supply)
        #expect(close(result.demand[0], 144) && close(result.demand[1], 136))
        #expect(close(result.access[0], 0.013888888888888888))
        #expect(close(result.access[1], 0.008055555555555555))
        #expect(result.access[2] == 0)
    }

    /// Dai's Gaussian (python3 math.exp: (e^(−½(c/15)²) − e^(−½)) / (1 − e^(−½))): w(5) = 0.8626563100093985,
    /// w(12) = 0.3040093982257811, w(8) = 0.66307024908277; A0 = w(5)·2/D0 = 0.011731432812312958,
    /// A1 = w(12)·2/D0 + w(8)/D1 = 0.00913428359384352 with D0 = 100 w(5) + 200 w(12), D1 = 200 w(8).
    @Test func enhancedGaussian() {
        #expect(CatchmentDecay.gaussian.weight(0, catchment: 15) == 1)
        #expect(abs(CatchmentDecay.gaussian.weight(15, catchment: 15)) < 1e-15)
        #expect(close(CatchmentDecay.gaussian.weight(7.5, catchment: 15), 0.7013665732390044))
        let result = FloatingCatchment(method: .enhanced, catchment: 15, decay: .gaussian).compute(pairs, demand: demand, supply: supply)
        #expect(abs(result.access[0] - 0.011731432812312958) < 1e-15)
        #expect(abs(result.access[1] - 0.00913428359384352) < 1e-15)
    }

    /// Paez et al.: O0 reaches one service, O1 two; S0 is reached by two origins, S1 by one. D0 = 100/1 + 200/2 =
    /// 200, R0 = 0.01; D1 = 200/2 = 100, R1 = 0.01. A0 = R0/2 = 0.005; A1 = R0/2 + R1/1 = 0.015; A2 = 0. No one is
    /// counted twice: Σ D = 300 = the population that reaches a service, and Σ A = Σ R = 0.02.
    @Test func balanced() {
        let result = FloatingCatchment(method: .balanced, catchment: 15).compute(pairs, demand: demand, supply: supply)
        #expect(result.demand == [200, 100])
        #expect(result.ratio == [0.01, 0.01])
        #expect(result.access == [0.005, 0.015, 0])
    }

    /// A service no one with a weight reaches has no ratio and adds nothing; a smaller catchment from the same
    /// pairs drops the pairs beyond it (t = 10: S0 keeps O0 only, S1 keeps O1).
    @Test func noDemandAndASmallerCatchment() {
        let result = FloatingCatchment(method: .twoStep, catchment: 10).compute(pairs, demand: [0, 200, 300], supply: supply)
        #expect(result.ratio == [nil, 1.0 / 200])
        #expect(result.access == [0, 1.0 / 200, 0])
    }

    /// Straight-line pairs against brute force on 300 random origins and 40 services (SplitMix seed 23).
    @Test func straightPairsMatchBruteForce() throws {
        var random = SplitMix(seed: 23)
        let origins = (0..<300).map { _ in XY(Double.random(in: 0...5000, using: &random), Double.random(in: 0...5000, using: &random)) }
        let services = (0..<40).map { _ in XY(Double.random(in: 0...5000, using: &random), Double.random(in: 0...5000, using: &random)) }
        let pairs = try CatchmentPairs.straight(services: services, origins: PointIndex(origins), radiusMetres: 800)
        for (j, service) in services.enumerated() {
            let expected = origins.indices.filter { origins[$0].distance(to: service) <= 800 }
            let found = (pairs.first[j]..<pairs.first[j + 1]).map { Int(pairs.origin[$0]) }
            #expect(found == expected)
            for p in pairs.first[j]..<pairs.first[j + 1] { #expect(abs(pairs.cost[p] - origins[Int(pairs.origin[p])].distance(to: service)) < 1e-9) }
        }
    }

    /// Network pairs on a random graph: each origin's cheapest pair is its time to the nearest service
    /// (`timesToNearest`), and every pair is the origin's forward-search time to that service, in minutes.
    @Test func networkPairsMatchTheSearches() throws {
        var random = SplitMix(seed: 7)
        let graph = randomGraph(nodes: 60, costs: 20...200, oneWayOneIn: 5, mode: .walk, using: &random)
        let services = (0..<8).map { _ in randomSnap(on: graph, using: &random) }
        let origins: [SnapPoint?] = (0..<50).map { i in i % 10 == 9 ? nil : randomSnap(on: graph, using: &random) }
        let helper = NetworkTravelTime(graph: graph, services: services)
        let limit = 6.0 // minutes
        let pairs = try CatchmentPairs.network(helper, origins: origins, limitMinutes: limit)
        var search = TravelTimeSearch(graph: graph)
        let nearest = helper.timesToNearest(origins, search: &search)
        var cheapest = [Double?](repeating: nil, count: origins.count)
        for p in 0..<pairs.pairCount {
            let o = Int(pairs.origin[p])
            cheapest[o] = min(cheapest[o] ?? .infinity, pairs.cost[p])
        }
        var checked = 0
        for (o, origin) in origins.enumerated() {
            let near = nearest[o].map { $0 / 60 }
            #expect(cheapest[o] == ((near ?? .infinity) <= limit ? near : nil))
            guard let origin else { continue }
            var forward = TravelTimeSearch(graph: graph)
            forward.run(from: NetworkTravelTime.seedsFrom(origin, graph: graph), direction: .fromSources)
            for (j, service) in services.enumerated() {
                let time = NetworkTravelTime.time(to: service, from: origin, search: forward).map { $0 / 60 }
                let pair = (pairs.first[j]..<pairs.first[j + 1]).first { pairs.origin[$0] == UInt32(o) }.map { pairs.cost[$0] }
                if let time, time <= limit {
                    #expect(pair.map { abs($0 - time) < 1e-9 } == true)
                    checked += 1
                } else {
                    #expect(pair == nil)
                }
            }
        }
        #expect(checked > 20)
    }

    /// Opportunities and gravity folded from one search per service (`NetworkReach.accumulate`) equal the same
    /// measures from each origin's own forward search (`OpportunityAccess.measure` over its times to every
    /// service), on a random graph with supplies; and the sums do not depend on how the services are cut.
    @Test func accumulatedOpportunitiesMatchForwardSearches() throws {
        var random = SplitMix(seed: 11)
        let graph = randomGraph(nodes: 80, costs: 20...200, oneWayOneIn: 4, mode: .walk, using: &random)
        let services = (0..<23).map { _ in randomSnap(on: graph, using: &random) }
        let supply = services.indices.map { Double(1 + ($0 * 7) % 5) }
        let origins: [SnapPoint?] = (0..<40).map { i in i % 8 == 7 ? nil : randomSnap(on: graph, using: &random) }
        let access = OpportunityAccess(thresholds: [3, 6], beta: 0.4)
        let reach = NetworkReach(NetworkTravelTime(graph: graph, services: services), origins: origins)
        let sums = try reach.accumulate(limitMinutes: access.searchLimit, width: access.width) { k, minutes, sums in
            access.add(cost: minutes, supply: supply[k], into: sums)
        }
        var nonZero = 0
        for (o, origin) in origins.enumerated() {
            guard let origin else { continue }
            var forward = TravelTimeSearch(graph: graph)
            forward.run(from: NetworkTravelTime.seedsFrom(origin, graph: graph), direction: .fromSources)
            let times = services.map { NetworkTravelTime.time(to: $0, from: origin, search: forward).map { $0 / 60 } }
            let expected = access.measure(costs: times, supplies: supply)
            let got = access.measures(sums[(o * access.width)..<((o + 1) * access.width)])
            #expect(got.counts == expected.counts)
            #expect(abs(got.gravity! - expected.gravity!) <= 1e-12 * max(1, expected.gravity!))
            if expected.counts[1] > 0 { nonZero += 1 }
        }
        #expect(nonZero > 10)
    }
}
