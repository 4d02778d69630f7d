import Foundation
import GeoPrimitives
import Projection
import Testing
@testable import GeoData

@Suite("PointTable")
struct PointTableTests {
    // MARK: Column detection

    @Test("easting/northing are preferred when lon/lat are there too (NaPTAN has both) → EPSG:27700")
    func naptanHeader() throws {
        let header = ["ATCOCode", "NaptanCode", "CommonName", "Easting", "Northing", "Longitude", "Latitude"]
        let columns = try PointColumns.detect(in: header, source: "Stops.csv")
        #expect(columns.x == "Easting")
        #expect(columns.y == "Northing")
        #expect(columns.crs.definition == "EPSG:27700")
    }

    @Test("longitude/latitude alone → OGC:CRS84", arguments: [
        (["name", "Longitude", "Latitude"], "Longitude", "Latitude"),
        (["name", "lat", "lon"], "lon", "lat"),
        (["LNG", "LAT", "x_other"], "LNG", "LAT"),
    ])
    func lonLat(_ header: [String], _ x: String, _ y: String) throws {
        let columns = try PointColumns.detect(in: header, source: "gp.csv")
        #expect(columns.x == x)
        #expect(columns.y == y)
        #expect(columns.crs.definition == "OGC:CRS84")
    }

    @Test("ONS postcode-style names and x/y count as easting/northing")
    func onsNames() throws {
        let ons = try PointColumns.detect(in: ["pcds", "OSEAST1M", "OSNRTH1M"], source: "pc.csv")
        #expect(ons.x == "OSEAST1M" && ons.y == "OSNRTH1M" && ons.crs.definition == "EPSG:27700")
        let xy = try PointColumns.detect(in: ["id", "X", "Y"], source: "xy.csv")
        #expect(xy.x == "X" && xy.y == "Y" && xy.crs.definition == "EPSG:27700")
    }

    @Test("a CRS override replaces the guessed CRS")
    func crsOverride() throws {
        let columns = try PointColumns.detect(in: ["Easting", "Northing"], crs: CRS("EPSG:29903"), source: "ni.csv")
        #expect(columns.x == "Easting")
        #expect(columns.crs.definition == "EPSG:29903")
    }

