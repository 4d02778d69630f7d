import CGEOS
import GeoPrimitives

extension Geometry {
    /// Planar area in squared units of the CRS (m² in the working CRS); 0 for points and lines.
    public func area() throws -> Double {
        try context.measure("GEOSArea_r") { GEOSArea_r(context.handle, handle, $0) }
    }

    /// Planar length of lines, or perimeter of polygons, in CRS units (metres in the working CRS).
    public func length() throws -> Double {
        try context.measure("GEOSLength_r") { GEOSLength_r(context.handle, handle, $0) }
    }

    /// Minimum planar distance to `other` in CRS units; 0 when they touch or overlap.
    public func distance(to other: Geometry) throws -> Double {
        precondition(other.context === context, "geometries of different GEOS contexts")
        return try context.measure("GEOSDistance_r") { GEOSDistance_r(context.handle, handle, other.handle, $0) }
    }

    /// The bounding box, or nil for an empty geometry.
    public func envelope() throws -> Envelope? {
        if isEmpty { return nil }
        let minX = try context.measure("GEOSGeom_getXMin_r") { GEOSGeom_getXMin_r(context.handle, handle, $0) }
        let minY = try context.measure("GEOSGeom_getYMin_r") { GEOSGeom_getYMin_r(context.handle, handle, $0) }
        let maxX = try context.measure("GEOSGeom_getXMax_r") { GEOSGeom_getXMax_r(context.handle, handle, $0) }
        let maxY = try context.measure("GEOSGeom_getYMax_r") { GEOSGeom_getYMax_r(context.handle, handle, $0) }
        return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    /// A point guaranteed to lie in the interior of a polygon (on the line for lines): where a zone's single
    /// representative origin goes.
    public func pointOnSurface() throws -> Geometry {
        try context.geometry("GEOSPointOnSurface_r", GEOSPointOnSurface_r(context.handle, handle))
    }

    /// The centroid (which may fall outside a concave polygon; prefer `pointOnSurface` for zone origins).
    public func centroid() throws -> Geometry {
        try context.geometry("GEOSGetCentroid_r", GEOSGetCentroid_r(context.handle, handle))
    }

    /// The x, y of a point geometry.
    public func pointCoordinates() throws -> XY {
        guard case .point(let p) = try shape() else {
            throw GeometryError.invalidInput("expected a non-empty Point, found \(typeName)")
        }
        return p
    }
}
