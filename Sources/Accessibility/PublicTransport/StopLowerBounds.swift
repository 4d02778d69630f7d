/// A static graph over a timetable's stops whose every path is no longer than any journey along the same
/// stops: a hop between consecutive calls of a pattern weighs the least scheduled time of any of its trips
/// (arrival at the next stop minus departure from this one), a footpath its walk; waits and dwells weigh nothing.
/// Shortest paths on it are lower bounds on travel time in whole seconds, which is what a scenario needs to
/// prove that an origin cannot be affected by a changed trip and to bound the stops a search must visit
/// (docs/scenarios.md, "What is recomputed").
public struct StopLowerBounds: Sendable {
    /// A stop no path reaches within the limit.
    public static let unreachable = Int32.max

    public let stopCount: Int
    /// Edges leaving stop s: `forwardHead[forwardFirst[s] ..< forwardFirst[s + 1]]`, weights in `forwardSeconds`.
    let forwardFirst: [UInt32], forwardHead: [UInt32], forwardSeconds: [Int32]
    /// Edges entering stop s, the same way.
    let backwardFirst: [UInt32], backwardHead: [UInt32], backwardSeconds: [Int32]

    /// The hops of every pattern of `timetable` and the footpaths of `transfers` (walks are symmetric).
    public init(timetable tt: TransitTimetable, transfers: StopTransfers) {
        stopCount = tt.stopCount
        var from: [UInt32] = [], to: [UInt32] = [], seconds: [Int32] = []
        for p in 0..<tt.patternCount {
            let base = Int(tt.patternStopFirst[p]), length = Int(tt.patternStopFirst[p + 1]) - base
            let firstTrip = Int(tt.patternTripFirst[p]), endTrip = Int(tt.patternTripFirst[p + 1])
            guard length > 1, firstTrip < endTrip else { continue }
            for i in 0..<(length - 1) {
                var least = Int32.max
                for trip in firstTrip..<endTrip {
                    let at = Int(tt.tripTimeFirst[trip]) + i
                    least = min(least, tt.arrivals[at + 1] - tt.departures[at])
                }
                from.append(tt.patternStops[base + i])
                to.append(tt.patternStops[base + i + 1])
                seconds.append(max(0, least))
            }
        }
        for t in 0..<tt.stopCount {
            for e in Int(transfers.first[t])..<Int(transfers.first[t + 1]) {
                from.append(transfers.target[e])
                to.append(UInt32(t))
                seconds.append(max(0, transfers.seconds[e]))
            }
        }
        (forwardFirst, forwardHead, forwardSeconds) = Self.rows(count: stopCount, from, to, seconds)
        (backwardFirst, backwardHead, backwardSeconds) = Self.rows(count: stopCount, to, from, seconds)
    }

    static func rows(count: Int, _ from: [UInt32], _ to: [UInt32], _ seconds: [Int32]) -> ([UInt32], [UInt32], [Int32]) {
        var first = [UInt32](repeating: 0, count: count + 1)
        for f in from { first[Int(f) + 1] += 1 }
        for s in 0..<count { first[s + 1] += first[s] }
        var next = first
        var head = [UInt32](repeating: 0, count: from.count), weight = [Int32](repeating: 0, count: from.count)
        for e in from.indices {
            let at = Int(next[Int(from[e])])
            head[at] = to[e]
            weight[at] = seconds[e]
            next[Int(from[e])] += 1
        }
        return (first, head, weight)
    }

    /// Least seconds from any seed (stop, seconds already spent) to every stop, `unreachable` beyond `limit`.
    /// `within`, when given, keeps the search to the stops it marks.
    public func fromSeeds(_ seeds: [(stop: Int, seconds: Int32)], limit: Int32, within: [Bool]? = nil) -> [Int32] {
        Self.dijkstra(count: stopCount, first: forwardFirst, head: forwardHead, weight: forwardSeconds, seeds: seeds, limit: limit, within: within)
    }

    /// Least seconds from every stop to any seed (stop, seconds still to go), `unreachable` beyond `limit`.
    public func toSeeds(_ seeds: [(stop: Int, seconds: Int32)], limit: Int32, within: [Bool]? = nil) -> [Int32] {
        Self.dijkstra(count: stopCount, first: backwardFirst, head: backwardHead, weight: backwardSeconds, seeds: seeds, limit: limit, within: within)
    }

    static func dijkstra(count: Int, first: [UInt32], head: [UInt32], weight: [Int32], seeds: [(stop: Int, seconds: Int32)],
                         limit: Int32, within: [Bool]?) -> [Int32] {
        var distance = [Int32](repeating: unreachable, count: count)
        var heap = MinHeap<Int32>()
        for seed in seeds where seed.seconds <= limit && (within?[seed.stop] ?? true) && seed.seconds < distance[seed.stop] {
            distance[seed.stop] = seed.seconds
            heap.push(seed.seconds, UInt32(seed.stop))
        }
        while let (d, u) = heap.pop() {
            guard d == distance[Int(u)] else { continue }
            for e in Int(first[Int(u)])..<Int(first[Int(u) + 1]) {
                let v = Int(head[e])
                let next = d + weight[e]
                if next <= limit, next < distance[v], within?[v] ?? true {
                    distance[v] = next
                    heap.push(next, UInt32(v))
                }
            }
        }
        return distance
    }
}
