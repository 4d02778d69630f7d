import GeoData
import GeoPrimitives

/// The bus and rail departures of one service date at the stops of one or more feeds, for hour-by-hour figures
/// near each origin: each departure with its trip instance (numbered across feeds), its route (numbered across
/// feeds) and its time on the date's clock (`ServiceFrequency` over `ServiceWindow.wholeDay`), bus and rail apart
/// (each is looked for within its own radius).
public struct DayDepartures: Sendable {
    /// One class's stops with a departure that day, in the working CRS (metres), and their departures:
    /// stop `i`'s are `first[i] ..< first[i + 1]`.
    public struct Stops: Sendable {
        public var positions: [XY] = []
        public var first: [Int32] = [0]
        public var instance: [Int32] = []
        public var route: [Int32] = []
        public var seconds: [Int32] = []
        public var count: Int { positions.count }
    }

    public var date: ServiceDate
    public var bus = Stops()
    public var rail = Stops()
    public var instanceCount: Int
    public var routeCount: Int

    /// `feeds[f].positions[s]` is stop `s` of feed `f` in the working CRS (nil: unplaced, left out).
    public init(date: ServiceDate, feeds: [(feed: GTFSFeed, positions: [XY?])]) {
        self.date = date
        var instanceBase = 0, routeBase = 0
        var bus = Stops(), rail = Stops()
        for (feed, stopPositions) in feeds {
            let frequency = ServiceFrequency(feed: feed, date: date, window: .wholeDay)
            for s in 0..<feed.stopCount {
                guard let position = stopPositions[s] else { continue }
                var busAny = false, railAny = false
                for k in frequency.departures(at: s) {
                    let routeClass = frequency.routeClass[k]
                    guard routeClass == .bus || routeClass == .rail else { continue }
                    let i = Int(frequency.instance[k])
                    let instance = Int32(instanceBase + i), route = Int32(routeBase) + feed.tripRoute[Int(frequency.instanceTrip[i])]
                    if routeClass == .bus {
                        bus.instance.append(instance); bus.route.append(route); bus.seconds.append(frequency.seconds[k])
                        busAny = true
                    } else {
                        rail.instance.append(instance); rail.route.append(route); rail.seconds.append(frequency.seconds[k])
                        railAny = true
                    }
                }
                if busAny { bus.positions.append(position); bus.first.append(Int32(bus.instance.count)) }
                if railAny { rail.positions.append(position); rail.first.append(Int32(rail.instance.count)) }
            }
            instanceBase += frequency.instanceCount
            routeBase += feed.routeIDs.count
        }
        self.bus = bus
        self.rail = rail
        instanceCount = instanceBase
        routeCount = routeBase
    }

    public var isEmpty: Bool { bus.instance.isEmpty && rail.instance.isEmpty }
}

/// Per origin, hour by hour through one date: distinct bus and rail trips from stops within each class's radius
/// (docs/transit.md, "A departure", for one-hour windows), distinct routes, the first and last departure, and the
/// longest wait with no departure within a span of the day.
public struct HourlyService: Sendable {
    /// Bus stops count within `bus` metres of an origin, stations within `rail` (straight line, working CRS); the
    /// longest gap is measured within `span`.
    public var radii: (bus: Double, rail: Double), span: ServiceWindow

    public init(busRadiusMetres: Double, railRadiusMetres: Double, span: ServiceWindow) {
        (radii, self.span) = ((busRadiusMetres, railRadiusMetres), span)
    }

    /// One origin's day. `bus`, `rail`: distinct trip instances of the class departing in each hour 0–23 from a
    /// stop within its radius; `routes`: distinct routes (bus and rail) with such a departure, each hour; `first`,
    /// `last`: seconds after midnight of the first and last such departure (nil: none all day); `longestGap`: the
    /// longest interval in `span` with no such departure, seconds (the whole span when there is none).
    public struct OriginDay: Sendable, Equatable {
        public var bus, rail, routes: [Int32]
        public var first, last: Int32?
        public var longestGap: Int32
    }

    public func measure(origins: [XY], day: DayDepartures) throws -> [OriginDay] {
        let busIndex = PointIndex(day.bus.positions), railIndex = PointIndex(day.rail.positions)
        let (busRadius, railRadius) = radii, span = self.span
        final class Stamps {
            var trip: [Int32], route: [Int32]
            var times: [Int32] = []
            init(_ trips: Int, _ routes: Int) {
                trip = Array(repeating: 0, count: trips * 24)
                route = Array(repeating: 0, count: routes * 24)
            }
        }
        return try ParallelMap.map(Array(origins.indices), worker: { Stamps(day.instanceCount, day.routeCount) }) { stamps, slice in
            slice.map { o in
                let mark = Int32(o + 1)
                var result = OriginDay(bus: Array(repeating: 0, count: 24), rail: Array(repeating: 0, count: 24),
                                       routes: Array(repeating: 0, count: 24), first: nil, last: nil, longestGap: 0)
                stamps.times.removeAll(keepingCapacity: true)
                func visit(_ stops: DayDepartures.Stops, _ i: Int, rail: Bool) {
                    for k in Int(stops.first[i])..<Int(stops.first[i + 1]) {
                        let time = stops.seconds[k], hour = Int(time) / 3600
                        let tripSlot = Int(stops.instance[k]) * 24 + hour
                        if stamps.trip[tripSlot] != mark {
                            stamps.trip[tripSlot] = mark
                            if rail { result.rail[hour] += 1 } else { result.bus[hour] += 1 }
                        }
                        let routeSlot = Int(stops.route[k]) * 24 + hour
                        if stamps.route[routeSlot] != mark {
                            stamps.route[routeSlot] = mark
                            result.routes[hour] += 1
                        }
                        result.first = min(result.first ?? time, time)
                        result.last = max(result.last ?? time, time)
                        if Int(time) >= span.startSeconds && Int(time) < span.endSeconds { stamps.times.append(time) }
                    }
                }
                busIndex.forEach(within: busRadius, of: origins[o]) { i, _ in visit(day.bus, i, rail: false) }
                railIndex.forEach(within: railRadius, of: origins[o]) { i, _ in visit(day.rail, i, rail: true) }
                stamps.times.sort()
                var previous = Int32(span.startSeconds), longest: Int32 = 0
                for time in stamps.times {
                    longest = max(longest, time - previous)
                    previous = time
                }
                result.longestGap = max(longest, Int32(span.endSeconds) - previous)
                return result
            }
        }
    }
}
