import Foundation
import GeoPrimitives
import Testing
@testable import Projection

/// Expected coordinates come from PROJ's `cs2cs` on this machine (tools/crosscheck/ORACLES.md, section a):
/// `cs2cs -d 6 EPSG:4326 EPSG:27700` with lat/lon input. They hold while the OSTN15 grid is absent (PROJ then
/// uses the Helmert "OSGB36 to WGS 84 (6)", 2 m); with the grid installed results move by up to ~2 m.
struct TransformerTests {
    static let cs2csForward: [(name: String, lonLat: XY, eastingNorthing: XY)] = [
        ("Altrincham", XY(-2.3545599, 53.39067078), XY(376517.432122, 388262.349325)),
        ("London", XY(-0.1275, 51.5072), XY(530050.134534, 180358.386160)),
        ("Edinburgh", XY(-3.1883, 55.9533), XY(325897.218139, 674001.201610)),
        ("Norwich", XY(1.2974, 52.6309), XY(623243.560678, 308787.534399)),
        ("Land's End", XY(-5.7147, 50.0657), XY(134262.290542, 25010.392499)),
    ]

    @Test func forwardBatchMatchesCs2cs() throws {
        let transformer = try Transformer(from: .wgs84, to: .britishNationalGrid)
        var points = Self.cs2csForward.map(\.lonLat)
        try transformer.transform(&points)
        for (point, expected) in zip(points, Self.cs2csForward) {
            // cs2cs prints 6 decimals: agree to a micrometre-scale rounding, far below the 2 m of the operation.
            #expect(abs(point.x - expected.eastingNorthing.x) < 1e-5, "\(expected.name) easting \(point.x)")
            #expect(abs(point.y - expected.eastingNorthing.y) < 1e-5, "\(expected.name) northing \(point.y)")
        }
    }

    @Test func epsg4326IsNormalisedToLonLat() throws {
        // EPSG:4326 is officially lat/lon; the transformer must still take x = longitude.
        let transformer = try Transformer(from: CRS("EPSG:4326"), to: .britishNationalGrid)
        let london = try transformer.transform(XY(-0.1275, 51.5072))
        #expect(abs(london.x - 530050.134534) < 1e-5)
        #expect(abs(london.y - 180358.386160) < 1e-5)
    }

    @Test func inverseMatchesCs2cs() throws {
        // cs2cs -d 9 EPSG:27700 EPSG:4326: (400000, 300000) → 52.597792431 -2.001433116;
        // (530000, 180000) → 51.503990828 -0.128353940.
        let transformer = try Transformer(from: .britishNationalGrid, to: .wgs84)
        var points = [XY(400000, 300000), XY(530000, 180000)]
        try transformer.transform(&points)
        #expect(abs(points[0].x - -2.001433116) < 1e-8)
        #expect(abs(points[0].y - 52.597792431) < 1e-8)
        #expect(abs(points[1].x - -0.128353940) < 1e-8)
        #expect(abs(points[1].y - 51.503990828) < 1e-8)
        // The same through the inverse direction of a forward transformer.
        let forward = try Transformer(from: .wgs84, to: .britishNationalGrid)
        let back = try forward.transform(XY(400000, 300000), inverse: true)
        #expect(abs(back.x - -2.001433116) < 1e-8 && abs(back.y - 52.597792431) < 1e-8)
    }

    @Test func shapeIsTransformedInOneBatch() throws {
        let transformer = try Transformer(from: .wgs84, to: .britishNationalGrid)
        let shape = Shape.multiPoint(Self.cs2csForward.map(\.lonLat))
        guard case .multiPoint(let points) = try transformer.transform(shape) else {
            Issue.record("shape kind changed")
            return
        }
        #expect(zip(points, Self.cs2csForward).allSatisfy { $0.distance(to: $1.eastingNorthing) < 1e-5 })
    }

    @Test func nonFiniteResultNamesTheCoordinate() throws {
        let transformer = try Transformer(from: .wgs84, to: .britishNationalGrid)
        // A latitude of 95° does not exist: PROJ returns HUGE_VAL for it and only it.
        var points = [XY(-2, 53), XY(-1, 52), XY(-2, 95)]
        #expect {
            try transformer.transform(&points)
        } throws: { error in
            guard case ProjectionError.nonFiniteResult(let index, let input, _) = error else { return false }
            return index == 2 && input == XY(-2, 95)
        }
        // The transformer stays usable after a failure.
        let ok = try transformer.transform(XY(-0.1275, 51.5072))
        #expect(abs(ok.x - 530050.134534) < 1e-5)
    }

    @Test func unknownCRSIsATypedError() {
        #expect {
            _ = try Transformer(from: CRS("EPSG:999999"), to: .britishNationalGrid)
        } throws: { error in
            guard case ProjectionError.unknownCRS(let definition, let message) = error else { return false }
            return definition == "EPSG:999999" && !message.isEmpty
        }
        #expect(throws: ProjectionError.self) { _ = try CRS("not a crs at all").resolve() }
    }

    @Test func crsInfoKnowsUnitsAndAreaOfUse() throws {
        let bng = try CRS.britishNationalGrid.resolve()
        #expect(!bng.isGeographic)
        #expect(bng.metresPerUnit == 1)
        #expect(bng.identifier == "EPSG:27700")
        // EPSG's area of use for 27700 (`projinfo EPSG:27700`: BBOX[49.75,-9,61.01,2.01], south, west, north, east).
        let area = try #require(bng.areaOfUse)
        #expect(area.west == -9 && area.east == 2.01 && area.south == 49.75 && area.north == 61.01)
        let wgs84 = try CRS.wgs84.resolve()
        #expect(wgs84.isGeographic)
        // Web Mercator is projected in metres too.
        #expect(try CRS("EPSG:3857").resolve().metresPerUnit == 1)
    }

    @Test func legacyURNsResolve() throws {
        #expect(try CRS("urn:ogc:def:crs:EPSG::27700").resolve().identifier == "EPSG:27700")
    }

    @Test func separateTransformersRunOnSeparateThreads() throws {
        // One PJ_CONTEXT per transformer: two threads each with their own must give cs2cs's answers.
        let expected = Self.cs2csForward
        final class Outcomes: @unchecked Sendable {
            private let lock = NSLock()
            private(set) var values = [false, false]
            func set(_ slot: Int, _ value: Bool) { lock.withLock { values[slot] = value } }
        }
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 2) { slot in
            var ok = true
            do {
                let transformer = try Transformer(from: .wgs84, to: .britishNationalGrid)
                for _ in 0..<200 {
                    var points = expected.map(\.lonLat)
                    try transformer.transform(&points)
                    ok = ok && zip(points, expected).allSatisfy { $0.distance(to: $1.eastingNorthing) < 1e-5 }
                }
            } catch {
                ok = false
            }
            outcomes.set(slot, ok)
        }
        #expect(outcomes.values == [true, true])
    }
}
