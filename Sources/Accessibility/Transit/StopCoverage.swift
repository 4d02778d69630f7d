import GeoData
import GeoPrimitives
import Geometry

/// The part of each zone within a straight-line radius of a set of stops (GEOS, working CRS).
///
/// No national union of circles is built: each zone unions only the circles that reach it (found with a
/// k-d tree query and an exact prepared-geometry distance test), then intersects (or differences) that union
/// with its boundary. Zones are spread over the cores, each worker with its own GEOS context.
public struct StopCoverage: Sendable {
    public var radiusMetres: Double
    /// Segments per quarter circle; 16 keeps a circle's area within 0.2 % of πr².
    public var quadrantSegments: Int

    /// How covered areas are found.
    public enum Method: Sendable {
        /// Green's theorem over the boundary of zone ∩ union (`CircleUnionArea`): no polygon is built. The default.
        case boundaryIntegral
        /// GEOS: one cascaded union of the circles per zone, intersected with the zone. Always used for gaps.
        case geosOverlay
    }

    public var method: Method

    public init(radiusMetres: Double, quadrantSegments: Int = 16, method: Method = .boundaryIntegral) {
        precondition(quadrantSegments >= 1 && radiusMetres > 0)
        self.radiusMetres = radiusMetres
        self.quadrantSegments = quadrantSegments
        self.method = method
    }

    /// One zone's result.
    public struct ZoneResult: Sendable {
        /// Area of the zone within the radius of a stop, square metres; nil when the zone has no geometry.
        public var coveredSquareMetres: Double?
        /// The zone's area farther than the radius from every stop, as polygons (largest first); only when asked.
        public var gaps: [Shape]
        /// How many stops' circles reach the zone.
        public var stopsReaching: Int
    }

    /// Coverage of every zone of `zones` by circles round `stops` (working CRS).
    public func measure(zones: [Zone], stops: [XY], gaps wantGaps: Bool = false) throws -> [ZoneResult] {
        try measure(index: ZoneIndex(zones: zones), zones: zones, stops: stops, gaps: wantGaps)
    }

    /// The same with the zones' prepared boundaries from `index` (the run's, built over the same `zones`), so
    /// they are not made again.
    public func measure(index zoneIndex: ZoneIndex, zones: [Zone], stops: [XY], gaps wantGaps: Bool = false) throws -> [ZoneResult] {
        precondition(zoneIndex.zoneCount == zones.count, "the zone index is over other zones")
        let index = PointIndex(stops)
        let radius = radiusMetres, segments = quadrantSegments
        let integral = method == .boundaryIntegral && !wantGaps ? CircleUnionArea(radius: radius, quadrantSegments: segments) : nil
        return try zoneIndex.mapZones { z, preparedZone in
            guard let shape = zones[z].geometry, let envelope = shape.envelope, let preparedZone else {
                return ZoneResult(coveredSquareMetres: nil, gaps: [], stopsReaching: 0)
            }
            let zone = preparedZone.geometry, prepared = preparedZone.prepared, context = preparedZone.context
            // Candidates: stops within the radius of the envelope, then exactly within the radius of the zone.
            let center = envelope.center
            let reach = radius + 0.5 * (envelope.width * envelope.width + envelope.height * envelope.height).squareRoot()
            var candidates: [Int] = []
            index.forEach(within: reach, of: center) { i, _ in
                let p = stops[i]
                let dx = max(envelope.minX - p.x, 0, p.x - envelope.maxX), dy = max(envelope.minY - p.y, 0, p.y - envelope.maxY)
                if dx * dx + dy * dy <= radius * radius { candidates.append(i) }
            }
            candidates.sort()
            if let integral {
                // Distinct centres (two stops at one place are one circle).
                var centres = candidates.map { stops[$0] }
                centres.sort { ($0.x, $0.y) < ($1.x, $1.y) }
                var distinct: [XY] = []
                for c in centres where distinct.last != c { distinct.append(c) }
                let covered = try integral.area(polygons: shape.polygons, centres: distinct) { p in
                    try prepared.covers(Geometry(point: p, context: context))
                }
                return ZoneResult(coveredSquareMetres: max(0, covered), gaps: [], stopsReaching: distinct.count)
            }
            var circles: [Geometry] = []
            for i in candidates {
                let point = try Geometry(point: stops[i], context: context)
                if try prepared.isWithin(distance: radius, of: point) {
                    circles.append(try Geometry.circle(center: stops[i], radius: radius, quadrantSegments: segments, context: context))
                }
            }
            guard !circles.isEmpty else {
                return ZoneResult(coveredSquareMetres: 0, gaps: wantGaps ? try Self.polygons(of: zone) : [], stopsReaching: 0)
            }
            let union = try Geometry.unaryUnion(of: circles, context: context)
            let covered = try zone.intersection(union).area()
            var gapShapes: [Shape] = []
            if wantGaps {
                gapShapes = try Self.polygons(of: zone.difference(union))
            }
            return ZoneResult(coveredSquareMetres: covered, gaps: gapShapes, stopsReaching: circles.count)
        }
    }

    /// The polygons of a (multi)polygon or collection, largest first (ties in input order).
    static func polygons(of geometry: Geometry) throws -> [Shape] {
        var parts: [(shape: Shape, area: Double)] = []
        func collect(_ shape: Shape) {
            switch shape {
            // GEOS writes an empty difference as POLYGON EMPTY: no rings, no gap.
            case .polygon(let rings) where !rings.isEmpty && Self.area(rings) > 0: parts.append((shape, Self.area(rings)))
            case .multiPolygon(let polygons):
                for rings in polygons where !rings.isEmpty && Self.area(rings) > 0 { parts.append((.polygon(rings), Self.area(rings))) }
            case .geometryCollection(let members): members.forEach(collect)
            default: break
            }
        }
        collect(try geometry.shape())
        return parts.enumerated().sorted { $0.element.area != $1.element.area ? $0.element.area > $1.element.area : $0.offset < $1.offset }
            .map(\.element.shape)
    }

    /// Planar area of a polygon's rings (exterior minus holes), square metres.
    public static func area(_ rings: [[XY]]) -> Double {
        var total = 0.0
        for (r, ring) in rings.enumerated() {
            var twice = 0.0
            for k in 0..<max(ring.count - 1, 0) { twice += ring[k].x * ring[k + 1].y - ring[k + 1].x * ring[k].y }
            total += r == 0 ? abs(twice) / 2 : -abs(twice) / 2
        }
        return total
    }
}

extension Shape {
    /// The polygons of a Polygon or MultiPolygon as lists of rings (empty for other types).
    var polygons: [[[XY]]] {
        switch self {
        case .polygon(let rings): [rings]
        case .multiPolygon(let polygons): polygons
        default: []
        }
    }
}
