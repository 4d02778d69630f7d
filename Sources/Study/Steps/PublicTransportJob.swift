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
    /// When true, `window` is a window of arrival deadlines ("be there by"), one a minute: each origin's time is
    /// from the latest departure that still reaches a service by the deadline (docs/raptor.md, "Arrive by").
    public var arriveBy = false
    /// Whether to walk back each origin's median journey into its parts (docs/raptor.md, "Journey breakdown");
    /// a depart-at figure, so never for `arriveBy`.
    public var breakdown = true
    public var profile: RoadProfile
    public var maxSnapMetres: Double
    public var minIslandNodes: Int
    /// The zone table a one-step run writes (`--out`); a study step leaves it nil and `reach run` writes.
    public var output: String?
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
                minIslandNodes: Int = 40, output: String? = nil, originsOutput: String? = nil, minutesOutput: String? = nil,
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
        /// Per category and origin, the median journey's parts (empty when there is no breakdown).
        var journeys: [[OriginJourney?]] = []
        /// The timetables the journeys' rides index (`OriginJourney.source`): the run's, then a scenario's.
        var journeyTimetables: [TransitTimetable] = []
    }

    /// The departures that matter: the window itself, or for arrive-by the maximum trip before its first deadline
    /// to its last.
    var searchWindow: ServiceWindow {
        guard arriveBy else { return window }
        return ServiceWindow(startSeconds: max(0, window.startSeconds - Int((maxTripMinutes * 60).rounded())), endSeconds: window.endSeconds)
    }

    /// Whether this run breaks journeys down: asked for, and a depart-at window.
    var breaksDown: Bool { breakdown && !arriveBy }

    var departureMinutes: DepartureMinutes {
        DepartureMinutes(startSeconds: window.startSeconds, endSeconds: window.endSeconds, maxTripSeconds: Int((maxTripMinutes * 60).rounded()))
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        guard let output else { throw DataError(file: "reach pt", "no output file: name it with --out FILE") }
        for path in [output, originsOutput, minutesOutput].compactMap({ $0 }) { try AtomicFile.checkWritable(path) }
        var report = Report()
        let context = try StudyContext.loadForOneStep(inputs, precision: precision, progress: progress, report: &report)

        let computed = try compute(context, report: &report, progress: progress)
        report.zonesWithWarnings = try ZoneTable.writeOneStep(computed.output, context: context, to: output, progress: progress, timings: &report.timings)
        var clock = StepClock()
        if let originsOutput {
            try AtomicFile.write(originsTable(origins: context.origins, layer: context.layer, times: computed.originTimes, names: computed.names), to: originsOutput)
        }
        if let minutesOutput {
            try AtomicFile.write(minutesTable(origins: context.origins, times: computed.originTimes, names: computed.names), to: minutesOutput)
        }
        if originsOutput != nil || minutesOutput != nil { clock.lap("write origin tables", into: &report.timings) }
        return report
    }

    static let source = "reach pt"

    /// The figures of every zone of the study. Timings go into `report`.
    public func compute(_ context: StudyContext, report: inout Report,
                        progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> (output: StepOutput, originTimes: OriginTimes, names: [String]) {
        if let scenario = context.scenario, scenario.date == nil, !scenario.replacesAll, minutesOutput == nil, !arriveBy,
           let baseline = context.shared.baseline(baselineKey, as: Baseline.self) {
            return try computeScenario(context, baseline: baseline, report: &report, progress: progress)
        }
        let layer = context.layer, originSet = context.origins
        var clock = StepClock()
        let minutesGrid = departureMinutes
        let maxWalk = Int32((maxWalkMinutes * 60).rounded()), maxTransfer = Int32((maxTransferWalkMinutes * 60).rounded())

        let catalogue = try ServiceCatalogue.loadForStep(paths: services, categoryField: categoryField, only: categories, options: serviceOptions,
                                                         context: context, progress: progress, clock: &clock, report: &report)
        let names = catalogue.names

        progress("reading the walking network \(osm)")
        let network = try context.roadNetwork(path: osm, profile: profile, modes: [.walk])
        clock.lap("read network", into: &report.timings)
        let walking = try NetworkContext(network: network, modes: [.walk], catalogue: catalogue, names: names,
                                         origins: originSet.points, maxSnapMetres: maxSnapMetres, minIslandNodes: minIslandNodes)
        let originSnaps = walking.originSnaps[.walk]!
        let helpers = walking.categoryTimes[.walk]!
        for (c, name) in names.enumerated() {
            let unsnapped = walking.unsnappedServices[.walk]![c]
            if !unsnapped.isEmpty { report.unsnappedServices.append((name, unsnapped.count, catalogue.categories[name]![unsnapped[0]].source)) }
        }
        report.originsOffGraph = originSnaps.count { $0 == nil }
        clock.lap("snap origins and services", into: &report.timings)

        let (loaded, timetable) = try timetable(context, report: &report, clock: &clock, progress: progress)
        let snapper = walking.snappers[.walk]!
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

        let served = Self.servedOrigins(feeds: loaded.feeds, timetable: timetable, access: access)
        report.originsUnserved = originSnaps.indices.count { originSnaps[$0] != nil && !served[$0] }

        progress("public transport: \(names.count) categor\(names.count == 1 ? "y" : "ies") × \(minutesGrid.count) departure minutes, \(NumberText.grouped(timetable.tripCount)) trip runs")
        let search = ReverseProfileSearch(timetable: timetable, transfers: links.transfers, access: access, minutes: minutesGrid)
        let keepMinutes = minutesOutput != nil, breaks = breaksDown
        let perCategory: [(summary: WindowSummary, walk: [Int32?], egress: [Int32?], perMinute: [UInt8], medianMinute: [Int16])] = try ParallelMap.map(Array(names.indices), chunksPerWorker: 1) { slice in
            slice.map { c in
                let helper = helpers[c]
                let egress = links.egress(to: helper, maxWalkSeconds: maxWalk)
                var walkSearch = TravelTimeSearch(graph: helper.graph)
                let walk = helper.timesToNearest(originSnaps, search: &walkSearch).map { $0.map { Int32($0.rounded(.up)) } }
                let times = arriveBy ? search.arriveBy(deadlines: minutesGrid, egress: egress, directWalk: walk)
                    : search.run(egress: egress, directWalk: walk)
                var summary = WindowSummary(originCount: originSnaps.count)
                for o in originSnaps.indices where originSnaps[o] != nil { summary.set(o, times: times, minutes: minutesGrid.count) }
                let medianMinute = breaks ? Self.medianMinutes(times: times, medians: { summary.quartiles[3 * $0 + 1] }, count: minutesGrid.count,
                                                               origins: originSnaps.count, only: nil) : []
                return (summary, walk, egress, keepMinutes ? times : [], medianMinute)
            }
        }
        clock.lap("public transport search", into: &report.timings)

        let summaries = perCategory.map(\.summary)
        try Self.checkInvariant(names: names, helpers: helpers, links: links, timetable: timetable, originSnaps: originSnaps, labels: originSet.labels,
                                minima: summaries.map(\.minima), walkSpeed: walkSpeed, report: &report)

        var originTimes = OriginTimes(quartiles: summaries.map(\.quartiles), directWalk: perCategory.map(\.walk),
                                      onGraph: originSnaps.map { $0 != nil }, served: served, snapMetres: originSnaps.map { $0?.distanceMetres })
        if keepMinutes { originTimes.perMinute = perCategory.map(\.perMinute) }
        if breaks {
            let walks = PointStopWalks(access), labels = originSet.labels
            let inputs = names.indices.map { c in
                BreakdownInput(minute: perCategory[c].medianMinute, median: originSnaps.indices.map { summaries[c].quartiles[3 * $0 + 1] },
                               egress: perCategory[c].egress, directWalk: perCategory[c].walk, name: names[c])
            }
            originTimes.journeys = try Self.medianJourneys(inputs, minutes: minutesGrid, timetable: timetable, transfers: links.transfers,
                                                           walks: walks, labels: labels)
            originTimes.journeyTimetables = [timetable]
            clock.lap("journey breakdown", into: &report.timings)
        }

        progress("services within \(minutes.map(DistanceJob.label).joined(separator: ", ")) min of each zone's typical origin")
        // The typical-origin counts are a departure figure: an arrive-by search has none.
        let counts = arriveBy ? [] : try typicalCounts(layer: layer, origins: originSet, links: links, timetable: timetable, helpers: helpers, minutesGrid: minutesGrid, maxWalk: maxWalk)
        if !arriveBy { clock.lap("typical-origin counts", into: &report.timings) }

        let output = zoneFigures(context, times: originTimes, counts: counts, names: names)
        clock.lap("aggregate", into: &report.timings)
        if context.keepsBaselines, context.scenario == nil, !arriveBy {
            context.shared.keepBaseline(Baseline(report: report, names: names, walking: walking, timetable: timetable, links: links, access: access,
                                                 egress: perCategory.map(\.egress), times: originTimes, summaries: summaries, counts: counts),
                                        for: baselineKey)
        }
        return (output, originTimes, names)
    }

    /// The feeds of the context (the baseline's or its scenario's) and their timetable over the window, with what
    /// the report says of them.
    func timetable(_ context: StudyContext, report: inout Report, clock: inout StepClock,
                   progress: @escaping @Sendable (String) -> Void) throws -> (loaded: (feeds: [TransitFeed], date: ServiceDate, warnings: [String]), timetable: TransitTimetable) {
        let loaded = try context.transitFeeds(paths: gtfs, date: date, window: searchWindow, progress: progress)
        report.date = loaded.date
        report.feeds = loaded.feeds.map { CoverageJob.summary($0, date: loaded.date) }
        report.warnings += loaded.warnings
        report.warnings += try Self.windowWarnings(loaded.feeds, date: loaded.date, window: searchWindow)
        clock.lap("read GTFS", into: &report.timings)
        let minutesGrid = departureMinutes
        progress("building the timetable of \(loaded.date), \(arriveBy ? "arrivals by" : "departures") \(window) and journeys up to \(DistanceJob.label(maxTripMinutes)) min")
        let range = arriveBy ? Int(searchWindow.startSeconds)...Int(minutesGrid.lastDeparture) : Int(minutesGrid.startSeconds)...Int(minutesGrid.horizonEnd)
        let timetable = TransitTimetable(sources: loaded.feeds.map { .init(feed: $0.feed, positions: $0.positions) }, date: loaded.date,
                                         rangeSeconds: range)
        report.patterns = timetable.patternCount
        report.tripRuns = timetable.tripCount
        report.stops = timetable.stopCount
        return (loaded, timetable)
    }

    /// Origins with a stop within the maximum walk that has a departure in the window.
    static func servedOrigins(feeds: [TransitFeed], timetable: TransitTimetable, access: StopPointWalks) -> [Bool] {
        var departs = [Bool](repeating: false, count: timetable.stopCount)
        var offset = 0
        for transit in feeds {
            for s in 0..<transit.feed.stopCount where transit.frequency.count(at: s) > 0 { departs[offset + s] = true }
            offset += transit.feed.stopCount
        }
        var served = [Bool](repeating: false, count: access.pointCount)
        for s in 0..<timetable.stopCount where departs[s] {
            for e in Int(access.first[s])..<Int(access.first[s + 1]) { served[Int(access.point[e])] = true }
        }
        return served
    }

    /// No time may beat the straight line at the fastest speed in the timetable (docs/raptor.md, "Invariant"):
    /// checked for every origin with a minimum (`only`, when given: the origins it marks, per category).
    static func checkInvariant(names: [String], helpers: [NetworkTravelTime], links: TransitWalkLinks, timetable: TransitTimetable,
                               originSnaps: [SnapPoint?], labels: [String], minima: [[UInt8]], only: [[Bool]]? = nil, walkSpeed: Double,
                               report: inout Report) throws {
        let snapper = links.snapper
        let fastest = max(walkSpeed, fastestVehicle(timetable, positions: links.stopSnaps.indices.map { s in
            links.stopSnaps[s].map { snapper.position(of: $0) } ?? timetable.stopXY[s]
        }))
        report.fastestKmh = fastest * 3.6
        for (c, name) in names.enumerated() {
            let helper = helpers[c]
            guard !helper.services.isEmpty, only.map({ $0[c].contains(true) }) ?? true else { continue }
            let index = PointIndex(helper.services.map { snapper.position(of: $0) })
            for o in originSnaps.indices where only?[c][o] ?? true {
                guard let snap = originSnaps[o], minima[c][o] != WindowTimes.none,
                      let nearest = index.nearest(to: snapper.position(of: snap)) else { continue }
                report.invariantChecks += 1
                if Double(minima[c][o]) * 60 + 1e-6 < nearest.distanceMetres / fastest {
                    throw DataError(file: "pt", location: "origin \(labels[o])",
                                    "internal check failed: \(minima[c][o]) min to the nearest \(name) is faster than the straight line (\(Int(nearest.distanceMetres)) m) at the fastest speed in the timetable (\(Int(fastest * 3.6)) km/h); please report this")
                }
            }
        }
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
                       helpers: [NetworkTravelTime], minutesGrid: DepartureMinutes, maxWalk: Int32,
                       reuse: (counts: [[[Int]]?], toTouched: [Int32])? = nil) throws -> [[[Int]]?] {
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
                // Under a scenario, a zone whose typical origin cannot reach a changed call within the largest
                // threshold keeps the baseline's counts.
                if let reuse, access.allSatisfy({ Int64($0.seconds) + Int64(reuse.toTouched[Int($0.stop)]) > Int64(limit) }) { return reuse.counts[z] }
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

    /// Zone figures by the one reducer: an origin off the walk graph, or reaching no service within the
    /// maximum trip at a percentile, has no value there (left out of means, not within, counted unreachable).
    func zoneFigures(_ context: StudyContext, times: OriginTimes, counts: [[[Int]]?], names: [String]) -> StepOutput {
        let layer = context.layer, reducer = context.reducer
        var output = context.output()
        let window = "\(self.window)"
        let what = { (category: String) in
            arriveBy ? "door-to-door time to the nearest \(category) by public transport and walking, from the latest departure arriving by the deadline"
                : "door-to-door time to the nearest \(category) by public transport and walking"
        }
        let over = arriveBy ? "the arrival deadlines (\(window))" : "the departure window (\(window))"
        let minutesOf = arriveBy ? "deadlines \(window)" : "departure minutes \(window)"
        for (c, name) in names.enumerated() {
            let prefix = "\(name)_pt"
            let quartiles = times.quartiles[c]
            func percentile(_ q: Int) -> [Double?] {
                times.onGraph.indices.map { o in
                    times.onGraph[o] && quartiles[3 * o + q] != WindowTimes.none ? Double(quartiles[3 * o + q]) : nil
                }
            }
            let median = percentile(1), p75 = percentile(2)
            output.originColumns.append(Indicator("\(prefix)_p50", unit: "min",
                                                  "median over \(over) of the \(what(name)) from this origin (null: off the walk graph or none within the maximum trip)",
                                                  source: Self.source, numbers: median))
            output.add(Indicator("\(prefix)_mean", unit: "min", "population-weighted mean over the zone's origins of the median over \(over) of the \(what(name))",
                                 source: Self.source, decimals: 2, numbers: reducer.mean(median)))
            output.add(Indicator("\(prefix)_p25_mean", unit: "min", "population-weighted mean of each origin's 25th percentile over the window of the \(what(name))",
                                 source: Self.source, decimals: 2, numbers: reducer.mean(percentile(0))))
            output.add(Indicator("\(prefix)_p75_mean", unit: "min", "population-weighted mean of each origin's 75th percentile over the window of the \(what(name))",
                                 source: Self.source, decimals: 2, numbers: reducer.mean(p75)))
            for t in minutes {
                output.add(Indicator("\(prefix)_within_\(DistanceJob.label(t))_pct", unit: "%", "share of the weight of the zone's origins on the walk graph whose median \(what(name)) is within \(DistanceJob.label(t)) min",
                                     source: Self.source, decimals: 2, numbers: reducer.share(median, atMost: t, known: times.onGraph)))
            }
            for (i, t) in minutes.enumerated() where !arriveBy {
                output.add(Indicator("\(prefix)_count_within_\(DistanceJob.label(t))", unit: "services",
                                     "\(name) services within \(DistanceJob.label(t)) min (median over the window) by public transport and walking of the zone's typical origin (up to \(DistanceJob.countCap))",
                                     source: Self.source, numbers: counts.map { $0.map { Double($0[c][i]) } }))
            }
            let unreachable = reducer.missing(median)
            output.add(Indicator("\(prefix)_unreachable", unit: "origins",
                                 "origins with no median \(what(name)) within the maximum trip (\(DistanceJob.label(maxTripMinutes)) min), or off the walk graph",
                                 source: Self.source, counts: unreachable))
            if !times.journeys.isEmpty { journeyColumns(times.journeys[c], timetables: times.journeyTimetables, name: name, reducer: reducer, into: &output) }
            let p75Missing = reducer.missing(p75)
            for z in layer.zones.indices {
                let own = reducer.members[z]
                let off = own.count { !times.onGraph[$0] }
                let beyond = unreachable[z] - off
                if beyond > 0 {
                    output.warn(z, "\(beyond) of \(own.count) origins reach no \(name) within \(DistanceJob.label(maxTripMinutes)) min by public transport and walking for more than half the \(minutesOf); left out of \(prefix) means and counted as not within")
                }
                if p75Missing[z] - unreachable[z] > 0 {
                    output.warn(z, "\(p75Missing[z] - unreachable[z]) origins reach a \(name) within \(DistanceJob.label(maxTripMinutes)) min at the median but not at the 75th percentile; left out of \(prefix)_p75_mean")
                }
            }
        }
        var unserved = [Int](repeating: 0, count: layer.zones.count)
        for z in layer.zones.indices {
            let own = reducer.members[z]
            let onGraph = own.filter { times.onGraph[$0] }
            unserved[z] = onGraph.count { !times.served[$0] }
            if unserved[z] > 0 {
                output.warn(z, "\(unserved[z]) of \(onGraph.count) origins have no stop with a departure \(arriveBy ? "\(searchWindow) (from the maximum trip before the deadlines \(window))" : window) within \(DistanceJob.label(maxWalkMinutes)) min walk; their public-transport times are walking only")
            }
            let off = own.count - onGraph.count
            if off > 0 {
                output.warn(z, "\(off) of \(own.count) origins are more than \(DistanceJob.label(maxSnapMetres)) m from a walkable road; they have no public-transport time (left out of every figure but counted in the _pt_unreachable columns)")
            }
            if !arriveBy, !own.isEmpty, layer.zones[z].geometry != nil, counts[z] == nil {
                output.warn(z, "the zone's typical origin is not within \(DistanceJob.label(maxSnapMetres)) m of a walkable road; public-transport counts are null")
            }
        }
        output.add(Indicator("pt_origins_unserved", unit: "origins",
                             "origins on the walk graph with no stop that has a departure in the window within the maximum walk (their public-transport times are walking only)",
                             source: Self.source, counts: unserved))
        return output
    }

    // MARK: Origin tables

    func originsTable(origins: OriginSet, layer: ZoneLayer, times: OriginTimes, names: [String]) -> [UInt8] {
        var writer = JSONWriter(capacity: origins.points.count * (60 + 16 * names.count))
        writer.text(OriginSet.rowHeader + ",snap_walk_metres")
        for name in names {
            writer.text(",\(name)_pt_p25,\(name)_pt_p50,\(name)_pt_p75,\(name)_walk_minutes")
            if !times.journeys.isEmpty { writer.text(Self.journeyHeader(name)) }
        }
        writer.text(",pt_served\n")
        for o in origins.points.indices {
            origins.writeRowStart(o, layer: layer, into: &writer)
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
                if !times.journeys.isEmpty { Self.writeJourney(times.journeys[c][o], timetables: times.journeyTimetables, into: &writer) }
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

extension PublicTransportJob: StudyStep {
    public var title: String { "public transport" }
    public var readsTimetables: Bool { true }

    /// Per category and threshold t, the weight of the zone's origins whose median time comes within t under the
    /// scenario but was not (`{c}_pt_within_{t}_gain__{name}`), and of those within t before and not after
    /// (`_loss__`); an origin with no time (none within the maximum trip) is not within.
    public func scenarioComparisons(baseline: StepOutput, scenario: StepOutput, context: StudyContext, name: String) -> [Indicator] {
        let unit = context.origins.weightField.map { "weight (\($0))" } ?? "origins"
        var columns: [Indicator] = []
        for before in baseline.originColumns where before.name.hasSuffix("_pt_p50") {
            guard case .numbers(let old) = before.values, let after = scenario.originColumns.first(where: { $0.name == before.name }),
                  case .numbers(let new) = after.values else { continue }
            let stem = String(before.name.dropLast("_p50".count))
            for t in minutes {
                let label = DistanceJob.label(t)
                func within(_ value: Double?) -> Bool { value.map { $0 <= t } ?? false }
                columns.append(Indicator("\(stem)_within_\(label)_gain__\(name)", unit: unit,
                                         "scenario \(name): origin weight of the zone whose median door-to-door time by public transport is within \(label) min in the scenario and was not in the baseline",
                                         source: Self.source, decimals: 3, numbers: context.reducer.total { !within(old[$0]) && within(new[$0]) }))
                columns.append(Indicator("\(stem)_within_\(label)_loss__\(name)", unit: unit,
                                         "scenario \(name): origin weight of the zone whose median door-to-door time by public transport was within \(label) min in the baseline and is not in the scenario",
                                         source: Self.source, decimals: 3, numbers: context.reducer.total { within(old[$0]) && !within(new[$0]) }))
            }
        }
        return columns
    }

    public func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        try reporting { (report: inout Report) in try compute(context, report: &report, progress: progress).output }
    }
}

extension PublicTransportJob.Report: StepReport {
    var notes: [String] {
        warnings + unsnappedServices.map {
            "\($0.count) \($0.category) service(s) are too far from any walkable road to be reached by public transport (e.g. \($0.firstSource))"
        }
    }
}

extension PublicTransportJob.Report: ServiceStepReport {
    var contextWarnings: [String] {
        get { warnings }
        set { warnings = newValue }
    }
}
