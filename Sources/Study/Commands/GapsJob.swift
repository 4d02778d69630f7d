import Accessibility
import GeoData
import GeoPrimitives
import Geometry
import Projection

/// `reach gaps`: each zone's area farther than a radius from every active stop, one feature per polygon, with
/// its area and the origins (people) inside it: the map of transport deserts.
public struct GapsJob: Sendable {
    /// Where the zones and origins come from, and how they are read.
    public var inputs: ZoneOriginInputs
    public var stops: StopSources
    /// Feeds whose stops are used when no stop file is given.
    public var gtfs: [String]
    /// Stop kinds that close a gap (all read when nil).
    public var kinds: Set<StopKind>?
    public var radiusMetres: Double
    public var output: String
    public var precision: Int

    public init(zones: [String], zoneOptions: ZoneLoadOptions = ZoneLoadOptions(), origins: String? = nil,
                originOptions: PointLoadOptions = PointLoadOptions(), weightField: String? = nil, stops: StopSources = StopSources(),
                gtfs: [String] = [], kinds: Set<StopKind>? = nil, radiusMetres: Double = 400, output: String, precision: Int = 6) {
        self.inputs = ZoneOriginInputs(zones: zones, zoneOptions: zoneOptions, origins: origins, originOptions: originOptions, weightField: weightField)
        self.stops = stops
        self.gtfs = gtfs
        self.kinds = kinds
        self.radiusMetres = radiusMetres
        self.output = output
        self.precision = precision
    }

    public struct Report: Sendable {
        public var zoneCount = 0
        public var originCount = 0
        public var stopCounts: [StopKind: Int] = [:]
        public var stopReports: [StopReadReport] = []
        public var gapCount = 0
        public var zonesWithGaps = 0
        public var gapAreaSquareMetres = 0.0
        public var gapWeight = 0.0
        public var timings: [(step: String, seconds: Double)] = []
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        try AtomicFile.checkWritable(output)
        guard !stops.isEmpty || !gtfs.isEmpty else {
            throw DataError(file: "reach gaps", "no stops given: name --naptan, --bus-stops, --rail-stations, --metro-stops, --osm-stops or --gtfs")
        }
        var report = Report()
        var clock = StepClock()
        let layer = try inputs.loadZones(progress: progress)
        report.zoneCount = layer.zones.count
        let originSet = try inputs.loadOrigins(in: layer, progress: progress)
        report.originCount = originSet.points.count
        clock.lap("read zones and origins", into: &report.timings)
        var allStops: [TransitStop]
        var extractWarnings = [[String]](repeating: [], count: layer.zones.count)
        if stops.isEmpty {
            let loaded = try TransitFeed.load(paths: gtfs, date: nil, window: .morningPeak, workingCRS: layer.workingCRS, progress: progress)
            allStops = StopSources.stops(of: loaded.feeds)
        } else {
            let loaded = try stops.load(extent: layer.nearExtent, progress: progress)
            allStops = loaded.stops
            report.stopReports = loaded.reports
            extractWarnings = StopSources.outsideExtracts(layer: layer, bounds: loaded.extractBounds)
        }
        if let kinds { allStops.removeAll { !kinds.contains($0.kind) } }
        for stop in allStops { report.stopCounts[stop.kind, default: 0] += 1 }
        guard !allStops.isEmpty else {
            throw DataError(file: (stops.naptan + stops.busStops + stops.railStations + stops.metroStops + stops.osm + gtfs).joined(separator: ", "),
                            "no active stops\(kinds.map { " of the kinds \($0.map(\.rawValue).sorted().joined(separator: ", "))" } ?? "")")
        }
        clock.lap("read stops", into: &report.timings)
        progress("gaps: \(layer.zones.count) zones, \(allStops.count) stops, \(JSONWriter.format(radiusMetres)) m")
        let (flat, coverage) = try Self.gapFeatures(layer: layer, origins: originSet, stops: allStops.map(\.xy),
                                                    radiusMetres: radiusMetres, extraWarnings: extractWarnings)
        clock.lap("gaps", into: &report.timings)
        report.gapCount = flat.count
        report.zonesWithGaps = zip(coverage, layer.zones).count { !$0.gaps.isEmpty && ($1.areaSquareMetres ?? 0) > 0 }
        report.gapAreaSquareMetres = coverage.reduce(0) { $0 + $1.gaps.reduce(0) { $0 + $1.polygonArea } }
        report.gapWeight = flat.reduce(0) { $0 + ($1.properties["gap_origins_weight"]?.doubleValue ?? 0) }
        try AtomicFile.write(try GeoJSONWriter(precision: precision).encode(flat), to: output)
        clock.lap("write", into: &report.timings)
        return report
    }

    /// The gaps of every zone as WGS84 features (the zone's properties, `gap_id`, `gap_area_m2`, `gap_area_pct`,
    /// `gap_origins_count`, `gap_origins_weight`, `reach_warning`), largest first within each zone, and the
    /// coverage they came from. `stops` are in the layer's working CRS.
    public static func gapFeatures(layer: ZoneLayer, index: ZoneIndex? = nil, origins originSet: OriginSet, stops: [XY], radiusMetres: Double,
                                   extraWarnings: [[String]]? = nil) throws -> (features: [Feature], coverage: [StopCoverage.ZoneResult]) {
        let coverage = try StopCoverage(radiusMetres: radiusMetres).measure(index: index ?? ZoneIndex(layer), zones: layer.zones, stops: stops, gaps: true)
        let members = originSet.members(zoneCount: layer.zones.count)
        let codeField = layer.codeField ?? "zone_code"
        let zones = layer.zones, workingCRS = layer.workingCRS
        let extract = extraWarnings ?? [[String]](repeating: [], count: zones.count)
        let features: [[Feature]] = try ParallelMap.map(Array(zones.indices), worker: {
            (GEOSContext(), try Transformer(from: workingCRS, to: .wgs84))
        }) { state, slice in
            let (context, toWGS84) = state
            return try slice.map { z in
                let zone = zones[z]
                guard let area = zone.areaSquareMetres, area > 0 else { return [] }
                return try coverage[z].gaps.enumerated().map { g, shape in
                    let prepared = try PreparedGeometry(Geometry(shape, context: context))
                    let inside = try members[z].filter { try prepared.covers(Geometry(point: originSet.points[$0], context: context)) }
                    let gapArea = shape.polygonArea
                    var properties = zone.properties
                    properties[codeField] = .string(zone.code)
                    properties["gap_id"] = .number(Double(g + 1))
                    properties["gap_area_m2"] = .number((gapArea * 10).rounded() / 10)
                    properties["gap_area_pct"] = .number((100 * gapArea / area * 10_000).rounded() / 10_000)
                    properties["gap_origins_count"] = .number(Double(inside.count))
                    properties["gap_origins_weight"] = .number(inside.reduce(0) { $0 + originSet.weights[$1] })
                    let warnings = zone.warnings + extract[z]
                    properties[ZoneExport.warningProperty] = warnings.isEmpty ? .null : .string(warnings.joined(separator: "; "))
                    return Feature(properties: properties, geometry: try toWGS84.transform(shape))
                }
            }
        }
        return (features.flatMap { $0 }, coverage)
    }
}

extension Shape {
    /// Planar area of a polygon or multipolygon (exterior rings minus holes), in squared CRS units.
    var polygonArea: Double {
        switch self {
        case .polygon(let rings): StopCoverage.area(rings)
        case .multiPolygon(let polygons): polygons.reduce(0) { $0 + StopCoverage.area($1) }
        default: 0
        }
    }
}
