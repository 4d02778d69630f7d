@testable import Accessibility
import GeoPrimitives
import Testing

/// The k-label search against brute force: on random graphs (SplitMix seeds 3, 11, 29; one-way streets, services
/// and origins on nodes or part-way along segments), each origin's k nearest costs equal the k smallest of its
/// forward-search times to every service.
@Suite struct NearestServicesTests {
    @Test(arguments: [3, 11, 29] as [UInt64]) func matchesForwardSearches(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let graph = randomGraph(nodes: 80, costs: 10...120, oneWayOneIn: 4, mode: .car, using: &random)
        let services = (0..<12).map { _ in randomSnap(on: graph, using: &random) }
        let origins: [SnapPoint?] = (0..<60).map { i in i % 15 == 14 ? nil : randomSnap(on: graph, using: &random) }
        let k = 4
        let found = NearestServices(graph: graph, services: services).nearest(k, from: origins)
        for (o, origin) in origins.enumerated() {
            guard let origin else { #expect(found[o] == nil); continue }
            var search = TravelTimeSearch(graph: graph)
            search.run(from: NetworkTravelTime.seedsFrom(origin, graph: graph), direction: .fromSources)
            let all = services.compactMap { NetworkTravelTime.time(to: $0, from: origin, search: search) }.sorted()
            let expected = Array(all.prefix(k))
            let got = found[o] ?? []
            #expect(got.count == expected.count)
            for (a, b) in zip(got, expected) { #expect(abs(a - b) < 1e-9) }
        }
    }

    /// Straight-line k nearest distances from the k-d tree against sorting every distance (seed 5).
    @Test func straightKNearest() {
        var random = SplitMix(seed: 5)
        let points = (0..<200).map { _ in XY(Double.random(in: 0...1000, using: &random), Double.random(in: 0...1000, using: &random)) }
        let index = PointIndex(points)
        for _ in 0..<50 {
            let q = XY(Double.random(in: 0...1000, using: &random), Double.random(in: 0...1000, using: &random))
            let expected = points.map { $0.distance(to: q) }.sorted().prefix(3)
            #expect(zip(index.nearestDistances(to: q, k: 3), expected).allSatisfy { abs($0 - $1) < 1e-9 })
        }
        #expect(PointIndex(Array(points.prefix(2))).nearestDistances(to: XY(0, 0), k: 3).count == 2)
    }
}
