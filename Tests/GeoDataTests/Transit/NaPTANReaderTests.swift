import Foundation
import Testing
@testable import GeoData
import GeoPrimitives

/// fixtures/naptan/Stops.csv: 14 real rows of NaPTAN's Cheshire West and Chester file in its published
/// 43-column layout; the expected counts and coordinates are read off the file (see fixtures/SOURCES.md).
struct NaPTANReaderTests {
    static let fixture = TestSupport.packageRoot.appendingPathComponent("fixtures/naptan/Stops.csv").path

    @Test func keepsActiveBusAndRailStops() throws {
        let (stops, report) = try NaPTANReader.read(path: Self.fixture)
        // Active: 6 BCT + 1 BCS bus, 2 RSE rail; inactive: 2 BCT, 1 BCS, 1 BCE; 1 active STR (a shared taxi rank).
        #expect(report.kept == [.bus: 7, .rail: 2])
        #expect(report.inactive == 4)
        #expect(report.otherTypes == ["STR": 1])
        #expect(stops.map(\.id) == ["0610ACBG0", "0610BACHE0", "0610CH1000", "0610CH1001", "0610CH1002", "0610CH1003",
                                    "0610CH1004", "0610CH1005", "0610CH1053"])
        // Easting/Northing are used as given (EPSG:27700).
        let walmoor = try #require(stops.first { $0.id == "0610CH1000" })
        #expect(walmoor.xy == XY(342036, 366011))
        #expect(walmoor.kind == .bus)
        #expect(walmoor.name == "Walmoor Park")
        #expect(walmoor.source == "\(Self.fixture): line 6")
        #expect(stops.first { $0.id == "0610ACBG0" }?.kind == .rail)
    }

    func read(_ transform: (String) -> String) throws -> Result<[TransitStop], DataError> {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("Stops.csv").path
            try transform(String(contentsOfFile: Self.fixture, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
            do { return .success(try NaPTANReader.read(path: path).stops) } catch let error as DataError {
                return .failure(DataError(file: "Stops.csv", location: error.location, field: error.field, error.message))
            }
        }
    }

    @Test func fallsBackToLongitudeLatitude() throws {
        // Blank the grid reference of Walmoor Park: its WGS84 position goes through PROJ's Helmert transformation;
        // cs2cs EPSG:4326 EPSG:27700 gives 342035.9999 366013.1830 for 53.1880360 -2.8689251.
        let stops = try read { $0.replacingOccurrences(of: ",342036,366011,", with: ",,,") }.get()
        let walmoor = try #require(stops.first { $0.id == "0610CH1000" })
        #expect(abs(walmoor.xy.x - 342_035.9999) < 0.01)
        #expect(abs(walmoor.xy.y - 366_013.1830) < 0.01)
    }

    @Test func badRecordsNameTheLine() throws {
        #expect(try read { $0.replacingOccurrences(of: "-2.8689251,53.1880360,BCT", with: "-2.8689251,53.1880360,XYZ") }
            == .failure(DataError(file: "Stops.csv", location: "line 6", field: "StopType",
                                  "'XYZ' is not a NaPTAN stop type (bus BCT/BCS/BCQ, rail RLY/RSE, metro MET/PLT/TMU, or another NaPTAN type)")))
        #expect(try read { $0.replacingOccurrences(of: ",342036,366011,-2.8689251,53.1880360,", with: ",,,,,") }
            == .failure(DataError(file: "Stops.csv", location: "line 6", field: "Easting",
                                  "stop 0610CH1000 has neither Easting/Northing nor Longitude/Latitude")))
        #expect(try read { $0.replacingOccurrences(of: ",342036,366011,", with: ",34x036,366011,") }
            == .failure(DataError(file: "Stops.csv", location: "line 6", field: "Easting", "not a decimal number (\"34x036\")")))
    }

    @Test func osmTags() {
        #expect(OSMStopReader.kind(of: ["highway": "bus_stop"]) == .bus)
        #expect(OSMStopReader.kind(of: ["public_transport": "platform", "bus": "yes"]) == .bus)
        #expect(OSMStopReader.kind(of: ["public_transport": "platform"]) == nil)
        #expect(OSMStopReader.kind(of: ["railway": "station"]) == .rail)
        #expect(OSMStopReader.kind(of: ["railway": "halt"]) == .rail)
        #expect(OSMStopReader.kind(of: ["railway": "station", "station": "light_rail"]) == .metro)
        #expect(OSMStopReader.kind(of: ["railway": "tram_stop"]) == .metro)
        #expect(OSMStopReader.kind(of: ["disused:railway": "station"]) == nil)
    }

    func report(_ transform: (String) -> String) throws -> (path: String, report: StopReadReport) {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("Stops.csv").path
            try transform(String(contentsOfFile: Self.fixture, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
            return (path, try NaPTANReader.read(path: path).report)
        }
    }

    @Test("the fixture's two coordinate pairs agree (2.2 m apart at Walmoor Park by pyproj), so no warning")
    func pairsAgree() throws {
        #expect(try NaPTANReader.read(path: Self.fixture).report.warnings.isEmpty)
    }

    @Test("a longitude moved by 0.001° (67 m, pyproj) is warned about with the line, and Easting/Northing are used")
    func pairsDisagree() throws {
        let (path, report) = try report { $0.replacingOccurrences(of: ",-2.8689251,53.1880360,", with: ",-2.8679251,53.1880360,") }
        // 9 stops have both pairs (the active bus and rail stops); Walmoor Park is line 6.
        #expect(report.warnings == ["\(path): 1 of 9 stops have Easting/Northing and Longitude/Latitude more than 10 m apart, e.g. line 6 (67 m); Easting/Northing were used"])
    }

    @Test("a Status left empty on some rows is warned about with the count and first line")
    func emptyStatus() throws {
        // Walmoor Park (line 6) and the next stop (line 7) lose their Status.
        let (path, report) = try report { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for i in [5, 6] { lines[i] = String(lines[i][..<lines[i].lastIndex(of: ",")!]) + "," }
            return lines.joined(separator: "\n")
        }
        #expect(report.warnings == ["\(path): Status is empty on 2 of 14 rows (first line 6), so those stops cannot be told active or inactive: they are counted as active"])
    }

    @Test("a file without a Status column says inactive stops cannot be left out")
    func noStatus() throws {
        let (path, report) = try report { text in
            // Drop the last column (Status) from every line.
            text.split(separator: "\n").map { line in String(line[..<line.lastIndex(of: ",")!]) }.joined(separator: "\n") + "\n"
        }
        #expect(report.warnings == ["\(path): has no Status column, so inactive (closed) stops cannot be left out: every stop is counted as active"])
        // Without Status all 14 rows' stops count: 8 BCT + 2 BCS bus, 2 RSE rail; 1 BCE and 1 STR of other types.
        #expect(report.inactive == 0)
        #expect(report.kept == [.bus: 10, .rail: 2])
    }
}
