@testable import Accessibility
import GeoPrimitives

/// Graphs built by hand for tests: segments given as (from, to, forward seconds, backward seconds), with
/// `.infinity` for a closed direction.
func makeGraph(nodes: Int, _ segments: [(UInt32, UInt32, Double, Double)], mode: TravelMode = .car) -> RoadGraph {
    RoadGraph(mode: mode, nodeCount: nodes,
              segmentFrom: segments.map(\.0), segmentTo: segments.map(\.1),
              segmentLengthMetres: segments.map { min($0.2, $0.3) },
              forwardSeconds: segments.map(\.2), backwardSeconds: segments.map(\.3))
}

/// A deterministic pseudo-random generator (SplitMix64), so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Bellman–Ford over the directed edges: the textbook O(V·E) oracle the Dijkstra search is checked against.
func bellmanFord(_ graph: RoadGraph, sources: [(node: UInt32, seconds: Double)], reverse: Bool) -> [Double] {
    var dist = [Double](repeating: .infinity, count: graph.nodeCount)
    for source in sources { dist[Int(source.node)] = min(dist[Int(source.node)], source.seconds) }
    var edges: [(Int, Int, Double)] = []
    for s in 0..<graph.segmentCount {
        let a = Int(graph.segmentFrom[s]), b = Int(graph.segmentTo[s])
        if graph.forwardSeconds[s].isFinite { edges.append(reverse ? (b, a, graph.forwardSeconds[s]) : (a, b, graph.forwardSeconds[s])) }
        if graph.backwardSeconds[s].isFinite { edges.append(reverse ? (a, b, graph.backwardSeconds[s]) : (b, a, graph.backwardSeconds[s])) }
    }
    for _ in 0..<graph.nodeCount {
        var changed = false
        for (u, v, w) in edges where dist[u] + w < dist[v] {
            dist[v] = dist[u] + w
            changed = true
        }
        if !changed { break }
    }
    return dist
}
