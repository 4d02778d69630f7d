import GeoData

extension CatchmentPairs {
    /// Pairs over one mode's roads: for each snapped service of `services`, one search toward it on the reversed
    /// graph bounded by `limitMinutes`, then every origin whose segment has an end the search reached (or that
    /// shares the service's segment) at its time to the service, exactly as `NetworkTravelTime.timesToNearest`
    /// measures it (so the nearest pair of an origin is its time to the nearest service). Costs in minutes; the
    /// searches are spread over the cores, so the cost grows with services, not origins.
    public static func network(_ services: NetworkTravelTime, origins: [SnapPoint?], limitMinutes: Double) throws -> CatchmentPairs {
        let graph = services.graph
        let limitSeconds = limitMinutes * 60
        // Origins by the end nodes of their segments, and by segment.
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
        let firstAtNode = count, originsAtNode = atNode, onSegment = bySegment
        let lists = try ParallelMap.map(services.services, chunksPerWorker: 8, worker: { () -> Int in 0 }) { _, slice in
            var search = TravelTimeSearch(graph: graph)
            var seenFor = [Int](repeating: -1, count: origins.count)
            return slice.enumerated().map { k, service -> [(origin: UInt32, cost: Double)] in
                let stamp = slice.startIndex + k
                var seeds: [(node: UInt32, seconds: Double)] = []
                if let time = NetworkTravelTime.fromStart(service, graph) { seeds.append((graph.segmentFrom[service.segment], time)) }
                if let time = NetworkTravelTime.fromEnd(service, graph) { seeds.append((graph.segmentTo[service.segment], time)) }
                search.run(from: seeds, direction: .toSources, limitSeconds: limitSeconds)
                var pairs: [(origin: UInt32, cost: Double)] = []
                func consider(_ o: UInt32) {
                    guard seenFor[Int(o)] != stamp, let snap = origins[Int(o)] else { return }
                    seenFor[Int(o)] = stamp
                    var best = TravelTimeSearch.unreachable
                    if let toEnd = NetworkTravelTime.toEnd(snap, graph) { best = min(best, toEnd + search.seconds[Int(graph.segmentTo[snap.segment])]) }
                    if let toStart = NetworkTravelTime.toStart(snap, graph) { best = min(best, toStart + search.seconds[Int(graph.segmentFrom[snap.segment])]) }
                    if snap.segment == service.segment,
                       let direct = NetworkTravelTime.along(snap.segment, from: snap.fraction, to: service.fraction, graph) {
                        best = min(best, direct)
                    }
                    if best <= limitSeconds { pairs.append((o, best / 60)) }
                }
                for node in search.reached {
                    for i in firstAtNode[Int(node)]..<firstAtNode[Int(node) + 1] { consider(originsAtNode[i]) }
                }
                for o in onSegment[service.segment] ?? [] { consider(o) }
                return pairs
            }
        }
        return CatchmentPairs(originCount: origins.count, perService: lists)
    }
}