    @Test("no coordinate columns: DataError listing the columns")
    func missingColumns() throws {
        let error = try #require(throws: DataError.self) {
            try PointColumns.detect(in: ["name", "code", "postcode"], source: "places.csv")
        }
        #expect(error.file == "places.csv")
        #expect(error.message.contains("name, code, postcode"))
    }

    // MARK: Reading

    @Test("rows become points in the table's CRS, with every field as a string property in header order")
    func readRows() throws {
        let text = "ATCOCode,CommonName,Easting,Northing,Longitude,Latitude\n"
            + "1800SB001,\"Altrincham, Interchange\",376517.4, 388262.3 ,-2.3545599,53.39067078\n"
            + "1800SB002,\"Two\nlines\",400000,300000,-2.0,52.6\n"
            + "1800SB003,Third,530050,180358,-0.1275,51.5072\n"
        let table = try PointTable.read(text: text, source: "Stops.csv")
        #expect(table.columns.x == "Easting")
        #expect(table.columns.crs == .britishNationalGrid)
        #expect(table.records.map(\.xy) == [XY(376517.4, 388262.3), XY(400000, 300000), XY(530050, 180358)])
        // Lines by hand: header 1, first 2, second 3–4, third 5.
        #expect(table.records.map(\.line) == [2, 3, 5])
        #expect(table.records[0].properties.keys == ["ATCOCode", "CommonName", "Easting", "Northing", "Longitude", "Latitude"])
        #expect(table.records[0].properties["CommonName"] == .string("Altrincham, Interchange"))
        #expect(table.records[0].properties["Northing"] == .string(" 388262.3 "))
        #expect(table.source == "Stops.csv")
    }

    @Test("explicit columns named easting/northing are British National Grid without --crs; x/y are not")
    func namedGridColumns() throws {
        let text = "id,easting,northing,x,y\nA,376517,388262,-2.35,53.39\n"
        #expect(try PointTable.read(text: text, x: "easting", y: "northing").columns.crs == .britishNationalGrid)
        #expect(try PointTable.read(text: text, x: "Easting", y: "NORTHING").columns.crs == .britishNationalGrid)
        #expect(try PointTable.read(text: text, x: "x", y: "y").columns.crs == .wgs84)
        #expect(try PointTable.read(text: text, x: "easting", y: "northing", crs: .wgs84).columns.crs == .wgs84)
    }

    @Test("explicit x/y columns override detection, with the CRS given (or WGS84 when none is)")
    func columnOverrides() throws {
        let text = "name,E,N,lon,lat\nA,376517,388262,-2.35,53.39\n"
        let projected = try PointTable.read(text: text, x: "E", y: "N", crs: .britishNationalGrid)
        #expect(projected.records[0].xy == XY(376517, 388262))
        #expect(projected.columns.crs.definition == "EPSG:27700")
        let geographic = try PointTable.read(text: text, x: "lon", y: "lat")
        #expect(geographic.records[0].xy == XY(-2.35, 53.39))
        #expect(geographic.columns.crs.definition == "OGC:CRS84")
        // Column names given by the user are matched ignoring case.
        let upper = try PointTable.read(text: text, x: "LON", y: "LAT")
        #expect(upper.records[0].xy == XY(-2.35, 53.39))
    }

    @Test("only one of x/y is a DataError")
    func oneOverride() {
        #expect(throws: DataError.self) { try PointTable.read(text: "a,b\n1,2\n", x: "a") }
        #expect(throws: DataError.self) { try PointTable.read(text: "a,b\n1,2\n", y: "b") }
    }

    @Test("a named column that does not exist is a DataError naming it and listing the columns")
    func namedColumnMissing() throws {
        let error = try #require(throws: DataError.self) {
            try PointTable.read(text: "name,E,N\nA,1,2\n", source: "s.csv", x: "Easting", y: "N")
        }
        #expect(error.field == "Easting")
        #expect(error.message.contains("name, E, N"))
    }

    @Test("an empty coordinate is a DataError with line and field")
    func emptyCoordinate() throws {
        let text = "name,Easting,Northing\nA,1,2\n\"B\nB\",1,3\nC, ,4\n"
        let error = try #require(throws: DataError.self) { try PointTable.read(text: text, source: "s.csv") }
        // Lines by hand: header 1, A 2, B 3–4, C 5.
        #expect(error.location == "line 5")
        #expect(error.field == "Easting")
        #expect(error.message.contains("empty"))
        #expect(error.file == "s.csv")
    }

    @Test("a coordinate that is not a finite number is a DataError quoting it", arguments: ["12a", "NaN", "inf", "1,5", "--1", "0x1p3", "1e5x"])
    func notANumber(_ value: String) throws {
        let text = "name,Easting,Northing\nA,1,2\nB,3,\"\(value)\"\n"
        let error = try #require(throws: DataError.self) { try PointTable.read(text: text) }
        #expect(error.location == "line 3")
        #expect(error.field == "Northing")
        #expect(error.message.contains(value))
    }

    @Test("reading from a file")
    func readFile() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = try TestSupport.write("\u{FEFF}id,Latitude,Longitude\r\n1,53.39,-2.35\r\n2,51.5,-0.12\r\n", to: "gp.csv", in: folder)
            let table = try PointTable.read(path: path)
            #expect(table.columns.x == "Longitude")
            #expect(table.columns.crs == .wgs84)
            #expect(table.records.map(\.xy) == [XY(-2.35, 53.39), XY(-0.12, 51.5)])
            #expect(table.source == path)
        }
    }

    @Test("a missing file is a DataError")
    func missingFile() {
        #expect(throws: DataError.self) { try PointTable.read(path: "/nonexistent/points.csv") }
    }
}
