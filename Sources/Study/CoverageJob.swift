import Accessibility
import Foundation
import GeoData
import GeoPrimitives

/// `reach coverage`: per zone, how much of its area and its people are near a bus stop or station, and how often
/// services run from the stops near them (docs/transit.md).
public struct CoverageJob: Sendable {
    /// Where the zones and origins come from, and how they are read.
    public var inputs: ZoneOriginInputs
    public var stops: StopSources
    public var gtfs: [String]
    public var gtfsBefore: [String]
    public var date: ServiceDate?
    public var beforeDate: ServiceDate?
    public var window: ServiceWindow
    /// Straight-line radius round bus stops (metres): area and population covered, bus departures.
    public var busRadiusMetres: Double
    /// Radius round rail and metro stops for departures (metres).
    public var railRadiusMetres: Double
    /// Distance bands for the share of people near a station (metres).
    public var stationBandsMetres: [Double]
    /// Departures an hour from one stop that make it frequent.
    public var frequentPerHour: Double
    public var output: String
    public var precision: Int

    public static let defaultBusRadius = 400.0
    public static let defaultRailRadius = 800.0
    public static let defaultBands = [800.0, 2000.0]

    public init(zones: [String], zoneOptions: ZoneLoadOptions = ZoneLoadOptions(), origins: String? = nil,
                originOptions: PointLoadOptions = PointLoadOptions(), weightField: String? = nil, stops: StopSources = StopSources(),
                gtfs: [String] = [], gtfsBefore: [String] = [], date: ServiceDate? = nil, beforeDate: ServiceDate? = nil,
                window: ServiceWindow = .morningPeak, busRadiusMetres: Double = CoverageJob.defaultBusRadius,
                railRadiusMetres: Double = CoverageJob.defaultRailRadius, stationBandsMetres: [Double] = CoverageJob.defaultBands,
                frequentPerHour: Double = 4, output: String, precision: Int = 6) {
        self.inputs = ZoneOriginInputs(zones: zones, zoneOptions: zoneOptions, origins: origins, originOptions: originOptions, weightField: weightField)
        self.stops = stops
        self.gtfs = gtfs
        self.gtfsBefore = gtfsBefore
        self.date = date
        self.beforeDate = beforeDate
        self.window = window
        self.busRadiusMetres = busRadiusMetres
        self.railRadiusMetres = railRadiusMetres
        self.stationBandsMetres = stationBandsMetres
        self.frequentPerHour = frequentPerHour
        self.output = output
        self.precision = precision
    }

    public struct FeedSummary: Sendable {
        public var path: String
        public var date: ServiceDate
        public var stops: Int
        public var trips: Int
        public var stopTimes: Int
        public var tripsRunning: Int
        public var departures: Int
    }

    public struct Report: Sendable {
        public var zoneCount = 0
        public var originCount = 0
        public var originsOutsideZones: [String] = []
        public var stopReports: [StopReadReport] = []
        public var stopCounts: [StopKind: Int] = [:]
        public var omittedKinds: [StopKind] = []
        public var feeds: [FeedSummary] = []
        public var beforeFeeds: [FeedSummary] = []
        public var feedWarnings: [String] = []
        public var zonesWithWarnings = 0
        public var timings: [(step: String, seconds: Double)] = []
        /// The stops read from the stop files (not GTFS), in the working CRS, and the OpenStreetMap extracts'
        /// bounds: what `reach run` draws the gaps from, without reading the files again.
        public var fileStops: [XY] = []
        public var extractBounds: [(file: String, envelope: Envelope)] = []
    }

    /// A band's label: whole kilometres as `2km`, else metres as `800m`.
    public static func bandLabel(_ metres: Double) -> String {
        metres >= 1000 && metres.truncatingRemainder(dividingBy: 1000) == 0 ? "\(Int(metres / 1000))km" : "\(JSONWriter.format(metres))m"
    }

    /// Names carry the radius only when it is not the standard one (400 m for bus stops).
    func radiusSuffix(_ radius: Double, standard: Double) -> String {
        radius == standard ? "" : "_\(CoverageJob.bandLabel(radius))"
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        try AtomicFile.checkWritable(output)
        guard !stops.isEmpty || !gtfs.isEmpty else {
            throw DataError(file: "reach coverage", "no stops given: name --naptan, --bus-stops, --rail-stations, --metro-stops, --osm-stops or --gtfs")
        }
        guard gtfsBefore.isEmpty || !gtfs.isEmpty else { throw DataError(file: "--gtfs-before", "needs --gtfs (the after feed) too") }
        var report = Report()
        var clock = StepClock()
        let (layer, originSet) = try inputs.load(progress: progress, timings: &report.timings)
        report.zoneCount = layer.zones.count
        report.originCount = originSet.points.count
        report.originsOutsideZones = originSet.outside

        let figures = try compute(layer: layer, origins: originSet, report: &report, progress: progress)
        clock.last = .now
        report.zonesWithWarnings = figures.applyingWarnings(to: layer).zones.count { !$0.warnings.isEmpty }
        progress("writing \(layer.zones.count) zones to \(output)")
        try ZoneExport.write(figures, layer: layer, precision: precision, to: output)
        clock.lap("write", into: &report.timings)
        return report
    }

