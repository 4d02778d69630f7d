import Foundation
import GeoData
import Testing
@testable import Study

/// `[service_profile]` in a run: one zone around the hand-made feed's stops (fixtures/gtfs/hand/README.md) with one
/// origin at (-2.0005, 53.0): about 34 m from S1 and S2, 100 m from S3 (bus, within 400 m) and 636 m from the rail
/// station R1 (within 800 m). The hour-by-hour trips are worked in AccessibilityTests/Transit/HourlyServiceTests.
struct ServiceProfileStepTests {
    static let hand = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/gtfs/hand").path

    @Test func tuesdayAndSunday() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[-2.02,52.99],[-1.98,52.99],[-1.98,53.01],[-2.02,53.01],[-2.02,52.99]]]}}]}"#
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        try "lon,lat\n-2.0005,53.0\n".write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
        let study = folder.appendingPathComponent("study.toml").path
        try """
        [study]
        output = "out"
        [zones]
        files = ["zones.geojson"]
        code_field = "code"
        [origins]
        file = "origins.csv"
        [coverage]
        gtfs = ["\(Self.hand)"]
        [service_profile]
        dates = ["2024-03-05", "2024-03-10"]
        map_hours = ["tuesday 07", "sunday 10"]
        """.write(toFile: study, atomically: true, encoding: .utf8)
        let report = try StudyRun(study: study).run()
        let rows = try String(contentsOfFile: folder.appendingPathComponent("out/service_profile.csv").path, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(rows[0] == "zone,date,hour,bus_departures,rail_departures,routes")
        #expect(rows.count == 1 + 2 * 24)
        // Tuesday: bus 6, 3, 1, 1 at 07–10 (HourlyServiceTests); rail t10 at 07:00 from R1; routes B and R at 07, B and C
        // at 08, B at 09 and 10.
        let tuesday = rows.filter { $0.hasPrefix("A,2024-03-05,") && !$0.hasSuffix(",0,0,0") }
        #expect(tuesday == ["A,2024-03-05,7,6,1,2", "A,2024-03-05,8,3,0,2", "A,2024-03-05,9,1,0,1", "A,2024-03-05,10,1,0,1"])
        // Sunday: no service at all, said, figures 0.
        #expect(rows.filter { $0.hasPrefix("A,2024-03-10,") }.allSatisfy { $0.hasSuffix(",0,0,0") })
        #expect(report.notes.contains("[service_profile] no bus or rail departure on 2024-03-10 (sunday) in any feed: its figures are 0"))
        let csv = try PropertyTable.read(path: folder.appendingPathComponent("out/zones.csv").path)
        let zone = csv.rows[0]
        #expect(zone["first_departure_tuesday"] == .string("07:00") && zone["last_departure_tuesday"] == .string("10:00"))
        // 10:00 to 22:00 with nothing: 720 min; Sunday the whole span, 900.
        #expect(zone["longest_gap_min_tuesday"]?.doubleValue == 720 && zone["longest_gap_min_sunday"]?.doubleValue == 900)
        #expect(zone["hourly_service_tuesday"]?.stringValue == "false" && zone["first_departure_sunday"] == .null)
        // Weekday daytime (07–19) 12 departures in 12 hours = 1 an hour; evening none: 0 %; Sunday none: 0 %.
        #expect(zone["evening_share_pct"]?.doubleValue == 0 && zone["sunday_share_pct"]?.doubleValue == 0)
        // The day-hours asked for as columns: Tuesday 07:00–08:00, 6 bus trips and 1 train; Sunday 10:00, none.
        #expect(zone["departures_tuesday_07"]?.doubleValue == 7 && zone["departures_sunday_10"]?.doubleValue == 0)
        // Not all of Monday to Saturday is in the dates: no Monday-to-Saturday figure.
        #expect(zone["hourly_service_mon_sat"] == nil)
        // The map picks any day-hour of service_profile.csv: Tuesday 07:00 is 6 + 1 = 7, Sunday 10:00 0.
        let map = try String(contentsOfFile: folder.appendingPathComponent("out/map.html").path, encoding: .utf8)
        #expect(map.contains("<option value=\"0\">Tuesday 2024-03-05</option><option value=\"1\">Sunday 2024-03-10</option>"))
        let data = try WardMapTests.data(map)
        let base = try #require((data["hourly"] as? [String: Any])?["base"] as? Int)
        let properties = try #require(data["properties"] as? [[String: Any]])
        #expect(properties.count == base + 48)
        #expect(properties[base + 7]["name"] as? String == "departures Tuesday 2024-03-05 07:00")
        #expect(properties[base + 7]["values"] as? [Double] == [7])
        #expect(properties[base + 24 + 10]["values"] as? [Double] == [0])
    }

    @Test func configErrors() {
        let base = "[study]\noutput = \"out\"\n[wards]\nfiles = [\"w.geojson\"]\n"
        func error(_ text: String) -> String {
            do { _ = try StudyConfig.parse(text: base + text, file: "s.toml"); return "no error" } catch { return "\(error)" }
        }
        #expect(error("[service_profile]\nweek = \"2024-03-04\"\n").contains("no feeds: give gtfs here, in [coverage] or in [public_transport]"))
        #expect(error("[service_profile]\nweek = \"4 March\"\ngtfs = \"g.zip\"\n").contains("'4 March' is not a date YYYY-MM-DD"))
        #expect(error("[service_profile]\ngtfs = \"g.zip\"\n").contains("missing key 'week'"))
        #expect(error("[service_profile]\nweek = \"2024-03-04\"\ndates = [\"2024-03-05\"]\ngtfs = \"g.zip\"\n").contains("give week (seven days from a date) or dates, not both"))
        #expect(error("[service_profile]\nweek = \"2024-03-04\"\ngtfs = \"g.zip\"\nspan = \"07:30-22:00\"\n").contains("expected whole hours"))
        #expect(error("[service_profile]\ndates = [\"2024-03-05\", \"2024-03-05\"]\ngtfs = \"g.zip\"\n").contains("given twice"))
        #expect(error("[service_profile]\nweek = \"2024-03-04\"\ngtfs = \"g.zip\"\nmap_hours = [\"funday 08\"]\n").contains("expected a day of the profile and an hour, e.g. \"monday 08\""))
    }
}
