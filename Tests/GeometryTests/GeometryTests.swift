import GeoPrimitives
import Testing
@testable import Geometry

/// Shapes whose measures are worked out by hand in the comments beside each test.
enum Shapes {
    static func square(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> [XY] {
        [XY(minX, minY), XY(maxX, minY), XY(maxX, maxY), XY(minX, maxY), XY(minX, minY)]
    }

    static let kilometreSquare = Shape.polygon([square(0, 0, 1000, 1000)])
    /// The kilometre square with a 100 m × 100 m hole at (100..200, 100..200), wound clockwise.
    static let squareWithHole = Shape.polygon([square(0, 0, 1000, 1000), square(100, 100, 200, 200).reversed()])
    /// A bow-tie: (0,0)→(2,2)→(2,0)→(0,2)→(0,0), crossing itself at (1,1).
    static let bowTie = Shape.polygon([[XY(0, 0), XY(2, 2), XY(2, 0), XY(0, 2), XY(0, 0)]])
    /// A U: the 3 × 3 square minus the notch x 1..2, y 1..3. Area 9 − 2 = 7.
    static let u = Shape.polygon([[XY(0, 0), XY(3, 0), XY(3, 3), XY(2, 3), XY(2, 1), XY(1, 1), XY(1, 3), XY(0, 3), XY(0, 0)]])
}

struct GeometryConversionTests {
    let context = GEOSContext()

    @Test func shapeRoundTripsThroughGEOS() throws {
        for shape in [Shapes.kilometreSquare, Shapes.squareWithHole, .point(XY(3, 4)), .lineString([XY(0, 0), XY(3, 4)]),
                      .multiPolygon([[Shapes.square(0, 0, 1, 1)], [Shapes.square(5, 5, 6, 6)]]),
                      .multiPoint([XY(1, 2), XY(3, 4)]), .multiLineString([[XY(0, 0), XY(1, 1)], [XY(2, 2), XY(3, 3)]]),
                      .geometryCollection([.point(XY(1, 1)), Shapes.kilometreSquare])] {
            #expect(try Geometry(shape, context: context).shape() == shape)
        }
    }

    @Test func typeNames() throws {
        #expect(try Geometry(Shapes.kilometreSquare, context: context).typeName == "Polygon")
        #expect(try Geometry(.point(XY(0, 0)), context: context).typeName == "Point")
    }

    @Test func wkbOfAPointIsTheSpecBytes() throws {
        // OGC WKB, little-endian POINT(1 2): byte order 01, type 1 as UInt32 LE, then x = 1.0 and y = 2.0 as
        // IEEE 754 LE doubles (1.0 = 0x3FF0000000000000, 2.0 = 0x4000000000000000).
        let expected: [UInt8] = [0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0x40]
        #expect(try Geometry(point: XY(1, 2), context: context).wkb() == expected)
        #expect(try Geometry(wkb: expected, context: context).shape() == .point(XY(1, 2)))
    }

    @Test func wkbRoundTripKeepsHoles() throws {
        let geometry = try Geometry(Shapes.squareWithHole, context: context)
        let other = GEOSContext()
        #expect(try Geometry(wkb: geometry.wkb(), context: other).shape() == Shapes.squareWithHole)
    }

    @Test func geosExceptionsBecomeTypedErrorsWithGEOSMessage() {
        #expect {
            _ = try Geometry(wkb: [0x01, 0x02, 0x03], context: context)
        } throws: { error in
            guard case GeometryError.geosFailure(let function, let message) = error else { return false }
            return function == "GEOSWKBReader_read_r" && message.contains("ParseException")
        }
    }

    @Test func badRingsAreRejectedBeforeGEOS() {
        #expect(throws: GeometryError.self) {
            _ = try Geometry(.polygon([[XY(0, 0), XY(1, 0), XY(0, 0)]]), context: context)
        }
        #expect {
            _ = try Geometry(.polygon([[XY(0, 0), XY(1, 0), XY(1, 1), XY(0, 1)]]), context: context)
        } throws: { error in
            "\(error)".contains("not closed")
        }
    }

    @Test func membersAreCopies() throws {
        let multi = try Geometry(.multiPolygon([[Shapes.square(0, 0, 1, 1)], [Shapes.square(5, 5, 7, 7)]]), context: context)
        let members = try multi.members()
        #expect(members.count == 2)
        // 1 × 1 and 2 × 2.
        #expect(try members.map { try $0.area() } == [1, 4])
    }
}

