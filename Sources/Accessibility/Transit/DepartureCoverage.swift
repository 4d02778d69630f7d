import GeoData
import GeoPrimitives

/// The stops of one or more feeds that have departures of one route class in the window, positioned in the
/// working CRS, with their trip instances numbered across feeds (so two feeds' trips never merge).
public struct ClassDepartures: Sendable {
    public var routeClass: RouteClass
    /// Position of each stop with at least one departure of the class (working CRS, metres).
    public var positions: [XY]
    /// "feed: stop_id" of each, for messages.
    public var labels: [String]
    /// Departures of stop `i`: `instances[first[i] ..< first[i + 1]]`.
    public var first: [Int32]
    public var instances: [Int32]
    public var instanceCount: Int
    public var windowHours: Double

    /// Gathers the class's departures from each feed. `positions[f][s]` is stop `s` of feed `f` in the working
    /// CRS (nil when the stop has no position: its departures cannot be placed and are counted in `unplaced`).
    public init(routeClass: RouteClass, feeds: [(feed: GTFSFeed, frequency: ServiceFrequency, positions: [XY?])]) {
        self.routeClass = routeClass
        positions = []
        labels = []
        first = [0]
        instances = []
        var base = 0
        windowHours = feeds.first?.frequency.window.hours ?? 1
        for (feed, frequency, stopPositions) in feeds {
            for s in 0..<feed.stopCount {
                let range = frequency.departures(at: s)
                var any = false
                for k in range where frequency.routeClass[k] == routeClass {
                    instances.append(Int32(base) + frequency.instance[k])
                    any = true
                }
                guard any else { continue }
                guard let position = stopPositions[s] else {
                    instances.removeLast(instances.count - Int(first.last!))
                    continue
                }
                positions.append(position)
                labels.append("\(feed.path): \(feed.stopIDs.key(s))")
                first.append(Int32(instances.count))
            }
            base += frequency.instanceCount
        }
        instanceCount = base
    }

    public var stopCount: Int { positions.count }

    /// Departures per hour at stop `i` (each stop time counts; a trip calls once at a stop).
    public func perHour(at i: Int) -> Double { Double(first[i + 1] - first[i]) / windowHours }
}

/// Per origin: distinct trips per hour from stops within a radius, and whether a frequent stop is that near.
public struct DepartureCoverage: Sendable {
    public var radiusMetres: Double
    /// Departures per hour from one stop that make it frequent.
    public var frequentPerHour: Double

    public init(radiusMetres: Double, frequentPerHour: Double) {
        self.radiusMetres = radiusMetres
        self.frequentPerHour = frequentPerHour
    }

    public struct OriginResult: Sendable, Equatable {
        /// Distinct trip instances departing in the window from stops within the radius, per hour.
        public var departuresPerHour: Double
        /// Within the radius of a stop with at least `frequentPerHour` departures an hour.
        public var nearFrequentStop: Bool
        /// Stops with departures within the radius.
        public var stopsWithin: Int
    }

    public func measure(origins: [XY], departures: ClassDepartures) throws -> [OriginResult] {
        let index = PointIndex(departures.positions)
        let frequent = (0..<departures.stopCount).map { departures.perHour(at: $0) >= frequentPerHour - 1e-9 }
        let radius = radiusMetres
        /// A stamp per trip instance: the last origin (+1) that counted it, so nothing is cleared between origins.
        final class Stamps { var last: [Int32]; init(_ n: Int) { last = Array(repeating: 0, count: n) } }
        return try ParallelMap.map(Array(origins.indices), worker: { Stamps(departures.instanceCount) }) { stamps, slice in
            slice.map { o in
                let mark = Int32(o + 1)
                var distinct = 0, near = 0
                var nearFrequent = false
                index.forEach(within: radius, of: origins[o]) { i, _ in
                    near += 1
                    if frequent[i] { nearFrequent = true }
                    for k in Int(departures.first[i])..<Int(departures.first[i + 1]) {
                        let trip = Int(departures.instances[k])
                        if stamps.last[trip] != mark { stamps.last[trip] = mark; distinct += 1 }
                    }
                }
                return OriginResult(departuresPerHour: Double(distinct) / departures.windowHours, nearFrequentStop: nearFrequent,
                                    stopsWithin: near)
            }
        }
    }
}
