import CGEOS
import GeoPrimitives

/// One GEOS geometry, owned for its whole life and freed once, in `deinit`.
///
/// Coordinates are in whatever CRS the caller works in (the working CRS, metres, in the pipeline). All
/// operations take and return geometries of the same `GEOSContext`.
public final class Geometry {
    public let context: GEOSContext
    let handle: OpaquePointer

    /// Takes ownership of `handle`, which must have been made on `context`.
    init(owning handle: OpaquePointer, context: GEOSContext) {
        self.handle = handle
        self.context = context
    }

    deinit {
        GEOSGeom_destroy_r(context.handle, handle)
    }

    /// Lends the raw `GEOSGeometry*` for the duration of `body`; it must not be freed or kept.
    public func withUnsafeHandle<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        try body(handle)
    }

    /// The OGC geometry type name ("Polygon", "MultiPolygon", ...).
    public var typeName: String {
        (try? context.takeString("GEOSGeomType_r", GEOSGeomType_r(context.handle, handle))) ?? "Unknown"
    }

    /// GEOS's type id (`GEOS_POINT` ... `GEOS_GEOMETRYCOLLECTION`).
    var typeID: Int32 { GEOSGeomTypeId_r(context.handle, handle) }

    public var isEmpty: Bool {
        (try? context.predicate("GEOSisEmpty_r", GEOSisEmpty_r(context.handle, handle))) ?? false
    }

    /// Number of member geometries (1 for a single geometry).
    public var memberCount: Int { Int(GEOSGetNumGeometries_r(context.handle, handle)) }

    /// A deep copy, owned by the caller.
    public func clone() throws -> Geometry {
        try context.geometry("GEOSGeom_clone_r", GEOSGeom_clone_r(context.handle, handle))
    }

    /// Copies of the member geometries of a collection (one copy of self for a single geometry).
    public func members() throws -> [Geometry] {
        let count = memberCount
        return try (0..<count).map { index in
            // GEOSGetGeometryN_r returns a borrowed child: clone it, never free it.
            let child = try context.pointer("GEOSGetGeometryN_r", GEOSGetGeometryN_r(context.handle, handle, Int32(index)))
            return try context.geometry("GEOSGeom_clone_r", GEOSGeom_clone_r(context.handle, child))
        }
    }
}

// MARK: - From and to Swift values

extension Geometry {
    /// Builds a GEOS geometry from plain coordinates. Rings must be closed with at least four points.
    public convenience init(_ shape: Shape, context: GEOSContext) throws {
        let handle = try Geometry.makeHandle(shape, context: context)
        self.init(owning: handle, context: context)
    }

    /// A point.
    public convenience init(point: XY, context: GEOSContext) throws {
        let handle = try context.pointer("GEOSGeom_createPointFromXY_r", GEOSGeom_createPointFromXY_r(context.handle, point.x, point.y))
        self.init(owning: handle, context: context)
    }

    /// The rectangle of an envelope.
    public convenience init(envelope: Envelope, context: GEOSContext) throws {
        let handle = try context.pointer("GEOSGeom_createRectangle_r",
                                         GEOSGeom_createRectangle_r(context.handle, envelope.minX, envelope.minY, envelope.maxX, envelope.maxY))
        self.init(owning: handle, context: context)
    }

    private static func sequence(_ points: [XY], context: GEOSContext) throws -> OpaquePointer {
        try points.withUnsafeBytes { raw in
            let doubles = raw.baseAddress?.assumingMemoryBound(to: Double.self)
            return try context.pointer("GEOSCoordSeq_copyFromBuffer_r",
                                       GEOSCoordSeq_copyFromBuffer_r(context.handle, doubles, UInt32(points.count), 0, 0))
        }
    }

    private static func ring(_ points: [XY], context: GEOSContext) throws -> OpaquePointer {
        guard points.count >= 4 else {
            throw GeometryError.invalidInput("a polygon ring needs at least 4 points, found \(points.count)")
        }
        guard points.first == points.last else {
            throw GeometryError.invalidInput("a polygon ring is not closed (first point \(points[0]) ≠ last point \(points[points.count - 1]))")
        }
        let seq = try sequence(points, context: context)
        // GEOSGeom_createLinearRing_r takes ownership of the sequence, also on failure.
        return try context.pointer("GEOSGeom_createLinearRing_r", GEOSGeom_createLinearRing_r(context.handle, seq))
    }

