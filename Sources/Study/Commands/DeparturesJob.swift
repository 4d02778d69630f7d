import Accessibility
import GeoData
import GeoPrimitives
import Projection

/// `reach departures`: departures in the window at every stop of each feed (docs/transit.md), as CSV; or, with
/// `dates`, every stop's departures in each hour of each date (`--week`, `--hourly`).
public struct DeparturesJob: Sendable {
    public var gtfs: [String]
    public var date: ServiceDate?
    public var window: ServiceWindow
    public var output: String
    /// The dates of the hourly table; empty writes the one-window table.
    public var dates: [ServiceDate] = []

    public init(gtfs: [String], date: ServiceDate? = nil, window: ServiceWindow = .morningPeak, output: String, dates: [ServiceDate] = []) {
        self.gtfs = gtfs
        self.date = date
        self.window = window
        self.output = output
        self.dates = dates
    }

    /// The header of the hourly table: a row per feed, stop, date and hour with a departure.
    public static let hourlyHeader = "feed,stop_id,stop_name,date,hour,departures," + RouteClass.allCases.map(\.rawValue).joined(separator: ",") + "\n"

    public struct Report: Sendable {
        public var feeds: [CoverageJob.FeedSummary] = []
        public var warnings: [String] = []
        public var stopTimesPerSecond = 0.0
        public var timings: [(step: String, seconds: Double)] = []
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        try AtomicFile.checkWritable(output)
        var report = Report()
        var clock = StepClock()
        var writer = JSONWriter(capacity: 1 << 20)
        if !dates.isEmpty {
            // By hour: every date is counted on its own, and a date without service is a note, not an error.
            var feeds: [GTFSFeed] = []
            for path in gtfs {
                progress("reading GTFS \(path)")
                let feed = try GTFSFeed.read(path: path)
                report.warnings += feed.warnings
                feeds.append(feed)
            }
            let readSeconds = clock.lap("read GTFS", into: &report.timings)
            report.feeds = feeds.map { CoverageJob.FeedSummary(path: $0.path, date: dates[0], stops: $0.stopCount, trips: $0.tripCount,
                                                                stopTimes: $0.stopTimeCount, tripsRunning: $0.tripsRunning(on: dates[0]), departures: 0) }
            report.stopTimesPerSecond = Double(report.feeds.reduce(0) { $0 + $1.stopTimes }) / max(readSeconds, 1e-9)
            writeHourly(feeds, into: &writer, report: &report, progress: progress)
            try AtomicFile.write(writer.bytes, to: output)
            clock.lap("hourly departures and write", into: &report.timings)
            return report
        }
        let loaded = try TransitFeed.load(paths: gtfs, date: date, window: window, workingCRS: .britishNationalGrid, progress: progress)
        let readSeconds = clock.lap("read GTFS and count departures", into: &report.timings)
        report.feeds = loaded.feeds.map { CoverageJob.summary($0, date: loaded.date) }
        report.warnings = loaded.warnings
        report.stopTimesPerSecond = Double(report.feeds.reduce(0) { $0 + $1.stopTimes }) / max(readSeconds, 1e-9)
        writer.text("feed,stop_id,stop_name,lon,lat,modes,departures,departures_per_hour\n")
        for transit in loaded.feeds {
            let feed = transit.feed, frequency = transit.frequency
            var modes = [Set<RouteClass>](repeating: [], count: feed.stopCount)
            for t in 0..<feed.tripCount {
                let routeClass = RouteClass(routeType: feed.routeTypes[Int(feed.tripRoute[t])])
                for k in Int(feed.tripFirst[t])..<Int(feed.tripFirst[t + 1]) { modes[Int(feed.stopTimeStop[k])].insert(routeClass) }
            }
            for s in 0..<feed.stopCount {
                Self.stopFields(feed, s, into: &writer)
                if let lonLat = feed.stopLonLat[s] {
                    writer.fixed(lonLat.x, decimals: 6)
                    writer.byte(UInt8(ascii: ","))
                    writer.fixed(lonLat.y, decimals: 6)
                } else {
                    writer.byte(UInt8(ascii: ","))
                }
                writer.byte(UInt8(ascii: ","))
                writer.text(modes[s].sorted().map(\.rawValue).joined(separator: " "))
                writer.byte(UInt8(ascii: ","))
                let count = frequency.count(at: s)
                writer.number(Double(count))
                writer.byte(UInt8(ascii: ","))
                writer.fixed(Double(count) / window.hours, decimals: 4)
                writer.byte(0x0A)
            }
        }
        try AtomicFile.write(writer.bytes, to: output)
        clock.lap("write", into: &report.timings)
        return report
    }
    /// `feed,stop_id,stop_name,` of stop s: the first fields of both tables.
    static func stopFields(_ feed: GTFSFeed, _ s: Int, into writer: inout JSONWriter) {
        writer.text(CSVField.escape(feed.path))
        writer.byte(UInt8(ascii: ","))
        writer.text(CSVField.escape(feed.stopIDs.key(s)))
        writer.byte(UInt8(ascii: ","))
        writer.text(CSVField.escape(feed.stopNames[s]))
        writer.byte(UInt8(ascii: ","))
    }

    /// The hourly table: for each feed, date, stop and hour with a departure, the departures (docs/transit.md's
    /// definition for a one-hour window) and those of each route class. A date on which a feed runs nothing is
    /// said in the report, not an error.
    func writeHourly(_ feeds: [GTFSFeed], into writer: inout JSONWriter, report: inout Report, progress: @Sendable (String) -> Void) {
        writer.text(Self.hourlyHeader)
        for feed in feeds {
            for date in dates {
                progress("\(feed.path): departures by hour on \(date)")
                let frequency = ServiceFrequency(feed: feed, date: date, window: .wholeDay)
                if frequency.instanceCount == 0 {
                    report.warnings.append("\(feed.path): no trip runs on \(date) (\(ServiceDate.weekdayNames[date.weekday])): every stop has 0 departures that day")
                    continue
                }
                let dateText = "\(date)"
                for s in 0..<feed.stopCount where !frequency.departures(at: s).isEmpty {
                    let byClass = RouteClass.allCases.map { frequency.hourly(at: s, of: $0) }
                    for hour in 0..<24 {
                        let total = byClass.reduce(0) { $0 + $1[hour] }
                        guard total > 0 else { continue }
                        Self.stopFields(feed, s, into: &writer)
                        writer.text(dateText)
                        writer.byte(UInt8(ascii: ","))
                        writer.number(Double(hour))
                        writer.byte(UInt8(ascii: ","))
                        writer.number(Double(total))
                        for counts in byClass {
                            writer.byte(UInt8(ascii: ","))
                            writer.number(Double(counts[hour]))
                        }
                        writer.byte(0x0A)
                    }
                }
            }
        }
    }
}
