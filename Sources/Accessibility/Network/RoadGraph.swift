import GeoPrimitives

/// One mode's road graph as flat arrays (RoutingKit style): dense `UInt32` node ids shared with the
/// `RoadNetwork`'s node positions, the undirected segments snapping works on, and forward and reverse
/// adjacency in compressed sparse rows for the searches.
public struct RoadGraph: Sendable {
    public let mode: TravelMode
    public let nodeCount: Int

    /// Segment `s` joins node `segmentFrom[s]` to `segmentTo[s]` (consecutive nodes of one way, in way order).
    public let segmentFrom: [UInt32]
    public let segmentTo: [UInt32]
    /// Straight length of each segment in the working CRS, metres.
    public let segmentLengthMetres: [Double]
    /// Time to travel the whole segment from → to, seconds; `.infinity` when that direction is not permitted.
    public let forwardSeconds: [Double]
    /// Time to travel the whole segment to → from, seconds; `.infinity` when that direction is not permitted.
    public let backwardSeconds: [Double]

    /// Edges leaving node `n` are `firstOut[n] ..< firstOut[n + 1]`: head node and time in seconds.
    public let firstOut: [UInt32]
    public let head: [UInt32]
    public let outSeconds: [Double]
    /// Edges entering node `n` are `firstIn[n] ..< firstIn[n + 1]`: tail node and time in seconds.
    public let firstIn: [UInt32]
    public let tail: [UInt32]
    public let inSeconds: [Double]

    public var segmentCount: Int { segmentFrom.count }
    /// Directed edges (a two-way segment counts twice).
    public var edgeCount: Int { head.count }

    public init(mode: TravelMode, nodeCount: Int, segmentFrom: [UInt32], segmentTo: [UInt32],
                segmentLengthMetres: [Double], forwardSeconds: [Double], backwardSeconds: [Double]) {
        precondition(nodeCount < Int(UInt32.max), "more nodes than UInt32 ids")
        self.mode = mode
        self.nodeCount = nodeCount
        self.segmentFrom = segmentFrom
        self.segmentTo = segmentTo
        self.segmentLengthMetres = segmentLengthMetres
        self.forwardSeconds = forwardSeconds
        self.backwardSeconds = backwardSeconds
        // Directed edges, then a counting sort by tail (for firstOut) and by head (for firstIn).
        var tails: [UInt32] = [], heads: [UInt32] = [], costs: [Double] = []
        tails.reserveCapacity(segmentFrom.count * 2)
        heads.reserveCapacity(segmentFrom.count * 2)
        costs.reserveCapacity(segmentFrom.count * 2)
        for s in segmentFrom.indices {
            if forwardSeconds[s].isFinite { tails.append(segmentFrom[s]); heads.append(segmentTo[s]); costs.append(forwardSeconds[s]) }
            if backwardSeconds[s].isFinite { tails.append(segmentTo[s]); heads.append(segmentFrom[s]); costs.append(backwardSeconds[s]) }
        }
        (firstOut, head, outSeconds) = Self.compressedRows(keys: tails, values: heads, costs: costs, nodeCount: nodeCount)
        (firstIn, tail, inSeconds) = Self.compressedRows(keys: heads, values: tails, costs: costs, nodeCount: nodeCount)
    }

    /// The same roads and directions weighted by length: each permitted direction costs the segment's metres, so a
    /// search over it (in "seconds") gives the shortest road distance in metres, as the IoD's barriers domain
    /// measures it. Segment indices, and so snap points, are shared with this graph.
    public func byLength() -> RoadGraph {
        RoadGraph(mode: mode, nodeCount: nodeCount, segmentFrom: segmentFrom, segmentTo: segmentTo, segmentLengthMetres: segmentLengthMetres,
                  forwardSeconds: zip(forwardSeconds, segmentLengthMetres).map { $0.isFinite ? $1 : .infinity },
                  backwardSeconds: zip(backwardSeconds, segmentLengthMetres).map { $0.isFinite ? $1 : .infinity })
    }

    /// Groups `(key, value, cost)` triples by key, stable in input order.
    static func compressedRows(keys: [UInt32], values: [UInt32], costs: [Double], nodeCount: Int) -> ([UInt32], [UInt32], [Double]) {
        var first = [UInt32](repeating: 0, count: nodeCount + 1)
        for key in keys { first[Int(key) + 1] += 1 }
        for n in 0..<nodeCount { first[n + 1] += first[n] }
        var next = first
        var sortedValues = [UInt32](repeating: 0, count: values.count)
        var sortedCosts = [Double](repeating: 0, count: costs.count)
        for i in keys.indices {
            let slot = Int(next[Int(keys[i])])
            next[Int(keys[i])] += 1
            sortedValues[slot] = values[i]
            sortedCosts[slot] = costs[i]
        }
        return (first, sortedValues, sortedCosts)
    }
}
