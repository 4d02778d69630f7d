import Foundation
import GeoData
import GeoPrimitives
import Projection
import Testing
@testable import Accessibility

/// The five hand-built feeds of fixtures/raptor with the answers worked by hand in its README (42 stop-to-stop
/// queries, re-derived by `check_feeds.py` with an independent connection scan), then the window search:
/// `ReverseProfileSearch` (backwards from the services) against `ForwardRangeSearch` (forwards from each origin)
/// at every minute, and a door-to-door case worked by hand below.
struct RaptorFixtureTests {
    static let folder = packageRoot.appendingPathComponent("fixtures/raptor")
    static let feedNames = ["single_line", "transfer", "overtaking", "past_midnight", "calendar_exception"]
    static let tuesday = ServiceDate(year: 2024, month: 3, day: 5)!
    /// 4.8 km/h in metres per second.
    static let walkSpeed = 4.8 / 3.6

    /// Feeds with their stops in EPSG:27700, and each stop's "feed/stop_id" for lookups.
    static func sources(_ names: [String]) throws -> (sources: [TransitTimetable.Source], ids: [String: UInt32]) {
        var sources: [TransitTimetable.Source] = [], ids: [String: UInt32] = [:]
        let toBNG = try Transformer(from: .wgs84, to: .britishNationalGrid)
        var offset = 0
        for name in names {
            let feed = try GTFSFeed.read(path: folder.appendingPathComponent(name).path)
            var points = feed.stopLonLat.map { $0! }
            try toBNG.transform(&points)
            sources.append(.init(feed: feed, positions: points))
            for s in 0..<feed.stopCount { ids["\(name)/\(feed.stopIDs.key(s))"] = UInt32(offset + s) }
            offset += feed.stopCount
        }
        return (sources, ids)
    }

    /// Footpaths between every two stops within 5 min at 4.8 km/h in a straight line, rounded up to a second (the
    /// README's walking rule).
    static func straightTransfers(_ timetable: TransitTimetable, maxSeconds: Int32 = 300) -> StopTransfers {
        var links: [(from: UInt32, to: UInt32, seconds: Int32)] = []
        for a in 0..<timetable.stopCount {
            for b in 0..<timetable.stopCount where a != b {
                let seconds = Int32((distance(timetable.stopXY[a]!, timetable.stopXY[b]!) / walkSpeed).rounded(.up))
                if seconds <= maxSeconds { links.append((UInt32(a), UInt32(b), seconds)) }
            }
        }
        return StopTransfers(stopCount: timetable.stopCount, links: links)
    }

