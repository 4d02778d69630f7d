import GeoPrimitives
import Projection
import Testing

/// Expected values from PROJ's `geod +ellps=WGS84 -I +units=m -f '%.6f' -F '%.6f'`
/// (tools/crosscheck/ORACLES.md, section b).
struct GeodesicTests {
    @Test func londonToEdinburgh() {
        let result = Geodesic.wgs84.inverse(from: XY(-0.1275, 51.5072), to: XY(-3.1883, 55.9533))
        #expect(abs(result.distanceMetres - 534362.558264) < 1e-5)
        #expect(abs(result.azimuth1 - -20.981154) < 1e-6)
        // geod prints the back azimuth az21 = 156.549037°; geod_inverse's azi2 is the forward azimuth at the
        // end point, az21 − 180° = −23.450963°.
        #expect(abs(result.azimuth2 - -23.450963) < 1e-6)
    }

    @Test func oneDegreeOfLongitudeOnTheEquator() {
        // Also by hand: a·π/180 = 6378137 × 0.0174532925 = 111319.490793 m.
        #expect(abs(Geodesic.wgs84.distanceMetres(from: XY(0, 0), to: XY(1, 0)) - 111319.490793) < 1e-5)
    }

    @Test func altrinchamToNorwich() {
        #expect(abs(Geodesic.wgs84.distanceMetres(from: XY(-2.3545599, 53.39067078), to: XY(1.2974, 52.6309)) - 259258.620018) < 1e-5)
    }

    @Test func samePointIsZero() {
        #expect(Geodesic.wgs84.distanceMetres(from: XY(-2, 53), to: XY(-2, 53)) == 0)
    }
}
