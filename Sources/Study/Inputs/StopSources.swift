import Accessibility
import GeoData
import GeoPrimitives
import Projection

/// The stop files of a study: NaPTAN, plain point layers per kind, OSM extracts; read into active stops in the
/// working CRS, with what each reader kept and skipped.
public struct StopSources: Sendable {
    public var naptan: [String]
    public var busStops: [String]
    public var railStations: [String]
    public var metroStops: [String]
    public var osm: [String]
    /// How the plain point layers are read (their CRS; the working CRS).
    public var pointOptions: PointLoadOptions

    public init(naptan: [String] = [], busStops: [String] = [], railStations: [String] = [], metroStops: [String] = [],
                osm: [String] = [], pointOptions: PointLoadOptions = PointLoadOptions()) {
        self.naptan = naptan
        self.busStops = busStops
        self.railStations = railStations
        self.metroStops = metroStops
        self.osm = osm
        self.pointOptions = pointOptions
    }

    public var isEmpty: Bool { naptan.isEmpty && busStops.isEmpty && railStations.isEmpty && metroStops.isEmpty && osm.isEmpty }

    /// What the stop files hold.
    public struct Loaded: Sendable {
        public var stops: [TransitStop] = []
        public var reports: [StopReadReport] = []
        /// Bounding boxes of the OpenStreetMap extracts in the working CRS (an extract holds nothing beyond its box).
        public var extractBounds: [(file: String, envelope: Envelope)] = []
    }

    /// Reads every stop file; each file's stops are checked by `PointPlacement` against the working CRS and
    /// `extent` (the zones'), its warnings going into the file's report.
    public func load(extent: PointPlacement.Extent? = nil, progress: @Sendable (String) -> Void) throws -> Loaded {
        var stops: [TransitStop] = [], reports: [StopReadReport] = []
        var extractBounds: [(file: String, envelope: Envelope)] = []
        for path in naptan {
            progress("reading NaPTAN stops \(path)")
            var (read, report) = try NaPTANReader.read(path: path, workingCRS: pointOptions.workingCRS)
            report.warnings += try PointPlacement.check(read.map(\.xy), source: { read[$0].source }, file: path, role: "stops",
                                                        working: pointOptions.workingCRS, extent: extent)
            stops += read
            reports.append(report)
        }
        for (paths, kind) in [(busStops, StopKind.bus), (railStations, .rail), (metroStops, .metro)] {
            for path in paths {
                progress("reading \(kind) stops \(path)")
                var options = pointOptions
                options.fields = []
                let points = try PointLoader.load(path: path, options: options)
                guard !points.isEmpty else { throw DataError(file: path, "holds no stops") }
                stops += points.map { TransitStop(xy: $0.xy, kind: kind, id: "", name: "", source: $0.source) }
                var report = StopReadReport(file: path)
                report.warnings = try PointPlacement.check(points, file: path, role: "stops", working: pointOptions.workingCRS, extent: extent)
                report.kept[kind] = points.count
                reports.append(report)
            }
        }
        for path in osm {
            progress("reading OpenStreetMap stops \(path)")
            let (read, report, _, bounds) = try OSMStopReader.read(path: path, workingCRS: pointOptions.workingCRS)
            stops += read
            reports.append(report)
            if let bounds {
                // The box's edges, densified, into the working CRS: its envelope there.
                var edge: [XY] = []
                for k in 0...20 {
                    let f = Double(k) / 20
                    edge += [XY(bounds.minX + f * bounds.width, bounds.minY), XY(bounds.minX + f * bounds.width, bounds.maxY),
                             XY(bounds.minX, bounds.minY + f * bounds.height), XY(bounds.maxX, bounds.minY + f * bounds.height)]
                }
                try Transformer(from: .wgs84, to: pointOptions.workingCRS).transform(&edge)
                if let envelope = Envelope(covering: edge) { extractBounds.append((path, envelope)) }
            }
        }
        return Loaded(stops: stops, reports: reports, extractBounds: extractBounds)
    }

    /// Per zone, a warning when part of it lies beyond every OpenStreetMap extract read (whose stops then cannot be
    /// complete there).
    public static func outsideExtracts(layer: ZoneLayer, bounds: [(file: String, envelope: Envelope)]) -> [[String]] {
        layer.zones.map { zone in
            guard !bounds.isEmpty, let envelope = zone.geometry?.envelope else { return [] }
            let inside = bounds.contains { box in
                envelope.minX >= box.envelope.minX && envelope.maxX <= box.envelope.maxX
                    && envelope.minY >= box.envelope.minY && envelope.maxY <= box.envelope.maxY
            }
            if inside { return [] }
            let files = bounds.map(\.file).joined(separator: ", ")
            return ["part of the zone lies outside the OpenStreetMap extract (\(files)), so its stops there are missing"]
        }
    }

