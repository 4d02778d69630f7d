import Foundation
import GeoData
import GeoPrimitives
import Testing
@testable import Accessibility

/// Departures of the hand-made feed (fixtures/gtfs/hand/README.md works out every number) on Tuesday
/// 2024-03-05, 07:00–10:00.
struct ServiceFrequencyTests {
    static let hand = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/gtfs/hand").path
    static let tuesday = ServiceDate("2024-03-05")!

    func counts(_ frequency: ServiceFrequency, _ feed: GTFSFeed, _ routeClass: RouteClass? = nil) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: (0..<feed.stopCount).map { (feed.stopIDs.key($0), frequency.count(at: $0, of: routeClass)) })
    }

    @Test func departuresPerStop() throws {
        let feed = try GTFSFeed.read(path: Self.hand)
        let frequency = ServiceFrequency(feed: feed, date: Self.tuesday, window: .morningPeak)
        #expect(counts(frequency, feed) == ["S1": 8, "S2": 8, "S3": 1, "R1": 1, "R2": 0, "N1": 0])
        #expect(counts(frequency, feed, .rail) == ["S1": 0, "S2": 0, "S3": 0, "R1": 1, "R2": 0, "N1": 0])
        #expect(frequency.instanceCount == 11)   // t1 t2 t5 t6 t7×4 t8 t9 t10
        #expect(frequency.tripsRunning == 7)
    }

    @Test func windowsAndDays() throws {
        let feed = try GTFSFeed.read(path: Self.hand)
        // 10:00–11:00 catches only t2's 10:00 at S2.
        let late = ServiceFrequency(feed: feed, date: Self.tuesday, window: ServiceWindow("10:00-11:00")!)
        #expect(counts(late, feed) == ["S1": 0, "S2": 1, "S3": 0, "R1": 0, "R2": 0, "N1": 0])
        // On Monday 2024-03-04 t6 runs at 31:30 (in a 31:00–32:00 window), t5 (EXTRA) and the HOL trip t4 is back.
        let monday = ServiceFrequency(feed: feed, date: ServiceDate("2024-03-04")!, window: ServiceWindow("07:00-10:00")!)
        #expect(counts(monday, feed)["S1"] == 1 + 1 + 4 + 1)   // t1, t2, t7 ×4, t4 (t8 no pickup at S1)
        let mondayNight = ServiceFrequency(feed: feed, date: ServiceDate("2024-03-04")!, window: ServiceWindow("31:00-32:00")!)
        #expect(counts(mondayNight, feed)["S1"] == 1)
        // On Saturday only t3, which departs S1 at 08:00 (its S2 call is its last stop).
        let saturday = ServiceFrequency(feed: feed, date: ServiceDate("2024-03-09")!, window: .morningPeak)
        #expect(counts(saturday, feed) == ["S1": 1, "S2": 0, "S3": 0, "R1": 0, "R2": 0, "N1": 0])
        #expect(ServiceWindow("07:00-10:00")?.description == "07:00-10:00")
        #expect(ServiceWindow("10:00-07:00") == nil)
        #expect(ServiceWindow("7-10") == nil)
    }

    /// Hour by hour over the whole of Tuesday 2024-03-05 (fixtures/gtfs/hand/README.md's trips): S1 07:00–08:00
    /// t1 07:10, t6 07:30 (Monday's 31:30), t7 07:00/15/30/45 = 6; 08:00 t5 08:30 = 1; 09:00 t2 09:58 = 1. S2: 07:00 t1
    /// 07:15, t6 07:35, t7 ×4 = 6; 08:00 t5 08:40, t8 08:05 = 2; 10:00 t2 = 1. S3: t9 08:00 (a coach: bus). R1: t10
    /// 07:00 (rail). Every other call is a trip's last stop.
    @Test func hourByHour() throws {
        let feed = try GTFSFeed.read(path: Self.hand)
        let day = ServiceFrequency(feed: feed, date: Self.tuesday, window: .wholeDay)
        func hours(_ id: String, _ routeClass: RouteClass? = nil) -> [Int: Int] {
            let counts = day.hourly(at: feed.stopIDs.find(id)!, of: routeClass)
            return Dictionary(uniqueKeysWithValues: counts.enumerated().filter { $0.element > 0 }.map { ($0.offset, $0.element) })
        }
        #expect(hours("S1") == [7: 6, 8: 1, 9: 1])
        #expect(hours("S2") == [7: 6, 8: 2, 10: 1])
        #expect(hours("S3") == [8: 1] && hours("S3", .bus) == [8: 1] && hours("S3", .rail) == [:])
        #expect(hours("R1") == [7: 1] && hours("R1", .rail) == [7: 1])
        // The hours of 07:00–10:00 add up to that window's count (8 at S1 and at S2).
        #expect(day.hourly(at: feed.stopIDs.find("S2")!)[7..<10].reduce(0, +) == 8)
        // Monday: t6 at 31:30 belongs to Tuesday's clock, so it is in none of Monday's hours; t4 (HOL) runs.
        let monday = ServiceFrequency(feed: feed, date: ServiceDate("2024-03-04")!, window: .wholeDay)
        #expect(monday.hourly(at: feed.stopIDs.find("S1")!).enumerated().filter { $0.element > 0 }.map { [$0.offset, $0.element] } == [[7, 5], [8, 1], [9, 1]])
    }

    /// Origins on a line with the stops placed by hand (metres): S1 at 0, S2 at 100, S3 at 300, R1 at 1,000,
    /// R2 at 5,000.
    @Test func distinctTripsNearOrigins() throws {
        let feed = try GTFSFeed.read(path: Self.hand)
        let frequency = ServiceFrequency(feed: feed, date: Self.tuesday, window: .morningPeak)
        var positions = [XY?](repeating: nil, count: feed.stopCount)
        for (id, x) in [("S1", 0.0), ("S2", 100), ("S3", 300), ("R1", 1000), ("R2", 5000)] { positions[feed.stopIDs.find(id)!] = XY(x, 0) }
        let bus = ClassDepartures(routeClass: .bus, feeds: [(feed, frequency, positions)])
        #expect(bus.stopCount == 3)   // S1, S2, S3 have bus departures
        let origins = [XY(50, 0), XY(-500, 0), XY(700, 0), XY(-350, 0)]
        let result = try DepartureCoverage(radiusMetres: 400, frequentPerHour: 2.5).measure(origins: origins, departures: bus)
        // (50, 0) reaches S1, S2, S3: t1 t2 t5 t6 t7×4 t8 (S1, S2) and t9 (S3) = 10 distinct trips / 3 h, though
        // 17 departures leave those stops. S1 and S2 have 8/3 = 2.67 ≥ 2.5 an hour: frequent.
        #expect(result[0] == .init(departuresPerHour: 10.0 / 3, nearFrequentStop: true, stopsWithin: 3))
        #expect(result[1] == .init(departuresPerHour: 0, nearFrequentStop: false, stopsWithin: 0))   // 500 m from S1
        #expect(result[2] == .init(departuresPerHour: 1.0 / 3, nearFrequentStop: false, stopsWithin: 1))   // S3 at exactly 400 m
        #expect(result[3] == .init(departuresPerHour: 8.0 / 3, nearFrequentStop: true, stopsWithin: 1))   // S1 only
        let rail = ClassDepartures(routeClass: .rail, feeds: [(feed, frequency, positions)])
        let railResult = try DepartureCoverage(radiusMetres: 800, frequentPerHour: 4).measure(origins: origins, departures: rail)
        #expect(railResult.map(\.departuresPerHour) == [0, 0, 1.0 / 3, 0])
        // Two copies of the same feed are two feeds: their trips never merge.
        let twice = ClassDepartures(routeClass: .bus, feeds: [(feed, frequency, positions), (feed, frequency, positions)])
        #expect(try DepartureCoverage(radiusMetres: 400, frequentPerHour: 4).measure(origins: [XY(50, 0)], departures: twice)[0].departuresPerHour == 20.0 / 3)
    }
}
