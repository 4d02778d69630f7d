/// Weakly connected components of a graph's segments (direction ignored), for spotting islands: a car park
/// drawn without its access road, or a part of the network an extract cut off.
public struct NetworkComponents: Sendable {
    /// Component id of each node (`UInt32.max` for nodes no segment of this graph touches).
    public let component: [UInt32]
    /// Nodes in each component, largest first.
    public let sizes: [Int]

    /// For each segment of `graph`, whether its component has at least `minimumNodes` nodes.
    public func segmentsInComponents(of graph: RoadGraph, minimumNodes: Int) -> [Bool] {
        (0..<graph.segmentCount).map { s in
            let id = component[Int(graph.segmentFrom[s])]
            return id != .max && sizes[Int(id)] >= minimumNodes
        }
    }

    public init(_ graph: RoadGraph) {
        var parent = Array(UInt32(0)..<UInt32(graph.nodeCount))
        func find(_ node: UInt32) -> UInt32 {
            var root = node
            while parent[Int(root)] != root { root = parent[Int(root)] }
            var current = node
            while parent[Int(current)] != root {
                let next = parent[Int(current)]
                parent[Int(current)] = root
                current = next
            }
            return root
        }
        var touched = [Bool](repeating: false, count: graph.nodeCount)
        for s in 0..<graph.segmentCount {
            let a = find(graph.segmentFrom[s]), b = find(graph.segmentTo[s])
            touched[Int(graph.segmentFrom[s])] = true
            touched[Int(graph.segmentTo[s])] = true
            if a != b { parent[Int(max(a, b))] = min(a, b) }
        }
        // Sizes per root in a flat array (a dictionary over a million nodes costs more than the union-find).
        var rootSize = [Int](repeating: 0, count: graph.nodeCount)
        for node in 0..<graph.nodeCount where touched[node] { rootSize[Int(find(UInt32(node)))] += 1 }
        // Number components largest first (ties by lowest root), so ids are stable across runs.
        let roots = (0..<graph.nodeCount).filter { rootSize[$0] > 0 }
            .sorted { rootSize[$0] != rootSize[$1] ? rootSize[$0] > rootSize[$1] : $0 < $1 }
        var idOfRoot = [UInt32](repeating: .max, count: graph.nodeCount)
        for (i, root) in roots.enumerated() { idOfRoot[root] = UInt32(i) }
        component = (0..<graph.nodeCount).map { touched[$0] ? idOfRoot[Int(find(UInt32($0)))] : .max }
        sizes = roots.map { rootSize[$0] }
    }
}
