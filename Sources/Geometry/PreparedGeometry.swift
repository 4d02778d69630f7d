import CGEOS
import GeoPrimitives

/// A geometry prepared for many predicate tests (GEOS builds its edge index once).
///
/// Holds a strong reference to its base geometry, which must outlive the prepared form; the prepared form is
/// freed first, in `deinit`.
public final class PreparedGeometry {
    public let base: Geometry
    private let handle: OpaquePointer

    public init(_ base: Geometry) throws {
        self.base = base
        handle = try base.context.pointer("GEOSPrepare_r", GEOSPrepare_r(base.context.handle, base.handle))
    }

    deinit {
        GEOSPreparedGeom_destroy_r(base.context.handle, handle)
    }

    private var context: GEOSContext { base.context }

    /// `other` lies in the interior or on the boundary, with at least one interior point in common.
    public func contains(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSPreparedContains_r", GEOSPreparedContains_r(context.handle, handle, other.handle))
    }

    /// The two geometries share at least one point.
    public func intersects(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSPreparedIntersects_r", GEOSPreparedIntersects_r(context.handle, handle, other.handle))
    }

    /// No point of `other` lies outside (boundary points count as covered).
    public func covers(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSPreparedCovers_r", GEOSPreparedCovers_r(context.handle, handle, other.handle))
    }

    /// Whether some point of `other` lies within `distance` (CRS units) of this geometry.
    public func isWithin(distance: Double, of other: Geometry) throws -> Bool {
        try context.predicate("GEOSPreparedDistanceWithin_r", GEOSPreparedDistanceWithin_r(context.handle, handle, other.handle, distance))
    }

    /// For each point, whether the geometry contains it (boundary points excluded, as OGC `contains`).
    public func contains(_ points: [XY]) throws -> [Bool] {
        try points.map { point in
            let geometry = try Geometry(point: point, context: context)
            return try contains(geometry)
        }
    }

    /// For each point, whether the geometry covers it (boundary points included).
    public func covers(_ points: [XY]) throws -> [Bool] {
        try points.map { point in
            let geometry = try Geometry(point: point, context: context)
            return try covers(geometry)
        }
    }
}
