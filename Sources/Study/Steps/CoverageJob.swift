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
    /// In a study, also draw the gaps (`gaps.geojson`, a layer of the map): each zone's area farther than this
    /// (metres) from every stop of the stop files; nil for none.
    public var gapsRadiusMetres: Double?
    /// The zone table a one-step run writes (`--out`); a study step leaves it nil and `reach run` writes.
    public var output: String?
    public var precision: Int

    public static let defaultBusRadius = 400.0
    public static let defaultRailRadius = 800.0
    /// The largest stop radius, in metres: 5 km is past any walk to a stop, and the catchments' cost grows with
    /// the square of the radius (a 10 km radius took 82 s on Trafford's 21 wards, 400 m takes 0.8 s).
    public static let maxRadiusMetres = 5_000.0
    public static let defaultBands = [800.0, 2000.0]

    public init(zones: [String], zoneOptions: ZoneLoadOptions = ZoneLoadOptions(), origins: String? = nil,
                originOptions: PointLoadOptions = PointLoadOptions(), weightField: String? = nil, stops: StopSources = StopSources(),
                gtfs: [String] = [], gtfsBefore: [String] = [], date: ServiceDate? = nil, beforeDate: ServiceDate? = nil,
                window: ServiceWindow = .morningPeak, busRadiusMetres: Double = CoverageJob.defaultBusRadius,
                railRadiusMetres: Double = CoverageJob.defaultRailRadius, stationBandsMetres: [Double] = CoverageJob.defaultBands,
                frequentPerHour: Double = 4, output: String? = nil, precision: Int = 6) {
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
        guard let output else { throw DataError(file: "reach coverage", "no output file: name it with --out FILE") }
        try AtomicFile.checkWritable(output)
        guard !stops.isEmpty || !gtfs.isEmpty else {
            throw DataError(file: "reach coverage", "no stops given: name --naptan, --bus-stops, --rail-stations, --metro-stops, --osm-stops or --gtfs")
        }
        guard gtfsBefore.isEmpty || !gtfs.isEmpty else { throw DataError(file: "--gtfs-before", "needs --gtfs (the after feed) too") }
        var report = Report()
        let context = try StudyContext.loadForOneStep(inputs, precision: precision, progress: progress, report: &report)
        let result = try compute(context, report: &report, progress: progress)
        report.zonesWithWarnings = try ZoneTable.writeOneStep(result, context: context, to: output, progress: progress, timings: &report.timings)
        return report
    }

    static let source = "reach coverage"

    /// The figures of every zone of the study: stops and feeds read, catchments, nearest stops, departures.
    /// Timings and what was read go into `report`.
    public func compute(_ context: StudyContext, report: inout Report,
                        progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> StepOutput {
        guard !stops.isEmpty || !gtfs.isEmpty else {
            throw DataError(file: "reach coverage", "no stops given: name --naptan, --bus-stops, --rail-stations, --metro-stops, --osm-stops or --gtfs")
        }
        let layer = context.layer, originSet = context.origins, reducer = context.reducer
        var clock = StepClock()
        var feeds: [TransitFeed] = [], beforeFeeds: [TransitFeed] = []
        var serviceDate: ServiceDate?
        if !gtfs.isEmpty {
            let loaded = try context.transitFeeds(paths: gtfs, date: date, window: window, progress: progress)
            feeds = loaded.feeds
            serviceDate = loaded.date
            report.feeds = feeds.map { Self.summary($0, date: loaded.date) }
            report.feedWarnings += loaded.warnings
            if !gtfsBefore.isEmpty {
                let before = try context.transitFeeds(paths: gtfsBefore, date: beforeDate, window: window, progress: progress)
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
            let loaded = try stops.load(extent: layer.nearExtent, progress: progress)
            allStops = loaded.stops
            report.stopReports = loaded.reports
            report.feedWarnings += loaded.reports.flatMap(\.warnings)
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
        // Per zone: stops inside, bus-stop area coverage. The population shares weigh origins, so the origins'
        // warnings (a zone without origins, a zone whose origins all weigh 0) are this step's too.
        var output = context.output()
        var indicators: [Indicator] = []
        for (z, warnings) in extractWarnings.enumerated() { for warning in warnings { output.warn(z, warning) } }
        for kind in StopKind.allCases {
            guard let points = byKind[kind], !points.isEmpty else { continue }
            let zoneOf = try context.zoneIndex.zoneOf(points)
            var counts = [Int](repeating: 0, count: layer.zones.count)
            for z in zoneOf.compactMap({ $0 }) { counts[z] += 1 }
            indicators.append(Indicator("\(kind.stem)_count", unit: "stops", "active \(kind.label)s inside the zone", source: Self.source, counts: counts))
        }
        if let busStops = byKind[.bus], !busStops.isEmpty {
            progress("bus-stop coverage of \(layer.zones.count) zones by \(busStops.count) stops (\(JSONWriter.format(busRadiusMetres)) m)")
            let coverage = try StopCoverage(radiusMetres: busRadiusMetres).measure(index: context.zoneIndex, zones: layer.zones, stops: busStops)
            indicators.append(Indicator("bus_stop_area_pct\(radiusSuffix(busRadiusMetres, standard: Self.defaultBusRadius))", unit: "%",
                                        "share of the zone's area within \(JSONWriter.format(busRadiusMetres)) m (straight line) of a bus stop",
                                        source: Self.source, decimals: 4, numbers: layer.zones.indices.map { z in
                guard let covered = coverage[z].coveredSquareMetres, let area = layer.zones[z].areaSquareMetres, area > 0 else { return nil }
                return min(100, 100 * covered / area)
            }))
            clock.lap("bus-stop area coverage", into: &report.timings)
        }

        // Per origin: nearest stop of each kind.
        for kind in StopKind.allCases {
            guard let points = byKind[kind], !points.isEmpty else { continue }
            let nearest = try NearestService.nearest(from: originSet.points, in: PointIndex(points)).map { $0?.distanceMetres }
            output.originColumns.append(Indicator("\(kind.stem)_distance_m", unit: "m", "straight-line distance from this origin to the nearest \(kind.label)",
                                                  source: Self.source, decimals: 1, numbers: nearest))
            if kind == .bus {
                let name = "bus_stop_pop_pct\(radiusSuffix(busRadiusMetres, standard: Self.defaultBusRadius))"
                indicators.append(Indicator(name, unit: "%", "share of the zone's origin weight within \(JSONWriter.format(busRadiusMetres)) m (straight line) of a bus stop",
                                            source: Self.source, decimals: 4, numbers: reducer.share(nearest, atMost: busRadiusMetres)))
            } else {
                indicators.append(Indicator("\(kind.stem)_distance_mean_m", unit: "m", "population-weighted mean straight-line distance to the nearest \(kind.label)",
                                            source: Self.source, decimals: 1, numbers: reducer.mean(nearest)))
                for band in stationBandsMetres {
                    indicators.append(Indicator("\(kind.stem)_pop_pct_\(Self.bandLabel(band))", unit: "%",
                                                "share of the zone's origin weight within \(JSONWriter.format(band)) m (straight line) of a \(kind.label)",
                                                source: Self.source, decimals: 4, numbers: reducer.share(nearest, atMost: band)))
                }
            }
        }
        clock.lap("nearest stops", into: &report.timings)

        // Departures per hour near each origin, now and before.
        if !feeds.isEmpty, !stops.isEmpty {
            // A stop file may cover more than a (clipped, partial) feed: say where departures may be undercounted.
            let served = Set(StopSources.stops(of: feeds).map(\.kind))
            let missing = try Self.stopsMissingFromFeeds(allStops.filter { served.contains($0.kind) }, feeds: feeds, index: context.zoneIndex)
            let kindsText = served.sorted().map(\.rawValue).joined(separator: "/")
            for (z, count) in missing.enumerated() where count.missing > 0 {
                output.warn(z, "\(count.missing) of the zone's \(count.total) \(kindsText) stops are in no GTFS feed (no stop with their id or within \(JSONWriter.format(Self.feedMatchMetres)) m), so departures near them are not counted")
            }
        }
        if !feeds.isEmpty, let serviceDate {
            let classes = Self.classes(in: feeds)
            for routeClass in classes {
                let radius = routeClass == .bus ? busRadiusMetres : railRadiusMetres
                let standard = routeClass == .bus ? Self.defaultBusRadius : Self.defaultRailRadius
                let suffix = radiusSuffix(radius, standard: standard)
                progress("\(routeClass) departures near \(originSet.points.count) origins")
                let (perHour, frequent) = try departures(routeClass, feeds: feeds, radius: radius, context: context)
                indicators.append(Indicator("\(routeClass)_departures_per_hour\(suffix)", unit: "departures/hour",
                                            "population-weighted mean of distinct \(routeClass) trips an hour leaving stops within \(JSONWriter.format(radius)) m of each origin (GTFS, \(serviceDate), \(window))",
                                            source: Self.source, decimals: 3, numbers: perHour))
                indicators.append(Indicator("\(routeClass)_frequent_pop_pct\(suffix)", unit: "%",
                                            "share of the zone's origin weight within \(JSONWriter.format(radius)) m of a stop with at least \(JSONWriter.format(frequentPerHour)) \(routeClass) departures an hour",
                                            source: Self.source, decimals: 4, numbers: frequent))
                if !beforeFeeds.isEmpty {
                    let (before, _) = try departures(routeClass, feeds: beforeFeeds, radius: radius, context: context)
                    var change: [Double?] = []
                    for z in layer.zones.indices {
                        guard let now = perHour[z], let then = before[z] else { change.append(nil); continue }
                        if then > 0 {
                            change.append(100 * (now - then) / then)
                        } else if now > 0 {
                            change.append(nil)
                            output.warn(z, "no \(routeClass) departures near its origins before, so no \(routeClass)_departures_change_pct")
                        } else {
                            change.append(0)
                        }
                    }
                    indicators.append(Indicator("\(routeClass)_departures_change_pct\(suffix)", unit: "%",
                                                "change in \(routeClass)_departures_per_hour\(suffix) since the earlier feed (--gtfs-before)",
                                                source: Self.source, decimals: 2, numbers: change))
                }
            }
            clock.lap("departures near origins", into: &report.timings)
        }

        for z in originSet.fallbackZones.sorted() where layer.zones[z].geometry != nil {
            output.warnings[z].insert(StudyContext.fallbackWarning, at: 0)
        }
        for indicator in Self.grouped(indicators) { output.add(indicator) }
        if !allStops.isEmpty { output.layers.append(Self.stopLayer(allStops)) }
        for indicator in Self.originColumns(context, source: Self.source) { output.add(indicator) }
        return output
    }

    /// `origins_count` and `origins_weight` of every zone: how many origins the figures stand on.
    static func originColumns(_ context: StudyContext, source: String) -> [Indicator] {
        [Indicator("origins_count", unit: "origins", "origins (weighted points) placed in the zone", source: source,
                   counts: context.reducer.originCounts),
         Indicator("origins_weight", unit: nil, "total weight (population) of the zone's origins", source: source,
                   numbers: context.reducer.ownWeight)]
    }

    /// Stop indicators kind by kind (bus, rail, metro), then the timetable ones, keeping order within each.
    static func grouped(_ columns: [Indicator]) -> [Indicator] {
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
    static func stopsMissingFromFeeds(_ stops: [TransitStop], feeds: [TransitFeed], index zoneIndex: ZoneIndex) throws -> [(total: Int, missing: Int)] {
        var ids = Set<String>()
        var positions: [XY] = []
        for transit in feeds {
            for s in 0..<transit.feed.stopCount {
                ids.insert(transit.feed.stopIDs.key(s))
                if let xy = transit.positions[s] { positions.append(xy) }
            }
        }
        let index = PointIndex(positions)
        let zoneOf = try zoneIndex.zoneOf(stops.map(\.xy))
        var counts = [(total: Int, missing: Int)](repeating: (0, 0), count: zoneIndex.zoneCount)
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
    func departures(_ routeClass: RouteClass, feeds: [TransitFeed], radius: Double,
                    context: StudyContext) throws -> (perHour: [Double?], frequent: [Double?]) {
        let gathered = ClassDepartures(routeClass: routeClass, feeds: feeds.map { ($0.feed, $0.frequency, $0.positions) })
        let perOrigin = try DepartureCoverage(radiusMetres: radius, frequentPerHour: frequentPerHour)
            .measure(origins: context.origins.points, departures: gathered)
        return (context.reducer.mean(perOrigin.map(\.departuresPerHour)), context.reducer.share { perOrigin[$0].nearFrequentStop })
    }
}

extension CoverageJob: StudyStep {
    public var title: String { "coverage" }
    /// Departures and the frequent-service share come from the feeds (and stops too, when no stop file is given).
    public var readsTimetables: Bool { !gtfs.isEmpty }

    public func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        var report = Report()
        var output = try compute(context, report: &report, progress: progress).with(report)
        // The gaps are drawn from the stop files this step read (report.fileStops), not read again.
        // Gaps come from the stop files, which no scenario changes: the baseline's are the only ones.
        if let radius = gapsRadiusMetres, context.scenario == nil {
            progress("gaps farther than \(JSONWriter.format(radius)) m from every stop")
            let gaps = try GapsJob.gapFeatures(layer: context.layer, index: context.zoneIndex, origins: context.origins, stops: report.fileStops, radiusMetres: radius,
                                               extraWarnings: StopSources.outsideExtracts(layer: context.layer, bounds: report.extractBounds)).features
            output.gaps = gaps
            output.files.append(StudyFile(name: StudyOutputs.gapsName, bytes: try GeoJSONWriter(precision: context.precision).encode(gaps)))
        }
        return output
    }
}

extension CoverageJob {
    /// The stops the step read, as a point layer: kind, id, name and the file and line they came from.
    static func stopLayer(_ stops: [TransitStop]) -> OutputLayer {
        OutputLayer(name: "stops", description: "the active stops reach coverage used", geometryType: "POINT",
                    columns: [.init(name: "kind", type: .text, title: "kind", description: "bus, rail or metro"),
                              .init(name: "stop_id", type: .text, title: "stop_id", description: "the stop's code (ATCO code for NaPTAN)"),
                              .init(name: "stop_name", type: .text, title: "stop_name", description: "the stop's name"),
                              .init(name: "source", type: .text, title: "source", description: "the file and record it was read from")],
                    rows: stops.map { [.string($0.kind.rawValue), .string($0.id), .string($0.name), .string($0.source)] },
                    geometries: stops.map { .point($0.xy) }, styleQML: GeoPackageStyle.marker(colour: "#e6550d", sizeMillimetres: 1.6))
    }
}

extension CoverageJob.Report: StepReport {
    var notes: [String] {
        feedWarnings + omittedKinds.map { "no active \($0.rawValue) stops were read, so no \($0.stem)_* figures are written" }
    }
}

extension StopKind {
    /// `bus stop`, `rail station`, `metro stop`: for descriptions.
    var label: String { stem.replacingOccurrences(of: "_", with: " ") }
}

extension CoverageJob.Report: OneStepReport {
    var contextWarnings: [String] {
        get { feedWarnings }
        set { feedWarnings = newValue }
    }
}
