/// The k nearest distinct services of one category from every origin, by one search on the reversed graph that
/// keeps up to k labels per node, each from a different service (the k-nearest-facilities form of Dijkstra):
/// a node's labels are settled in order of cost, and a service's label stops spreading where a node already has k
/// nearer ones. An origin's k-th cost is then the k-th smallest of its services' costs through either end of its
/// segment (or along it), which the end nodes' k labels always contain.
public struct NearestServices: Sendable {
    public let graph: RoadGraph
    public let services: [SnapPoint]

    public init(graph: RoadGraph, services: [SnapPoint]) {
        self.graph = graph
        self.services = services
    }

    /// Per origin, the costs (seconds, or metres on a graph by length) to its `k` nearest distinct services,
    /// ascending; fewer when fewer are reachable, nil for an unsnapped origin.
    public func nearest(_ k: Int, from origins: [SnapPoint?]) -> [[Double]?] {
        // Labels per node: (cost, service), at most k, in settling order (ascending cost).
        var labels = [[(cost: Double, service: Int32)]](repeating: [], count: graph.nodeCount)
        var heap = LabelHeap()
        for (j, service) in services.enumerated() {
            if let time = NetworkTravelTime.fromStart(service, graph) { heap.push(time, graph.segmentFrom[service.segment], Int32(j)) }
            if let time = NetworkTravelTime.fromEnd(service, graph) { heap.push(time, graph.segmentTo[service.segment], Int32(j)) }
        }
        while let (cost, node, service) = heap.pop() {
            let n = Int(node)
            guard labels[n].count < k, !labels[n].contains(where: { $0.service == service }) else { continue }
            labels[n].append((cost, service))
            for edge in Int(graph.firstIn[n])..<Int(graph.firstIn[n + 1]) {
                let next = Int(graph.tail[edge])
                guard labels[next].count < k, !labels[next].contains(where: { $0.service == service }) else { continue }
                heap.push(cost + graph.inSeconds[edge], UInt32(next), service)
            }
        }
        var onSegment: [Int: [Int]] = [:]
        for (j, service) in services.enumerated() { onSegment[service.segment, default: []].append(j) }
        return origins.map { origin -> [Double]? in
            guard let origin else { return nil }
            var best: [Int32: Double] = [:]
            let s = origin.segment
            if let toEnd = NetworkTravelTime.toEnd(origin, graph) {
                for label in labels[Int(graph.segmentTo[s])] { best[label.service] = min(best[label.service] ?? .infinity, toEnd + label.cost) }
            }
            if let toStart = NetworkTravelTime.toStart(origin, graph) {
                for label in labels[Int(graph.segmentFrom[s])] { best[label.service] = min(best[label.service] ?? .infinity, toStart + label.cost) }
            }
            for j in onSegment[s] ?? [] {
                if let direct = NetworkTravelTime.along(s, from: origin.fraction, to: services[j].fraction, graph) {
                    best[Int32(j)] = min(best[Int32(j)] ?? .infinity, direct)
                }
            }
            return Array(best.values.sorted().prefix(k))
        }
    }
}

/// A binary min-heap of (cost, node, service) labels.
struct LabelHeap {
    private var items: [(cost: Double, node: UInt32, service: Int32)] = []

    mutating func push(_ cost: Double, _ node: UInt32, _ service: Int32) {
        items.append((cost, node, service))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].cost < items[parent].cost else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (Double, UInt32, Int32)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].cost < items[m].cost { m = l }
                if r < items.count && items[r].cost < items[m].cost { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
