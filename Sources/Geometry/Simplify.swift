import CGEOS

extension Geometry {
    /// A simpler geometry within `tolerance` (CRS units, metres in the working CRS) of this one, by Douglas–Peucker
    /// with GEOS's topology checks: polygons stay valid and rings neither collapse nor cross. For drawing, where a
    /// vertex closer than a pixel to the line of its neighbours adds nothing.
    public func simplifiedPreservingTopology(tolerance: Double) throws -> Geometry {
        // GEOSTopologyPreserveSimplify_r returns a new geometry owned by the caller, NULL on exception.
        try context.geometry("GEOSTopologyPreserveSimplify_r", GEOSTopologyPreserveSimplify_r(context.handle, handle, tolerance))
    }
}
