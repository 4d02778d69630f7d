import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Projection

/// `reach pt`: door-to-door time by public transport and walking from where people live to the nearest service
/// of each category, for every departure minute of a window, summarised per origin by the window's median and
/// quartiles and per zone by weighted means (docs/raptor.md). One reverse range-RAPTOR search per category from
/// its services; a forward one from each zone's typical origin for the services within each threshold.
public struct PublicTransportJob: Sendable {
    public var inputs: ZoneOriginInputs
    public var services: [String]
    public var categoryField: String?
    /// Keep only these categories (all when empty).
    public var categories: [String]
    public var serviceOptions: PointLoadOptions
    /// The OpenStreetMap extract the walking graph comes from.
    public var osm: String
    public var gtfs: [String]
    /// The service date (default: the first feed's first full week's Tuesday).
    public var date: ServiceDate?
    /// Departure minutes: every minute of [start, end).
    public var window: ServiceWindow
    /// Longest walk from an origin to a stop and from a stop to a service, minutes.
    public var maxWalkMinutes: Double
    /// Longest walk between two stops, minutes.
    public var maxTransferWalkMinutes: Double
    /// Longest journey counted, minutes; longer is "not reached".
    public var maxTripMinutes: Double
    /// Thresholds, minutes: `_within_{t}_pct` and `_count_within_{t}`.
    public var minutes: [Double]
    public var profile: RoadProfile
    public var maxSnapMetres: Double
    public var minIslandNodes: Int
    public var output: String
    public var originsOutput: String?
    /// Every origin's time at every departure minute, as CSV (large: origins × categories × minutes rows).
    public var minutesOutput: String?
    public var precision: Int

    public init(zones: [String], zoneOptions: ZoneLoadOptions = ZoneLoadOptions(), services: [String],
                categoryField: String? = nil, categories: [String] = [], serviceOptions: PointLoadOptions = PointLoadOptions(),
                origins: String? = nil, originOptions: PointLoadOptions = PointLoadOptions(), weightField: String? = nil,
                osm: String, gtfs: [String], date: ServiceDate? = nil, window: ServiceWindow = .morningPeak,
                maxWalkMinutes: Double = 15, maxTransferWalkMinutes: Double = 5, maxTripMinutes: Double = 120,
                minutes: [Double] = [15, 30, 45, 60], profile: RoadProfile = RoadProfile(), maxSnapMetres: Double = 500,
                minIslandNodes: Int = 40, output: String, originsOutput: String? = nil, minutesOutput: String? = nil,
                precision: Int = 6) {
        self.inputs = ZoneOriginInputs(zones: zones, zoneOptions: zoneOptions, origins: origins, originOptions: originOptions, weightField: weightField)
        self.services = services
        self.categoryField = categoryField
        self.categories = categories
        self.serviceOptions = serviceOptions
        self.osm = osm
        self.gtfs = gtfs
        self.date = date
        self.window = window
        self.maxWalkMinutes = maxWalkMinutes
        self.maxTransferWalkMinutes = maxTransferWalkMinutes
        self.maxTripMinutes = maxTripMinutes
        self.minutes = minutes
        self.profile = profile
        self.maxSnapMetres = maxSnapMetres
        self.minIslandNodes = minIslandNodes
        self.output = output
        self.originsOutput = originsOutput
        self.minutesOutput = minutesOutput
        self.precision = precision
    }

    public struct Report: Sendable {
        public var zoneCount = 0
        public var originCount = 0
        public var originsOutsideZones: [String] = []
        public var categories: [(name: String, services: Int)] = []
        public var date: ServiceDate?
        public var feeds: [CoverageJob.FeedSummary] = []
        /// Notes from the feeds (one-stop trips, services that never run) and about the window.
        public var warnings: [String] = []
        public var patterns = 0
        public var tripRuns = 0
        public var stops = 0
        /// Stops more than the maximum snap distance from a walkable road (ridden through, never walked to).
        public var stopsUnsnapped = 0
        public var transferLinks = 0
        public var accessLinks = 0
        public var originsOffGraph = 0
        public var originsUnserved = 0
        /// Services further than the maximum snap distance from a walkable road, per category.
        public var unsnappedServices: [(category: String, count: Int, firstSource: String)] = []
        /// The fastest vehicle between consecutive calls, km/h, and how many origin × category minima were checked
        /// against it (docs/raptor.md, "Invariant").
        public var fastestKmh = 0.0
        public var invariantChecks = 0
        public var zonesWithWarnings = 0
        public var timings: [(step: String, seconds: Double)] = []
    }

