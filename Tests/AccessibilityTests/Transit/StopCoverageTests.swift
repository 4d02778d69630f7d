import Foundation
import GeoData
import GeoPrimitives
import Geometry
import Testing
@testable import Accessibility

/// Catchment areas of stops on square and rectangular zones (EPSG:27700 metres). A 64-gon of radius r has area
/// 32 r² sin(π/32): 501,847.758 m² for r = 400 (by hand); where circles are clipped or overlap the expected
/// area comes from shapely 2.2 (buffer(400, quad_segs=16), union_all, intersection), quoted beside each case.
struct StopCoverageTests {
    static let polygon64 = 32 * 400.0 * 400 * sin(Double.pi / 32)

    func zone(_ code: String, _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Zone {
        let ring = [XY(x0, y0), XY(x1, y0), XY(x1, y1), XY(x0, y1), XY(x0, y0)]
        return Zone(code: code, properties: JSONObject(), geometry: .polygon([ring]), areaSquareMetres: (x1 - x0) * (y1 - y0),
                    source: FeatureSource(file: "test", index: 0))
    }

    func covered(_ stops: [XY], zone: Zone) throws -> Double {
        try #require(try StopCoverage(radiusMetres: 400).measure(zones: [zone], stops: stops)[0].coveredSquareMetres)
    }

    @Test func circlesBuiltLikeGEOSBuffers() throws {
        let context = GEOSContext()
        let circle = try Geometry.circle(center: XY(1000, 2000), radius: 400, context: context)
        let buffer = try Geometry(point: XY(1000, 2000), context: context).buffer(radius: 400, quadrantSegments: 16)
        #expect(abs(try circle.area() - Self.polygon64) < 1e-6)
        #expect(abs(try buffer.area() - Self.polygon64) < 1e-6)
        // The same polygon: nothing of one lies outside the other.
        #expect(try circle.symmetricDifferenceArea(buffer) < 1e-6)
    }

    @Test func squareWardByHand() throws {
        let square = zone("A", 0, 0, 1000, 1000)
        #expect(abs(try covered([XY(500, 500)], zone: square) - Self.polygon64) < 1e-6)          // wholly inside
        #expect(abs(try covered([XY(0, 0)], zone: square) - Self.polygon64 / 4) < 1e-6)          // corner: a quarter
        #expect(abs(try covered([XY(0, 500)], zone: square) - Self.polygon64 / 2) < 1e-6)        // edge: a half
        // Two stops at the same place count once.
        #expect(abs(try covered([XY(500, 500), XY(500, 500)], zone: square) - Self.polygon64) < 1e-6)
        // Corner and edge circles overlap: shapely gives 311,369.934849.
        #expect(abs(try covered([XY(0, 0), XY(0, 500)], zone: square) - 311_369.934849) < 1e-3)
        // Outside the ward, 300 m from its edge: shapely gives 36,081.102157.
        #expect(abs(try covered([XY(-300, 500)], zone: square) - 36_081.102157) < 1e-3)
        // Farther than 400 m from the ward: nothing, and no circle reaches it.
        let far = try StopCoverage(radiusMetres: 400).measure(zones: [square], stops: [XY(-401, 500), XY(1300, 1300)])[0]
        #expect(far.coveredSquareMetres == 0)
        #expect(far.stopsReaching == 0)
    }

    @Test func gapsSplitIntoPolygons() throws {
        // A 2,000 × 500 m strip with a stop in its middle: the circle cuts it in two equal gaps of 314,092.004772 m²
        // each (shapely), and covers 371,815.990455 m².
        let strip = zone("S", 0, 0, 2000, 500)
        let result = try StopCoverage(radiusMetres: 400).measure(zones: [strip], stops: [XY(1000, 250)], gaps: true)[0]
        #expect(abs(try #require(result.coveredSquareMetres) - 371_815.990455) < 1e-3)
        #expect(result.gaps.count == 2)
        for gap in result.gaps {
            guard case .polygon(let rings) = gap else { Issue.record("not a polygon: \(gap)"); continue }
            #expect(abs(StopCoverage.area(rings) - 314_092.004772) < 1e-3)
        }
        // A ward no stop reaches is one gap: itself.
        let none = try StopCoverage(radiusMetres: 400).measure(zones: [strip], stops: [XY(9000, 9000)], gaps: true)[0]
        #expect(none.gaps.count == 1)
        // A ward wholly covered has none.
        let small = zone("T", 0, 0, 100, 100)
        #expect(try StopCoverage(radiusMetres: 400).measure(zones: [small], stops: [XY(50, 50)], gaps: true)[0].gaps.isEmpty)
    }

    @Test func zonesWithoutGeometryGiveNil() throws {
        let broken = Zone(code: "X", properties: JSONObject(), geometry: nil, areaSquareMetres: nil, source: FeatureSource(file: "test", index: 0))
        #expect(try StopCoverage(radiusMetres: 400).measure(zones: [broken], stops: [XY(0, 0)])[0].coveredSquareMetres == nil)
    }

    /// Many zones and random stops: the parallel per-zone answer equals a one-zone-at-a-time answer with every
    /// stop (no candidate filtering), so the k-d tree and distance prefilter lose nothing.
    @Test func prefilterLosesNoCircle() throws {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var zones: [Zone] = []
        for i in 0..<12 {
            let x0 = Double(i % 4) * 1000, y0 = Double(i / 4) * 800
            zones.append(zone("Z\(i)", x0, y0, x0 + 1000, y0 + 800))
        }
        let stops = (0..<60).map { _ in XY(-500 + 5000 * next(), -500 + 3400 * next()) }
        let measured = try StopCoverage(radiusMetres: 400).measure(zones: zones, stops: stops)
        let overlay = try StopCoverage(radiusMetres: 400, method: .geosOverlay).measure(zones: zones, stops: stops)
        let context = GEOSContext()
        let union = try Geometry.unaryUnion(of: stops.map { try Geometry.circle(center: $0, radius: 400, context: context) }, context: context)
        for (z, zone) in zones.enumerated() {
            let expected = try Geometry(zone.geometry!, context: context).intersection(union).area()
            #expect(abs(try #require(measured[z].coveredSquareMetres) - expected) < 1e-6)
            #expect(abs(try #require(overlay[z].coveredSquareMetres) - expected) < 1e-6)
        }
    }

    /// The boundary integral against GEOS's overlay on irregular zones (a concave polygon with a hole, and a
    /// two-part multipolygon) and dense, clustered stops: agreement to 1e-6 m² in every case.
    @Test(arguments: Array(1...12)) func boundaryIntegralMatchesGEOS(seed: Int) throws {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        // A star-shaped (concave) ring of 40 vertices round (2000, 2000) with a square hole.
        var star: [XY] = (0..<40).map { k in
            let angle = 2 * Double.pi * Double(k) / 40
            let radius = (k % 2 == 0 ? 1500 : 700) + 300 * next()
            return XY(2000 + radius * cos(angle), 2000 + radius * sin(angle))
        }
        star.append(star[0])
        let hole = [XY(1800, 1800), XY(1800, 2150), XY(2150, 2150), XY(2150, 1800), XY(1800, 1800)]
        let concave = Zone(code: "star", properties: JSONObject(), geometry: .polygon([star, hole]), areaSquareMetres: nil,
                           source: FeatureSource(file: "test", index: 0))
        let twoParts = Zone(code: "two", properties: JSONObject(),
                            geometry: .multiPolygon([[[XY(4000, 0), XY(5000, 0), XY(5000, 900), XY(4000, 900), XY(4000, 0)]],
                                                     [[XY(5300, 300), XY(6100, 300), XY(6100, 1400), XY(5300, 300)]]]),
                            areaSquareMetres: nil, source: FeatureSource(file: "test", index: 1))
        // Clustered stops (pairs 20 m apart, as opposite sides of a road), some duplicated, some on integer metres.
        var stops: [XY] = []
        for _ in 0..<80 {
            let p = XY((-400 + 7000 * next()).rounded(), (-400 + 4800 * next()).rounded())
            stops.append(p)
            stops.append(XY(p.x + 20, p.y + 3))
            if next() < 0.1 { stops.append(p) }
        }
        let integral = try StopCoverage(radiusMetres: 400).measure(zones: [concave, twoParts], stops: stops)
        let overlay = try StopCoverage(radiusMetres: 400, method: .geosOverlay).measure(zones: [concave, twoParts], stops: stops)
        for z in 0..<2 {
            let a = try #require(integral[z].coveredSquareMetres), b = try #require(overlay[z].coveredSquareMetres)
            #expect(abs(a - b) < 1e-6 * max(1, b), "zone \(z): integral \(a), GEOS \(b)")
        }
    }
}

extension Geometry {
    func symmetricDifferenceArea(_ other: Geometry) throws -> Double {
        try difference(other).area() + other.difference(self).area()
    }
}
