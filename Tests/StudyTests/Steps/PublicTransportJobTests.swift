import Foundation
import Accessibility
import GeoData
import Testing
@testable import Study

/// `reach pt` on the 100 m street grid of fixtures/osm/grid.osm.pbf (node 10·row + column at easting 378000 +
/// 100·(column − 1), northing 395000 + 100·(row − 1); fixtures/osm/README.md) with a one-trip feed written here,
/// answers worked by hand, and the bad inputs of docs/raptor.md.
struct PublicTransportJobTests {
    static let grid = packageRoot.appendingPathComponent("fixtures/osm/grid.osm.pbf").path

    /// Stop A at node 11, stop B at node 14 (lon/lat as stored in the grid fixture); one trip A 07:00 → B 07:02 on
    /// Tuesdays of 2024 (service date 2024-03-05), or `trips` instead.
    static func writeFeed(in folder: URL, trips: String? = nil) throws -> String {
        let feed = folder.appendingPathComponent("feed")
        try FileManager.default.createDirectory(at: feed, withIntermediateDirectories: true)
        let files = [
            "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nT,Test,http://example.org,Europe/London\n",
            "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nA,Node 11,53.4512955,-2.3327405\nB,Node 14,53.4513080,-2.3282232\n",
            "routes.txt": "route_id,agency_id,route_short_name,route_type\nR,T,1,3\n",
            "trips.txt": "route_id,service_id,trip_id\nR,TUE,T1\nR,TUE,T2\n",
            "stop_times.txt": trips ?? "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,07:00:00,07:00:00,A,1\nT1,07:02:00,07:02:00,B,2\n",
            "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nTUE,0,1,0,0,0,0,0,20240101,20241231\n",
        ]
        for (name, text) in files { try text.write(to: feed.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return feed.path
    }

    /// The grid has fewer than 40 nodes, so islands are pruned only below 3 nodes (as DistanceJobTests).
    func job(_ folder: URL, gtfs: String, origins: String, window: String = "07:00-07:03", maxWalk: Double = 5,
             date: String = "2024-03-05") throws -> PublicTransportJob {
        try DistanceJobTests.squares([("ALL", 377_900, 394_800, 381_600, 396_100)])
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        // The service at node 14.
        try "easting,northing\n378300,395000\n".write(to: folder.appendingPathComponent("gp.csv"), atomically: true, encoding: .utf8)
        try origins.write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
        return PublicTransportJob(zones: [folder.appendingPathComponent("zones.geojson").path],
                                  services: [folder.appendingPathComponent("gp.csv").path],
                                  origins: folder.appendingPathComponent("origins.csv").path, osm: Self.grid, gtfs: [gtfs],
                                  date: ServiceDate(date)!, window: ServiceWindow(window)!, maxWalkMinutes: maxWalk, minIslandNodes: 3,
                                  output: folder.appendingPathComponent("out.geojson").path,
                                  originsOutput: folder.appendingPathComponent("origins-out.csv").path,
                                  minutesOutput: folder.appendingPathComponent("minutes.csv").path)
    }

    /// Origin 1 at node 11 (on stop A), origin 2 at node 44; the GP at node 14 (on stop B); walks ≤ 5 min (300 s).
    /// - Origin 1: 07:00 board T1 at once (origin and stop A both snap onto node 11: a 0 s walk), B 07:02:00, then
    ///   the egress: the GP (378300, 395000) snaps 3 mm from node 14 (stored at 378300.004, 395000.003), and every
    ///   walk is rounded up to a whole second (docs/raptor.md), so 1 s: 07:02:01 → ⌈2 min 1 s⌉ = 3 min. At 07:01
    ///   and 07:02 nothing runs, so walk: 11 → 14 is 300 m along row 1, 225 s at 4.8 km/h → 4 min. Sorted
    ///   [3, 4, 4]: p25 (index ⌈0.75⌉ − 1 = 0) 3, p50 (index 1) 4, p75 (index 2) 4.
    /// - Origin 2: stop A is 600 m away (450 s > 300 s) and B has no departure (its last stop), so it is unserved;
    ///   walking 44 → 14 is 300 m down column 4: 4 min at every minute.
    /// Ward: median mean (4 + 4)/2 = 4, p25 mean (3 + 4)/2 = 3.5, p75 mean 4; both within 15 min; the typical origin
    /// (378150, 395150) has the GP within 15 min on foot (≤ 600 m), so count 1.
    @Test func twoOriginsByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let job = try job(folder, gtfs: try Self.writeFeed(in: folder), origins: "easting,northing\n378000,395000\n378300,395300\n")
        let report = try job.run()
        #expect(report.originsUnserved == 1)
        #expect(report.patterns == 1)
        let zone = try DistanceJobTests().properties(try #require(job.output))["ALL"]
        func number(_ key: String) -> Double? { (zone?[key] as? NSNumber)?.doubleValue }
        #expect(number("gp_pt_mean") == 4)
        #expect(number("gp_pt_p25_mean") == 3.5)
        #expect(number("gp_pt_p75_mean") == 4)
        #expect(number("gp_pt_within_15_pct") == 100)
        #expect(number("gp_pt_count_within_15") == 1)
        #expect(number("gp_pt_unreachable") == 0)
        #expect(number("pt_origins_unserved") == 1)
        let warning = try #require(zone?["reach_warning"] as? String)
        #expect(warning.contains("1 of 2 origins have no stop with a departure 07:00-07:03 within 5 min walk; their public-transport times are walking only"))
        let minutes = try String(contentsOfFile: job.minutesOutput!, encoding: .utf8)
        #expect(minutes == "origin,category,departure,minutes\n0,gp,07:00,3\n0,gp,07:01,4\n0,gp,07:02,4\n1,gp,07:00,4\n1,gp,07:01,4\n1,gp,07:02,4\n")
        let rows = try String(contentsOfFile: job.originsOutput!, encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "origin,zone,x,y,weight,snap_walk_metres,gp_pt_p25,gp_pt_p50,gp_pt_p75,gp_walk_minutes,gp_pt_departure,gp_pt_journey_s,gp_pt_access_walk_s,gp_pt_initial_wait_s,gp_pt_in_vehicle_s,gp_pt_transfer_walk_s,gp_pt_transfer_wait_s,gp_pt_egress_walk_s,gp_pt_rides,gp_pt_routes,gp_pt_legs,pt_served")
        // The median journeys (docs/raptor.md, "Journey breakdown"): the first minute whose time is the median, 4.
        // Origin 1 at 07:01 walks 225 s (row 1, 11 → 14). Origin 2 at 07:00 walks 44 → 34 → 24 → 14, 100.008 +
        // 99.996 + 99.997 m by the stored coordinates (fixtures/osm/README.md), 300.001 m: 225.0008 s, so 226.
        #expect(rows[1].hasSuffix(",3,4,4,4,07:01,225,225,0,0,0,0,0,0,,walk 225 s,1"))
        #expect(rows[2].hasSuffix(",4,4,4,4,07:00,226,226,0,0,0,0,0,0,,walk 226 s,0"))
        #expect(number("gp_pt_journey_min_mean") == 3.76)    // (225 + 226) / 2 / 60 = 3.758 s, 2 decimals
        #expect(number("gp_pt_walk_only_pct") == 100)
        #expect(number("gp_pt_rides_mean") == 0)
    }

    /// The breakdown of a journey that rides: origin 1 leaving 07:00 boards T1 at A at once (0 s walk, 0 s wait),
    /// rides 120 s to B and walks the 1 s egress (twoOriginsByHand): 121 s, ⌈121/60⌉ = 3 min. With the window
    /// 07:00-07:01 that is the median, so the zone means are 0, 0, 2 min in vehicle and 1/60 min egress.
    @Test func aRideBrokenDown() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let job = try job(folder, gtfs: try Self.writeFeed(in: folder), origins: "easting,northing\n378000,395000\n", window: "07:00-07:01")
        _ = try job.run()
        let rows = try String(contentsOfFile: job.originsOutput!, encoding: .utf8).split(separator: "\n")
        #expect(rows[1].hasSuffix(",07:00,121,0,0,120,0,0,1,1,1,walk 0 s to A; wait 0 s; 1 07:00:00 A - 07:02:00 B; walk 1 s,1"))
        let zone = try DistanceJobTests().properties(try #require(job.output))["ALL"]
        func number(_ key: String) -> Double? { (zone?[key] as? NSNumber)?.doubleValue }
        #expect(number("gp_pt_mean") == 3)
        #expect(number("gp_pt_journey_min_mean") == 2.02)
        #expect(number("gp_pt_in_vehicle_min_mean") == 2)
        #expect(number("gp_pt_egress_walk_min_mean") == 0.02)
        #expect(number("gp_pt_rides_mean") == 1)
        #expect(number("gp_pt_walk_only_pct") == 0)
        #expect(zone?["gp_pt_routes"] as? String == "1 (100%)")
    }

    /// `reach explain`'s lines: aRideBrokenDown's zone read back from its output, every part as written there.
    @Test func explainLinesFromTheOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let job = try job(folder, gtfs: try Self.writeFeed(in: folder), origins: "easting,northing\n378000,395000\n", window: "07:00-07:01")
        _ = try job.run()
        let zone = try ScoreJob(study: nil, input: job.output!).zoneRow("ALL")
        #expect(PublicTransportJob.journeyLines(zone.row, columns: zone.columns) ==
                ["gp_pt: median journey 2.02 min = walk (to the first stop, or all the way) 0.00 + wait 0.00 + on board 2.00 + walks between rides 0.00 + waits between rides 0.00 + walk from the last stop 0.02; 1.00 rides; 0.00% on foot only; routes 1 (100%)"])
        #expect(throws: DataError.self) { try ScoreJob(study: nil, input: job.output!).zoneRow("NONE") }
    }

