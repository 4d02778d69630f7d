import GeoData

/// The origins each service of one category reaches over one mode's roads: one search toward the service on the
/// reversed graph, bounded by a limit, then every origin whose segment has an end the search reached (or that
/// shares the service's segment) at its time to the service, exactly as `NetworkTravelTime.timesToNearest`
/// measures it (so an origin's smallest time is its time to the nearest service). The cost grows with services,
/// not origins: the floating catchments keep the pairs, the opportunity and gravity sums fold them into origins.
public struct NetworkReach: Sendable {
    public let services: NetworkTravelTime
    public let origins: [SnapPoint?]
    /// Origins by the end nodes of their segments (compressed rows by node), and by segment.
    let firstAtNode: [Int]
    let originsAtNode: [UInt32]
    let onSegment: [Int: [UInt32]]

    public init(_ services: NetworkTravelTime, origins: [SnapPoint?]) {
        let graph = services.graph
        var count = [Int](repeating: 0, count: graph.nodeCount + 1)
        var bySegment: [Int: [UInt32]] = [:]
        for case let snap? in origins {
            count[Int(graph.segmentFrom[snap.segment]) + 1] += 1
            count[Int(graph.segmentTo[snap.segment]) + 1] += 1
        }
        for n in 0..<graph.nodeCount { count[n + 1] += count[n] }
        var next = count
        var atNode = [UInt32](repeating: 0, count: count[graph.nodeCount])
        for (o, snap) in origins.enumerated() {
            guard let snap else { continue }
            for node in [graph.segmentFrom[snap.segment], graph.segmentTo[snap.segment]] {
                atNode[next[Int(node)]] = UInt32(o)
                next[Int(node)] += 1
            }
            bySegment[snap.segment, default: []].append(UInt32(o))
        }
        self.services = services
        self.origins = origins
        firstAtNode = count
        originsAtNode = atNode
        onSegment = bySegment
    }

    /// A worker's scratch: the search and which origins the current service has already visited.
    public struct Scratch {
        var search: TravelTimeSearch
        var seenFor: [Int]
        init(_ reach: NetworkReach) {
            search = TravelTimeSearch(graph: reach.services.graph)
            seenFor = [Int](repeating: -1, count: reach.origins.count)
        }
    }

    /// Calls `visit(origin, minutes)` once for every origin within `limitMinutes` of service `k`.
    public func forEachOrigin(ofService k: Int, limitMinutes: Double, scratch: inout Scratch, _ visit: (UInt32, Double) -> Void) {
        let graph = services.graph, service = services.services[k]
        let limitSeconds = limitMinutes * 60
        var seeds: [(node: UInt32, seconds: Double)] = []
        if let time = NetworkTravelTime.fromStart(service, graph) { seeds.append((graph.segmentFrom[service.segment], time)) }
        if let time = NetworkTravelTime.fromEnd(service, graph) { seeds.append((graph.segmentTo[service.segment], time)) }
        scratch.search.run(from: seeds, direction: .toSources, limitSeconds: limitSeconds)
        func consider(_ o: UInt32) {
            guard scratch.seenFor[Int(o)] != k, let snap = origins[Int(o)] else { return }
            scratch.seenFor[Int(o)] = k
            var best = TravelTimeSearch.unreachable
            if let toEnd = NetworkTravelTime.toEnd(snap, graph) { best = min(best, toEnd + scratch.search.seconds[Int(graph.segmentTo[snap.segment])]) }
            if let toStart = NetworkTravelTime.toStart(snap, graph) { best = min(best, toStart + scratch.search.seconds[Int(graph.segmentFrom[snap.segment])]) }
            if snap.segment == service.segment,
               let direct = NetworkTravelTime.along(snap.segment, from: snap.fraction, to: service.fraction, graph) {
                best = min(best, direct)
            }
            if best <= limitSeconds { visit(o, best / 60) }
        }
        for node in scratch.search.reached {
            for i in firstAtNode[Int(node)]..<firstAtNode[Int(node) + 1] { consider(originsAtNode[i]) }
        }
        for o in onSegment[service.segment] ?? [] { consider(o) }
    }

    /// Per-origin sums over the services each reaches within `limitMinutes`: `width` numbers per origin
    /// (origin-major), to which `add(service, minutes, sums)` adds one service's terms. The services are cut
    /// into a fixed number of runs, whatever the core count, each summed on its own and the runs added in order,
    /// so the sums are the same on one core or many.
    public func accumulate(limitMinutes: Double, width: Int,
                           _ add: @escaping @Sendable (_ service: Int, _ minutes: Double, _ sums: UnsafeMutableBufferPointer<Double>) -> Void) throws -> [Double] {
        let count = services.services.count
        let runs = min(count, Self.accumulationRuns)
        guard runs > 0 else { return [Double](repeating: 0, count: origins.count * width) }
        let bounds = (0...runs).map { count * $0 / runs }
        let reach = self
        let parts = try ParallelMap.map(Array(0..<runs), chunksPerWorker: max(1, runs / max(ParallelMap.workerCount, 1)), worker: { () -> Int in 0 }) { _, slice in
            var scratch = Scratch(reach)
            return slice.map { run -> [Double] in
                var sums = [Double](repeating: 0, count: reach.origins.count * width)
                sums.withUnsafeMutableBufferPointer { buffer in
                    for k in bounds[run]..<bounds[run + 1] {
                        reach.forEachOrigin(ofService: k, limitMinutes: limitMinutes, scratch: &scratch) { o, minutes in
                            add(k, minutes, UnsafeMutableBufferPointer(rebasing: buffer[(Int(o) * width)..<(Int(o) * width + width)]))
                        }
                    }
                }
                return sums
            }
        }
        var total = parts[0]
        for part in parts.dropFirst() {
            for i in total.indices { total[i] += part[i] }
        }
        return total
    }

    /// Runs of services summed apart: enough to keep two to eight cores busy.
    static let accumulationRuns = 16
}

extension CatchmentPairs {
    /// Pairs over one mode's roads (`NetworkReach`), costs in minutes up to `limitMinutes`; the searches are
    /// spread over the cores.
    public static func network(_ services: NetworkTravelTime, origins: [SnapPoint?], limitMinutes: Double) throws -> CatchmentPairs {
        let reach = NetworkReach(services, origins: origins)
        let lists = try ParallelMap.map(Array(services.services.indices), chunksPerWorker: 8, worker: { () -> Int in 0 }) { _, slice in
            var scratch = NetworkReach.Scratch(reach)
            return slice.map { k -> [(origin: UInt32, cost: Double)] in
                var pairs: [(origin: UInt32, cost: Double)] = []
                reach.forEachOrigin(ofService: k, limitMinutes: limitMinutes, scratch: &scratch) { pairs.append(($0, $1)) }
                return pairs
            }
        }
        return CatchmentPairs(originCount: origins.count, perService: lists)
    }
}
