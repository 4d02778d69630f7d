/// Travel times between points snapped onto one mode's graph, with every snap point treated as if its segment
/// were split there (docs/road-network.md, "Snapping"): a point at fraction f of segment a→b reaches b in
/// (1 − f)·cost(a→b) when a→b is permitted and a in f·cost(b→a) when b→a is; a point exactly on a node is at
/// that node, free to take any edge from it.
public struct NetworkTravelTime: Sendable {
    public let graph: RoadGraph
    /// The snapped services of one category, and for each segment the fractions of the services on it.
    public let services: [SnapPoint]
    private let servicesOnSegment: [Int: [Double]]

    public init(graph: RoadGraph, services: [SnapPoint]) {
        self.graph = graph
        self.services = services
        var onSegment: [Int: [Double]] = [:]
        for service in services { onSegment[service.segment, default: []].append(service.fraction) }
        servicesOnSegment = onSegment
    }

    /// The time from node `from`/`to` of the snap's segment to the snap point (seconds), or nil when that
    /// direction is not permitted.
    @inline(__always) static func fromStart(_ snap: SnapPoint, _ graph: RoadGraph) -> Double? {
        if snap.fraction == 0 { return 0 }
        let cost = graph.forwardSeconds[snap.segment]
        return cost.isFinite ? snap.fraction * cost : nil
    }

    @inline(__always) static func fromEnd(_ snap: SnapPoint, _ graph: RoadGraph) -> Double? {
        if snap.fraction == 1 { return 0 }
        let cost = graph.backwardSeconds[snap.segment]
        return cost.isFinite ? (1 - snap.fraction) * cost : nil
    }

    /// Time along one segment from fraction `a` to fraction `b` (seconds), or nil when that direction is closed.
    @inline(__always) static func along(_ segment: Int, from a: Double, to b: Double, _ graph: RoadGraph) -> Double? {
        if a == b { return 0 }
        let cost = a < b ? graph.forwardSeconds[segment] : graph.backwardSeconds[segment]
        return cost.isFinite ? abs(b - a) * cost : nil
    }

    /// Sources of the search towards the services: each service's segment ends, with the time from that end
    /// to the service.
    public var seedsTowardServices: [(node: UInt32, seconds: Double)] {
        var seeds: [(node: UInt32, seconds: Double)] = []
        for service in services {
            if let time = Self.fromStart(service, graph) { seeds.append((graph.segmentFrom[service.segment], time)) }
            if let time = Self.fromEnd(service, graph) { seeds.append((graph.segmentTo[service.segment], time)) }
        }
        return seeds
    }

    /// Seconds from each origin to its nearest service, nil when no service can be reached (or the origin is
    /// unsnapped). `search` must be over the same graph; one search serves every origin.
    public func timesToNearest(_ origins: [SnapPoint?], search: inout TravelTimeSearch) -> [Double?] {
        search.run(from: seedsTowardServices, direction: .toSources)
        return origins.map { origin in
            guard let origin else { return nil }
            var best = TravelTimeSearch.unreachable
            let s = origin.segment
            // Leaving by the segment's end node (a→b) or its start node (b→a).
            if let toEnd = Self.toEnd(origin, graph) {
                best = min(best, toEnd + search.seconds[Int(graph.segmentTo[s])])
            }
            if let toStart = Self.toStart(origin, graph) {
                best = min(best, toStart + search.seconds[Int(graph.segmentFrom[s])])
            }
            for fraction in servicesOnSegment[s] ?? [] {
                if let direct = Self.along(s, from: origin.fraction, to: fraction, graph) { best = min(best, direct) }
            }
            return best.isFinite ? best : nil
        }
    }

    /// Time from a snap point to its segment's end node going forward (a→b), or nil when a→b is closed.
    @inline(__always) static func toEnd(_ snap: SnapPoint, _ graph: RoadGraph) -> Double? {
        if snap.fraction == 1 { return 0 }
        let cost = graph.forwardSeconds[snap.segment]
        return cost.isFinite ? (1 - snap.fraction) * cost : nil
    }

    /// Time from a snap point to its segment's start node going backward (b→a), or nil when b→a is closed.
    @inline(__always) static func toStart(_ snap: SnapPoint, _ graph: RoadGraph) -> Double? {
        if snap.fraction == 0 { return 0 }
        let cost = graph.backwardSeconds[snap.segment]
        return cost.isFinite ? snap.fraction * cost : nil
    }

    /// Seeds of a forward search from one origin: its segment's ends, with the time to reach each.
    public static func seedsFrom(_ origin: SnapPoint, graph: RoadGraph) -> [(node: UInt32, seconds: Double)] {
        var seeds: [(node: UInt32, seconds: Double)] = []
        if let time = toEnd(origin, graph) { seeds.append((graph.segmentTo[origin.segment], time)) }
        if let time = toStart(origin, graph) { seeds.append((graph.segmentFrom[origin.segment], time)) }
        return seeds
    }

    /// After a forward search from `origin` (seeded by `seedsFrom`), the time to each service, or nil when
    /// it was not reached within the search's limit.
    public func timesFrom(_ origin: SnapPoint, search: TravelTimeSearch) -> [Double?] {
        services.map { Self.time(to: $0, from: origin, search: search) }
    }

    /// After a forward search from `origin` (seeded by `seedsFrom`), the time to the snap point `target`
    /// (seconds), or nil when it was not reached within the search's limit.
    public static func time(to target: SnapPoint, from origin: SnapPoint, search: TravelTimeSearch) -> Double? {
        let graph = search.graph
        var best = TravelTimeSearch.unreachable
        // Arriving from the segment's start node going forward, or from its end node going backward.
        if let time = fromStart(target, graph) { best = min(best, search.seconds[Int(graph.segmentFrom[target.segment])] + time) }
        if let time = fromEnd(target, graph) { best = min(best, search.seconds[Int(graph.segmentTo[target.segment])] + time) }
        if target.segment == origin.segment, let direct = along(origin.segment, from: origin.fraction, to: target.fraction, graph) {
            best = min(best, direct)
        }
        return best.isFinite ? best : nil
    }
}
