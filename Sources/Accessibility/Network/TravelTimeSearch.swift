/// A reusable multi-source Dijkstra over one `RoadGraph`. One search object per thread over the shared,
/// immutable graph; `run` resets only the nodes the previous run touched, so bounded searches from many
/// origins cost what they visit, not the size of the graph.
public struct TravelTimeSearch {
    /// Which way times run.
    public enum Direction: Sendable {
        /// Time from the sources to each node (follows edges forward).
        case fromSources
        /// Time from each node to its nearest source (follows edges backward: the reversed graph).
        case toSources
    }

    /// Marks a node no source reaches (or not reached within the limit).
    public static let unreachable = Double.infinity

    public let graph: RoadGraph
    /// Seconds per node after `run`: to or from the nearest source; `unreachable` when not reached.
    public private(set) var seconds: [Double]
    private var heapKeys: [Double] = []
    private var heapNodes: [UInt32] = []
    private var touched: [UInt32] = []
    private var settledCount = 0

    public init(graph: RoadGraph) {
        self.graph = graph
        seconds = [Double](repeating: Self.unreachable, count: graph.nodeCount)
    }

    /// Nodes settled by the last run.
    public var settled: Int { settledCount }

    /// Every node the last run reached within its limit (each once, in no particular order).
    public var reached: [UInt32] { touched }

    /// Runs Dijkstra from every source at once (a source may start with a head start of `seconds`, as a service
    /// part-way along a segment does), stopping at `limitSeconds`.
    public mutating func run(from sources: [(node: UInt32, seconds: Double)], direction: Direction,
                             limitSeconds: Double = .infinity) {
        for node in touched { seconds[Int(node)] = Self.unreachable }
        touched.removeAll(keepingCapacity: true)
        heapKeys.removeAll(keepingCapacity: true)
        heapNodes.removeAll(keepingCapacity: true)
        var sourceKeys: [Double] = [], sourceNodes: [UInt32] = []
        for source in sources where source.seconds <= limitSeconds && source.seconds < seconds[Int(source.node)] {
            if seconds[Int(source.node)] == Self.unreachable { touched.append(source.node) }
            seconds[Int(source.node)] = source.seconds
            sourceKeys.append(source.seconds)
            sourceNodes.append(source.node)
        }
        let first: [UInt32], other: [UInt32], cost: [Double]
        switch direction {
        case .fromSources: (first, other, cost) = (graph.firstOut, graph.head, graph.outSeconds)
        case .toSources: (first, other, cost) = (graph.firstIn, graph.tail, graph.inSeconds)
        }
        // The hot loop works on raw buffers: no bounds or exclusivity checks per edge.
        var settledCount = 0
        var seconds = self.seconds
        self.seconds = []
        var heap = MinHeap(keys: heapKeys, nodes: heapNodes)
        heapKeys = []
        heapNodes = []
        for (key, node) in zip(sourceKeys, sourceNodes) { heap.push(key, node) }
        seconds.withUnsafeMutableBufferPointer { seconds in
            first.withUnsafeBufferPointer { first in
                other.withUnsafeBufferPointer { other in
                    cost.withUnsafeBufferPointer { cost in
                        while let (key, node) = heap.pop() {
                            // Stale entry: the node was settled earlier with a smaller time (lazy deletion).
                            guard key <= seconds[Int(node)] else { continue }
                            settledCount += 1
                            for edge in Int(first[Int(node)])..<Int(first[Int(node) + 1]) {
                                let next = Int(other[edge])
                                let candidate = key + cost[edge]
                                if candidate < seconds[next], candidate <= limitSeconds {
                                    if seconds[next] == Self.unreachable { touched.append(UInt32(next)) }
                                    seconds[next] = candidate
                                    heap.push(candidate, UInt32(next))
                                }
                            }
                        }
                    }
                }
            }
        }
        self.seconds = seconds
        self.settledCount = settledCount
        (heapKeys, heapNodes) = heap.storage
    }
}