    /// The figures of every zone of `layer` from `originSet` (already placed in it): stops and feeds read,
    /// catchments, nearest stops, departures. Timings and what was read go into `report`.
    public func compute(layer: ZoneLayer, origins originSet: OriginSet, report: inout Report,
                        progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> ZoneFigures {
        guard !stops.isEmpty || !gtfs.isEmpty else {
            throw DataError(file: "reach coverage", "no stops given: name --naptan, --bus-stops, --rail-stations, --metro-stops, --osm-stops or --gtfs")
        }
        var clock = StepClock()
        var feeds: [TransitFeed] = [], beforeFeeds: [TransitFeed] = []
        if !gtfs.isEmpty {
            let loaded = try TransitFeed.load(paths: gtfs, date: date, window: window, workingCRS: layer.workingCRS, progress: progress)
            feeds = loaded.feeds
            report.feeds = feeds.map { Self.summary($0, date: loaded.date) }
            report.feedWarnings += loaded.warnings
            if !gtfsBefore.isEmpty {
                let before = try TransitFeed.load(paths: gtfsBefore, date: beforeDate, window: window, workingCRS: layer.workingCRS, progress: progress)
                beforeFeeds = before.feeds
                report.beforeFeeds = beforeFeeds.map { Self.summary($0, date: before.date) }
                report.feedWarnings += before.warnings
            }
            clock.lap("read GTFS and count departures", into: &report.timings)
        }

        var allStops: [TransitStop]
        var extractWarnings = [[String]](repeating: [], count: layer.zones.count)
        if stops.isEmpty {
            allStops = StopSources.stops(of: feeds)
        } else {
            let loaded = try stops.load(progress: progress)
            allStops = loaded.stops
            report.stopReports = loaded.reports
            report.fileStops = allStops.map(\.xy)
            report.extractBounds = loaded.extractBounds
            extractWarnings = StopSources.outsideExtracts(layer: layer, bounds: loaded.extractBounds)
        }
        var byKind: [StopKind: [XY]] = [:]
        for stop in allStops { byKind[stop.kind, default: []].append(stop.xy) }
        for kind in StopKind.allCases { report.stopCounts[kind] = byKind[kind]?.count ?? 0 }
        let requested = Set(allStops.map(\.kind)).union(stops.busStops.isEmpty ? [] : [.bus])
            .union(stops.railStations.isEmpty ? [] : [.rail]).union(stops.metroStops.isEmpty ? [] : [.metro])
        report.omittedKinds = StopKind.allCases.filter { kind in
            // NaPTAN and OSM files imply every kind; say when one had none.
            (byKind[kind]?.isEmpty ?? true) && (!stops.naptan.isEmpty || !stops.osm.isEmpty || requested.contains(kind))
        }
        clock.lap("read stops", into: &report.timings)
        // Per zone: stops inside, bus-stop area coverage.
        var values = ZoneValues(zoneCount: layer.zones.count)
        for (z, warnings) in extractWarnings.enumerated() { for warning in warnings { values.warn(z, warning) } }
        for kind in StopKind.allCases {
            guard let points = byKind[kind], !points.isEmpty else { continue }
            let zoneOf = try ZoneAssignment.assign(points, to: layer)
            var counts = [Double](repeating: 0, count: layer.zones.count)
            for z in zoneOf.compactMap({ $0 }) { counts[z] += 1 }
            values.add("\(kind.stem)_count", counts.map { $0 })
        }
        if let busStops = byKind[.bus], !busStops.isEmpty {
            progress("bus-stop coverage of \(layer.zones.count) zones by \(busStops.count) stops (\(JSONWriter.format(busRadiusMetres)) m)")
            let coverage = try StopCoverage(radiusMetres: busRadiusMetres).measure(zones: layer.zones, stops: busStops)
            values.add("bus_stop_area_pct\(radiusSuffix(busRadiusMetres, standard: Self.defaultBusRadius))", layer.zones.indices.map { z in
                guard let covered = coverage[z].coveredSquareMetres, let area = layer.zones[z].areaSquareMetres, area > 0 else { return nil }
                return min(100, 100 * covered / area)
            }, decimals: 4)
            clock.lap("bus-stop area coverage", into: &report.timings)
        }

        // Per origin: nearest stop of each kind.
        let members = originSet.members(zoneCount: layer.zones.count)
        for kind in StopKind.allCases {
            guard let points = byKind[kind], !points.isEmpty else { continue }
            let nearest = try NearestService.nearest(from: originSet.points, in: PointIndex(points)).map { $0?.distanceMetres ?? .infinity }
            if kind == .bus {
                let name = "bus_stop_pop_pct\(radiusSuffix(busRadiusMetres, standard: Self.defaultBusRadius))"
                values.add(name, Self.weightedShare(members, originSet.weights) { nearest[$0] <= busRadiusMetres }, decimals: 4)
            } else {
                values.add("\(kind.stem)_distance_mean_m", Self.weightedMean(members, originSet.weights) { nearest[$0] }, decimals: 1)
                for band in stationBandsMetres {
                    values.add("\(kind.stem)_pop_pct_\(Self.bandLabel(band))", Self.weightedShare(members, originSet.weights) { nearest[$0] <= band }, decimals: 4)
                }
            }
        }
        clock.lap("nearest stops", into: &report.timings)

        // Departures per hour near each origin, now and before.
        if !feeds.isEmpty, !stops.isEmpty {
            // A stop file may cover more than a (clipped, partial) feed: say where departures may be undercounted.
            let served = Set(StopSources.stops(of: feeds).map(\.kind))
            let missing = try Self.stopsMissingFromFeeds(allStops.filter { served.contains($0.kind) }, feeds: feeds, layer: layer)
            let kindsText = served.sorted().map(\.rawValue).joined(separator: "/")
            for (z, count) in missing.enumerated() where count.missing > 0 {
                values.warn(z, "\(count.missing) of the ward's \(count.total) \(kindsText) stops are in no GTFS feed (no stop with their id or within \(JSONWriter.format(Self.feedMatchMetres)) m), so departures near them are not counted")
            }
        }
        if !feeds.isEmpty {
            let classes = Self.classes(in: feeds)
            var after: [RouteClass: [Double?]] = [:]
            for routeClass in classes {
                let radius = routeClass == .bus ? busRadiusMetres : railRadiusMetres
                let standard = routeClass == .bus ? Self.defaultBusRadius : Self.defaultRailRadius
                let suffix = radiusSuffix(radius, standard: standard)
                progress("\(routeClass) departures near \(originSet.points.count) origins")
                let (perHour, frequent) = try departures(routeClass, feeds: feeds, radius: radius, origins: originSet, members: members)
                after[routeClass] = perHour
                values.add("\(routeClass)_departures_per_hour\(suffix)", perHour, decimals: 3)
                values.add("\(routeClass)_frequent_pop_pct\(suffix)", frequent, decimals: 4)
                if !beforeFeeds.isEmpty {
                    let (before, _) = try departures(routeClass, feeds: beforeFeeds, radius: radius, origins: originSet, members: members)
                    var change: [Double?] = []
                    for z in layer.zones.indices {
                        guard let now = perHour[z], let then = before[z] else { change.append(nil); continue }
                        if then > 0 {
                            change.append(100 * (now - then) / then)
                        } else if now > 0 {
                            change.append(nil)
                            values.warn(z, "no \(routeClass) departures near its origins before, so no \(routeClass)_departures_change_pct")
                        } else {
                            change.append(0)
                        }
                    }
                    values.add("\(routeClass)_departures_change_pct\(suffix)", change, decimals: 2)
                }
            }
            clock.lap("departures near origins", into: &report.timings)
        }

        for z in layer.zones.indices where layer.zones[z].geometry != nil && originSet.fallbackZones.contains(z) {
            values.warnings[z].insert("no origin lies in this zone; its point-on-surface stands for it", at: 0)
        }
        values.columns = Self.grouped(values.columns)
        var figures = ZoneFigures(values, layer: layer)
        for (z, own) in members.enumerated() {
            figures.properties[z].append(("origins_count", .number(Double(own.count))))
            figures.properties[z].append(("origins_weight", .number(own.reduce(0) { $0 + originSet.weights[$1] })))
        }
        return figures
    }

    /// Stop indicators kind by kind (bus, rail, metro), then the timetable ones, keeping order within each.
    static func grouped<T>(_ columns: [(name: String, values: T, decimals: Int?)]) -> [(name: String, values: T, decimals: Int?)] {
        let prefixes = StopKind.allCases.map { $0.stem + "_" } + RouteClass.allCases.map { $0.rawValue + "_" }
        func group(_ name: String) -> Int { prefixes.firstIndex { name.hasPrefix($0) } ?? prefixes.count }
        return columns.enumerated().sorted { (group($0.element.name), $0.offset) < (group($1.element.name), $1.offset) }.map(\.element)
    }

    static func summary(_ transit: TransitFeed, date: ServiceDate) -> FeedSummary {
        FeedSummary(path: transit.feed.path, date: date, stops: transit.feed.stopCount, trips: transit.feed.tripCount,
                    stopTimes: transit.feed.stopTimeCount, tripsRunning: transit.frequency.tripsRunning,
                    departures: transit.frequency.instance.count)
    }

    /// A stop read from a stop file counts as in a feed when a feed stop has its id (ATCO codes in Bus Open Data
    /// feeds) or lies within this distance (metres).
    public static let feedMatchMetres = 50.0

    /// Per zone: its bus, rail and metro stops (from the stop files), and how many of them no feed has.
    static func stopsMissingFromFeeds(_ stops: [TransitStop], feeds: [TransitFeed], layer: ZoneLayer) throws -> [(total: Int, missing: Int)] {
        var ids = Set<String>()
        var positions: [XY] = []
        for transit in feeds {
            for s in 0..<transit.feed.stopCount {
                ids.insert(transit.feed.stopIDs.key(s))
                if let xy = transit.positions[s] { positions.append(xy) }
            }
        }
        let index = PointIndex(positions)
        let zoneOf = try ZoneAssignment.assign(stops.map(\.xy), to: layer)
        var counts = [(total: Int, missing: Int)](repeating: (0, 0), count: layer.zones.count)
        for (i, stop) in stops.enumerated() {
            guard let z = zoneOf[i] else { continue }
            counts[z].total += 1
            let found = (!stop.id.isEmpty && ids.contains(stop.id)) || (index.nearest(to: stop.xy)?.distanceMetres ?? .infinity) <= feedMatchMetres
            if !found { counts[z].missing += 1 }
        }
        return counts
    }

    /// Bus always (its absence is news), other classes when some route of the feeds runs them.
    static func classes(in feeds: [TransitFeed]) -> [RouteClass] {
        var present: Set<RouteClass> = [.bus]
        for transit in feeds { for type in transit.feed.routeTypes { present.insert(RouteClass(routeType: type)) } }
        return [RouteClass.bus, .rail, .metro].filter(present.contains)
    }

    /// Per zone: weighted mean departures per hour and weighted share near a frequent stop.
    func departures(_ routeClass: RouteClass, feeds: [TransitFeed], radius: Double, origins: OriginSet,
                    members: [[Int]]) throws -> (perHour: [Double?], frequent: [Double?]) {
        let gathered = ClassDepartures(routeClass: routeClass, feeds: feeds.map { ($0.feed, $0.frequency, $0.positions) })
        let perOrigin = try DepartureCoverage(radiusMetres: radius, frequentPerHour: frequentPerHour)
            .measure(origins: origins.points, departures: gathered)
        return (Self.weightedMean(members, origins.weights) { perOrigin[$0].departuresPerHour },
                Self.weightedShare(members, origins.weights) { perOrigin[$0].nearFrequentStop })
    }

    /// Σ w·value / Σ w over each zone's origins (plain mean when all weights are 0); nil for a zone without origins.
    static func weightedMean(_ members: [[Int]], _ weights: [Double], _ value: (Int) -> Double) -> [Double?] {
        members.map { own in
            guard !own.isEmpty else { return nil }
            let total = own.reduce(0) { $0 + weights[$1] }
            if total > 0 { return own.reduce(0) { $0 + weights[$1] * value($1) } / total }
            return own.reduce(0) { $0 + value($1) } / Double(own.count)
        }
    }

    /// 100 × Σ w(origins where `test`) / Σ w (shares of counts when all weights are 0); nil for a zone without origins.
    static func weightedShare(_ members: [[Int]], _ weights: [Double], _ test: (Int) -> Bool) -> [Double?] {
        weightedMean(members, weights) { test($0) ? 100 : 0 }
    }
}

/// Named per-zone values in output order, rounded as each asks, with per-zone warnings.
struct ZoneValues: Sendable {
    var columns: [(name: String, values: [Double?], decimals: Int?)] = []
    var warnings: [[String]]

    init(zoneCount: Int) { warnings = Array(repeating: [], count: zoneCount) }

    mutating func add(_ name: String, _ values: [Double?], decimals: Int? = nil) {
        columns.append((name, values, decimals))
    }

    mutating func warn(_ zone: Int, _ message: String) { warnings[zone].append(message) }

    func properties(of zone: Int, hasGeometry: Bool) -> [(key: String, value: JSONValue)] {
        columns.map { column in
            guard hasGeometry, let value = column.values[zone], value.isFinite else { return (column.name, .null) }
            guard let decimals = column.decimals else { return (column.name, .number(value)) }
            let scale = pow(10, Double(decimals))
            return (column.name, .number((value * scale).rounded() / scale))
        }
    }
}