    private static func polygon(_ rings: [[XY]], context: GEOSContext) throws -> OpaquePointer {
        guard let exterior = rings.first else {
            return try context.pointer("GEOSGeom_createEmptyPolygon_r", GEOSGeom_createEmptyPolygon_r(context.handle))
        }
        let shell = try ring(exterior, context: context)
        var holes: [OpaquePointer?] = []
        do {
            for interior in rings.dropFirst() { holes.append(try ring(interior, context: context)) }
        } catch {
            GEOSGeom_destroy_r(context.handle, shell)
            for hole in holes { GEOSGeom_destroy_r(context.handle, hole) }
            throw error
        }
        // GEOSGeom_createPolygon_r takes ownership of the shell and the holes array's rings.
        return try holes.withUnsafeMutableBufferPointer { buffer in
            try context.pointer("GEOSGeom_createPolygon_r",
                                GEOSGeom_createPolygon_r(context.handle, shell, buffer.baseAddress, UInt32(buffer.count)))
        }
    }

    private static func collection(_ type: Int32, _ parts: [OpaquePointer], context: GEOSContext) throws -> OpaquePointer {
        var members: [OpaquePointer?] = parts
        // GEOSGeom_createCollection_r takes ownership of the members.
        return try members.withUnsafeMutableBufferPointer { buffer in
            try context.pointer("GEOSGeom_createCollection_r",
                                GEOSGeom_createCollection_r(context.handle, type, buffer.baseAddress, UInt32(buffer.count)))
        }
    }

    /// Makes every part, freeing those already made when a later one fails.
    private static func parts<T>(_ items: [T], context: GEOSContext, _ make: (T) throws -> OpaquePointer) throws -> [OpaquePointer] {
        var made: [OpaquePointer] = []
        made.reserveCapacity(items.count)
        do {
            for item in items { made.append(try make(item)) }
        } catch {
            for part in made { GEOSGeom_destroy_r(context.handle, part) }
            throw error
        }
        return made
    }

    static func makeHandle(_ shape: Shape, context: GEOSContext) throws -> OpaquePointer {
        switch shape {
        case .point(let p):
            return try context.pointer("GEOSGeom_createPointFromXY_r", GEOSGeom_createPointFromXY_r(context.handle, p.x, p.y))
        case .lineString(let points):
            let seq = try sequence(points, context: context)
            return try context.pointer("GEOSGeom_createLineString_r", GEOSGeom_createLineString_r(context.handle, seq))
        case .polygon(let rings):
            return try polygon(rings, context: context)
        case .multiPoint(let points):
            let made = try parts(points, context: context) { p in
                try context.pointer("GEOSGeom_createPointFromXY_r", GEOSGeom_createPointFromXY_r(context.handle, p.x, p.y))
            }
            return try collection(Int32(GEOS_MULTIPOINT.rawValue), made, context: context)
        case .multiLineString(let lines):
            let made = try parts(lines, context: context) { line in
                try context.pointer("GEOSGeom_createLineString_r", GEOSGeom_createLineString_r(context.handle, try sequence(line, context: context)))
            }
            return try collection(Int32(GEOS_MULTILINESTRING.rawValue), made, context: context)
        case .multiPolygon(let polygons):
            let made = try parts(polygons, context: context) { try polygon($0, context: context) }
            return try collection(Int32(GEOS_MULTIPOLYGON.rawValue), made, context: context)
        case .geometryCollection(let members):
            let made = try parts(members, context: context) { try makeHandle($0, context: context) }
            return try collection(Int32(GEOS_GEOMETRYCOLLECTION.rawValue), made, context: context)
        }
    }

    /// The geometry as plain coordinates (in the geometry's CRS). Linear rings come back as line strings.
    public func shape() throws -> Shape {
        try Geometry.shape(of: handle, context: context)
    }

    private static func coordinates(of geometry: OpaquePointer, context: GEOSContext) throws -> [XY] {
        // GEOSGeom_getCoordSeq_r returns a borrowed sequence.
        let seq = try context.pointer("GEOSGeom_getCoordSeq_r", GEOSGeom_getCoordSeq_r(context.handle, geometry))
        var size: UInt32 = 0
        try context.status("GEOSCoordSeq_getSize_r", GEOSCoordSeq_getSize_r(context.handle, seq, &size))
        var points = [XY](repeating: XY(0, 0), count: Int(size))
        guard size > 0 else { return points }
        try points.withUnsafeMutableBytes { raw in
            let doubles = raw.baseAddress!.assumingMemoryBound(to: Double.self)
            try context.status("GEOSCoordSeq_copyToBuffer_r", GEOSCoordSeq_copyToBuffer_r(context.handle, seq, doubles, 0, 0))
        }
        return points
    }

