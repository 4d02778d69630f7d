import Foundation
import Testing
@testable import GeoData

/// The hand-made feed in fixtures/gtfs/hand (its README works out every expected number) and broken copies.
struct GTFSReaderTests {
    static let hand = TestSupport.packageRoot.appendingPathComponent("fixtures/gtfs/hand").path

    func time(_ text: String) -> Int32 { Int32(GTFSTime.parse(text)!) }

    /// The stop ids and departure times of trip `id`, in stop order.
    func calls(_ feed: GTFSFeed, _ id: String) throws -> [(String, Int32)] {
        let t = try #require(feed.tripIDs.find(id))
        return (Int(feed.tripFirst[t])..<Int(feed.tripFirst[t + 1])).map { (feed.stopIDs.key(Int(feed.stopTimeStop[$0])), feed.departureSeconds[$0]) }
    }

    @Test func readsTheHandFeed() throws {
        let feed = try GTFSFeed.read(path: Self.hand)
        #expect(feed.stopCount == 6)
        #expect(feed.tripCount == 11)
        #expect(feed.stopTimeCount == 28)
        #expect(feed.stopLonLat[feed.stopIDs.find("S2")!]! == .init(-2.001, 53.0))
        #expect(feed.stopLonLat[feed.stopIDs.find("N1")!] == nil)   // location_type 3 may have no position
        #expect(feed.stopNames[feed.stopIDs.find("S3")!] == "Third Street, North")
        // t5's rows are out of order in the file and S2's time is blank: sorted by stop_sequence, S2 interpolated
        // halfway between 08:30 and 08:50.
        let t5 = try calls(feed, "t5")
        #expect(t5.map(\.0) == ["S1", "S2", "S3"])
        #expect(t5.map(\.1) == [time("08:30"), time("08:40"), time("08:50")])
        #expect(try calls(feed, "t6").map(\.1) == [time("31:30"), time("31:35"), time("31:40")])
        let t8 = try #require(feed.tripIDs.find("t8"))
        #expect(feed.pickupAllowed[Int(feed.tripFirst[t8])] == false)
        #expect(feed.frequencies[feed.tripIDs.find("t7")!] == [.init(startSeconds: 25200, endSeconds: 28800, headwaySeconds: 900)])
        #expect(feed.warnings == ["\(Self.hand): calendar.txt: service 'NEVER' never runs (no weekday set and no dates added)"])
    }

    @Test func calendarsAndExceptions() throws {
        let feed = try GTFSFeed.read(path: Self.hand)
        let tuesday = try #require(ServiceDate("2024-03-05"))
        func runs(_ service: String, _ date: ServiceDate) -> Bool { feed.runs(service: feed.serviceIDs.find(service)!, on: date) }
        #expect(runs("WK", tuesday))
        #expect(!runs("HOL", tuesday))                         // removed by calendar_dates
        #expect(runs("HOL", tuesday.adding(days: 1)))
        #expect(runs("EXTRA", tuesday))                        // only in calendar_dates
        #expect(!runs("EXTRA", tuesday.adding(days: 7)))
        #expect(!runs("SAT", tuesday))
        #expect(runs("MON", tuesday.adding(days: -1)))
        #expect(!runs("WK", ServiceDate("2025-01-07")!))       // after end_date
        #expect(feed.tripsRunning(on: tuesday) == 7)           // t1 t2 t5 t7 t8 t9 t10
        // The calendar starts on Monday 2024-01-01: the first full week's Tuesday is 2024-01-02.
        #expect(feed.defaultDate == ServiceDate("2024-01-02"))
        #expect(feed.dateRange == ServiceDate("2024-01-01")!...ServiceDate("2024-12-31")!)
    }

    @Test func zipEqualsFolder() throws {
        let folder = try GTFSFeed.read(path: Self.hand)
        let zip = try GTFSFeed.read(path: Self.hand + ".zip")   // files inside a hand/ folder in the zip
        #expect(zip.stopTimeStop == folder.stopTimeStop)
        #expect(zip.departureSeconds == folder.departureSeconds)
        #expect(zip.tripCount == folder.tripCount)
    }

    /// A copy of the hand feed with one file replaced, read; the error it raises.
    func brokenFeed(_ file: String, _ transform: (String) -> String) throws -> DataError? {
        try TestSupport.withTemporaryFolder { folder in
            let feed = folder.appendingPathComponent("feed")
            try FileManager.default.copyItem(atPath: Self.hand, toPath: feed.path)
            let path = feed.appendingPathComponent(file).path
            try transform(String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try GTFSFeed.read(path: feed.path)
                return nil
            } catch let error as DataError {
                return DataError(file: error.file.replacingOccurrences(of: feed.path, with: "feed"), location: error.location,
                                 field: error.field, error.message)
            }
        }
    }

