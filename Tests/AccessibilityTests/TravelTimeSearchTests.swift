@testable import Accessibility
import Testing

@Suite struct TravelTimeSearchTests {
    // Hand-built: 0 —10→ 1 —10→ 2, 0 ⇄ 3 (5 s each way), 3 —20→ 2, and 2 —1→ 0 one way.
    // From node 0: 1 at 10, 2 at min(20, 5 + 20) = 20, 3 at 5.
    // To node 2 (reverse search): 0 at 20, 1 at 10, 3 at min(20, 5 + 20) = 20.
    let graph = makeGraph(nodes: 4, [(0, 1, 10, .infinity), (1, 2, 10, .infinity), (0, 3, 5, 5), (3, 2, 20, .infinity), (2, 0, 1, .infinity)])

    @Test func forwardFromOneSourceMatchesHandCalculation() {
        var search = TravelTimeSearch(graph: graph)
        search.run(from: [(0, 0)], direction: .fromSources)
        #expect(search.seconds == [0, 10, 20, 5])
    }

    @Test func reverseGivesTimeToTheSource() {
        var search = TravelTimeSearch(graph: graph)
        search.run(from: [(2, 0)], direction: .toSources)
        #expect(search.seconds == [20, 10, 0, 20])
    }

    @Test func headStartsAndSeveralSources() {
        // Sources 1 (head start 3 s) and 3 (head start 0): towards them, 0 reaches 3 in 5, 2 reaches 0 in 1 then 3 in 5 = 6.
        var search = TravelTimeSearch(graph: graph)
        search.run(from: [(1, 3), (3, 0)], direction: .toSources)
        #expect(search.seconds == [5, 3, 6, 0])
    }

    @Test func limitStopsTheSearchAndRerunResets() {
        var search = TravelTimeSearch(graph: graph)
        search.run(from: [(0, 0)], direction: .fromSources, limitSeconds: 9)
        #expect(search.seconds == [0, .infinity, .infinity, 5])
        search.run(from: [(1, 0)], direction: .fromSources)
        // From 1: 2 at 10, 0 at 11 (via 2 —1→ 0), 3 at 16.
        #expect(search.seconds == [11, 0, 10, 16])
    }

    @Test func randomGraphsMatchBellmanFord() {
        var random = SplitMix(seed: 7)
        for _ in 0..<30 {
            let n = Int.random(in: 2...60, using: &random)
            var segments: [(UInt32, UInt32, Double, Double)] = []
            for _ in 0..<(n * 2) {
                let a = UInt32.random(in: 0..<UInt32(n), using: &random), b = UInt32.random(in: 0..<UInt32(n), using: &random)
                let forward = Int.random(in: 0..<4, using: &random) == 0 ? Double.infinity : Double.random(in: 0.5...100, using: &random)
                let backward = Int.random(in: 0..<3, using: &random) == 0 ? .infinity : Double.random(in: 0.5...100, using: &random)
                segments.append((a, b, forward, backward))
            }
            let graph = makeGraph(nodes: n, segments)
            let sources = (0..<3).map { _ in (node: UInt32.random(in: 0..<UInt32(n), using: &random), seconds: Double.random(in: 0...20, using: &random)) }
            for (direction, reverse) in [(TravelTimeSearch.Direction.fromSources, false), (.toSources, true)] {
                var search = TravelTimeSearch(graph: graph)
                search.run(from: sources, direction: direction)
                let expected = bellmanFord(graph, sources: sources, reverse: reverse)
                for node in 0..<n {
                    if expected[node].isInfinite {
                        #expect(search.seconds[node].isInfinite)
                    } else {
                        #expect(abs(search.seconds[node] - expected[node]) < 1e-9)
                    }
                }
            }
        }
    }
}
