import Foundation
import Testing

/// `reach coverage`, `reach gaps` and `reach departures` as a user runs them: exit codes, messages, outputs.
struct CoverageCLITests {
    static let trafford = "fixtures/trafford/wards_2017.geojson"

    @Test func departuresOfTheHandFeed() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("d.csv").path
        let run = try CLI.reach(["departures", "--gtfs", "fixtures/gtfs/hand.zip", "--date", "2024-03-05", "--out", output])
        #expect(run.status == 0, "\(run.stderr)")
        // fixtures/gtfs/hand/README.md: 18 departures in 07:00-10:00, the NEVER service warned about.
        #expect(run.stderr.contains("on 2024-03-05 7 trips run, 18 departures in 07:00-10:00"))
        #expect(run.stderr.contains("warning: fixtures/gtfs/hand.zip: calendar.txt: service 'NEVER' never runs"))
        let rows = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "feed,stop_id,stop_name,lon,lat,modes,departures,departures_per_hour")
        #expect(rows.contains("fixtures/gtfs/hand.zip,S1,First Street,-2,53,bus,8,2.6667"))
        #expect(rows.contains("fixtures/gtfs/hand.zip,S3,\"Third Street, North\",-2.002,53,bus,1,0.3333"))
    }

    @Test func badInputExitsWithOne() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("o.geojson").path
        let noStopTimes = try CLI.reach(["departures", "--gtfs", "fixtures/gtfs/no-stop-times.zip", "--out", output])
        #expect(noStopTimes.status == 1)
        #expect(noStopTimes.stderr.contains("error: fixtures/gtfs/no-stop-times.zip: has no stop_times.txt"))
        let noStops = try CLI.reach(["coverage", "--wards", Self.trafford, "--out", output])
        #expect(noStops.status == 1)
        #expect(noStops.stderr.contains("no stops given"))
        let missing = try CLI.reach(["coverage", "--wards", Self.trafford, "--naptan", "fixtures/naptan/nope.csv", "--out", output])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("fixtures/naptan/nope.csv: no such file"))
        let badWindow = try CLI.reach(["departures", "--gtfs", "fixtures/gtfs/hand", "--window", "10:00-07:00", "--out", output])
        #expect(badWindow.status == 2)
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func naptanCoverageOfTrafford() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("c.geojson").path
        // The fixture's stops are in Chester, not Trafford: every ward is 0 % covered, and the counts say why.
        let run = try CLI.reach(["coverage", "--wards", Self.trafford, "--naptan", "fixtures/naptan/Stops.csv", "--out", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("fixtures/naptan/Stops.csv: 7 bus, 2 rail; skipped 4 inactive; 1 STR of other types"))
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("\"bus_stop_area_pct\":0,"))
    }
}
