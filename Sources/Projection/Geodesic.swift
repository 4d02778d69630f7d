import CProj
import GeoPrimitives

/// Distances on an ellipsoid by Karney's algorithms (PROJ's `geod_inverse`), for lon/lat inputs.
public struct Geodesic: Sendable {
    private let geodesic: geod_geodesic

    /// An ellipsoid with semi-major axis `a` (metres) and flattening `f`.
    public init(semiMajorAxisMetres a: Double, flattening f: Double) {
        var g = geod_geodesic()
        geod_init(&g, a, f)
        geodesic = g
    }

    /// The WGS84 ellipsoid (a = 6378137 m, f = 1/298.257223563).
    public static let wgs84 = Geodesic(semiMajorAxisMetres: 6_378_137, flattening: 1 / 298.257223563)

    /// The shortest distance in metres between two lon/lat points (degrees), and the azimuths in degrees.
    public func inverse(from a: XY, to b: XY) -> (distanceMetres: Double, azimuth1: Double, azimuth2: Double) {
        var g = geodesic
        var s12 = 0.0, azi1 = 0.0, azi2 = 0.0
        geod_inverse(&g, a.y, a.x, b.y, b.x, &s12, &azi1, &azi2)
        return (s12, azi1, azi2)
    }

    /// The shortest distance in metres between two lon/lat points (degrees).
    public func distanceMetres(from a: XY, to b: XY) -> Double {
        inverse(from: a, to: b).distanceMetres
    }
}

extension geod_geodesic: @retroactive @unchecked Sendable {}
