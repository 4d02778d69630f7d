import Accessibility
import GeoData
import GeoPrimitives
import Projection

/// `reach departures`: departures in the window at every stop of each feed (docs/transit.md), as CSV.
public struct DeparturesJob: Sendable {
    public var gtfs: [String]
    public var date: ServiceDate?
    public var window: ServiceWindow
    public var output: String

    public init(gtfs: [String], date: ServiceDate? = nil, window: ServiceWindow = .morningPeak, output: String) {
        self.gtfs = gtfs
        self.date = date
        self.window = window
        self.output = output
    }

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
        let loaded = try TransitFeed.load(paths: gtfs, date: date, window: window, workingCRS: .britishNationalGrid, progress: progress)
        let readSeconds = clock.lap("read GTFS and count departures", into: &report.timings)
        report.feeds = loaded.feeds.map { CoverageJob.summary($0, date: loaded.date) }
        report.warnings = loaded.warnings
        report.stopTimesPerSecond = Double(report.feeds.reduce(0) { $0 + $1.stopTimes }) / max(readSeconds, 1e-9)
        var writer = JSONWriter(capacity: 1 << 20)
        writer.text("feed,stop_id,stop_name,lon,lat,modes,departures,departures_per_hour\n")
        for transit in loaded.feeds {
            let feed = transit.feed, frequency = transit.frequency
            var modes = [Set<RouteClass>](repeating: [], count: feed.stopCount)
            for t in 0..<feed.tripCount {
                let routeClass = RouteClass(routeType: feed.routeTypes[Int(feed.tripRoute[t])])
                for k in Int(feed.tripFirst[t])..<Int(feed.tripFirst[t + 1]) { modes[Int(feed.stopTimeStop[k])].insert(routeClass) }
            }
            for s in 0..<feed.stopCount {
                writer.text(CSVField.escape(feed.path))
                writer.byte(UInt8(ascii: ","))
                writer.text(CSVField.escape(feed.stopIDs.key(s)))
                writer.byte(UInt8(ascii: ","))
                writer.text(CSVField.escape(feed.stopNames[s]))
                writer.byte(UInt8(ascii: ","))
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
}