struct MeasureTests {
    let context = GEOSContext()

    @Test func areaAndLength() throws {
        let square = try Geometry(Shapes.kilometreSquare, context: context)
        #expect(try square.area() == 1_000_000)
        #expect(try square.length() == 4000)
        // 1,000,000 − 100 × 100 = 990,000 m²; perimeter 4000 + 400 = 4400 m.
        let holed = try Geometry(Shapes.squareWithHole, context: context)
        #expect(try holed.area() == 990_000)
        #expect(try holed.length() == 4400)
        #expect(try Geometry(.point(XY(1, 1)), context: context).area() == 0)
    }

    @Test func distance() throws {
        let a = try Geometry(Shapes.kilometreSquare, context: context)
        let b = try Geometry(.polygon([Shapes.square(1300, 1400, 2000, 2000)]), context: context)
        // Corner (1000, 1000) to corner (1300, 1400): √(300² + 400²) = 500.
        #expect(try a.distance(to: b) == 500)
        #expect(try a.distance(to: Geometry(.point(XY(500, 500)), context: context)) == 0)
    }

    @Test func envelope() throws {
        let envelope = try Geometry(Shapes.u, context: context).envelope()
        #expect(envelope == Envelope(minX: 0, minY: 0, maxX: 3, maxY: 3))
        #expect(try Geometry(.polygon([]), context: context).envelope() == nil)
    }

    @Test func pointOnSurfaceIsInsideWhereTheCentroidIsNot() throws {
        let u = try Geometry(Shapes.u, context: context)
        #expect(try u.area() == 7)
        // Centroid by hand: x = 1.5 by symmetry; y = (9 × 1.5 − 2 × 2) / 7 = 1.357…, inside the notch.
        let centroid = try u.centroid().pointCoordinates()
        #expect(abs(centroid.x - 1.5) < 1e-12 && abs(centroid.y - 9.5 / 7) < 1e-12)
        let prepared = try PreparedGeometry(u)
        #expect(try !prepared.covers([centroid])[0])
        #expect(try prepared.contains(u.pointOnSurface()))
    }
}

struct OverlayTests {
    let context = GEOSContext()

    @Test func twoOverlappingSquares() throws {
        let a = try Geometry(.polygon([Shapes.square(0, 0, 2, 2)]), context: context)
        let b = try Geometry(.polygon([Shapes.square(1, 1, 3, 3)]), context: context)
        // Overlap is the unit square (1..2, 1..2): intersection 1, union 4 + 4 − 1 = 7, difference 4 − 1 = 3.
        #expect(try a.intersection(b).area() == 1)
        #expect(try a.union(b).area() == 7)
        #expect(try a.difference(b).area() == 3)
    }

    @Test func unaryUnionOfMany() throws {
        // Three unit-overlapping 2 × 2 squares along the diagonal: 3 × 4 − 2 × 1 = 10.
        let squares = try [0.0, 1, 2].map { try Geometry(.polygon([Shapes.square($0, $0, $0 + 2, $0 + 2)]), context: context) }
        let union = try Geometry.unaryUnion(of: squares, context: context)
        #expect(try union.area() == 10)
        #expect(try union.isValid())
        // The inputs stay usable.
        #expect(try squares[0].area() == 4)
        #expect(try Geometry.unaryUnion(of: [], context: context).isEmpty)
    }

    @Test func bufferOfAPoint() throws {
        let disc = try Geometry(point: XY(0, 0), context: context).buffer(radius: 100, quadrantSegments: 16)
        // 16 segments a quadrant: an inscribed 64-gon, area ½ · 64 · r² · sin(2π/64) = 320000 · sin(π/32)
        // = 320000 × 0.0980171403295606 = 31365.4849054594 m², within 0.2 % of π r² = 31415.93 m².
        #expect(abs(try disc.area() - 31365.4849054594) < 1e-6)
        #expect(abs(try disc.area() / (Double.pi * 100 * 100) - 1) < 0.002)
    }
}