    /// The stops of each GTFS feed, each of the kinds of the routes that call there (a stop served by buses and
    /// trams is both); for studies that give feeds but no stop file.
    public static func stops(of feeds: [TransitFeed]) -> [TransitStop] {
        var stops: [TransitStop] = []
        for transit in feeds {
            let feed = transit.feed
            var kinds = [Set<StopKind>](repeating: [], count: feed.stopCount)
            for t in 0..<feed.tripCount {
                let kind: StopKind
                switch RouteClass(routeType: feed.routeTypes[Int(feed.tripRoute[t])]) {
                case .bus: kind = .bus
                case .rail: kind = .rail
                case .metro: kind = .metro
                case .ferry, .other: continue
                }
                for k in Int(feed.tripFirst[t])..<Int(feed.tripFirst[t + 1]) { kinds[Int(feed.stopTimeStop[k])].insert(kind) }
            }
            for s in 0..<feed.stopCount {
                guard let xy = transit.positions[s] else { continue }
                for kind in kinds[s].sorted() {
                    stops.append(TransitStop(xy: xy, kind: kind, id: feed.stopIDs.key(s), name: feed.stopNames[s], source: feed.stopSources[s]))
                }
            }
        }
        return stops
    }
}

/// One GTFS feed ready for counting: read, its stops placed in the working CRS, its departures in the window
/// of the service date.
public struct TransitFeed: Sendable {
    public var feed: GTFSFeed
    /// Stop positions in the working CRS (nil where the feed gives none).
    public var positions: [XY?]
    public var frequency: ServiceFrequency

    /// Reads each feed and counts its departures on `date` (default: the first feed's first full week's
    /// Tuesday) in `window`. No trip of any feed running on the date is an error giving the feeds' dates; a feed
    /// of several without service that date is a warning.
    public static func load(paths: [String], date: ServiceDate?, window: ServiceWindow, workingCRS: CRS,
                            progress: @Sendable (String) -> Void) throws -> (feeds: [TransitFeed], date: ServiceDate, warnings: [String]) {
        var feeds: [GTFSFeed] = []
        for path in paths {
            progress("reading GTFS \(path)")
            feeds.append(try GTFSFeed.read(path: path))
        }
        return try load(feeds: feeds, date: date, window: window, workingCRS: workingCRS, progress: progress)
    }

    /// Feeds already read (a scenario's edited feeds), placed and counted as `load(paths:)` does.
    public static func load(feeds: [GTFSFeed], date: ServiceDate?, window: ServiceWindow, workingCRS: CRS,
                            progress: @Sendable (String) -> Void) throws -> (feeds: [TransitFeed], date: ServiceDate, warnings: [String]) {
        guard let first = feeds.first else { throw DataError(file: "--gtfs", "no feed given") }
        guard let serviceDate = date ?? first.defaultDate else {
            throw DataError(file: first.path, "its calendar covers no Tuesday; give the service date with --date YYYY-MM-DD")
        }
        var result: [TransitFeed] = []
        var warnings: [String] = []
        let toWorking = try Transformer(from: .wgs84, to: workingCRS)
        func idle(_ feed: GTFSFeed) -> String {
            let range = feed.dateRange.map { "\($0.lowerBound) to \($0.upperBound)" } ?? "no dates at all"
            return "no trip runs on \(serviceDate) (a \(ServiceDate.weekdayNames[serviceDate.weekday].capitalized)); the feed's calendar covers \(range)"
        }
        // No feed running on the date is an error; one of several (a rail feed without Sunday service) is a warning.
        // The day before's trips past 24:00 run on the date too (Friday's late trains on a Saturday).
        if let first = feeds.first, feeds.allSatisfy({ $0.tripsRunning(on: serviceDate) == 0 && $0.tripsRunning(on: serviceDate.adding(days: -1)) == 0 }) {
            throw DataError(file: first.path, "\(idle(first)): choose another --date")
        }
        for feed in feeds {
            warnings += feed.warnings
            let running = feed.tripsRunning(on: serviceDate)
            if running == 0 { warnings.append("\(feed.path): \(idle(feed)), so it adds only the day before's trips past 24:00, if any") }
            var points = feed.stopLonLat.map { $0 ?? XY(0, 0) }
            do {
                try toWorking.transform(&points)
            } catch let ProjectionError.nonFiniteResult(index, _, message) {
                throw DataError(file: feed.stopSources[index], "stop '\(feed.stopIDs.key(index))' cannot be placed in \(workingCRS.definition): \(message)")
            }
            let positions = feed.stopLonLat.indices.map { feed.stopLonLat[$0] == nil ? nil : points[$0] }
            // Stops of the feed are checked as every point layer is (a stops.txt with lat and lon swapped).
            let placed = positions.indices.filter { positions[$0] != nil }
            warnings += try PointPlacement.check(placed.map { positions[$0]! }, source: { feed.stopSources[placed[$0]] },
                                                 file: "\(feed.path): stops.txt", role: "stops", working: workingCRS)
            progress("counting departures of \(running) trips in \(feed.path) on \(serviceDate), \(window)")
            result.append(TransitFeed(feed: feed, positions: positions, frequency: ServiceFrequency(feed: feed, date: serviceDate, window: window)))
        }
        return (result, serviceDate, warnings)
    }
}
