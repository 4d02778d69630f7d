import CGEOS

extension Geometry {
    /// The part of this geometry inside `other`.
    public func intersection(_ other: Geometry) throws -> Geometry {
        precondition(other.context === context, "geometries of different GEOS contexts")
        return try context.geometry("GEOSIntersection_r", GEOSIntersection_r(context.handle, handle, other.handle))
    }

    /// The part of this geometry outside `other`.
    public func difference(_ other: Geometry) throws -> Geometry {
        precondition(other.context === context, "geometries of different GEOS contexts")
        return try context.geometry("GEOSDifference_r", GEOSDifference_r(context.handle, handle, other.handle))
    }

    /// The union of this geometry and `other`.
    public func union(_ other: Geometry) throws -> Geometry {
        precondition(other.context === context, "geometries of different GEOS contexts")
        return try context.geometry("GEOSUnion_r", GEOSUnion_r(context.handle, handle, other.handle))
    }

    /// The union of all the parts of this geometry (dissolves overlapping members of a collection).
    public func unaryUnion() throws -> Geometry {
        try context.geometry("GEOSUnaryUnion_r", GEOSUnaryUnion_r(context.handle, handle))
    }

    /// The union of many geometries in one cascaded GEOS call (far faster than folding `union`).
    ///
    /// The inputs are copied, so they stay usable. An empty list gives an empty geometry collection.
    public static func unaryUnion(of geometries: [Geometry], context: GEOSContext) throws -> Geometry {
        let collection = try Geometry.collection(of: geometries, context: context)
        return try collection.unaryUnion()
    }

    /// A GeometryCollection holding copies of `geometries`.
    public static func collection(of geometries: [Geometry], context: GEOSContext) throws -> Geometry {
        try collection(of: geometries, type: GEOS_GEOMETRYCOLLECTION, context: context)
    }

    /// A collection of GEOS type `type` (multi-polygon, geometry collection...) holding copies of `geometries`.
    static func collection(of geometries: [Geometry], type: GEOSGeomTypes, context: GEOSContext) throws -> Geometry {
        var copies: [OpaquePointer?] = []
        copies.reserveCapacity(geometries.count)
        do {
            for geometry in geometries {
                precondition(geometry.context === context, "geometries of different GEOS contexts")
                copies.append(try context.pointer("GEOSGeom_clone_r", GEOSGeom_clone_r(context.handle, geometry.handle)))
            }
        } catch {
            for copy in copies { GEOSGeom_destroy_r(context.handle, copy) }
            throw error
        }
        // GEOSGeom_createCollection_r takes ownership of the copies.
        let handle = try copies.withUnsafeMutableBufferPointer { buffer in
            try context.pointer("GEOSGeom_createCollection_r",
                                GEOSGeom_createCollection_r(context.handle, Int32(type.rawValue), buffer.baseAddress, UInt32(buffer.count)))
        }
        return Geometry(owning: handle, context: context)
    }
}
