import Foundation
import Accessibility
import GeoData
import GeoPrimitives
import Projection
import Testing
@testable import Study

/// Scenario modifications on the hand-built feeds of fixtures/raptor (README there: every trip's times), with the
/// earliest arrivals after each change worked by hand below and answered by the same RAPTOR search as the
/// README's 42 queries; then the bad inputs docs/scenarios.md lists, each an error at its study-file line.
struct ScenarioTimetablesTests {
    static let raptor = packageRoot.appendingPathComponent("fixtures/raptor")

    /// The scenarios of `toml` (a study file's `[[scenario]]` tables) built over `feeds` (fixtures/raptor folders).
    static func build(_ toml: String, feeds: [String]) throws -> [ScenarioTimetables] {
        try build(toml, paths: feeds.map { raptor.appendingPathComponent($0).path })
    }

    /// The scenarios of `toml` over the feeds at `paths`.
    static func build(_ toml: String, paths: [String]) throws -> [ScenarioTimetables] {
        let root = try ConfigTable.parse(text: toml, file: "study.toml")
        var resolver = StudyPaths(folder: "")
        let scenarios = try Scenario.decodeAll(try root.tables("scenario"), paths: &resolver)
        return try ScenarioTimetables.build(scenarios, studyFeeds: paths, naptan: [], working: .britishNationalGrid, progress: { _ in })
    }

    /// Earliest arrival at `to` leaving `from` at `leave` (HH:MM:SS) on Tuesday 2024-03-05, no walking; nil: unreachable.
    static func arrival(_ feed: GTFSFeed, from: String, leave: String, to: String) throws -> String? {
        var points = feed.stopLonLat.map { $0! }
        try Transformer(from: .wgs84, to: .britishNationalGrid).transform(&points)
        let timetable = TransitTimetable(sources: [.init(feed: feed, positions: points)], date: ServiceDate("2024-03-05")!, rangeSeconds: 0...86_400)
        var search = RaptorSearch(timetable: timetable, transfers: .none(stopCount: timetable.stopCount))
        let a = try #require(feed.stopIDs.find(from)), b = try #require(feed.stopIDs.find(to))
        search.run(access: [(UInt32(a), Int32(GTFSTime.parse(leave)!))])
        let time = search.arrival[b]
        return time == RaptorSearch.unreachable ? nil : GTFSTime.format(Int(time))
    }

    /// overtaking: without XPRS (O1 07:02 → O4 07:14), O1 07:00 → O4 is FAST's 07:17:00 (README query 2 was 07:14).
    @Test func removingTheExpress() throws {
        let built = try Self.build("""
        [[scenario]]
        name = "no_express"
        [[scenario.remove_trips]]
        route = "OV"
        from = "07:02"
        to = "07:03"
        """, feeds: ["overtaking"])
        let feed = try #require(built.first?.readFeeds().first)
        #expect(feed.tripCount == 3)
        #expect(try Self.arrival(feed, from: "O1", leave: "07:00:00", to: "O4") == "07:17:00")
        #expect(built[0].notes == ["no_express: removed route OV's 1 trips departing 07:02–07:03 (\(Self.raptor.path)/overtaking)"])
    }

