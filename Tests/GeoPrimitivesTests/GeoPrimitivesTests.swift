import GeoPrimitives
import Testing

struct EnvelopeTests {
    @Test func coveringAndPredicates() throws {
        let envelope = try #require(Envelope(covering: [XY(3, -1), XY(-2, 4), XY(0, 0)]))
        #expect(envelope == Envelope(minX: -2, minY: -1, maxX: 3, maxY: 4))
        #expect(envelope.width == 5 && envelope.height == 5 && envelope.center == XY(0.5, 1.5))
        #expect(envelope.contains(XY(3, 4)) && !envelope.contains(XY(3.1, 0)))
        #expect(envelope.intersects(Envelope(minX: 3, minY: 4, maxX: 9, maxY: 9)))
        #expect(!envelope.intersects(Envelope(minX: 3.5, minY: 0, maxX: 9, maxY: 9)))
        #expect(envelope.swapped == Envelope(minX: -1, minY: -2, maxX: 4, maxY: 3))
        #expect(Envelope(covering: [XY]()) == nil)
    }
}

struct ShapeTests {
    @Test func coordinateOrderAndReplacement() {
        let shape = Shape.multiPolygon([[[XY(0, 0), XY(1, 0), XY(1, 1), XY(0, 0)]], [[XY(5, 5), XY(6, 5), XY(6, 6), XY(5, 5)]]])
        #expect(shape.coordinateCount == 8)
        #expect(shape.allCoordinates[4] == XY(5, 5))
        let moved = shape.replacingCoordinates(with: shape.allCoordinates.map { XY($0.x + 10, $0.y) })
        #expect(moved.envelope == Envelope(minX: 10, minY: 0, maxX: 16, maxY: 6))
        #expect(moved.typeName == "MultiPolygon" && moved.isPolygonal)
        #expect(!Shape.point(XY(0, 0)).isPolygonal)
    }
}

struct RingOrientationTests {
    // Unit square anticlockwise: shoelace sum = 2 × area = 2.
    let anticlockwise = [XY(0, 0), XY(1, 0), XY(1, 1), XY(0, 1), XY(0, 0)]

    @Test func signedArea() {
        #expect(RingOrientation.twiceSignedArea(anticlockwise) == 2)
        #expect(RingOrientation.twiceSignedArea(anticlockwise.reversed()) == -2)
        // Large projected coordinates keep precision: the same square moved to (400000, 300000).
        let far = anticlockwise.map { XY($0.x + 400_000, $0.y + 300_000) }
        #expect(RingOrientation.twiceSignedArea(far) == 2)
    }

    @Test func rightHandRule() {
        let hole = [XY(0.25, 0.25), XY(0.75, 0.25), XY(0.75, 0.75), XY(0.25, 0.25)]  // anticlockwise
        let fixed = RingOrientation.rightHandRule([Array(anticlockwise.reversed()), hole])
        #expect(RingOrientation.isCounterClockwise(fixed[0]))
        #expect(!RingOrientation.isCounterClockwise(fixed[1]))
        #expect(fixed[0].first == XY(0, 0) && fixed[0].count == 5)
    }
}
