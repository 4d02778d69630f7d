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

/// A random graph of `nodes` nodes, two segments drawn from each node to random others (self-loops skipped), each
/// costing a uniform draw from `costs` seconds and one way (closed backward) with chance 1 in `oneWayOneIn`.
func randomGraph(nodes: Int, costs: ClosedRange<Double>, oneWayOneIn: Int, mode: TravelMode, using random: inout SplitMix) -> RoadGraph {
    var segments: [(UInt32, UInt32, Double, Double)] = []
    for a in 0..<nodes {
        for _ in 0..<2 {
            let b = Int.random(in: 0..<nodes, using: &random)
            guard b != a else { continue }
            let cost = Double.random(in: costs, using: &random)
            let oneWay = Int.random(in: 0..<oneWayOneIn, using: &random) == 0
            segments.append((UInt32(a), UInt32(b), cost, oneWay ? .infinity : cost))
        }
    }
    return makeGraph(nodes: nodes, segments, mode: mode)
}

/// A random snap point on `graph`: at a segment's start, its end, or part-way along it, with equal chance.
func randomSnap(on graph: RoadGraph, using random: inout SplitMix) -> SnapPoint {
    SnapPoint(segment: Int.random(in: 0..<graph.segmentCount, using: &random),
              fraction: [0, 1, Double.random(in: 0...1, using: &random)][Int.random(in: 0..<3, using: &random)], distanceMetres: 0)
}