    /// Per origin and category, the window's quartiles (whole minutes; `WindowTimes.none`: nothing within the
    /// maximum trip), and whether the origin is on the walk graph and served by a stop with a departure.
    public struct OriginTimes: Sendable {
        /// `quartiles[c][3 * o + q]`, q = 0, 1, 2 for the 25th, 50th and 75th percentiles.
        public var quartiles: [[UInt8]]
        /// Whole seconds on foot to the nearest service, per category and origin (nil: none).
        public var directWalk: [[Int32?]]
        public var onGraph: [Bool]
        public var served: [Bool]
        public var snapMetres: [Double?]
        /// `minutes[c][o * window + k]` when the per-minute output was asked for, else empty.
        public var perMinute: [[UInt8]] = []
    }

    var departureMinutes: DepartureMinutes {
        DepartureMinutes(startSeconds: window.startSeconds, endSeconds: window.endSeconds, maxTripSeconds: Int((maxTripMinutes * 60).rounded()))
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        for path in [output, originsOutput, minutesOutput].compactMap({ $0 }) { try AtomicFile.checkWritable(path) }
        var report = Report()
        var clock = StepClock()
        let (layer, originSet) = try inputs.load(progress: progress, timings: &report.timings)
        report.zoneCount = layer.zones.count
        report.originCount = originSet.points.count
        report.originsOutsideZones = originSet.outside

        let computed = try compute(layer: layer, origins: originSet, report: &report, progress: progress)
        clock.last = .now
        progress("writing \(layer.zones.count) zones to \(output)")
        let figures = computed.figures
        try ZoneExport.write(figures, layer: layer, precision: precision, to: output)
        if let originsOutput {
            try AtomicFile.write(originsTable(origins: originSet, layer: layer, times: computed.originTimes, names: computed.names), to: originsOutput)
        }
        if let minutesOutput {
            try AtomicFile.write(minutesTable(origins: originSet, times: computed.originTimes, names: computed.names), to: minutesOutput)
        }
        clock.lap("write", into: &report.timings)
        return report
    }

