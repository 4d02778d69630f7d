@testable import Accessibility
import GeoPrimitives
import Testing

@Suite struct EdgeSnapperTests {
    @Test func perpendicularFootAndClamping() {
        // One segment from (0, 0) to (100, 0). A point at (30, 40) meets it at x = 30, 40 m away, fraction 0.3.
        // A point at (-30, 40) is nearest the start node: 50 m (3-4-5), fraction 0.
        let graph = makeGraph(nodes: 2, [(0, 1, 10, 10)])
        let snapper = EdgeSnapper(graph: graph, nodes: [XY(0, 0), XY(100, 0)])
        #expect(snapper.snap(XY(30, 40), maxMetres: 500) == SnapPoint(segment: 0, fraction: 0.3, distanceMetres: 40))
        #expect(snapper.snap(XY(-30, 40), maxMetres: 500) == SnapPoint(segment: 0, fraction: 0, distanceMetres: 50))
        #expect(snapper.position(of: snapper.snap(XY(30, 40), maxMetres: 500)!) == XY(30, 0))
        // Beyond the maximum distance: unsnapped, never dragged.
        #expect(snapper.snap(XY(30, 40), maxMetres: 39.9) == nil)
        #expect(snapper.snap(XY(5_000, 5_000), maxMetres: 500) == nil)
    }

    @Test func matchesBruteForceOnRandomSegments() {
        var random = SplitMix(seed: 21)
        let nodes = (0..<400).map { _ in XY(Double.random(in: 0...5_000, using: &random), Double.random(in: 0...5_000, using: &random)) }
        var segments: [(UInt32, UInt32, Double, Double)] = []
        for _ in 0..<300 {
            let a = UInt32.random(in: 0..<400, using: &random)
            // Short segments to a nearby node, like streets.
            let near = (0..<400).min { nodes[$0].distance(to: nodes[Int(a)]) + (Int($0) == Int(a) ? 1e9 : 0) < nodes[$1].distance(to: nodes[Int(a)]) + (Int($1) == Int(a) ? 1e9 : 0) }!
            segments.append((a, UInt32(near), 1, 1))
        }
        let graph = makeGraph(nodes: 400, segments)
        let snapper = EdgeSnapper(graph: graph, nodes: nodes)
        for _ in 0..<500 {
            let p = XY(Double.random(in: -500...5_500, using: &random), Double.random(in: -500...5_500, using: &random))
            var best = (segment: -1, distance: Double.infinity)
            for s in 0..<graph.segmentCount {
                let a = nodes[Int(graph.segmentFrom[s])], b = nodes[Int(graph.segmentTo[s])]
                let dx = b.x - a.x, dy = b.y - a.y
                let t = max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)))
                let d = XY(a.x + t * dx, a.y + t * dy).distance(to: p)
                if d < best.distance - 1e-12 { best = (s, d) }
            }
            let snap = snapper.snap(p, maxMetres: 300)
            if best.distance > 300 {
                #expect(snap == nil)
            } else {
                #expect(snap != nil)
                #expect(abs(snap!.distanceMetres - best.distance) < 1e-9)
            }
        }
    }
}
