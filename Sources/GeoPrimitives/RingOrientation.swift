/// Ring orientation by the shoelace formula, as RFC 7946 §3.1.6 needs (exteriors anticlockwise, holes clockwise).
public enum RingOrientation {
    /// Twice the signed area of a closed ring: positive when anticlockwise with x to the east and y to the north.
    public static func twiceSignedArea(_ ring: [XY]) -> Double {
        guard ring.count >= 3 else { return 0 }
        // Shift to the first vertex so large projected coordinates keep their precision.
        let origin = ring[0]
        var sum = 0.0
        for i in 0..<(ring.count - 1) {
            let a = ring[i], b = ring[i + 1]
            sum += (a.x - origin.x) * (b.y - origin.y) - (b.x - origin.x) * (a.y - origin.y)
        }
        return sum
    }

    public static func isCounterClockwise(_ ring: [XY]) -> Bool { twiceSignedArea(ring) > 0 }

    /// The ring in the wanted direction, reversed only when needed.
    public static func oriented(_ ring: [XY], counterClockwise: Bool) -> [XY] {
        let area = twiceSignedArea(ring)
        if area == 0 || (area > 0) == counterClockwise { return ring }
        return ring.reversed()
    }

    /// Polygon rings with the exterior anticlockwise and holes clockwise (the RFC 7946 right-hand rule).
    public static func rightHandRule(_ rings: [[XY]]) -> [[XY]] {
        rings.enumerated().map { index, ring in oriented(ring, counterClockwise: index == 0) }
    }

    /// A shape whose polygons follow the right-hand rule; other kinds are returned unchanged.
    public static func rightHandRule(_ shape: Shape) -> Shape {
        switch shape {
        case .polygon(let rings): .polygon(rightHandRule(rings))
        case .multiPolygon(let polygons): .multiPolygon(polygons.map(rightHandRule))
        case .geometryCollection(let members): .geometryCollection(members.map(rightHandRule))
        default: shape
        }
    }
}