    /// single_line at half the frequency 07:00–10:00: the 18 trips leaving A1 in [07:00, 10:00) become one every
    /// 10 800 s / 18 / 0.5 = 1200 s (20 min) from the first, 07:00, 07:20 … 09:40 (9 trips), copies of L0700's
    /// running times; L1000 is outside the window and stays. So A1 07:00:01 → A4 is the 07:20 trip's 07:32:30
    /// (README query 2: 07:22:30), and A3 09:49:00 → A4 waits for L1000 (A3 10:08:30, A4 10:12:30; it was L0950's
    /// 10:02:30).
    @Test func halvingTheFrequency() throws {
        let built = try Self.build("""
        [[scenario]]
        name = "half"
        frequency = [{ route = "L", from = "07:00", to = "10:00", factor = 0.5 }]
        """, feeds: ["single_line"])
        let feed = try #require(built.first?.readFeeds().first)
        #expect(feed.tripCount == 10)
        #expect(try Self.arrival(feed, from: "A1", leave: "07:00:00", to: "A4") == "07:12:30")
        #expect(try Self.arrival(feed, from: "A1", leave: "07:00:01", to: "A4") == "07:32:30")
        #expect(try Self.arrival(feed, from: "A3", leave: "09:49:00", to: "A4") == "10:12:30")
        // A headway given directly: every 30 min from 07:00 → 07:00, 07:30, 08:00 … 09:30 (6) + L1000.
        let every30 = try Self.build("""
        [[scenario]]
        name = "every30"
        frequency = [{ route = "L", from = "07:00", to = "10:00", headway_min = 30 }]
        """, feeds: ["single_line"])
        #expect(try every30[0].readFeeds()[0].tripCount == 7)
        #expect(try Self.arrival(every30[0].readFeeds()[0], from: "A2", leave: "07:04:01", to: "A4") == "07:42:30")
    }

    /// single_line with a stop between A2 and A3 (the mean of their longitudes and latitudes: within 0.01 m of the
    /// midpoint, so half the hop's 240 s): A2 departs +4:00, the new stop +6:00 arrives and +7:00 departs (60 s
    /// dwell), every later call 60 s later: A3 +9:00/+9:30, A4 +13:30. So A1 07:00 → A4 07:13:30 (was 07:12:30),
    /// A1 07:00 → the new stop 07:06:00, and A3 07:09:00 → A4 07:13:30 (it would have missed L0700 before).
    @Test func addingAStopToTheLine() throws {
        let built = try Self.build("""
        [[scenario]]
        name = "new_halt"
        [[scenario.add_stop]]
        route = "L"
        stop = [-2.3836525, 53.4196825]
        stop_name = "Halt"
        after = "A2"
        dwell_s = 60
        """, feeds: ["single_line"])
        let feed = try #require(built.first?.readFeeds().first)
        #expect(feed.stopCount == 5)
        #expect(feed.stopNames.last == "Halt")
        #expect(try Self.arrival(feed, from: "A1", leave: "07:00:00", to: "A4") == "07:13:30")
        #expect(try Self.arrival(feed, from: "A1", leave: "07:00:00", to: "new_halt_stop_1") == "07:06:00")
        #expect(try Self.arrival(feed, from: "A3", leave: "07:09:00", to: "A4") == "07:13:30")
    }

    /// A new route A4 → A1 (westbound, which no trip runs) with 5-minute hops, every 15 min 07:00–08:00, both ways:
    /// 4 departures × 2 directions = 8 trips. A4 07:00 → A1 is 07:15:00 (three hops); before it was unreachable.
    @Test func addingARoute() throws {
        let built = try Self.build("""
        [[scenario]]
        name = "west"
        [[scenario.add_route]]
        name = "W"
        stops = ["A4", "A3", "A2", "A1"]
        hop_min = [5, 5, 5]
        headway_min = 15
        start = "07:00"
        end = "08:00"
        days = ["tue"]
        """, feeds: ["single_line"])
        let feed = try #require(built.first?.readFeeds().first)
        #expect(feed.tripCount == 19 + 8)
        #expect(try Self.arrival(feed, from: "A4", leave: "07:00:00", to: "A1") == "07:15:00")
        #expect(try Self.arrival(feed, from: "A4", leave: "07:00:01", to: "A1") == "07:30:00")
    }

    /// A scenario on another: `base` first, then its own change.
    @Test func aScenarioBuildsOnItsBase() throws {
        let built = try Self.build("""
        [[scenario]]
        name = "half"
        frequency = [{ route = "L", from = "07:00", to = "10:00", factor = 0.5 }]
        [[scenario]]
        name = "half_no_first"
        base = "half"
        remove_trips = [{ route = "L", from = "07:00", to = "07:01" }]
        """, feeds: ["single_line"])
        #expect(try built.map { try $0.readFeeds()[0].tripCount } == [10, 9])
        #expect(try Self.arrival(built[1].readFeeds()[0], from: "A1", leave: "07:00:00", to: "A4") == "07:32:30")
    }

