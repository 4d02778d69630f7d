import GeoPrimitives
import Testing
@testable import Study

/// Path data worked out by hand: grid x = (x − originX) / resolution, grid y = (originY − y) / resolution.
struct SVGPathEncoderTests {
    static func square(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> [XY] {
        [XY(minX, minY), XY(maxX, minY), XY(maxX, maxY), XY(minX, maxY), XY(minX, minY)]
    }

    /// The 10 m square with the origin at its top-left (0, 10): corners (0,0) (10,0) (10,10) (0,10) go to grid
    /// (0,10) (10,10) (10,0) (0,0); steps +10 0, 0 −10, −10 0; the closing vertex is the `z`.
    @Test func squareInMetres() {
        let encoder = SVGPathEncoder(originX: 0, originY: 10, resolution: 1)
        #expect(encoder.path(.polygon([Self.square(0, 0, 10, 10)])) == "M0 10l10 0 0-10-10 0z")
    }

    /// At 5 m a unit: (400000, 400000)–(400020, 400010) from origin (400000, 400010) is (0,2) (4,2) (4,0) (0,0).
    /// The hole x 400005..400010 → 1..2; y 400002.4 → (400010 − 400002.4) / 5 = 1.52 → 2 and 400007.6 → 0.48 → 0.
    @Test func holesAreSubpathsOnTheSameGrid() {
        let encoder = SVGPathEncoder(originX: 400_000, originY: 400_010, resolution: 5)
        let outer = Self.square(400_000, 400_000, 400_020, 400_010)
        let hole = Self.square(400_005, 400_002.4, 400_010, 400_007.6).reversed()
        // Hole, reversed: (5,2.4)→grid (1,2); (5,7.6)→(1,0); (10,7.6)→(2,0); (10,2.4)→(2,2).
        #expect(encoder.path(.polygon([outer, Array(hole)])) == "M0 2l4 0 0-2-4 0z M1 2l0 -2 1 0 0 2z")
    }

    /// A ring thinner than the grid collapses to fewer than three distinct vertices and is not drawn; rounding
    /// is of absolute positions, so steps never drift: 0.4 → 0, 1.4 → 1, 2.6 → 3 gives steps 1 and 2.
    @Test func degenerateRingsVanishAndRoundingDoesNotDrift() {
        let encoder = SVGPathEncoder(originX: 0, originY: 0, resolution: 1)
        #expect(encoder.path(.polygon([[XY(0, 0), XY(0.3, 0), XY(0.3, -0.2), XY(0, 0)]])) == "")
        let ring = [XY(0.4, 0), XY(1.4, 0), XY(2.6, 0), XY(2.6, -3), XY(0.4, 0)]
        #expect(encoder.path(.polygon([ring])) == "M0 0l1 0 2 0 0 3z")
        #expect(encoder.path(.point(XY(1, 1))) == "")
    }
}

/// Lines: open subpaths on the same grid, a line that collapses to one grid point not drawn.
struct SVGLinePathTests {
    /// Origin (0, 10), 1 m a unit: (0,10) (5,10) (5,0) → grid (0,0) (5,0) (5,10): steps +5 0, 0 +10; a second
    /// line (2,2)–(2.2,2.1) rounds to one point (2,8) and vanishes; polygons give no line path.
    @Test func linesAreOpenSubpaths() {
        let encoder = SVGPathEncoder(originX: 0, originY: 10, resolution: 1)
        #expect(encoder.linePath(.lineString([XY(0, 10), XY(5, 10), XY(5, 0)])) == "M0 0l5 0 0 10")
        #expect(encoder.linePath(.multiLineString([[XY(0, 10), XY(5, 10)], [XY(2, 2), XY(2.2, 2.1)], [XY(1, 9), XY(1, 7)]])) == "M0 0l5 0 M1 1l0 2")
        #expect(encoder.linePath(.polygon([SVGPathEncoderTests.square(0, 0, 1, 1)])) == "")
    }
}
