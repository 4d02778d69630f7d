import CGEOS

extension Geometry {
    /// Whether the geometry is valid by the OGC rules GEOS checks.
    public func isValid() throws -> Bool {
        try context.predicate("GEOSisValid_r", GEOSisValid_r(context.handle, handle))
    }

    /// GEOS's reason, e.g. "Ring Self-intersection[0.7 51.6]", or "Valid Geometry".
    public func validityReason() throws -> String {
        try context.takeString("GEOSisValidReason_r", GEOSisValidReason_r(context.handle, handle))
    }

    /// A valid geometry covering the same area, by GEOS's "structure" method: polygon input gives polygonal
    /// output (collapsed parts dropped), rings are rebuilt from their structure (exterior minus holes).
    public func makeValid() throws -> Geometry {
        let params = try context.pointer("GEOSMakeValidParams_create_r", GEOSMakeValidParams_create_r(context.handle))
        defer { GEOSMakeValidParams_destroy_r(context.handle, params) }
        try context.status("GEOSMakeValidParams_setMethod_r",
                           GEOSMakeValidParams_setMethod_r(context.handle, params, GEOS_MAKE_VALID_STRUCTURE))
        try context.status("GEOSMakeValidParams_setKeepCollapsed_r",
                           GEOSMakeValidParams_setKeepCollapsed_r(context.handle, params, 0))
        return try context.geometry("GEOSMakeValidWithParams_r", GEOSMakeValidWithParams_r(context.handle, handle, params))
    }

    /// Only the polygons of this geometry, as a Polygon or MultiPolygon (an empty Polygon when there are none).
    ///
    /// Make-valid of some real boundaries returns a GeometryCollection of polygons and stray lines or points;
    /// zones keep only the area.
    public func polygonalParts() throws -> Geometry {
        switch typeID {
        case Int32(GEOS_POLYGON.rawValue), Int32(GEOS_MULTIPOLYGON.rawValue):
            return try clone()
        case Int32(GEOS_GEOMETRYCOLLECTION.rawValue):
            var polygons: [Geometry] = []
            for member in try members() {
                let part = try member.polygonalParts()
                if part.isEmpty { continue }
                polygons.append(contentsOf: part.typeID == Int32(GEOS_MULTIPOLYGON.rawValue) ? try part.members() : [part])
            }
            if polygons.isEmpty {
                return try context.geometry("GEOSGeom_createEmptyPolygon_r", GEOSGeom_createEmptyPolygon_r(context.handle))
            }
            if polygons.count == 1 { return polygons[0] }
            return try Geometry.collection(of: polygons, type: GEOS_MULTIPOLYGON, context: context)
        default:
            return try context.geometry("GEOSGeom_createEmptyPolygon_r", GEOSGeom_createEmptyPolygon_r(context.handle))
        }
    }
}