    static func distance(_ a: XY, _ b: XY) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }

    static func seconds(_ text: Substring) -> Int32? {
        let parts = text.split(separator: ":").compactMap { Int32($0) }
        return parts.count == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : nil
    }

    struct Query: CustomStringConvertible {
        var feeds: [String]
        var number: Int
        var date: ServiceDate
        var from: String, to: String
        var leave: Int32
        var expected: Int32?
        var walking: Bool
        var description: String { "\(feeds.joined(separator: "+")) #\(number)" }
    }

    /// The README's query tables: a section `## \`name/\`` names the feed; a table whose header starts `| # |`
    /// has columns from, leave, to, expected and optionally date, walking, feeds.
    static func queries() throws -> [Query] {
        let text = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        var feed = "", header: [String] = [], result: [Query] = []
        func cells(_ line: Substring) -> [String] {
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## `"), let name = line.split(separator: "`").dropFirst().first { feed = String(name.dropLast()) }
            if line.hasPrefix("| # |") { header = cells(line); continue }
            guard line.hasPrefix("| "), let first = cells(line).first, let number = Int(first), !header.isEmpty else {
                if !line.hasPrefix("|") { header = [] }
                continue
            }
            let row = Dictionary(uniqueKeysWithValues: zip(header, cells(line)))
            let dateText = row["date"] ?? "D"
            let date = dateText == "D" ? tuesday : ServiceDate(String(dateText.prefix(10)))!
            let feeds = row["feeds"] == "both" ? ["single_line", "transfer"] : [feed]
            result.append(Query(feeds: feeds, number: number, date: date, from: row["from"]!, to: row["to"]!,
                                leave: seconds(row["leave"]![...])!, expected: seconds(row["expected"]![...]),
                                walking: (row["walking"] ?? "none") != "none"))
        }
        return result
    }

    @Test func theReadmeHoldsFortyTwoQueries() throws {
        let all = try Self.queries()
        #expect(all.count == 42)
        #expect(Set(all.map { $0.feeds.last! }) == Set(Self.feedNames))
    }

    @Test(arguments: try! RaptorFixtureTests.queries())
    func handWorkedQuery(_ query: Query) throws {
        let (sources, ids) = try Self.sources(query.feeds)
        let timetable = TransitTimetable(sources: sources, date: query.date, rangeSeconds: 0...(2 * 86_400))
        let transfers = query.walking ? Self.straightTransfers(timetable) : .none(stopCount: timetable.stopCount)
        let from = try #require(query.feeds.lazy.compactMap { ids["\($0)/\(query.from)"] }.first)
        let to = try #require(query.feeds.lazy.compactMap { ids["\($0)/\(query.to)"] }.first)
        var search = RaptorSearch(timetable: timetable, transfers: transfers)
        search.run(access: [(from, query.leave)])
        let arrival = search.arrival[Int(to)]
        #expect((arrival == RaptorSearch.unreachable ? nil : arrival) == query.expected, "\(query)")
    }

    /// README "overtaking": FAST overtakes SLOW1 on the same stops, so that pattern splits; XPRS has its own.
    @Test func overtakingSplitsThePattern() throws {
        let (sources, _) = try Self.sources(["overtaking"])
        let timetable = TransitTimetable(sources: sources, date: Self.tuesday, rangeSeconds: 0...86_400)
        #expect(timetable.patternCount == 3)
        #expect(timetable.tripCount == 4)
    }

    // MARK: Door to door over a window

    /// Straight-line walks (4.8 km/h, rounded up) from each stop to the points within `maxSeconds`.
    static func straightWalks(_ timetable: TransitTimetable, to points: [XY], maxSeconds: Int32) -> StopPointWalks {
        var first: [UInt32] = [0], point: [UInt32] = [], seconds: [Int32] = []
        for s in 0..<timetable.stopCount {
            for (o, p) in points.enumerated() {
                let walk = Int32((distance(timetable.stopXY[s]!, p) / walkSpeed).rounded(.up))
                if walk <= maxSeconds { point.append(UInt32(o)); seconds.append(walk) }
            }
            first.append(UInt32(point.count))
        }
        return StopPointWalks(first: first, point: point, seconds: seconds, pointCount: points.count)
    }

    /// Origin at W1, the service at S1 (feed `transfer`), 07:20–07:23, at most 60 min, walks ≤ 15 min, footpaths
    /// ≤ 5 min. Distances from the README and its stop table (EPSG:27700): W1–S1 √(1600² + 1800²) = 2408.3 m
    /// (1807 s, 31 min on foot), P–S1 1000 m (750 s), Q–S1 1011.2 m (759 s), P–Q 150 m (113 s); no other stop is
    /// within 1200 m of S1 or W1.
    /// - 07:20: R2_0721 leaves W1 07:21, Q 07:28:00, walk to P 07:29:53, R1_0720 leaves P 07:30, S1 07:34:00
    ///   → 14 min (Q + 759 s = 07:40:39 is later).
    /// - 07:21: the same journey, 13 min.
    /// - 07:22: R2_0731 (W1 07:31) reaches Q 07:38:00; walking on from Q: 07:50:39, ⌈28 min 39 s⌉ = 29 min. Beats
    ///   R1_0740 to S1 07:54 (32 min, by X or by P) and walking all the way (31 min).
    @Test func doorToDoorByHand() throws {
        let (sources, ids) = try Self.sources(["transfer"])
        let minutes = DepartureMinutes(startSeconds: 7 * 3600 + 20 * 60, endSeconds: 7 * 3600 + 23 * 60, maxTripSeconds: 3600)
        let timetable = TransitTimetable(sources: sources, date: Self.tuesday, rangeSeconds: Int(minutes.startSeconds)...Int(minutes.horizonEnd))
        let w1 = timetable.stopXY[Int(ids["transfer/W1"]!)]!, s1 = timetable.stopXY[Int(ids["transfer/S1"]!)]!
        let transfers = Self.straightTransfers(timetable)
        let access = Self.straightWalks(timetable, to: [w1], maxSeconds: 900)
        let egressWalks = Self.straightWalks(timetable, to: [s1], maxSeconds: 900)
        let egress: [Int32?] = (0..<timetable.stopCount).map { s in
            let range = Int(egressWalks.first[s])..<Int(egressWalks.first[s + 1])
            return range.isEmpty ? nil : egressWalks.seconds[range.lowerBound]
        }
        #expect(egress[Int(ids["transfer/Q"]!)] == 759)
        #expect(egress[Int(ids["transfer/P"]!)] == 750)
        let walk = Int32((Self.distance(w1, s1) / Self.walkSpeed).rounded(.up))
        #expect(walk == 1807)
        let reverse = ReverseProfileSearch(timetable: timetable, transfers: transfers, access: access, minutes: minutes)
            .run(egress: egress, directWalk: [walk])
        #expect(reverse == [14, 13, 29])
        var forward = ForwardRangeSearch(timetable: timetable, transfers: transfers, egress: egressWalks)
        let times = forward.run(access: [(ids["transfer/W1"]!, 0)], directWalk: [(0, walk)], minutes: minutes, limitSeconds: 3600)
        #expect(times[0] == [14, 13, 29])
    }

    /// Arrive-by on the same W1 → S1 trip as doorToDoorByHand. Be at S1 by 07:34:00: R2_0721 leaves W1 07:21:00, X
    /// 07:27, Q 07:28, the 113 s walk to P, R1_0720 from P 07:30, S1 07:34:00: leave by 07:21, 13 min. By 07:33 that
    /// is too late, and so is R1_0720; R2_0711 (W1 07:11, Q 07:18) and the 759 s walk on from Q reach S1 07:30:39:
    /// leave by 07:11, 22 min (walking all the way, 1,807 s, would mean leaving at 07:02:53). Then each deadline of 07:00–08:00 is
    /// checked against the forward search: leaving the reported number of minutes before it arrives in time, and
    /// leaving a minute later does not.
    @Test func arriveByByHand() throws {
        let (sources, ids) = try Self.sources(["transfer"])
        let deadlines = DepartureMinutes(startSeconds: 7 * 3600 + 33 * 60, endSeconds: 7 * 3600 + 35 * 60, maxTripSeconds: 3600)
        let timetable = TransitTimetable(sources: sources, date: Self.tuesday, rangeSeconds: 6 * 3600...9 * 3600)
        let w1 = timetable.stopXY[Int(ids["transfer/W1"]!)]!, s1 = timetable.stopXY[Int(ids["transfer/S1"]!)]!
        let transfers = Self.straightTransfers(timetable)
        let access = Self.straightWalks(timetable, to: [w1], maxSeconds: 900)
        let egressWalks = Self.straightWalks(timetable, to: [s1], maxSeconds: 900)
        let egress: [Int32?] = (0..<timetable.stopCount).map { s in
            let range = Int(egressWalks.first[s])..<Int(egressWalks.first[s + 1])
            return range.isEmpty ? nil : egressWalks.seconds[range.lowerBound]
        }
        let walk = Int32((Self.distance(w1, s1) / Self.walkSpeed).rounded(.up))
        var latest = [Int32](repeating: 0, count: 1)
        let search = ReverseProfileSearch(timetable: timetable, transfers: transfers, access: access, minutes: deadlines)
        let times = latest.withUnsafeMutableBufferPointer { search.arriveBy(deadlines: deadlines, egress: egress, directWalk: [walk], latest: $0) }
        #expect(times == [22, 13])
        #expect(latest[0] == 7 * 3600 + 11 * 60)

        // Every deadline 07:00–08:00 against the forward search from W1.
        let window = DepartureMinutes(startSeconds: 7 * 3600, endSeconds: 8 * 3600, maxTripSeconds: 3600)
        let byDeadline = ReverseProfileSearch(timetable: timetable, transfers: transfers, access: access, minutes: window)
            .arriveBy(deadlines: window, egress: egress, directWalk: [walk])
        let departures = DepartureMinutes(startSeconds: 6 * 3600, endSeconds: 8 * 3600, maxTripSeconds: 3600)
        var forward = ForwardRangeSearch(timetable: timetable, transfers: transfers, egress: egressWalks)
        let leaving = try #require(forward.run(access: [(ids["transfer/W1"]!, 0)], directWalk: [(0, walk)], minutes: departures, limitSeconds: 3600)[0])
        for j in 0..<window.count {
            let v = Int(byDeadline[j]), deadlineMinute = 60 + j   // minute index of the deadline in `departures`
            #expect(v > 0 && v <= 31, "deadline \(j)")   // never worse than walking, ⌈1807/60⌉
            // Leave v minutes before: there by the deadline. Leave v − 1 before: not.
            #expect(Int(leaving[deadlineMinute - v]) <= v, "deadline \(j)")
            #expect(Int(leaving[deadlineMinute - v + 1]) >= v, "deadline \(j)")
        }
    }

    /// All five feeds as one network; origins 60 m north of every stop and half-way along each line; services
    /// 40 m east of the line ends. At every departure minute of two windows (the morning, and round midnight for
    /// `past_midnight`), the reverse search from the services equals the forward search from each origin.
    @Test(arguments: [(6 * 3600 + 50 * 60, 8 * 3600 + 40 * 60, 3600, 50), (23 * 3600 + 30 * 60, 24 * 3600 + 45 * 60, 5400, 10)])
    func reverseEqualsForward(window: (start: Int, end: Int, maxTrip: Int, minimumByTransit: Int)) throws {
        let (sources, ids) = try Self.sources(Self.feedNames)
        let minutes = DepartureMinutes(startSeconds: window.start, endSeconds: window.end, maxTripSeconds: window.maxTrip)
        let timetable = TransitTimetable(sources: sources, date: Self.tuesday, rangeSeconds: Int(minutes.startSeconds)...Int(minutes.horizonEnd))
        let stops = timetable.stopXY.map { $0! }
        var origins = stops.map { XY($0.x, $0.y + 60) }
        for pair in [("single_line/A1", "single_line/A4"), ("transfer/N1", "transfer/S1"), ("overtaking/O1", "overtaking/O4"),
                     ("past_midnight/M1", "past_midnight/M4"), ("transfer/W1", "transfer/E1")] {
            let a = stops[Int(ids[pair.0]!)], b = stops[Int(ids[pair.1]!)]
            origins.append(XY((a.x + b.x) / 2, (a.y + b.y) / 2))
        }
        let services = ["single_line/A4", "transfer/S1", "transfer/E1", "overtaking/O4", "past_midnight/M4", "calendar_exception/C3"]
            .map { stops[Int(ids[$0]!)] }.map { XY($0.x + 40, $0.y) }
        let transfers = Self.straightTransfers(timetable)
        let access = Self.straightWalks(timetable, to: origins, maxSeconds: 900)
        // Egress to the nearest service, and a single target "nearest service" for the forward search.
        let toServices = Self.straightWalks(timetable, to: services, maxSeconds: 900)
        let egress: [Int32?] = (0..<timetable.stopCount).map { s in
            toServices.seconds[Int(toServices.first[s])..<Int(toServices.first[s + 1])].min()
        }
        var first: [UInt32] = [0], target: [UInt32] = [], seconds: [Int32] = []
        for e in egress { if let e { target.append(0); seconds.append(e) }; first.append(UInt32(target.count)) }
        let nearest = StopPointWalks(first: first, point: target, seconds: seconds, pointCount: 1)
        let walks: [Int32] = origins.map { o in services.map { Int32((Self.distance(o, $0) / Self.walkSpeed).rounded(.up)) }.min()! }

        let reverse = ReverseProfileSearch(timetable: timetable, transfers: transfers, access: access, minutes: minutes)
            .run(egress: egress, directWalk: walks)
        var forward = ForwardRangeSearch(timetable: timetable, transfers: transfers, egress: nearest)
        var finite = 0, byTransit = 0
        for (o, _) in origins.enumerated() {
            var originAccess: [(stop: UInt32, seconds: Int32)] = []
            for s in 0..<timetable.stopCount {
                for e in Int(access.first[s])..<Int(access.first[s + 1]) where Int(access.point[e]) == o { originAccess.append((UInt32(s), access.seconds[e])) }
            }
            let times = forward.run(access: originAccess, directWalk: [(0, walks[o])], minutes: minutes, limitSeconds: minutes.maxTripSeconds)
            let expected = times[0] ?? [UInt8](repeating: WindowTimes.none, count: minutes.count)
            let got = Array(reverse[(o * minutes.count)..<((o + 1) * minutes.count)])
            #expect(got == expected, "origin \(o)")
            finite += got.count { $0 != WindowTimes.none }
            let walkMinutes = minutes.minutes(walks[o]) ?? WindowTimes.none
            byTransit += got.count { $0 < walkMinutes }
        }
        // The comparison is not vacuous: many minutes are reached, many of them faster than walking.
        #expect(finite > 100)
        #expect(byTransit > window.minimumByTransit)
    }

    @Test func percentilesFollowR5() {
        // n = 180: indexes 44, 89, 134 (⌈p·n/100⌉ − 1).
        #expect(WindowTimes.percentileIndex(25, of: 180) == 44)
        #expect(WindowTimes.percentileIndex(50, of: 180) == 89)
        #expect(WindowTimes.percentileIndex(75, of: 180) == 134)
        // 1…10 with two unreached: sorted 1…8, none, none; p50 index 4 → 5; p75 index 7 → 8; p90 index 8 → none.
        let values: [UInt8] = [8, 3, WindowTimes.none, 1, 5, 2, WindowTimes.none, 7, 4, 6]
        #expect(WindowTimes.percentiles(values[...], [25, 50, 75, 90]) == [3, 5, 8, WindowTimes.none])
    }
}
