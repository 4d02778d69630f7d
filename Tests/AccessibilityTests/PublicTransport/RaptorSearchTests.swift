import Foundation
import GeoData
import GeoPrimitives
import Testing
@testable import Accessibility

/// RAPTOR on a hand-made feed whose every answer is worked out below from its timetable (service date Tuesday
/// 2024-03-05):
///
///     L1  A 07:00 → B 07:10 → C 07:20, and again at 07:20 and 07:40 (all stops, 10 min a hop)
///     X   A 07:05 → B 07:08 → C 07:12 (express on the same stops: overtakes L1 of 07:00)
///     L2  C 07:25 → D 07:40, C 07:45 → D 08:00
///     Y   A 24:10:00 → B 24:30:00 on Monday's service only: on Tuesday's clock 00:10 → 00:30
///     Z   A 08:00 → B 08:10, boarding not allowed at A (pickup_type 1)
///
/// Footpath: C → E, 120 s.
struct RaptorSearchTests {
    static let date = ServiceDate(year: 2024, month: 3, day: 5)!

    static func feedFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reach-raptor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = [
            "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nT,Test,http://example.org,Europe/London\n",
            "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nA,A,53.40,-2.30\nB,B,53.41,-2.30\nC,C,53.42,-2.30\nD,D,53.43,-2.30\nE,E,53.42,-2.299\n",
            "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,T,1,3\nR2,T,2,3\nR3,T,3,3\n",
            "trips.txt": "route_id,service_id,trip_id\nR1,MAIN,L1a\nR1,MAIN,L1b\nR1,MAIN,L1c\nR1,MAIN,X\nR2,MAIN,L2a\nR2,MAIN,L2b\nR3,PREV,Y\nR3,MAIN,Z\n",
            "stop_times.txt": """
            trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type
            L1a,07:00:00,07:00:00,A,1,0
            L1a,07:10:00,07:10:00,B,2,0
            L1a,07:20:00,07:20:00,C,3,0
            L1b,07:20:00,07:20:00,A,1,0
            L1b,07:30:00,07:30:00,B,2,0
            L1b,07:40:00,07:40:00,C,3,0
            L1c,07:40:00,07:40:00,A,1,0
            L1c,07:50:00,07:50:00,B,2,0
            L1c,08:00:00,08:00:00,C,3,0
            X,07:05:00,07:05:00,A,1,0
            X,07:08:00,07:08:00,B,2,0
            X,07:12:00,07:12:00,C,3,0
            L2a,07:25:00,07:25:00,C,1,0
            L2a,07:40:00,07:40:00,D,2,0
            L2b,07:45:00,07:45:00,C,1,0
            L2b,08:00:00,08:00:00,D,2,0
            Y,24:10:00,24:10:00,A,1,0
            Y,24:30:00,24:30:00,B,2,0
            Z,08:00:00,08:00:00,A,1,1
            Z,08:10:00,08:10:00,B,2,0

            """,
            "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nMAIN,0,1,0,0,0,0,0,20240101,20241231\n",
            "calendar_dates.txt": "service_id,date,exception_type\nPREV,20240304,1\n",
        ]
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return folder.path
    }

    static func timetable() throws -> (TransitTimetable, [String: UInt32]) {
        let feed = try GTFSFeed.read(path: try feedFolder())
        let table = TransitTimetable(sources: [.init(feed: feed, positions: feed.stopLonLat)], date: date, rangeSeconds: 0...(30 * 3600))
        var stops: [String: UInt32] = [:]
        for s in 0..<feed.stopCount { stops[feed.stopIDs.key(s)] = UInt32(s) }
        return (table, stops)
    }

    static func hms(_ text: String) -> Int32 { Int32(GTFSTime.parse(text)!) }

    @Test func patternsSplitOvertakingTripsAndShiftYesterdaysTrips() throws {
        let (table, _) = try Self.timetable()
        // L1 (3 trips) and X share stops A B C but X overtakes L1 07:00, so 2 patterns; L2; Y (A B); Z (A B, no
        // boarding at A: a different key from Y).
        #expect(table.patternCount == 5)
        #expect(table.tripCount == 8)
        // Y runs on Monday's service: on Tuesday it is at 00:10 → 00:30 (−24 h).
        #expect(table.departures.contains(Self.hms("00:10:00")) && table.arrivals.contains(Self.hms("00:30:00")))
        #expect(!table.departures.contains(Self.hms("24:10:00")))
    }

    @Test func earliestArrivalsByHand() throws {
        let (table, stop) = try Self.timetable()
        let transfers = StopTransfers(stopCount: table.stopCount, links: [(stop["C"]!, stop["E"]!, 120)])
        var search = RaptorSearch(timetable: table, transfers: transfers)
        func at(_ name: String) -> Int32 { search.arrival[Int(stop[name]!)] }

        // From A at 07:00: X (07:05) reaches B 07:08 and C 07:12, beating L1 07:00 (B 07:10, C 07:20); L2 07:25
        // reaches D 07:40 (2 rides); E by the footpath from C: 07:12 + 2 min = 07:14 (1 ride).
        search.run(access: [(stop["A"]!, Self.hms("07:00:00"))])
        #expect(at("B") == Self.hms("07:08:00") && at("C") == Self.hms("07:12:00"))
        #expect(at("D") == Self.hms("07:40:00") && search.rides[Int(stop["D"]!)] == 2)
        #expect(at("E") == Self.hms("07:14:00") && search.rides[Int(stop["E"]!)] == 1)

        // From A at 07:06: X has gone; L1 07:20 → C 07:40 → L2 07:45 → D 08:00.
        search.run(access: [(stop["A"]!, Self.hms("07:06:00"))])
        #expect(at("B") == Self.hms("07:30:00") && at("C") == Self.hms("07:40:00") && at("D") == Self.hms("08:00:00"))

        // The same connection second: arriving at C 07:45:00 exactly still catches L2 07:45.
        search.run(access: [(stop["C"]!, Self.hms("07:45:00"))])
        #expect(at("D") == Self.hms("08:00:00"))

        // Yesterday's Y, after midnight: from A at 00:05 → B 00:30.
        search.run(access: [(stop["A"]!, Self.hms("00:05:00"))])
        #expect(at("B") == Self.hms("00:30:00"))

        // Z does not pick up at A: from A at 07:55 the next way to B is none before the day ends (L1c left 07:40).
        search.run(access: [(stop["A"]!, Self.hms("07:55:00"))])
        #expect(at("B") == RaptorSearch.unreachable)
    }

    @Test func ridesAndLatestArrivalLimitTheSearch() throws {
        let (table, stop) = try Self.timetable()
        var oneRide = RaptorSearch(timetable: table, transfers: .none(stopCount: table.stopCount), maxRides: 1)
        oneRide.run(access: [(stop["A"]!, Self.hms("07:00:00"))])
        #expect(oneRide.arrival[Int(stop["C"]!)] == Self.hms("07:12:00"))
        #expect(oneRide.arrival[Int(stop["D"]!)] == RaptorSearch.unreachable)
        var search = RaptorSearch(timetable: table, transfers: .none(stopCount: table.stopCount))
        search.run(access: [(stop["A"]!, Self.hms("07:00:00"))], latestArrival: Self.hms("07:30:00"))
        #expect(search.arrival[Int(stop["C"]!)] == Self.hms("07:12:00"))
        #expect(search.arrival[Int(stop["D"]!)] == RaptorSearch.unreachable)
    }
}
