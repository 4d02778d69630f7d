import Foundation
import GeoPrimitives
import Testing
@testable import GeoData

/// GeoPackage binary geometries worked out byte by byte from OGC 12-128 (clause 2.1.3 and Annex on WKB), and the
/// tables a written package holds, read back with plain SQL.
struct GeoPackageTests {
    static func bytes(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    static func bytes(_ value: Double) -> [UInt8] { withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }

    @Test func polygonBlobByHand() {
        // The unit square at (10, 20): "GP", version 0, flags 0b00000011 (little endian, envelope [minx, maxx,
        // miny, maxy]), srs_id 27700, the envelope 10, 11, 20, 21, then WKB: 01 (little endian), type 3
        // (Polygon), 1 ring of 5 points.
        let ring = [XY(10, 20), XY(11, 20), XY(11, 21), XY(10, 21), XY(10, 20)]
        let (blob, envelope) = GeoPackageGeometry.encode(.polygon([ring]), srsID: 27700)
        var expected: [UInt8] = [0x47, 0x50, 0x00, 0x03] + Self.bytes(UInt32(27700))
        for v in [10.0, 11, 20, 21] { expected += Self.bytes(v) }
        expected += [0x01] + Self.bytes(UInt32(3)) + Self.bytes(UInt32(1)) + Self.bytes(UInt32(5))
        for p in ring { expected += Self.bytes(p.x) + Self.bytes(p.y) }
        #expect(blob == expected)
        #expect(blob.count == 8 + 32 + 1 + 4 + 4 + 4 + 5 * 16)
        #expect(envelope == Envelope(minX: 10, minY: 20, maxX: 11, maxY: 21))
        // A MultiPolygon of it: type 6, one part, the part a full WKB Polygon.
        let (multi, _) = GeoPackageGeometry.encode(.multiPolygon([[ring]]), srsID: 27700)
        #expect(Array(multi[40..<49]) == [0x01] + Self.bytes(UInt32(6)) + Self.bytes(UInt32(1)))
        #expect(Array(multi[49...]) == Array(blob[40...]))
    }

    @Test func emptyGeometryHasNoEnvelopeAndTheEmptyFlag() {
        let (blob, envelope) = GeoPackageGeometry.encode(.multiPolygon([]), srsID: -1)
        #expect(envelope == nil)
        #expect(Array(blob[0..<8]) == [0x47, 0x50, 0x00, 0b0001_0001, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Array(blob[8...]) == [0x01] + Self.bytes(UInt32(6)) + Self.bytes(UInt32(0)))
    }

    static let srs = GeoPackageSRS("EPSG", 27700, name: "OSGB36 / British National Grid", definition: "PROJCS[\"OSGB36 / British National Grid\"]")

    static func layer(_ name: String = "zones") -> OutputLayer {
        let a = Shape.multiPolygon([[[XY(0, 0), XY(100, 0), XY(100, 50), XY(0, 50), XY(0, 0)]]])
        let b = Shape.multiPolygon([[[XY(200, 10), XY(300, 10), XY(300, 90), XY(200, 90), XY(200, 10)]]])
        return OutputLayer(name: name, description: "two boxes", geometryType: "MULTIPOLYGON",
                               columns: [.init(name: "code", type: .text, title: "code", description: "the zone's code"),
                                         .init(name: "count", type: .integer, title: "count (stops)", description: "stops inside"),
                                         .init(name: "share", type: .real)],
                               rows: [[.string("A"), .number(3), .number(12.5)], [.string("B"), .number(0), .null]],
                               geometries: [a, b], styleQML: "<qgis/>")
    }

    @Test func tablesReadBackWithSQL() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("t.gpkg").path
            try GeoPackageWriter.write([Self.layer()], srs: Self.srs, lastChange: "2026-12-06T00:00:00.000Z", to: path)
            let db = try SQLiteDatabase(path: path)
            func one(_ sql: String) throws -> SQLiteStatement {
                let statement = try db.prepare(sql)
                #expect(try statement.next(), "\(sql) gave no row")
                return statement
            }
            // "GPKG" and version 1.3.0 (10300).
            #expect(try one("PRAGMA application_id").integer(0) == 0x4750_4B47)
            #expect(try one("PRAGMA user_version").integer(0) == 10300)
            // The extent is the union of the two boxes: 0..300 × 0..90.
            let contents = try one("SELECT data_type, min_x, min_y, max_x, max_y, srs_id, last_change FROM gpkg_contents WHERE table_name = 'zones'")
            #expect(contents.text(0) == "features")
            #expect([contents.real(1), contents.real(2), contents.real(3), contents.real(4)] == [0, 0, 300, 90])
            #expect(contents.integer(5) == 27700 && contents.text(6) == "2026-12-06T00:00:00.000Z")
            #expect(try one("SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = 'zones'").text(0) == "MULTIPOLYGON")
            // Rows, types as declared: an integer stays an integer, a null stays null.
            let rows = try db.prepare("SELECT fid, code, count, typeof(count), share FROM zones ORDER BY fid")
            #expect(try rows.next())
            #expect(rows.integer(0) == 1 && rows.text(1) == "A" && rows.integer(2) == 3 && rows.text(3) == "integer" && rows.real(4) == 12.5)
            #expect(try rows.next())
            #expect(rows.text(1) == "B" && rows.isNull(4))
            #expect(try !rows.next())
            // The R-tree holds each box's envelope (SQLite stores 32-bit floats, exact for these integers).
            let index = try db.prepare("SELECT id, minx, maxx, miny, maxy FROM rtree_zones_geom ORDER BY id")
            #expect(try index.next())
            #expect([index.real(1), index.real(2), index.real(3), index.real(4)] == [0, 100, 0, 50])
            #expect(try index.next())
            #expect([index.real(1), index.real(2), index.real(3), index.real(4)] == [200, 300, 10, 90])
            // Its six triggers, the extension rows (R-tree and the two of gpkg_schema), descriptions and the style.
            #expect(try one("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_zones_geom_%'").integer(0) == 6)
            #expect(try one("SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_schema'").integer(0) == 2)
            #expect(try one("SELECT scope FROM gpkg_extensions WHERE table_name = 'zones' AND extension_name = 'gpkg_rtree_index'").text(0) == "write-only")
            let described = try one("SELECT title, description FROM gpkg_data_columns WHERE table_name = 'zones' AND column_name = 'count'")
            #expect(described.text(0) == "count (stops)" && described.text(1) == "stops inside")
            #expect(try one("SELECT count(*) FROM gpkg_data_columns WHERE table_name = 'zones'").integer(0) == 2)
            #expect(try one("SELECT styleQML, useAsDefault FROM layer_styles WHERE f_table_name = 'zones'").text(0) == "<qgis/>")
            // The geometry blob is the one the encoder makes.
            let geometry = try one("SELECT geom FROM zones WHERE fid = 2").blob(0)
            #expect(geometry == GeoPackageGeometry.encode(Self.layer().geometries[1]!, srsID: 27700).blob)
        }
    }

    @Test func aFailedWriteLeavesTheEarlierFileAndNoTemporary() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("t.gpkg").path
            try Data("earlier".utf8).write(to: URL(fileURLWithPath: path))
            var bad = Self.layer()
            bad.columns[0].name = "fid" // reserved for the primary key: fails inside the build
            #expect(throws: DataError.self) {
                try GeoPackageWriter.write([bad], srs: Self.srs, lastChange: "2026-12-06T00:00:00.000Z", to: path)
            }
            do {
                try GeoPackageWriter.write([bad], srs: Self.srs, lastChange: "x", to: path)
            } catch let error as DataError {
                // The message names the file the user asked for, not the temporary one.
                #expect(error.file == path && error.message.contains("cannot be called fid or geom"))
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "earlier")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["t.gpkg"])
            // Two layers with one name, and a name that is no SQL identifier, are refused before any work.
            #expect(throws: DataError.self) { try GeoPackageWriter.write([Self.layer(), Self.layer()], srs: Self.srs, lastChange: "x", to: path) }
            #expect(throws: DataError.self) { try GeoPackageWriter.write([Self.layer("a b")], srs: Self.srs, lastChange: "x", to: path) }
        }
    }
}
