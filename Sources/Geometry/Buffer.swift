import CGEOS

extension Geometry {
    /// The area within `radius` (CRS units, metres in the working CRS) of this geometry.
    ///
    /// `quadrantSegments` line segments approximate each quarter circle: 16 keeps a circle's area within
    /// 0.2 % of πr² (the polygon inscribed in the circle has area (n/2π)·sin(2π/n)·πr², n = 64).
    public func buffer(radius: Double, quadrantSegments: Int = 16) throws -> Geometry {
        try context.geometry("GEOSBuffer_r", GEOSBuffer_r(context.handle, handle, radius, Int32(quadrantSegments)))
    }
}