    private static func rings(of polygon: OpaquePointer, context: GEOSContext) throws -> [[XY]] {
        if try context.predicate("GEOSisEmpty_r", GEOSisEmpty_r(context.handle, polygon)) { return [] }
        // Exterior and interior rings are borrowed from the polygon.
        let exterior = try context.pointer("GEOSGetExteriorRing_r", GEOSGetExteriorRing_r(context.handle, polygon))
        var rings = [try coordinates(of: exterior, context: context)]
        let holeCount = GEOSGetNumInteriorRings_r(context.handle, polygon)
        guard holeCount >= 0 else { throw context.failure("GEOSGetNumInteriorRings_r") }
        for index in 0..<holeCount {
            let hole = try context.pointer("GEOSGetInteriorRingN_r", GEOSGetInteriorRingN_r(context.handle, polygon, index))
            rings.append(try coordinates(of: hole, context: context))
        }
        return rings
    }

    private static func children(of geometry: OpaquePointer, context: GEOSContext) throws -> [OpaquePointer] {
        let count = GEOSGetNumGeometries_r(context.handle, geometry)
        guard count >= 0 else { throw context.failure("GEOSGetNumGeometries_r") }
        return try (0..<count).map { try context.pointer("GEOSGetGeometryN_r", GEOSGetGeometryN_r(context.handle, geometry, $0)) }
    }

    static func shape(of geometry: OpaquePointer, context: GEOSContext) throws -> Shape {
        let type = GEOSGeomTypeId_r(context.handle, geometry)
        switch type {
        case Int32(GEOS_POINT.rawValue):
            let points = try coordinates(of: geometry, context: context)
            return points.isEmpty ? .multiPoint([]) : .point(points[0])
        case Int32(GEOS_LINESTRING.rawValue), Int32(GEOS_LINEARRING.rawValue):
            return .lineString(try coordinates(of: geometry, context: context))
        case Int32(GEOS_POLYGON.rawValue):
            return .polygon(try rings(of: geometry, context: context))
        case Int32(GEOS_MULTIPOINT.rawValue):
            return .multiPoint(try children(of: geometry, context: context).flatMap { try coordinates(of: $0, context: context) })
        case Int32(GEOS_MULTILINESTRING.rawValue):
            return .multiLineString(try children(of: geometry, context: context).map { try coordinates(of: $0, context: context) })
        case Int32(GEOS_MULTIPOLYGON.rawValue):
            return .multiPolygon(try children(of: geometry, context: context).map { try rings(of: $0, context: context) })
        case Int32(GEOS_GEOMETRYCOLLECTION.rawValue):
            return .geometryCollection(try children(of: geometry, context: context).map { try shape(of: $0, context: context) })
        case -1:
            throw context.failure("GEOSGeomTypeId_r")
        default:
            throw GeometryError.unsupportedType(type)
        }
    }
}

// MARK: - WKB

extension Geometry {
    /// Reads ISO/OGC well-known binary.
    public convenience init(wkb: [UInt8], context: GEOSContext) throws {
        let reader = try context.pointer("GEOSWKBReader_create_r", GEOSWKBReader_create_r(context.handle))
        defer { GEOSWKBReader_destroy_r(context.handle, reader) }
        let handle = try wkb.withUnsafeBufferPointer { buffer in
            try context.pointer("GEOSWKBReader_read_r", GEOSWKBReader_read_r(context.handle, reader, buffer.baseAddress, buffer.count))
        }
        self.init(owning: handle, context: context)
    }

    /// Well-known binary (2D, little-endian): a compact, `Sendable` form to move a geometry between tasks.
    public func wkb() throws -> [UInt8] {
        let writer = try context.pointer("GEOSWKBWriter_create_r", GEOSWKBWriter_create_r(context.handle))
        defer { GEOSWKBWriter_destroy_r(context.handle, writer) }
        GEOSWKBWriter_setOutputDimension_r(context.handle, writer, 2)
        GEOSWKBWriter_setByteOrder_r(context.handle, writer, Int32(GEOS_WKB_NDR.rawValue))
        var size = 0
        let bytes = try context.pointer("GEOSWKBWriter_write_r", GEOSWKBWriter_write_r(context.handle, writer, handle, &size))
        defer { GEOSFree_r(context.handle, bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }
}
