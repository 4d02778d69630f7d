import GeoData
import GeoPrimitives

/// The walking legs of public-transport journeys, on the walk graph, in whole seconds (docs/raptor.md, "Walking
/// legs"): stops snapped like services, footpath transfers between stops, and walks between stops and other
/// points (origins for access, services for egress).
///
/// Every walking time is the shortest path between two snap points (each segment split at its snap point, as
/// `NetworkTravelTime`), rounded **up** to a whole second once, here; everything after is integer arithmetic.
/// Walking is symmetric (walkers ignore `oneway`), so one table serves both directions of a leg.
public struct TransitWalkLinks: Sendable {
    public let snapper: EdgeSnapper
    /// Each stop's snap point on the walk graph; nil when the stop has no position or no walkable road within
    /// the maximum snap distance (such a stop is ridden through but never walked to or from).
    public let stopSnaps: [SnapPoint?]
    /// Footpaths between different snapped stops within the maximum transfer walk.
    public let transfers: StopTransfers
    /// A walk is never faster than this (metres per second): candidates are found by straight distance.
    public let fastestWalkMetresPerSecond: Double
    let snappedStops: [Int]
    let stopIndex: PointIndex

    public var snappedStopCount: Int { snappedStops.count }

    /// Snaps the stops onto `snapper`'s graph and links every pair within `maxTransferSeconds` on foot.
    public init(snapper: EdgeSnapper, stopPositions: [XY?], maxSnapMetres: Double, maxTransferSeconds: Int32,
                fastestWalkMetresPerSecond: Double) throws {
        self.snapper = snapper
        self.fastestWalkMetresPerSecond = fastestWalkMetresPerSecond
        let stopSnaps: [SnapPoint?] = try ParallelMap.map(stopPositions, chunksPerWorker: 8) { slice in
            slice.map { position in position.flatMap { snapper.snap($0, maxMetres: maxSnapMetres) } }
        }
        self.stopSnaps = stopSnaps
        snappedStops = stopSnaps.indices.filter { stopSnaps[$0] != nil }
        stopIndex = PointIndex(snappedStops.map { snapper.position(of: stopSnaps[$0]!) })
        var links: [(from: UInt32, to: UInt32, seconds: Int32)] = []
        if maxTransferSeconds > 0 {
            let stops = try StopPointWalks.build(snapper: snapper, stopSnaps: stopSnaps, snappedStops: snappedStops,
                                                 fastestWalkMetresPerSecond: fastestWalkMetresPerSecond,
                                                 to: stopSnaps, maxSeconds: maxTransferSeconds)
            for s in 0..<stopSnaps.count {
                for e in Int(stops.first[s])..<Int(stops.first[s + 1]) where Int(stops.point[e]) != s {
                    links.append((UInt32(s), stops.point[e], stops.seconds[e]))
                }
            }
        }
        transfers = StopTransfers(stopCount: stopPositions.count, links: links)
    }

    /// Whole seconds of the walk from `from` to `target` after a forward search from `from`, or nil beyond
    /// `maxSeconds`.
    @inline(__always) static func seconds(to target: SnapPoint, from: SnapPoint, search: TravelTimeSearch, maxSeconds: Int32) -> Int32? {
        guard let time = NetworkTravelTime.time(to: target, from: from, search: search) else { return nil }
        let whole = time.rounded(.up)
        return whole <= Double(maxSeconds) ? Int32(whole) : nil
    }

    /// The snapped stops within `maxSeconds` on foot of one snap point, with the walk in whole seconds.
    public func stopsNear(_ point: SnapPoint, maxSeconds: Int32, search: inout TravelTimeSearch) -> [(stop: UInt32, seconds: Int32)] {
        let graph = snapper.graph
        search.run(from: NetworkTravelTime.seedsFrom(point, graph: graph), direction: .fromSources, limitSeconds: Double(maxSeconds))
        var found: [(stop: UInt32, seconds: Int32)] = []
        stopIndex.forEach(within: Double(maxSeconds) * fastestWalkMetresPerSecond + 1, of: snapper.position(of: point)) { k, _ in
            let s = snappedStops[k]
            if let time = Self.seconds(to: stopSnaps[s]!, from: point, search: search, maxSeconds: maxSeconds) {
                found.append((UInt32(s), time))
            }
        }
        return found.sorted { $0.stop < $1.stop }
    }

    /// Per stop, the walk to the nearest of `services` (snap points on the same graph), in whole seconds rounded
    /// up, or nil beyond `maxWalkSeconds` (or unsnapped): the egress leg. One multi-source search.
    public func egress(to services: NetworkTravelTime, maxWalkSeconds: Int32) -> [Int32?] {
        var search = TravelTimeSearch(graph: services.graph)
        return services.timesToNearest(stopSnaps, search: &search).map { time in
            guard let time else { return nil }
            let whole = time.rounded(.up)
            return whole <= Double(maxWalkSeconds) ? Int32(whole) : nil
        }
    }
}