    @Test func malformedAndInconsistentRecords() throws {
        #expect(try brokenFeed("stop_times.txt") { $0.replacingOccurrences(of: "t1,07:15:00,07:15:00", with: "t1,25:61:00,07:15:00") }
            == DataError(file: "feed: stop_times.txt", location: "line 3", field: "arrival_time", "not a time HH:MM:SS (\"25:61:00\")"))
        #expect(try brokenFeed("stop_times.txt") { $0.replacingOccurrences(of: "t1,07:20:00,07:20:00", with: "t1,07:12:00,07:12:00") }
            == DataError(file: "feed: stop_times.txt", location: "line 4", field: "arrival_time",
                         "trip 't1' arrives at 07:12:00, before it left the previous stop (07:15:00, line 3): stop times out of order"))
        #expect(try brokenFeed("stop_times.txt") { $0.replacingOccurrences(of: "t1,07:20:00,07:20:00,S3", with: "t1,07:20:00,07:20:00,S9") }
            == DataError(file: "feed: stop_times.txt", location: "line 4", field: "stop_id", "\"S9\" is not in stops.txt"))
        #expect(try brokenFeed("stop_times.txt") { $0.replacingOccurrences(of: "t1,07:20:00,07:20:00,S3,3", with: "t1,07:20:00,07:20:00,S3,2") }
            == DataError(file: "feed: stop_times.txt", location: "line 4", field: "stop_sequence", "trip 't1' has stop_sequence 2 twice (also line 3)"))
        #expect(try brokenFeed("stop_times.txt") { $0.replacingOccurrences(of: "t1,07:20:00,07:20:00", with: "t1,,") }
            == DataError(file: "feed: stop_times.txt", location: "line 4", field: "departure_time", "trip 't1' has no time at its last stop (GTFS requires both)"))
        #expect(try brokenFeed("trips.txt") { $0.replacingOccurrences(of: "B,WK,t1", with: "B,WEEKDAYS,t1") }
            == DataError(file: "feed: trips.txt", location: "line 2", field: "service_id", "\"WEEKDAYS\" is in neither calendar.txt nor calendar_dates.txt"))
        #expect(try brokenFeed("stops.txt") { $0.replacingOccurrences(of: "S2,Second Street,53.000000,-2.001000", with: "S2,Second Street,,") }
            == DataError(file: "feed: stops.txt", location: "line 3", field: "stop_lat", "stop \"S2\" has no coordinates (required for stops, stations and entrances)"))
        #expect(try brokenFeed("frequencies.txt") { $0.replacingOccurrences(of: "900", with: "0") }
            == DataError(file: "feed: frequencies.txt", location: "line 2", field: "headway_secs", "expected seconds > 0 (\"0\")"))
        #expect(throws: DataError(file: Self.hand.replacingOccurrences(of: "hand", with: "no-stop-times.zip"), "has no stop_times.txt, so no trip calls anywhere")) {
            _ = try GTFSFeed.read(path: Self.hand.replacingOccurrences(of: "hand", with: "no-stop-times.zip"))
        }
    }

    @Test("a zip holding stops.txt twice is refused, naming both entries")
    func duplicateEntries() throws {
        let path = TestSupport.packageRoot.appendingPathComponent("fixtures/gtfs/duplicate-stops.zip").path
        let error = try #require(throws: DataError.self) { try GTFSFeed.read(path: path) }
        #expect(error == DataError(file: path, "holds stops.txt twice (entries 'stops.txt' and 'old/stops.txt'): remove one, so it is clear which timetable is meant"))
    }

    @Test("stop_times.txt with a header and no rows is an error, not an empty timetable")
    func headerOnlyStopTimes() throws {
        #expect(try brokenFeed("stop_times.txt") { String($0.prefix { $0 != "\n" }) + "\n" }
            == DataError(file: "feed: stop_times.txt", "has a header but no stop times, so no trip calls at any stop"))
    }

    @Test("a feed given in memory reads as the same feed from its folder")
    func inMemory() throws {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.hand) where name.hasSuffix(".txt") {
            files[name] = Array(try Data(contentsOf: URL(fileURLWithPath: Self.hand + "/" + name)))
        }
        let memory = try GTFSFeed.read(GTFSArchive(files: files, path: "memory"))
        let folder = try GTFSFeed.read(path: Self.hand)
        #expect(memory.departureSeconds == folder.departureSeconds)
        #expect(memory.stopTimeStop == folder.stopTimeStop)
    }

    @Test func routeClasses() {
        // Basic and extended GTFS route types (Google's extended list).
        #expect(RouteClass(routeType: 3) == .bus)
        #expect(RouteClass(routeType: 200) == .bus)      // coach
        #expect(RouteClass(routeType: 714) == .bus)      // rail replacement bus
        #expect(RouteClass(routeType: 2) == .rail)
        #expect(RouteClass(routeType: 101) == .rail)     // high-speed rail
        #expect(RouteClass(routeType: 0) == .metro)      // tram
        #expect(RouteClass(routeType: 900) == .metro)
        #expect(RouteClass(routeType: 401) == .metro)
        #expect(RouteClass(routeType: 4) == .ferry)
        #expect(RouteClass(routeType: 1200) == .ferry)
        #expect(RouteClass(routeType: 6) == .other)      // aerial lift
    }

    /// The real Newport bus feed: every trip runs on 2024-03-05 (ONS filtered it to that day).
    @Test func realNewportFeed() throws {
        guard let path = TestSupport.sharedFile("gtfs/newport-20240305-bus_gtfs.zip") else { return }
        let feed = try GTFSFeed.read(path: path)
        // Counts from ../shared/data/gtfs/SOURCES.txt: 5,377 stops, 5,426 trips, 204,361 stop times.
        #expect(feed.stopCount == 5377)
        #expect(feed.tripCount == 5426)
        #expect(feed.stopTimeCount == 204_361)
        #expect(feed.tripsRunning(on: ServiceDate("2024-03-05")!) == 5426)
    }
}
