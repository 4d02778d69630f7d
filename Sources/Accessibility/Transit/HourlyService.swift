import GeoData
import GeoPrimitives

/// The bus and rail departures of one service date at the stops of one or more feeds, for hour-by-hour figures
/// near each origin: each departure with its trip instance (numbered across feeds), its route (numbered across
/// feeds), its class and its time on the date's clock (`ServiceFrequency` over `ServiceWindow.wholeDay`).
public struct DayDepartures: Sendable {
    public var date: ServiceDate
    /// Stops with a bus or rail departure that day, in the working CRS (metres).
    public var positions: [XY]
    /// Departures of stop `i`: `first[i] ..< first[i + 1]`.
    public var first: [Int32]
    public var instance: [Int32]
    public var route: [Int32]
    public var seconds: [Int32]
    public var isRail: [Bool]
    public var instanceCount: Int
    public var routeCount: Int

    /// `feeds[f].positions[s]` is stop `s` of feed `f` in the working CRS (nil: unplaced, left out).
    public init(date: ServiceDate, feeds: [(feed: GTFSFeed, positions: [XY?])]) {
        self.date = date
        positions = []
        first = [0]
        instance = []
        route = []
        seconds = []
        isRail = []
        var instanceBase = 0, routeBase = 0
        for (feed, stopPositions) in feeds {
            let frequency = ServiceFrequency(feed: feed, date: date, window: .wholeDay)
            for s in 0..<feed.stopCount {
                guard let position = stopPositions[s] else { continue }
                var any = false
                for k in frequency.departures(at: s) where frequency.routeClass[k] == .bus || frequency.routeClass[k] == .rail {
                    let i = Int(frequency.instance[k])
                    instance.append(Int32(instanceBase + i))
                    route.append(Int32(routeBase) + feed.tripRoute[Int(frequency.instanceTrip[i])])
                    seconds.append(frequency.seconds[k])
                    isRail.append(frequency.routeClass[k] == .rail)
                    any = true
                }
                guard any else { continue }
                positions.append(position)
                first.append(Int32(instance.count))
            }
            instanceBase += frequency.instanceCount
            routeBase += feed.routeIDs.count
        }
        instanceCount = instanceBase
        routeCount = routeBase
    }

    public var stopCount: Int { positions.count }
    public var isEmpty: Bool { instance.isEmpty }
}

/// Per origin, hour by hour through one date: distinct bus and rail trips from stops within each class's radius
/// (docs/transit.md, "A departure", for one-hour windows), distinct routes, the first and last departure, and the
/// longest wait with no departure within a span of the day.
public struct HourlyService: Sendable {
    public var busRadiusMetres: Double
    public var railRadiusMetres: Double
    /// The span of the longest gap (default 07:00–22:00).
    public var span: ServiceWindow

    public init(busRadiusMetres: Double, railRadiusMetres: Double, span: ServiceWindow) {
        self.busRadiusMetres = busRadiusMetres
        self.railRadiusMetres = railRadiusMetres
        self.span = span
    }

    public struct OriginDay: Sendable, Equatable {
        /// Distinct bus (rail) trip instances departing in each hour 0–23 from a stop within the radius.
        public var bus: [Int32]
        public var rail: [Int32]
        /// Distinct routes (bus and rail) with such a departure, each hour.
        public var routes: [Int32]
        /// Seconds after midnight of the first and last such departure (nil: none all day).
        public var first: Int32?
        public var last: Int32?
        /// The longest interval in `span` with no such departure, seconds (its edges count as departures' ends:
        /// the whole span when there is none).
        public var longestGap: Int32
    }

    public func measure(origins: [XY], day: DayDepartures) throws -> [OriginDay] {
        let index = PointIndex(day.positions)
        let reach = max(busRadiusMetres, railRadiusMetres)
        let bus = busRadiusMetres, rail = railRadiusMetres, span = self.span
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
                index.forEach(within: reach, of: origins[o]) { i, distance in
                    for k in Int(day.first[i])..<Int(day.first[i + 1]) {
                        let railStop = day.isRail[k]
                        guard distance <= (railStop ? rail : bus) else { continue }
                        let time = day.seconds[k], hour = Int(time) / 3600
                        let tripSlot = Int(day.instance[k]) * 24 + hour
                        if stamps.trip[tripSlot] != mark {
                            stamps.trip[tripSlot] = mark
                            if railStop { result.rail[hour] += 1 } else { result.bus[hour] += 1 }
                        }
                        let routeSlot = Int(day.route[k]) * 24 + hour
                        if stamps.route[routeSlot] != mark {
                            stamps.route[routeSlot] = mark
                            result.routes[hour] += 1
                        }
                        result.first = min(result.first ?? time, time)
                        result.last = max(result.last ?? time, time)
                        if Int(time) >= span.startSeconds && Int(time) < span.endSeconds { stamps.times.append(time) }
                    }
                }
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
