import GeoPrimitives
import Testing
@testable import Geometry

/// Douglas–Peucker with topology checks, on shapes whose answer is worked out by hand.
struct SimplifyTests {
    let context = GEOSContext()

    /// The kilometre square with one extra vertex on its bottom edge, 0.4 m off the line y = 0 at x = 500.
    /// Its distance from the chord (0,0)–(1000,0) is 0.4 m: a tolerance of 1 m drops it (back to the square's 5
    /// coordinates), 0.1 m keeps it (6 coordinates).
    @Test func dropsVerticesCloserThanTheTolerance() throws {
        let bumped = Shape.polygon([[XY(0, 0), XY(500, 0.4), XY(1000, 0), XY(1000, 1000), XY(0, 1000), XY(0, 0)]])
        let geometry = try Geometry(bumped, context: context)
        let coarse = try geometry.simplifiedPreservingTopology(tolerance: 1).shape()
        #expect(coarse.coordinateCount == 5)
        #expect(Set(coarse.allCoordinates) == Set(Shapes.square(0, 0, 1000, 1000)))
        #expect(try geometry.simplifiedPreservingTopology(tolerance: 0.1).shape().coordinateCount == 6)
    }

    /// A 10 m hole in the kilometre square is far larger than a 1 m tolerance: it stays, and the result is valid.
    @Test func keepsHolesAndValidity() throws {
        let simplified = try Geometry(Shapes.squareWithHole, context: context).simplifiedPreservingTopology(tolerance: 1)
        #expect(try simplified.isValid())
        #expect(try simplified.area() == 1000 * 1000 - 100 * 100)
    }
}