    @Test func aWindowOutsideTheFeedsHoursIsAnError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = try Self.writeFeed(in: folder)
        let error = try #require(throws: DataError.self) {
            try job(folder, gtfs: feed, origins: "easting,northing\n378000,395000\n", window: "23:00-24:00").run()
        }
        #expect("\(error)".contains("no departure 23:00-24:00 on 2024-03-05 in any feed (\(feed): 07:00–07:02)"))
    }

    /// A window past midnight, written past 24:00 as GTFS does: twoOriginsByHand's trip moved to 24:00 → 24:02 (the
    /// service day's 00:00-00:02 of the next morning). Origin 1 rides at 24:00 (3 min, as at 07:00 there) and walks
    /// at 24:01 and 24:02 (225 s, 4 min): minutes 3, 4, 4, median 4, first reached at 24:01, on foot.
    @Test func aWindowPastMidnight() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = try Self.writeFeed(in: folder, trips: "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,24:00:00,24:00:00,A,1\nT1,24:02:00,24:02:00,B,2\n")
        let job = try job(folder, gtfs: feed, origins: "easting,northing\n378000,395000\n", window: "24:00-24:03")
        _ = try job.run()
        let minutes = try String(contentsOfFile: job.minutesOutput!, encoding: .utf8)
        #expect(minutes == "origin,category,departure,minutes\n0,gp,24:00,3\n0,gp,24:01,4\n0,gp,24:02,4\n")
        let rows = try String(contentsOfFile: job.originsOutput!, encoding: .utf8).split(separator: "\n")
        #expect(rows[1].hasSuffix(",3,4,4,4,24:01,225,225,0,0,0,0,0,0,,walk 225 s,1"))
    }

    /// Arrive-by deadlines 23:00-23:05 search the departures from the maximum trip (120 min) before the first
    /// deadline, 21:00-23:05; the feed runs 07:00-07:02, so nothing can arrive and the run stops naming the hours.
    @Test func arriveByOutsideTheFeedsHoursIsAnError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = try Self.writeFeed(in: folder)
        var job = try job(folder, gtfs: feed, origins: "easting,northing\n378000,395000\n", window: "23:00-23:05")
        job.arriveBy = true
        let error = try #require(throws: DataError.self) { try job.run() }
        #expect("\(error)".contains("no departure 21:00-23:05 on 2024-03-05 in any feed (\(feed): 07:00–07:02)"))
    }

    @Test func aDateWithoutServiceIsAnError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = try Self.writeFeed(in: folder)
        let error = try #require(throws: DataError.self) {
            try job(folder, gtfs: feed, origins: "easting,northing\n378000,395000\n", date: "2025-01-07").run()
        }
        #expect("\(error)".contains("no trip runs on 2025-01-07 (a Tuesday); the feed's calendar covers 2024-01-01 to 2024-12-31"))
    }

    /// The fixtures/raptor `single_line` feed lies in Trafford about 6 km south-west of the grid.
    @Test func noStopWithinWalkingDistanceIsAnError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = packageRoot.appendingPathComponent("fixtures/raptor/single_line").path
        let error = try #require(throws: DataError.self) {
            try job(folder, gtfs: feed, origins: "easting,northing\n378000,395000\n").run()
        }
        #expect("\(error)".contains("no GTFS stop is within 5 min walk of any of the 1 origins; nearest: origin 0 is"))
    }

    /// A one-stop trip is reported with its line and left out; stop times going backwards stop the run.
    @Test func oneStopTripsWarnAndDisorderedTimesFail() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let oneStop = try Self.writeFeed(in: folder, trips: "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,07:00:00,07:00:00,A,1\nT1,07:02:00,07:02:00,B,2\nT2,07:01:00,07:01:00,A,1\n")
        let report = try job(folder, gtfs: oneStop, origins: "easting,northing\n378000,395000\n").run()
        #expect(report.warnings.contains("\(oneStop): stop_times.txt: line 4: trip 'T2' has only one stop time and cannot be ridden; left out"))
        let backwards = try Self.writeFeed(in: folder, trips: "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,07:00:00,07:00:00,A,1\nT1,06:59:00,06:59:00,B,2\n")
        let error = try #require(throws: DataError.self) {
            try job(folder, gtfs: backwards, origins: "easting,northing\n378000,395000\n").run()
        }
        #expect("\(error)".contains("stop_times.txt: line 3: field 'arrival_time': trip 'T1' arrives at 06:59:00, before it left the previous stop (07:00:00, line 2): stop times out of order"))
    }
}
