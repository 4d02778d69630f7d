import Foundation
import GeoPrimitives
import Projection
import Testing
@testable import GeoData

/// Point layers checked as zones are. Expected positions by hand from the input and by `cs2cs EPSG:4326 EPSG:27700`:
/// lat 53.42, lon -2.35 (a Trafford GP) is (376836.702, 391523.788); swapped, lat -2.35, lon 53.42, it is
/// (7841284.82, -5987410.84), some 9,800 km away.
@Suite("PointPlacement")
struct PointPlacementTests {
    func load(_ text: String, _ folder: URL, name: String = "gps.csv") throws -> (path: String, points: [LocatedPoint]) {
        let path = try TestSupport.write(text, to: name, in: folder)
        return (path, try PointLoader.load(path: path))
    }

    /// Trafford's extent in EPSG:27700, roughly (its wards lie within it).
    let trafford = Envelope(minX: 370_000, minY: 385_000, maxX: 385_000, maxY: 400_000)

    @Test("latitude and longitude swapped in every row: an error with the swapped hint, before any distance is measured")
    func allSwapped() throws {
        try TestSupport.withTemporaryFolder { folder in
            let (path, points) = try load("name,longitude,latitude\nA,53.42,-2.35\nB,53.45,-2.30\nC,53.40,-2.40\n", folder)
            // The swapped point really is where cs2cs puts it.
            #expect(abs(points[0].xy.x - 7841284.82) < 0.01 && abs(points[0].xy.y - -5987410.84) < 0.01)
            let error = try #require(throws: DataError.self) {
                try PointPlacement.check(points, file: path, role: "services", working: .britishNationalGrid, extent: .near(trafford))
            }
            #expect(error.file == path)
            #expect(error.message.hasPrefix("3 of 3 services lie outside the area of use of EPSG:27700 ("))
            #expect(error.message.contains("e.g. \(path): line 2 at lon/lat (53.42, -2.35); \(path): line 3 at lon/lat (53.45, -2.3)"))
            #expect(error.message.hasSuffix(": the coordinates look like latitude and longitude swapped (longitude, the x, comes first; in Britain it is about -6 to 2)"))
        }
    }

    @Test("one row of four swapped: a warning with the count and the line, the layer still used")
    func someSwapped() throws {
        try TestSupport.withTemporaryFolder { folder in
            let (path, points) = try load("name,longitude,latitude\nA,-2.35,53.42\nB,-2.30,53.45\nC,-2.40,53.40\nD,53.42,-2.35\n", folder)
            let warnings = try PointPlacement.check(points, file: path, role: "services", working: .britishNationalGrid, extent: .near(trafford))
            #expect(warnings.count == 1)
            #expect(warnings[0].hasPrefix("\(path): 1 of 4 services lie outside the area of use of EPSG:27700 ("))
            #expect(warnings[0].contains("e.g. \(path): line 5 at lon/lat (53.42, -2.35); they are used as given (the coordinates look like latitude and longitude swapped"))
        }
    }

    @Test("eastings given as longitude/latitude (a CRS mistake, not a swap): the hint asks for the CRS")
    func wrongCRS() throws {
        // Grid coordinates in a file whose columns say x/y, read with --crs EPSG:3857 (web Mercator metres):
        // (376836, 391523) web-Mercator metres is lon 3.385, lat 3.51: off Africa, and not a swap either.
        let points = [XY(376_836, 391_523), XY(377_000, 392_000)]
        var projected = points
        try Transformer(from: CRS("EPSG:3857"), to: .britishNationalGrid).transform(&projected)
        let error = try #require(throws: DataError.self) {
            try PointPlacement.check(projected, source: { "p.csv: line \($0 + 2)" }, file: "p.csv", role: "origins", working: .britishNationalGrid)
        }
        #expect(error.message.hasSuffix(": is the file's CRS right? (--crs, or the study's crs key)"))
    }

    @Test("services none of which lies within 50 km of the zones: an error; one near is enough")
    func servicesFarAway() throws {
        try TestSupport.withTemporaryFolder { folder in
            // London (lat 51.5, lon -0.12) is about 250 km from Trafford: inside the area of use, far from the zones.
            let (path, points) = try load("name,longitude,latitude\nA,-0.12,51.5\nB,-0.10,51.51\n", folder)
            let error = try #require(throws: DataError.self) {
                try PointPlacement.check(points, file: path, role: "services", working: .britishNationalGrid, extent: .near(trafford))
            }
            #expect(error.message.hasPrefix("none of the 2 services lies within 50 km of the zones (their extent is 370000…385000 × 385000…400000 in EPSG:27700), e.g. \(path): line 2 at ("))
            let (_, mixed) = try load("name,longitude,latitude\nA,-0.12,51.5\nB,-2.35,53.42\n", folder, name: "mixed.csv")
            #expect(try PointPlacement.check(mixed, file: "mixed.csv", role: "services", working: .britishNationalGrid, extent: .near(trafford)).isEmpty)
        }
    }

    @Test("origins most of which lie outside the zones' extent: an error")
    func originsOutside() throws {
        let inside = XY(376_836, 391_523), outside = XY(530_000, 180_000)
        let error = try #require(throws: DataError.self) {
            try PointPlacement.check([inside, outside, outside], source: { "o.csv: line \($0 + 2)" }, file: "o.csv", role: "origins",
                                     working: .britishNationalGrid, extent: .inside(trafford))
        }
        #expect(error.message.hasPrefix("2 of 3 origins lie outside the zones (their extent is 370000…385000 × 385000…400000 in EPSG:27700), e.g. o.csv: line 3 at (530000, 180000); o.csv: line 4 at (530000, 180000)"))
        // Half or fewer outside: no error here (each origin in no zone is reported when origins are placed).
        #expect(try PointPlacement.check([inside, outside], source: { "o.csv: line \($0 + 2)" }, file: "o.csv", role: "origins",
                                         working: .britishNationalGrid, extent: .inside(trafford)).isEmpty)
    }
}
