import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Geometry
import Projection

/// `reach isochrone`: the area reachable from one point within each of several times, on foot, by bicycle, by car
/// or by public transport and walking, as one polygon per threshold: the reached parts of the network (a segment
/// reached part-way counts part-way) buffered by a few tens of metres, the way one would draw it by hand.
public struct IsochroneJob: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case walk, cycle, car, pt
    }

    /// The starting point in the working CRS.
    public var from: XY
    public var mode: Mode
    /// Thresholds, minutes, ascending.
    public var minutes: [Double]
    public var osm: String
    public var workingCRS: CRS
    public var profile: RoadProfile
    /// Public transport: feeds, date and the departure time (seconds after midnight).
    public var gtfs: [String]
    public var date: ServiceDate?
    public var departSeconds: Int
    public var maxWalkMinutes: Double
    public var maxTransferWalkMinutes: Double
    /// Half-width of the band drawn round each reached street, metres.
    public var bufferMetres: Double
    public var maxSnapMetres: Double
    public var minIslandNodes: Int
    /// Points (or output areas) with a population, counted inside each polygon.
    public var origins: String?
    public var originOptions: PointLoadOptions
    public var weightField: String?
    public var output: String
    public var precision: Int

    public init(from: XY, mode: Mode, minutes: [Double], osm: String, workingCRS: CRS = .britishNationalGrid,
                profile: RoadProfile = RoadProfile(), gtfs: [String] = [], date: ServiceDate? = nil, departSeconds: Int = 8 * 3600,
                maxWalkMinutes: Double = 15, maxTransferWalkMinutes: Double = 5, bufferMetres: Double = 50, maxSnapMetres: Double = 500,
                minIslandNodes: Int = 40, origins: String? = nil, originOptions: PointLoadOptions = PointLoadOptions(),
                weightField: String? = nil, output: String, precision: Int = 6) {
        self.from = from
        self.mode = mode
        self.minutes = minutes.sorted()
        self.osm = osm
        self.workingCRS = workingCRS
        self.profile = profile
        self.gtfs = gtfs
        self.date = date
        self.departSeconds = departSeconds
        self.maxWalkMinutes = maxWalkMinutes
        self.maxTransferWalkMinutes = maxTransferWalkMinutes
        self.bufferMetres = bufferMetres
        self.maxSnapMetres = maxSnapMetres
        self.minIslandNodes = minIslandNodes
        self.origins = origins
        self.originOptions = originOptions
        self.weightField = weightField
        self.output = output
        self.precision = precision
    }

    public struct Report: Sendable {
        public var snapMetres = 0.0
        /// Public transport: stops boarded or reached, and the date used.
        public var stopsReached = 0
        public var date: ServiceDate?
        public var polygons: [(minutes: Double, areaKm2: Double, population: Double?)] = []
        public var timings: [(step: String, seconds: Double)] = []
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        try AtomicFile.checkWritable(output)
        var report = Report()
        var clock = StepClock()
        let travel: TravelMode = switch mode {
        case .walk, .pt: .walk
        case .cycle: .cycle
        case .car: .car
        }
        progress("reading the road network \(osm)")
        let network = try RoadNetwork.read(path: osm, profile: profile, modes: [travel], workingCRS: workingCRS)
        let graph = network.graphs[travel]!
        let eligible = NetworkComponents(graph).segmentsInComponents(of: graph, minimumNodes: minIslandNodes)
        let snapper = EdgeSnapper(graph: graph, nodes: network.nodes, eligible: eligible)
        guard let start = snapper.snap(from, maxMetres: maxSnapMetres) else {
            throw DataError(file: osm, "the starting point (\(Int(from.x)), \(Int(from.y)) in \(workingCRS.definition)) is more than \(JSONWriter.format(maxSnapMetres)) m from any \(travel.rawValue) road of the extract")
        }
        report.snapMetres = start.distanceMetres
        clock.lap("read network", into: &report.timings)

        let limit = Double((minutes.max() ?? 0) * 60)
        var seeds = NetworkTravelTime.seedsFrom(start, graph: graph)
        if mode == .pt {
            let extra = try transitSeeds(start: start, snapper: snapper, limit: limit, report: &report, progress: progress)
            seeds += extra
            clock.lap("public transport", into: &report.timings)
        }
        var search = TravelTimeSearch(graph: graph)
        search.run(from: seeds, direction: .fromSources, limitSeconds: limit)
        clock.lap("search", into: &report.timings)

        progress("drawing \(minutes.count) isochrone\(minutes.count == 1 ? "" : "s")")
        let context = GEOSContext()
        let toWGS84 = try Transformer(from: workingCRS, to: .wgs84)
        var population: [XY] = [], weights: [Double] = []
        if let origins {
            var options = originOptions
            options.fields = Set([weightField].compactMap { $0 })
            for point in try PointLoader.load(path: origins, options: options) {
                population.append(point.xy)
                if let weightField {
                    guard let weight = point.properties[weightField]?.doubleValue, weight.isFinite, weight >= 0 else {
                        throw DataError(file: point.source, field: weightField, "the weight is not a number ≥ 0")
                    }
                    weights.append(weight)
                } else {
                    weights.append(1)
                }
            }
        }
        var features: [Feature] = []
        for t in minutes.sorted(by: >) {
            let lines = Self.reachedPieces(graph: graph, nodes: network.nodes, seconds: search.seconds, limit: t * 60, start: start)
            var properties = JSONObject()
            properties["minutes"] = .number(t)
            properties["mode"] = .string(mode.rawValue)
            if mode == .pt {
                properties["depart"] = .string(String(GTFSTime.format(departSeconds).prefix(5)))
                properties["date"] = report.date.map { .string("\($0)") } ?? .null
            }
            guard !lines.isEmpty else {
                properties["area_km2"] = .number(0)
                features.append(Feature(properties: properties, geometry: nil))
                report.polygons.append((t, 0, origins == nil ? nil : 0))
                continue
            }
            // Each piece buffered on its own, then one cascaded union: far faster than buffering the whole
            // multi-line at once (GEOS then nodes every overlap of the offset curves).
            let bands = try lines.map { try Geometry(.lineString($0), context: context).buffer(radius: bufferMetres, quadrantSegments: 2) }
            let area = try Geometry.unaryUnion(of: bands, context: context)
            let areaKm2 = try area.area() / 1e6
            properties["area_km2"] = .number((areaKm2 * 1000).rounded() / 1000)
            var inside: Double?
            if origins != nil {
                let prepared = try PreparedGeometry(area)
                let covered = try prepared.covers(population)
                inside = zip(covered, weights).reduce(0) { $0 + ($1.0 ? $1.1 : 0) }
                properties["population"] = .number(inside!)
                properties["origins_count"] = .number(Double(covered.count { $0 }))
            }
            report.polygons.append((t, areaKm2, inside))
            features.append(Feature(properties: properties, geometry: try toWGS84.transform(try area.shape())))
        }
        try AtomicFile.write(try GeoJSONWriter(precision: precision).encode(features), to: output)
        clock.lap("draw and write", into: &report.timings)
        return report
    }

    /// Seeds for the walk after public transport: one forward RAPTOR at the departure minute, then every stop
    /// reached by vehicle (or walked to) seeds its snap point's segment ends with the time taken so far.
    func transitSeeds(start: SnapPoint, snapper: EdgeSnapper, limit: Double, report: inout Report,
                      progress: @Sendable (String) -> Void) throws -> [(node: UInt32, seconds: Double)] {
        let loaded = try TransitFeed.load(paths: gtfs, date: date, window: ServiceWindow(startSeconds: departSeconds, endSeconds: departSeconds + 60),
                                          workingCRS: workingCRS, progress: progress)
        report.date = loaded.date
        let minutes = DepartureMinutes(startSeconds: departSeconds, endSeconds: departSeconds + 60, maxTripSeconds: Int(limit))
        let timetable = TransitTimetable(sources: loaded.feeds.map { .init(feed: $0.feed, positions: $0.positions) }, date: loaded.date,
                                         rangeSeconds: Int(minutes.startSeconds)...Int(minutes.horizonEnd))
        let walkSpeed = profile.walkKmh / 3.6
        let links = try TransitWalkLinks(snapper: snapper, stopPositions: timetable.stopXY, maxSnapMetres: maxSnapMetres,
                                         maxTransferSeconds: Int32((maxTransferWalkMinutes * 60).rounded()), fastestWalkMetresPerSecond: walkSpeed)
        var walk = TravelTimeSearch(graph: snapper.graph)
        let access = links.stopsNear(start, maxSeconds: Int32((maxWalkMinutes * 60).rounded()), search: &walk)
        var range = ForwardRangeSearch(timetable: timetable, transfers: links.transfers,
                                       egress: .none(stopCount: timetable.stopCount))
        _ = range.run(access: access, directWalk: [], minutes: minutes, limitSeconds: Int32(limit))
        var seeds: [(node: UInt32, seconds: Double)] = []
        for s in 0..<timetable.stopCount {
            let arrived = range.arrived[s]
            guard arrived != ForwardRangeSearch.unreached, let snap = links.stopSnaps[s] else { continue }
            report.stopsReached += 1
            let elapsed = Double(arrived - minutes.startSeconds)
            for seed in NetworkTravelTime.seedsFrom(snap, graph: snapper.graph) { seeds.append((seed.node, seed.seconds + elapsed)) }
        }
        return seeds
    }

    /// The parts of every segment reachable within `limit` seconds: a whole segment when its two ends together
    /// cover it, else the stretch from each reached end as far as the remaining time goes (in the directions the
    /// mode may travel). The start's own segment is walked from the start point.
    static func reachedPieces(graph: RoadGraph, nodes: [XY], seconds: [Double], limit: Double, start: SnapPoint) -> [[XY]] {
        var lines: [[XY]] = []
        func point(_ s: Int, _ f: Double) -> XY {
            let a = nodes[Int(graph.segmentFrom[s])], b = nodes[Int(graph.segmentTo[s])]
            return XY(a.x + f * (b.x - a.x), a.y + f * (b.y - a.y))
        }
        for s in 0..<graph.segmentCount {
            let ta = seconds[Int(graph.segmentFrom[s])], tb = seconds[Int(graph.segmentTo[s])]
            // How far along (fraction from the from-node) the from-side reaches, and from the to-side back.
            var fromA = 0.0, fromB = 1.0
            if ta <= limit, graph.forwardSeconds[s].isFinite { fromA = min(1, (limit - ta) / graph.forwardSeconds[s]) }
            if tb <= limit, graph.backwardSeconds[s].isFinite { fromB = max(0, 1 - (limit - tb) / graph.backwardSeconds[s]) }
            if s == start.segment {
                // From the start point both ways along its own segment.
                let high = graph.forwardSeconds[s].isFinite ? min(1, start.fraction + limit / graph.forwardSeconds[s]) : start.fraction
                let low = graph.backwardSeconds[s].isFinite ? max(0, start.fraction - limit / graph.backwardSeconds[s]) : start.fraction
                if high > low { lines.append([point(s, low), point(s, high)]) }
            }
            if fromA >= fromB {
                lines.append([point(s, 0), point(s, 1)])
                continue
            }
            if fromA > 0 { lines.append([point(s, 0), point(s, fromA)]) }
            if fromB < 1 { lines.append([point(s, fromB), point(s, 1)]) }
        }
        return lines
    }
}