struct ValidityTests {
    let context = GEOSContext()

    @Test func bowTieIsInvalidAndRepairedToTwoTriangles() throws {
        let bowTie = try Geometry(Shapes.bowTie, context: context)
        #expect(try !bowTie.isValid())
        #expect(try bowTie.validityReason().hasPrefix("Self-intersection[1 1]"))
        let repaired = try bowTie.makeValid().polygonalParts()
        #expect(try repaired.isValid())
        // Two triangles, (0,0)-(1,1)-(0,2) and (2,0)-(1,1)-(2,2): base 2, height 1 each → area 1 + 1 = 2.
        #expect(try repaired.area() == 2)
        #expect(repaired.typeName == "MultiPolygon")
        #expect(try Geometry(Shapes.kilometreSquare, context: context).validityReason() == "Valid Geometry")
    }

    @Test func polygonalPartsDropsLinesAndPoints() throws {
        let mixed = try Geometry(.geometryCollection([
            .polygon([Shapes.square(0, 0, 2, 2)]), .lineString([XY(5, 5), XY(6, 6)]), .point(XY(9, 9)),
            .multiPolygon([[Shapes.square(10, 10, 11, 11)]]),
        ]), context: context)
        let polygons = try mixed.polygonalParts()
        #expect(polygons.typeName == "MultiPolygon")
        #expect(try polygons.area() == 5)
        let onlyLines = try Geometry(.lineString([XY(0, 0), XY(1, 1)]), context: context).polygonalParts()
        #expect(onlyLines.isEmpty)
    }
}

struct PreparedGeometryTests {
    let context = GEOSContext()

    @Test func containsAndCoversOnTheBoundary() throws {
        let prepared = try PreparedGeometry(Geometry(Shapes.kilometreSquare, context: context))
        let points = [XY(500, 500), XY(1000, 500), XY(1500, 500)]
        // Interior, boundary, outside: OGC contains excludes the boundary, covers includes it.
        #expect(try prepared.contains(points) == [true, false, false])
        #expect(try prepared.covers(points) == [true, true, false])
        #expect(try prepared.intersects(Geometry(.lineString([XY(900, 900), XY(2000, 2000)]), context: context)))
    }
}

struct SpatialIndexTests {
    let context = GEOSContext()

    /// A deterministic generator (64-bit LCG, Knuth's constants) so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    func rectangles(_ count: Int, _ generator: inout Generator) -> [Envelope] {
        (0..<count).map { _ in
            let x = generator.next() * 10_000, y = generator.next() * 10_000
            return Envelope(minX: x, minY: y, maxX: x + generator.next() * 500, maxY: y + generator.next() * 500)
        }
    }

    @Test func envelopeQueriesMatchBruteForce() throws {
        var generator = Generator(state: 42)
        let items = rectangles(500, &generator)
        let index = try SpatialIndex(envelopes: items, context: context)
        let queries = rectangles(100, &generator).map { $0.expanded(by: 300) }
        let answers = try index.query(queries)
        for (query, answer) in zip(queries, answers) {
            let brute = items.indices.filter { items[$0].intersects(query) }
            #expect(answer == brute)
        }
    }

    @Test func nearestMatchesBruteForce() throws {
        var generator = Generator(state: 7)
        let points = (0..<300).map { _ in XY(generator.next() * 10_000, generator.next() * 10_000) }
        let geometries = try points.map { try Geometry(point: $0, context: context) }
        let index = try SpatialIndex(geometries, context: context)
        for _ in 0..<100 {
            let probe = XY(generator.next() * 10_000, generator.next() * 10_000)
            let found = try #require(try index.nearest(to: Geometry(point: probe, context: context)))
            let best = points.map { $0.distance(to: probe) }.min()!
            #expect(points[found].distance(to: probe) == best)
        }
        #expect(try SpatialIndex([], context: context).nearest(to: Geometry(point: XY(0, 0), context: context)) == nil)
    }
}
