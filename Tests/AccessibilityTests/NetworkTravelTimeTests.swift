@testable import Accessibility
import GeoPrimitives
import Testing

/// Split-edge costs, worked by hand on a straight street of three nodes: 0 —s0— 1 —s1— 2, each segment
/// 100 s end to end.
@Suite struct NetworkTravelTimeTests {
    func times(_ graph: RoadGraph, services: [SnapPoint], origins: [SnapPoint?]) -> [Double?] {
        var search = TravelTimeSearch(graph: graph)
        return NetworkTravelTime(graph: graph, services: services).timesToNearest(origins, search: &search)
    }

    func snap(_ segment: Int, _ fraction: Double) -> SnapPoint { SnapPoint(segment: segment, fraction: fraction, distanceMetres: 0) }

    @Test func twoWayStreet() {
        let graph = makeGraph(nodes: 3, [(0, 1, 100, 100), (1, 2, 100, 100)])
        // Service at 0.25 of s1 (25 s past node 1). Origin at 0.5 of s0: 50 s to node 1, then 25 s: 75 s.
        // Origin at 0.75 of s1 (same segment): 50 s straight back along it. Origin at node 0 exactly: 125 s.
        #expect(times(graph, services: [snap(1, 0.25)], origins: [snap(0, 0.5), snap(1, 0.75), snap(0, 0), nil]) == [75, 50, 125, nil])
    }

    @Test func oneWayStreetForcesTheLongWayOrNone() {
        // s0 and s1 one way 0 → 1 → 2; s2 two-way 2 ⇄ 0 (300 s). Service at 0.5 of s0.
        let graph = makeGraph(nodes: 3, [(0, 1, 100, .infinity), (1, 2, 100, .infinity), (2, 0, 300, 300)])
        // Origin at 0.75 of s0, past the service on a one-way street: on to 1 (25), 2 (125), back to 0 (425),
        // then 50 s to the service: 475 s. Origin at 0.25 of s0: 25 s along the street.
        #expect(times(graph, services: [snap(0, 0.5)], origins: [snap(0, 0.75), snap(0, 0.25)]) == [475, 25])
    }

    @Test func snapOnANodeMayLeaveByAnyEdge() {
        // s0 one way 0 → 1; s1 two-way 1 ⇄ 2. An origin snapped to the end (fraction 1) of s0 stands on node 1
        // and walks s1 to the service at node 2 (fraction 1 of s1): 100 s, although s0 cannot be travelled back.
        let graph = makeGraph(nodes: 3, [(0, 1, 100, .infinity), (1, 2, 100, 100)])
        #expect(times(graph, services: [snap(1, 1)], origins: [snap(0, 1)]) == [100])
        // A service at the start (fraction 0) of the one-way s0 is at node 0: from node 1 it cannot be reached.
        #expect(times(graph, services: [snap(0, 0)], origins: [snap(1, 0.5)]) == [nil])
    }

    /// `byLength`: a fast road 0 → 1 of 1,000 m taking 30 s, and a slow lane 0 → 2 → 1 of 200 + 200 m taking 100 s
    /// each. From a service at node 1, the origin at node 0 is 30 s away by the fastest route and 400 m by the
    /// shortest; a one-way direction stays closed by length too.
    @Test func shortestByLengthIsNotFastest() {
        let graph = RoadGraph(mode: .car, nodeCount: 3, segmentFrom: [0, 0, 2], segmentTo: [1, 2, 1],
                              segmentLengthMetres: [1000, 200, 200], forwardSeconds: [30, 100, 100],
                              backwardSeconds: [30, 100, .infinity])
        #expect(times(graph, services: [snap(0, 1)], origins: [snap(0, 0)]) == [30])
        let byLength = graph.byLength()
        #expect(times(byLength, services: [snap(0, 1)], origins: [snap(0, 0)]) == [400])
        // From node 1 back to node 0: the lane 2 → 1 is one way, so only the 1,000 m road.
        #expect(times(byLength, services: [snap(0, 0)], origins: [snap(0, 1)]) == [1000])
    }

    @Test func disconnectedPartIsUnreachable() {
        let graph = makeGraph(nodes: 4, [(0, 1, 10, 10), (2, 3, 10, 10)])
        #expect(times(graph, services: [snap(0, 0.5)], origins: [snap(1, 0.5), snap(0, 1)]) == [nil, 5])
    }

    @Test func forwardFromOriginReachesEachService() {
        // Two-way 0 — 1 — 2 (100 s each). From an origin at 0.5 of s0 with services at 0.25 of s1 and 0.9 of s0.
        let graph = makeGraph(nodes: 3, [(0, 1, 100, 100), (1, 2, 100, 100)])
        let helper = NetworkTravelTime(graph: graph, services: [snap(1, 0.25), snap(0, 0.9)])
        let origin = snap(0, 0.5)
        var search = TravelTimeSearch(graph: graph)
        search.run(from: NetworkTravelTime.seedsFrom(origin, graph: graph), direction: .fromSources)
        #expect(helper.timesFrom(origin, search: search) == [75, 40])
        // Bounded at 60 s: only the service 40 s away is reached.
        search.run(from: NetworkTravelTime.seedsFrom(origin, graph: graph), direction: .fromSources, limitSeconds: 60)
        #expect(helper.timesFrom(origin, search: search).map { $0.map { $0 <= 60 } ?? false } == [false, true])
    }
}