    /// The edited feed written as a zip reads back to the same feed the scenario measured.
    @Test func theWrittenZipReadsBackTheSame() throws {
        let built = try Self.build("""
        [[scenario]]
        name = "half"
        frequency = [{ route = "L", from = "07:00", to = "10:00", factor = 0.5 }]
        """, feeds: ["single_line"])
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zip = folder.appendingPathComponent("half.zip").path
        try built[0].files[0].files.writeZip(to: zip)
        let back = try GTFSFeed.read(path: zip)
        let measured = try built[0].readFeeds()[0]
        #expect(back.tripCount == measured.tripCount)
        #expect(back.departureSeconds == measured.departureSeconds)
        #expect(back.stopTimeStop == measured.stopTimeStop)
        #expect(built[0].changed == [true])
    }

    // MARK: Bad input

    static func failure(_ toml: String, feeds: [String] = ["single_line"]) -> String {
        do {
            _ = try build(toml, feeds: feeds)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func badScenariosAreErrorsAtTheirLine() {
        #expect(Self.failure("""
        [[scenario]]
        name = "cut"
        remove_routes = ["99"]
        """).hasPrefix("study.toml:3: scenario[1].remove_routes: route '99' is in none of the feeds (no route_id or route_short_name matches; \(Self.raptor.path)/single_line: 1 routes, e.g. L)"))
        #expect(Self.failure("""
        [[scenario]]
        name = "f"

        [[scenario.frequency]]
        route = "L"
        from = "07:00"
        to = "09:00"
        headway_min = 0
        """) == "study.toml:8: scenario[1].frequency[1].headway_min: a headway must be more than 0 minutes, not 0.0")
        #expect(Self.failure("""
        [[scenario]]
        name = "late"
        remove_trips = [{ route = "L", from = "22:00", to = "23:00" }]
        """).contains("route 'L' has no trip departing 22:00–23:00 in \(Self.raptor.path)/single_line (its trips depart 07:00–10:00)"))
        #expect(Self.failure("""
        [[scenario]]
        name = "late"
        remove_trips = [{ route = "L", from = "47:00", to = "49:00" }]
        """).hasSuffix("'49:00' is outside the service day (times run to 48:00 at most)"))
        #expect(Self.failure("""
        [[scenario]]
        name = "one"
        add_route = [{ name = "X", stops = ["A1"], hop_min = [], headway_min = 10, start = "07:00", end = "08:00" }]
        """).hasSuffix("a route needs at least two stops, found 1"))
        #expect(Self.failure("""
        [[scenario]]
        name = "far"
        add_route = [{ name = "X", stops = ["A1", [100.0, 10.0]], hop_min = [5], headway_min = 10, start = "07:00", end = "08:00" }]
        """).contains("stops[2] at lon/lat (100.0, 10.0) lies outside the area of use of EPSG:27700"))
        #expect(Self.failure("""
        [[scenario]]
        name = "a"
        remove_routes = ["L"]
        [[scenario]]
        name = "a"
        remove_routes = ["L"]
        """) == "study.toml:5: scenario[2].name: two scenarios are called 'a'; each needs its own name (it is part of column names)")
        #expect(Self.failure("""
        [[scenario]]
        name = "a"
        base = "b"
        remove_routes = ["L"]
        [[scenario]]
        name = "b"
        base = "a"
        remove_routes = ["L"]
        """) == "study.toml:2: scenario[1].name: base makes a cycle: a → b → a")
        #expect(Self.failure("""
        [[scenario]]
        name = "a"
        remove_stops = ["Z9"]
        """) == "study.toml:3: scenario[1].remove_stops: stop 'Z9' is in none of the feeds' stops.txt")
        #expect(Self.failure("""
        [[scenario]]
        name = "cut-151"
        remove_routes = ["L"]
        """).hasSuffix("'cut-151' must be letters, digits and _ (starting with a letter, at most 40), as it becomes part of column names"))
    }
}
