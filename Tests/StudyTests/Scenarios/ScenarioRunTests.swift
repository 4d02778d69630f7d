import Foundation
import GeoData
import Testing
@testable import Study

/// `reach run` with a scenario, end to end, on fixtures/raptor/transfer: R1 (bus, N1–X–P–S1, 4 trips 07:00–08:00)
/// and R2 (tram). Two zones, 1 km squares in British National Grid round North Terminus N1 (cs2cs EPSG:4326 →
/// EPSG:27700: (375925.007, 391499.981)) and East Terminus E1 ((377075.024, 389100.051)), one origin 10 m east
/// of each. Coverage with the feed, window 07:00–10:00 on Tuesday 2024-03-05, 400 m bus radius: the N1 origin
/// sees N1's 4 R1 departures, 4 / 3 h = 1.3333 bus departures an hour; the E1 origin no bus (R2 is a tram).
/// Scenario `cut` removes R1: N1's zone drops to 0 (change −1.3333), E1's stays 0 (change 0).
struct ScenarioRunTests {
    /// A CSV file's rows as header → text.
    static func records(_ path: String) throws -> [[String: String]] {
        let table = try CSVTable(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), source: path)
        var records: [[String: String]] = []
        try table.forEachRow { row in
            records.append(Dictionary(uniqueKeysWithValues: table.header.enumerated().map { ($1, $0 < row.count ? row.string($0) : "") }))
        }
        return records
    }

    @Test func aRouteWithdrawnEndToEnd() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try DistanceJobTests.squares([("N1ZONE", 375_425, 390_999, 376_425, 391_999), ("E1ZONE", 376_575, 388_600, 377_575, 389_600)])
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        try "easting,northing\n375935,391500\n377085,389100\n".write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
        let feed = ScenarioTimetablesTests.raptor.appendingPathComponent("transfer").path
        let study = folder.appendingPathComponent("study.toml").path
        try """
        [study]
        name = "Withdrawn route"
        output = "out"
        [wards]
        files = ["zones.geojson"]
        [origins]
        file = "origins.csv"
        [coverage]
        gtfs = ["\(feed)"]
        date = "2024-03-05"
        window = "07:00-10:00"
        [[scenario]]
        name = "cut"
        remove_routes = ["R1"]
        [outputs]
        formats = ["csv", "gpkg"]
        map_property = "bus_departures_per_hour__cut_change"
        """.write(toFile: study, atomically: true, encoding: .utf8)
        let report = try StudyRun(study: study).run()
        let out = folder.appendingPathComponent("out")
        #expect(report.outputs.map { ($0 as NSString).lastPathComponent }
            == ["wards.csv", "wards.gpkg", "schema.json", "scenario_cut_transfer.zip", "scenario_routes.geojson", "map.html"])

        let byCode = Dictionary(uniqueKeysWithValues: try Self.records(out.appendingPathComponent("wards.csv").path).map { ($0["code"]!, $0) })
        func number(_ code: String, _ column: String) -> Double? { byCode[code]?[column].flatMap(Double.init) }
        #expect(abs((number("N1ZONE", "bus_departures_per_hour") ?? .nan) - 4.0 / 3) < 1e-3)
        #expect(number("N1ZONE", "bus_departures_per_hour__cut") == 0)
        #expect(abs((number("N1ZONE", "bus_departures_per_hour__cut_change") ?? .nan) + 4.0 / 3) < 1e-3)
        #expect(number("E1ZONE", "bus_departures_per_hour__cut_change") == 0)

        // The summary names the route; the written feed lacks R1's trips and keeps R2's 8.
        #expect(report.scenarios.first?.routes == ["removed R1 (route_id R1, 4 → 0 trips)"])
        let written = try GTFSFeed.read(path: out.appendingPathComponent("scenario_cut_transfer.zip").path)
        #expect(written.tripCount == 8)
        // The layer planners open: one removed route, in the GeoJSON, the GeoPackage and on the map.
        let routes = try readBack(out.appendingPathComponent("scenario_routes.geojson").path)
        #expect(routes.count == 1 && (routes.first?["properties"] as? [String: Any])?["change"] as? String == "removed")
        let package = try SQLiteDatabase(path: out.appendingPathComponent("wards.gpkg").path)
        let statement = try package.prepare("SELECT count(*), min(route_id), min(trips_before) FROM scenario_routes")
        _ = try statement.next()
        #expect(statement.integer(0) == 1 && statement.text(1) == "R1" && statement.integer(2) == 4)
        let geometryType = try package.prepare("SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = 'scenario_routes'")
        _ = try geometryType.next()
        #expect(geometryType.text(0) == "MULTILINESTRING")
        let map = try String(contentsOf: out.appendingPathComponent("map.html"), encoding: .utf8)
        #expect(map.contains("data-scenario=\"cut\" class=\"removed\""))

        // The invariant: a plain run on the written zip gives the scenario's column.
        let plain = folder.appendingPathComponent("plain.toml").path
        try String(contentsOfFile: study, encoding: .utf8)
            .replacingOccurrences(of: "gtfs = [\"\(feed)\"]", with: "gtfs = [\"\(out.path)/scenario_cut_transfer.zip\"]")
            .replacingOccurrences(of: "[[scenario]]\nname = \"cut\"\nremove_routes = [\"R1\"]\n", with: "")
            .replacingOccurrences(of: "output = \"out\"", with: "output = \"plain\"")
            .replacingOccurrences(of: "map_property = \"bus_departures_per_hour__cut_change\"", with: "")
            .write(toFile: plain, atomically: true, encoding: .utf8)
        _ = try StudyRun(study: plain).run()
        let again = try Self.records(folder.appendingPathComponent("plain/wards.csv").path)
        #expect(again.map { $0["bus_departures_per_hour"] } == ["N1ZONE", "E1ZONE"].map { byCode[$0]?["bus_departures_per_hour__cut"] })
        #expect(byCode["N1ZONE"]?["bus_frequent_pop_pct__cut"] != nil && again.first?["bus_frequent_pop_pct"] != nil)
        #expect(again.map { $0["bus_frequent_pop_pct"] } == ["N1ZONE", "E1ZONE"].map { byCode[$0]?["bus_frequent_pop_pct__cut"] })
    }
}