    /// The figures of every zone of `layer` from `originSet` (already placed in it). Timings go into `report`.
    public func compute(layer: ZoneLayer, origins originSet: OriginSet, report: inout Report,
                        progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> (figures: ZoneFigures, originTimes: OriginTimes, names: [String]) {
        var clock = StepClock()
        let minutesGrid = departureMinutes
        let maxWalk = Int32((maxWalkMinutes * 60).rounded()), maxTransfer = Int32((maxTransferWalkMinutes * 60).rounded())

        progress("reading services")
        let catalogue = try ServiceCatalogue.load(paths: services, categoryField: categoryField, only: categories, options: serviceOptions)
        let names = catalogue.names
        guard !names.isEmpty else { throw DataError(file: services.joined(separator: ", "), "no services read") }
        report.categories = names.map { ($0, catalogue.categories[$0]!.count) }
        clock.lap("read services", into: &report.timings)

        progress("reading the walking network \(osm)")
        let network = try RoadNetwork.read(path: osm, profile: profile, modes: [.walk], workingCRS: inputs.zoneOptions.workingCRS)
        clock.lap("read network", into: &report.timings)
        let context = try NetworkContext(network: network, modes: [.walk], catalogue: catalogue, names: names,
                                         origins: originSet.points, maxSnapMetres: maxSnapMetres, minIslandNodes: minIslandNodes)
        let originSnaps = context.originSnaps[.walk]!
        let helpers = context.categoryTimes[.walk]!
        for (c, name) in names.enumerated() {
            let unsnapped = context.unsnappedServices[.walk]![c]
            if !unsnapped.isEmpty { report.unsnappedServices.append((name, unsnapped.count, catalogue.categories[name]![unsnapped[0]].source)) }
        }
        report.originsOffGraph = originSnaps.count { $0 == nil }
        clock.lap("snap origins and services", into: &report.timings)

        let loaded = try TransitFeed.load(paths: gtfs, date: date, window: window, workingCRS: inputs.zoneOptions.workingCRS, progress: progress)
        report.date = loaded.date
        report.feeds = loaded.feeds.map { CoverageJob.summary($0, date: loaded.date) }
        report.warnings += loaded.warnings
        report.warnings += try Self.windowWarnings(loaded.feeds, date: loaded.date, window: window)
        clock.lap("read GTFS", into: &report.timings)

        progress("building the timetable of \(loaded.date), departures \(window) and journeys up to \(DistanceJob.label(maxTripMinutes)) min")
        let timetable = TransitTimetable(sources: loaded.feeds.map { .init(feed: $0.feed, positions: $0.positions) }, date: loaded.date,
                                         rangeSeconds: Int(minutesGrid.startSeconds)...Int(minutesGrid.horizonEnd))
        report.patterns = timetable.patternCount
        report.tripRuns = timetable.tripCount
        report.stops = timetable.stopCount
        let snapper = context.snappers[.walk]!
        let walkSpeed = profile.walkKmh / 3.6
        let links = try TransitWalkLinks(snapper: snapper, stopPositions: timetable.stopXY, maxSnapMetres: maxSnapMetres,
                                         maxTransferSeconds: maxTransfer, fastestWalkMetresPerSecond: walkSpeed)
        report.stopsUnsnapped = timetable.stopCount - links.snappedStopCount
        report.transferLinks = links.transfers.target.count
        let access = try StopPointWalks.build(links, to: originSnaps, maxSeconds: maxWalk)
        report.accessLinks = access.point.count
        clock.lap("timetable and walking links", into: &report.timings)
        guard !access.point.isEmpty else {
            let onGraph = "\(NumberText.grouped(links.snappedStopCount)) of \(NumberText.grouped(timetable.stopCount)) stops and \(NumberText.grouped(originSnaps.count - report.originsOffGraph)) of \(NumberText.grouped(originSnaps.count)) origins are within \(DistanceJob.label(maxSnapMetres)) m of a walkable road"
            throw DataError(file: gtfs.joined(separator: ", "), try noStopMessage(origins: originSet.points, stops: timetable.stopXY, labels: timetable.stopLabel, maxWalk: maxWalk) + " (\(onGraph))")
        }

        // Origins with a stop within the maximum walk that has a departure in the window.
        var departs = [Bool](repeating: false, count: timetable.stopCount)
        var offset = 0
        for transit in loaded.feeds {
            for s in 0..<transit.feed.stopCount where transit.frequency.count(at: s) > 0 { departs[offset + s] = true }
            offset += transit.feed.stopCount
        }
        var served = [Bool](repeating: false, count: originSet.points.count)
        for s in 0..<timetable.stopCount where departs[s] {
            for e in Int(access.first[s])..<Int(access.first[s + 1]) { served[Int(access.point[e])] = true }
        }
        report.originsUnserved = originSnaps.indices.count { originSnaps[$0] != nil && !served[$0] }

        progress("public transport: \(names.count) categor\(names.count == 1 ? "y" : "ies") × \(minutesGrid.count) departure minutes, \(NumberText.grouped(timetable.tripCount)) trip runs")
        let search = ReverseProfileSearch(timetable: timetable, transfers: links.transfers, access: access, minutes: minutesGrid)
        let keepMinutes = minutesOutput != nil
        let perCategory: [(quartiles: [UInt8], walk: [Int32?], minima: [UInt8], perMinute: [UInt8])] = try ParallelMap.map(Array(names.indices), chunksPerWorker: 1) { slice in
            slice.map { c in
                let helper = helpers[c]
                let egress = links.egress(to: helper, maxWalkSeconds: maxWalk)
                var walkSearch = TravelTimeSearch(graph: helper.graph)
                let walk = helper.timesToNearest(originSnaps, search: &walkSearch).map { $0.map { Int32($0.rounded(.up)) } }
                let times = search.run(egress: egress, directWalk: walk)
                let k = minutesGrid.count
                var quartiles = [UInt8](repeating: WindowTimes.none, count: 3 * originSnaps.count)
                var minima = [UInt8](repeating: WindowTimes.none, count: originSnaps.count)
                for o in originSnaps.indices where originSnaps[o] != nil {
                    let row = times[(o * k)..<((o + 1) * k)]
                    let values = WindowTimes.percentiles(row, [25, 50, 75])
                    quartiles[3 * o] = values[0]
                    quartiles[3 * o + 1] = values[1]
                    quartiles[3 * o + 2] = values[2]
                    minima[o] = row.min() ?? WindowTimes.none
                }
                return (quartiles, walk, minima, keepMinutes ? times : [])
            }
        }
        clock.lap("public transport search", into: &report.timings)

        // No time may beat the straight line at the fastest speed in the timetable (docs/raptor.md, "Invariant").
        let fastest = max(walkSpeed, Self.fastestVehicle(timetable, positions: links.stopSnaps.indices.map { s in
            links.stopSnaps[s].map { snapper.position(of: $0) } ?? timetable.stopXY[s]
        }))
        report.fastestKmh = fastest * 3.6
        for (c, name) in names.enumerated() {
            let helper = helpers[c]
            guard !helper.services.isEmpty else { continue }
            let index = PointIndex(helper.services.map { snapper.position(of: $0) })
            for o in originSnaps.indices {
                guard let snap = originSnaps[o], perCategory[c].minima[o] != WindowTimes.none,
                      let nearest = index.nearest(to: snapper.position(of: snap)) else { continue }
                report.invariantChecks += 1
                if Double(perCategory[c].minima[o]) * 60 + 1e-6 < nearest.distanceMetres / fastest {
                    throw DataError(file: "pt", location: "origin \(originSet.labels[o])",
                                    "internal check failed: \(perCategory[c].minima[o]) min to the nearest \(name) is faster than the straight line (\(Int(nearest.distanceMetres)) m) at the fastest speed in the timetable (\(Int(fastest * 3.6)) km/h); please report this")
                }
            }
        }

        var originTimes = OriginTimes(quartiles: perCategory.map(\.quartiles), directWalk: perCategory.map(\.walk),
                                      onGraph: originSnaps.map { $0 != nil }, served: served, snapMetres: originSnaps.map { $0?.distanceMetres })
        if keepMinutes { originTimes.perMinute = perCategory.map(\.perMinute) }

        progress("services within \(minutes.map(DistanceJob.label).joined(separator: ", ")) min of each zone's typical origin")
        let counts = try typicalCounts(layer: layer, origins: originSet, links: links, timetable: timetable, helpers: helpers, minutesGrid: minutesGrid, maxWalk: maxWalk)
        clock.lap("typical-origin counts", into: &report.timings)

        let figures = aggregate(layer: layer, origins: originSet, times: originTimes, counts: counts, names: names)
        report.zonesWithWarnings = figures.warnings.indices.count { !figures.warnings[$0].isEmpty || !layer.zones[$0].warnings.isEmpty }
        clock.lap("aggregate", into: &report.timings)
        return (figures, originTimes, names)
    }

    // MARK: Checks and messages

    /// An error when no feed has a departure in the window (naming each feed's hours on the date), a warning
    /// for each feed that has none while others do.
    static func windowWarnings(_ feeds: [TransitFeed], date: ServiceDate, window: ServiceWindow) throws -> [String] {
        func hours(_ feed: GTFSFeed) -> String {
            var first = Int.max, last = Int.min
            feed.forEachTripInstance(on: date) { t, delta in
                first = min(first, Int(feed.departureSeconds[Int(feed.tripFirst[t])]) + delta)
                last = max(last, Int(feed.arrivalSeconds[Int(feed.tripFirst[t + 1]) - 1]) + delta)
            }
            return first <= last ? "\(GTFSTime.format(first).prefix(5))–\(GTFSTime.format(last).prefix(5))" : "no trips"
        }
        let idle = feeds.filter { $0.frequency.instanceCount == 0 }
        if idle.count == feeds.count {
            let list = feeds.map { "\($0.feed.path): \(hours($0.feed))" }.joined(separator: ", ")
            throw DataError(file: feeds.map(\.feed.path).joined(separator: ", "), "no departure \(window) on \(date) in any feed (\(list)): choose another --window or --date")
        }
        return idle.map { "\($0.feed.path): no departure \(window) on \(date) (its trips run \(hours($0.feed))); it adds nothing to the journeys" }
    }

    func noStopMessage(origins: [XY], stops: [XY?], labels: [String], maxWalk: Int32) throws -> String {
        let placed = stops.indices.filter { stops[$0] != nil }
        var nearest: (origin: Int, stop: Int, metres: Double)?
        if !placed.isEmpty {
            let index = PointIndex(placed.map { stops[$0]! })
            for (o, point) in origins.enumerated() {
                if let hit = index.nearest(to: point), hit.distanceMetres < nearest?.metres ?? .infinity { nearest = (o, placed[hit.index], hit.distanceMetres) }
            }
        }
        let detail = nearest.map { "; nearest: origin \($0.origin) is \(NumberText.grouped(Int($0.metres.rounded()))) m from stop \(labels[$0.stop])" } ?? ""
        return "no GTFS stop is within \(DistanceJob.label(Double(maxWalk) / 60)) min walk of any of the \(NumberText.grouped(origins.count)) origins\(detail); public-transport times would be walking only (check that the feeds cover the area, or --max-walk)"
    }

    /// The fastest speed of any trip run between consecutive calls whose stops have positions (metres per
    /// second): straight distance over scheduled time, calls in the same second merged into the next timed hop.
    static func fastestVehicle(_ timetable: TransitTimetable, positions: [XY?]) -> Double {
        var fastest = 0.0
        for p in 0..<timetable.patternCount {
            let base = Int(timetable.patternStopFirst[p]), length = Int(timetable.patternStopFirst[p + 1]) - base
            for trip in Int(timetable.patternTripFirst[p])..<Int(timetable.patternTripFirst[p + 1]) {
                let times = Int(timetable.tripTimeFirst[trip])
                var lastPosition: XY?
                var lastDeparture: Int32 = 0
                var pending = 0.0
                for i in 0..<length {
                    guard let here = positions[Int(timetable.patternStops[base + i])] else { continue }
                    if let previous = lastPosition {
                        pending += ((here.x - previous.x) * (here.x - previous.x) + (here.y - previous.y) * (here.y - previous.y)).squareRoot()
                        let seconds = timetable.arrivals[times + i] - lastDeparture
                        if seconds > 0 {
                            fastest = max(fastest, pending / Double(seconds))
                            pending = 0
                        }
                    }
                    if pending == 0 { lastDeparture = timetable.departures[times + i] }
                    lastPosition = here
                }
            }
        }
        return fastest
    }

    // MARK: Typical origins

    /// Per zone and category, the services whose median time (over the window) from the zone's typical origin
    /// is within each threshold, up to `DistanceJob.countCap`; nil when the zone has no origin or its typical
    /// origin is not on the walk graph.
    func typicalCounts(layer: ZoneLayer, origins: OriginSet, links: TransitWalkLinks, timetable: TransitTimetable,
                       helpers: [NetworkTravelTime], minutesGrid: DepartureMinutes, maxWalk: Int32) throws -> [[[Int]]?] {
        // Every snapped service of every category as one target list.
        let targets = helpers.flatMap(\.services)
        let targetCategory = helpers.indices.flatMap { c in Array(repeating: c, count: helpers[c].services.count) }
        let egress = try StopPointWalks.build(links, to: targets, maxSeconds: maxWalk)
        let snapper = links.snapper, graph = snapper.graph
        let targetIndex = PointIndex(targets.map { snapper.position(of: $0) })
        let limit = Int32(((minutes.max() ?? 0) * 60).rounded())
        let thresholds = minutes.map { Int(($0).rounded(.down)) }
        let categoryCount = helpers.count
        let typical = ZoneTypicalOrigin.points(layer: layer, origins: origins)
        let walkSpeed = links.fastestWalkMetresPerSecond
        let snapMetres = maxSnapMetres
        return try ParallelMap.map(Array(layer.zones.indices), worker: {
            (ForwardRangeSearch(timetable: timetable, transfers: links.transfers, egress: egress), TravelTimeSearch(graph: graph))
        }) { worker, slice in
            var (range, walkSearch) = worker
            return slice.map { z -> [[Int]]? in
                guard let point = typical[z], let snap = snapper.snap(point, maxMetres: snapMetres) else { return nil }
                let access = links.stopsNear(snap, maxSeconds: maxWalk, search: &walkSearch)
                walkSearch.run(from: NetworkTravelTime.seedsFrom(snap, graph: graph), direction: .fromSources, limitSeconds: Double(limit))
                var direct: [(target: Int, seconds: Int32)] = []
                targetIndex.forEach(within: Double(limit) * walkSpeed + 1, of: snapper.position(of: snap)) { j, _ in
                    if let time = NetworkTravelTime.time(to: targets[j], from: snap, search: walkSearch) {
                        direct.append((j, Int32(time.rounded(.up))))
                    }
                }
                let times = range.run(access: access, directWalk: direct, minutes: minutesGrid, limitSeconds: limit)
                var counts = [[Int]](repeating: [Int](repeating: 0, count: thresholds.count), count: categoryCount)
                for (target, row) in times {
                    let median = WindowTimes.percentiles(row[...], [50])[0]
                    guard median != WindowTimes.none else { continue }
                    for (i, t) in thresholds.enumerated() where Int(median) <= t {
                        counts[targetCategory[target]][i] = min(counts[targetCategory[target]][i] + 1, DistanceJob.countCap)
                    }
                }
                return counts
            }
        }
    }

    // MARK: Aggregation

    func aggregate(layer: ZoneLayer, origins: OriginSet, times: OriginTimes, counts: [[[Int]]?], names: [String]) -> ZoneFigures {
        var figures = ZoneFigures(zoneCount: layer.zones.count)
        var members = [[Int]](repeating: [], count: layer.zones.count)
        for (o, z) in origins.zone.enumerated() { members[z].append(o) }
        let window = "\(self.window)"
        for (z, zone) in layer.zones.enumerated() {
            let own = members[z]
            let hasGeometry = zone.geometry != nil
            let onGraph = own.filter { times.onGraph[$0] }
            let useWeights = onGraph.contains { origins.weights[$0] > 0 }
            func weight(_ o: Int) -> Double { useWeights ? origins.weights[o] : 1 }
            let totalWeight = onGraph.reduce(0) { $0 + weight($1) }
            var properties: [(key: String, value: JSONValue)] = []
            var warnings: [String] = []
            if hasGeometry, origins.fallbackZones.contains(z) {
                warnings.append("no origin lies in this zone; its point-on-surface stands for it")
            }
            func value(_ number: Double?) -> JSONValue { hasGeometry ? number.map { .number(($0 * 100).rounded() / 100) } ?? .null : .null }
            for (c, name) in names.enumerated() {
                let prefix = "\(name)_pt"
                let quartiles = times.quartiles[c]
                func mean(_ q: Int) -> Double? {
                    var sum = 0.0, total = 0.0
                    for o in onGraph where quartiles[3 * o + q] != WindowTimes.none {
                        sum += weight(o) * Double(quartiles[3 * o + q])
                        total += weight(o)
                    }
                    return total > 0 ? sum / total : nil
                }
                properties.append(("\(prefix)_mean", value(mean(1))))
                properties.append(("\(prefix)_p25_mean", value(mean(0))))
                properties.append(("\(prefix)_p75_mean", value(mean(2))))
                for t in minutes {
                    var within = 0.0
                    for o in onGraph where quartiles[3 * o + 1] != WindowTimes.none && Double(quartiles[3 * o + 1]) <= t { within += weight(o) }
                    properties.append(("\(prefix)_within_\(DistanceJob.label(t))_pct", value(totalWeight > 0 ? within / totalWeight * 100 : nil)))
                }
                for (i, t) in minutes.enumerated() {
                    let count = counts[z].map { JSONValue.number(Double($0[c][i])) } ?? .null
                    properties.append(("\(prefix)_count_within_\(DistanceJob.label(t))", hasGeometry ? count : .null))
                }
                let unreachable = onGraph.count { quartiles[3 * $0 + 1] == WindowTimes.none }
                properties.append(("\(prefix)_unreachable", hasGeometry ? .number(Double(unreachable)) : .null))
                if unreachable > 0 {
                    warnings.append("\(unreachable) of \(onGraph.count) origins reach no \(name) within \(DistanceJob.label(maxTripMinutes)) min by public transport and walking for more than half the departure minutes \(window); left out of \(prefix)_mean and counted as not within")
                }
                let p75Missing = onGraph.count { quartiles[3 * $0 + 2] == WindowTimes.none } - unreachable
                if p75Missing > 0 {
                    warnings.append("\(p75Missing) origins reach a \(name) within \(DistanceJob.label(maxTripMinutes)) min at the median but not at the 75th percentile; left out of \(prefix)_p75_mean")
                }
            }
            let unserved = onGraph.count { !times.served[$0] }
            properties.append(("pt_origins_unserved", hasGeometry ? .number(Double(unserved)) : .null))
            if unserved > 0 {
                warnings.append("\(unserved) of \(onGraph.count) origins have no stop with a departure \(window) within \(DistanceJob.label(maxWalkMinutes)) min walk; their public-transport times are walking only")
            }
            let off = own.count - onGraph.count
            if off > 0 {
                warnings.append("\(off) of \(own.count) origins are more than \(DistanceJob.label(maxSnapMetres)) m from a walkable road; left out of every public-transport figure")
            }
            if !own.isEmpty, hasGeometry, counts[z] == nil {
                warnings.append("the zone's typical origin is not within \(DistanceJob.label(maxSnapMetres)) m of a walkable road; public-transport counts are null")
            }
            figures.properties[z] = properties
            figures.warnings[z] = warnings
        }
        return figures
    }

    // MARK: Origin tables

    func originsTable(origins: OriginSet, layer: ZoneLayer, times: OriginTimes, names: [String]) -> [UInt8] {
        var writer = JSONWriter(capacity: origins.points.count * (60 + 16 * names.count))
        writer.text("origin,zone,x,y,weight,snap_walk_metres")
        for name in names { writer.text(",\(name)_pt_p25,\(name)_pt_p50,\(name)_pt_p75,\(name)_walk_minutes") }
        writer.text(",pt_served\n")
        for o in origins.points.indices {
            writer.text(CSVField.escape(origins.labels[o]))
            writer.byte(UInt8(ascii: ","))
            writer.text(CSVField.escape(layer.zones[origins.zone[o]].code))
            writer.byte(UInt8(ascii: ","))
            writer.fixed(origins.points[o].x, decimals: 3)
            writer.byte(UInt8(ascii: ","))
            writer.fixed(origins.points[o].y, decimals: 3)
            writer.byte(UInt8(ascii: ","))
            writer.number(origins.weights[o])
            writer.byte(UInt8(ascii: ","))
            if let snap = times.snapMetres[o] { writer.fixed(snap, decimals: 3) }
            for c in names.indices {
                for q in 0..<3 {
                    writer.byte(UInt8(ascii: ","))
                    let value = times.quartiles[c][3 * o + q]
                    if times.onGraph[o], value != WindowTimes.none { writer.number(Double(value)) }
                }
                writer.byte(UInt8(ascii: ","))
                if let walk = times.directWalk[c][o] { writer.number(Double((Int(walk) + 59) / 60)) }
            }
            writer.text(times.onGraph[o] ? (times.served[o] ? ",1\n" : ",0\n") : ",\n")
        }
        return writer.bytes
    }

    func minutesTable(origins: OriginSet, times: OriginTimes, names: [String]) -> [UInt8] {
        let k = departureMinutes.count
        var writer = JSONWriter(capacity: origins.points.count * names.count * k * 16)
        writer.text("origin,category,departure,minutes\n")
        let labels = (0..<k).map { String(GTFSTime.format(Int(departureMinutes.departure($0))).prefix(5)) }
        for o in origins.points.indices where times.onGraph[o] {
            let label = CSVField.escape(origins.labels[o])
            for (c, name) in names.enumerated() {
                let category = CSVField.escape(name)
                for m in 0..<k {
                    writer.text("\(label),\(category),\(labels[m]),")
                    let value = times.perMinute[c][o * k + m]
                    if value != WindowTimes.none { writer.number(Double(value)) }
                    writer.byte(0x0A)
                }
            }
        }
        return writer.bytes
    }
}
