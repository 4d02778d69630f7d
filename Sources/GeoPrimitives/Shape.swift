/// A geometry as plain Swift values: the form geometries take at the edges (reading, writing, tests).
///
/// Coordinates are in whatever CRS the owner says; polygons are lists of rings, exterior first, each ring
/// closed (first point repeated last). During computation geometries live as GEOS handles instead.
public enum Shape: Hashable, Sendable {
    case point(XY)
    case multiPoint([XY])
    case lineString([XY])
    case multiLineString([[XY]])
    case polygon([[XY]])
    case multiPolygon([[[XY]]])
    case geometryCollection([Shape])

    /// The GeoJSON / OGC name of the geometry type.
    public var typeName: String {
        switch self {
        case .point: "Point"
        case .multiPoint: "MultiPoint"
        case .lineString: "LineString"
        case .multiLineString: "MultiLineString"
        case .polygon: "Polygon"
        case .multiPolygon: "MultiPolygon"
        case .geometryCollection: "GeometryCollection"
        }
    }

    /// Polygon or MultiPolygon.
    public var isPolygonal: Bool {
        switch self {
        case .polygon, .multiPolygon: true
        default: false
        }
    }

    /// Number of coordinates in all parts.
    public var coordinateCount: Int {
        var count = 0
        forEachCoordinateArray { count += $0.count }
        return count
    }

    /// Every coordinate, in the order a GeoJSON writer would visit them.
    public var allCoordinates: [XY] {
        var result: [XY] = []
        result.reserveCapacity(coordinateCount)
        forEachCoordinateArray { result.append(contentsOf: $0) }
        return result
    }

    /// The envelope of all coordinates, or `nil` when the shape has none.
    public var envelope: Envelope? {
        var envelope: Envelope?
        forEachCoordinateArray { part in
            guard let partEnvelope = Envelope(covering: part) else { return }
            if envelope == nil { envelope = partEnvelope } else { envelope!.expand(toInclude: partEnvelope) }
        }
        return envelope
    }

    /// Calls `body` with each run of coordinates (a point, a line, a ring) in writer order.
    public func forEachCoordinateArray(_ body: ([XY]) throws -> Void) rethrows {
        switch self {
        case .point(let p): try body([p])
        case .multiPoint(let points), .lineString(let points): try body(points)
        case .multiLineString(let lines), .polygon(let lines): for line in lines { try body(line) }
        case .multiPolygon(let polygons): for rings in polygons { for ring in rings { try body(ring) } }
        case .geometryCollection(let members): for member in members { try member.forEachCoordinateArray(body) }
        }
    }

    /// The same shape with every coordinate replaced, in `allCoordinates` order, by `transform`.
    public func mapCoordinates(_ transform: (XY) throws -> XY) rethrows -> Shape {
        switch self {
        case .point(let p): return .point(try transform(p))
        case .multiPoint(let points): return .multiPoint(try points.map(transform))
        case .lineString(let points): return .lineString(try points.map(transform))
        case .multiLineString(let lines): return .multiLineString(try lines.map { try $0.map(transform) })
        case .polygon(let rings): return .polygon(try rings.map { try $0.map(transform) })
        case .multiPolygon(let polygons):
            return .multiPolygon(try polygons.map { try $0.map { try $0.map(transform) } })
        case .geometryCollection(let members): return .geometryCollection(try members.map { try $0.mapCoordinates(transform) })
        }
    }

    /// The same shape with its coordinates taken, in `allCoordinates` order, from `coordinates`.
    ///
    /// Used after a batch transformation of `allCoordinates`; `coordinates.count` must equal `coordinateCount`.
    public func replacingCoordinates(with coordinates: [XY]) -> Shape {
        precondition(coordinates.count == coordinateCount, "coordinate count mismatch")
        var index = 0
        return mapCoordinates { _ in
            defer { index += 1 }
            return coordinates[index]
        }
    }
}
