@testable import Accessibility
import GeoPrimitives
import Testing

/// The k-d tree against brute force (every pair), which is the definition of the nearest point.
@Suite struct PointIndexTests {
    func randomPoints(_ count: Int, _ random: inout SplitMix, grid: Bool = false) -> [XY] {
        (0..<count).map { _ in
            grid ? XY(Double(Int.random(in: 0..<20, using: &random)) * 50, Double(Int.random(in: 0..<20, using: &random)) * 50)
                 : XY(Double.random(in: 300_000...400_000, using: &random), Double.random(in: 300_000...400_000, using: &random))
        }
    }

    @Test(arguments: [false, true]) func nearestMatchesBruteForce(grid: Bool) {
        var random = SplitMix(seed: grid ? 11 : 3)
        for size in [1, 2, 7, 9, 100, 2_000] {
            let points = randomPoints(size, &random, grid: grid)
            let index = PointIndex(points)
            for query in randomPoints(200, &random, grid: grid) {
                // Brute force, ties to the lower index (grid points collide often).
                var best = (index: -1, squared: Double.infinity)
                for (i, p) in points.enumerated() {
                    let d = (p.x - query.x) * (p.x - query.x) + (p.y - query.y) * (p.y - query.y)
                    if d < best.squared { best = (i, d) }
                }
                let hit = index.nearest(to: query)!
                #expect(hit.index == best.index)
                #expect(abs(hit.distanceMetres - best.squared.squareRoot()) < 1e-9)
            }
        }
    }

    @Test func countWithinMatchesBruteForce() {
        var random = SplitMix(seed: 5)
        let points = randomPoints(1_000, &random)
        let index = PointIndex(points)
        for query in randomPoints(100, &random) {
            for radius in [500.0, 3_000, 10_000] {
                let expected = points.count { $0.distance(to: query) <= radius }
                #expect(index.count(within: radius, of: query) == expected)
                #expect(index.count(within: radius, of: query, limit: 10) == min(expected, 10))
            }
        }
    }

    @Test func emptyIndex() {
        #expect(PointIndex([]).nearest(to: XY(0, 0)) == nil)
        #expect(PointIndex([]).count(within: 10, of: XY(0, 0)) == 0)
    }

    @Test func handExample() {
        // 3-4-5 triangle: from (0, 0) the point (3, 4) is 5 m away, (6, 0) is 6 m away.
        let index = PointIndex([XY(6, 0), XY(3, 4), XY(100, 100)])
        #expect(index.nearest(to: XY(0, 0))! == (1, 5))
        #expect(index.count(within: 6, of: XY(0, 0)) == 2)
    }
}
