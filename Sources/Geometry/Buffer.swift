import CGEOS
import Foundation
import GeoPrimitives

extension Geometry {
    /// The area within `radius` (CRS units, metres in the working CRS) of this geometry.
    ///
    /// `quadrantSegments` line segments approximate each quarter circle: 16 keeps a circle's area within
    /// 0.2 % of πr² (the polygon inscribed in the circle has area (n/2π)·sin(2π/n)·πr², n = 64).
    public func buffer(radius: Double, quadrantSegments: Int = 16) throws -> Geometry {
        try context.geometry("GEOSBuffer_r", GEOSBuffer_r(context.handle, handle, radius, Int32(quadrantSegments)))
    }
}

extension Geometry {
    /// The polygon GEOS's `buffer(radius:quadrantSegments:)` makes of a point: a regular polygon of
    /// 4 × `quadrantSegments` vertices on the circle (every multiple of 90°/quadrantSegments from east).
    ///
    /// Built from coordinates, which is several times cheaper than running the buffer builder per point, and
    /// the same polygon (the same vertex set; GEOS lists them clockwise).
    public static func circle(center: XY, radius: Double, quadrantSegments: Int = 16, context: GEOSContext) throws -> Geometry {
        let n = 4 * quadrantSegments
        var ring: [XY] = []
        ring.reserveCapacity(n + 1)
        for k in 0..<n {
            let angle = -2 * Double.pi * Double(k) / Double(n)
            ring.append(XY(center.x + radius * cos(angle), center.y + radius * sin(angle)))
        }
        ring.append(ring[0])
        return try Geometry(.polygon([ring]), context: context)
    }
}