/// Walks from each stop to the points (origins, services, other stops) within a maximum walk, as compressed
/// sparse rows: stop s reaches `point[first[s] ..< first[s + 1]]` (ascending) in the matching `seconds`.
public struct StopPointWalks: Sendable {
    public let first: [UInt32]
    public let point: [UInt32]
    public let seconds: [Int32]
    /// How many points there are (walked to or not).
    public let pointCount: Int

    /// The walks from every snapped stop of `links` to the snapped `points` within `maxSeconds`: one bounded
    /// search per stop, candidates from a straight-line index, on all cores.
    public static func build(_ links: TransitWalkLinks, to points: [SnapPoint?], maxSeconds: Int32) throws -> StopPointWalks {
        try build(snapper: links.snapper, stopSnaps: links.stopSnaps, snappedStops: links.snappedStops,
                  fastestWalkMetresPerSecond: links.fastestWalkMetresPerSecond, to: points, maxSeconds: maxSeconds)
    }

    static func build(snapper: EdgeSnapper, stopSnaps: [SnapPoint?], snappedStops: [Int], fastestWalkMetresPerSecond: Double,
                      to points: [SnapPoint?], maxSeconds: Int32) throws -> StopPointWalks {
        let graph = snapper.graph
        let snapped = points.indices.filter { points[$0] != nil }
        let index = PointIndex(snapped.map { snapper.position(of: points[$0]!) })
        let radius = Double(maxSeconds) * fastestWalkMetresPerSecond + 1
        let perStop: [[(UInt32, Int32)]] = try ParallelMap.map(snappedStops, chunksPerWorker: 16,
                                                                  worker: { TravelTimeSearch(graph: graph) }) { worker, slice in
            var search = worker
            return slice.map { s in
                let from = stopSnaps[s]!
                search.run(from: NetworkTravelTime.seedsFrom(from, graph: graph), direction: .fromSources, limitSeconds: Double(maxSeconds))
                var found: [(UInt32, Int32)] = []
                index.forEach(within: radius, of: snapper.position(of: from)) { k, _ in
                    let o = snapped[k]
                    if let time = TransitWalkLinks.seconds(to: points[o]!, from: from, search: search, maxSeconds: maxSeconds) {
                        found.append((UInt32(o), time))
                    }
                }
                return found.sorted { $0.0 < $1.0 }
            }
        }
        var first = [UInt32](repeating: 0, count: stopSnaps.count + 1)
        var point: [UInt32] = [], seconds: [Int32] = []
        var next = 0
        for s in 0..<stopSnaps.count {
            if next < snappedStops.count, snappedStops[next] == s {
                for (o, time) in perStop[next] {
                    point.append(o)
                    seconds.append(time)
                }
                next += 1
            }
            first[s + 1] = UInt32(point.count)
        }
        return StopPointWalks(first: first, point: point, seconds: seconds, pointCount: points.count)
    }

    /// No walks from any of `stopCount` stops.
    public static func none(stopCount: Int) -> StopPointWalks {
        StopPointWalks(first: [UInt32](repeating: 0, count: stopCount + 1), point: [], seconds: [], pointCount: 0)
    }

    init(first: [UInt32], point: [UInt32], seconds: [Int32], pointCount: Int) {
        self.first = first
        self.point = point
        self.seconds = seconds
        self.pointCount = pointCount
    }
}

/// The same walks read the other way: from each point to the stops within the maximum walk (compressed sparse
/// rows by point, stops ascending), for searches that start at one point.
public struct PointStopWalks: Sendable {
    /// Point p walks to `stop[first[p] ..< first[p + 1]]`, in the matching `seconds`.
    public let first: [UInt32], stop: [UInt32], seconds: [Int32]

    public init(_ walks: StopPointWalks) {
        var first = [UInt32](repeating: 0, count: walks.pointCount + 1)
        for p in walks.point { first[Int(p) + 1] += 1 }
        for p in 0..<walks.pointCount { first[p + 1] += first[p] }
        var next = first
        var stop = [UInt32](repeating: 0, count: walks.point.count), seconds = [Int32](repeating: 0, count: walks.point.count)
        for s in 0..<(walks.first.count - 1) {
            for e in Int(walks.first[s])..<Int(walks.first[s + 1]) {
                let p = Int(walks.point[e]), at = Int(next[p])
                stop[at] = UInt32(s)
                seconds[at] = walks.seconds[e]
                next[p] += 1
            }
        }
        (self.first, self.stop, self.seconds) = (first, stop, seconds)
    }

    /// The stops point p walks to, and the walk in whole seconds.
    public func walks(of p: Int) -> [(stop: UInt32, seconds: Int32)] {
        (Int(first[p])..<Int(first[p + 1])).map { (stop[$0], seconds[$0]) }
    }
}
