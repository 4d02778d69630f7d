import GeoPrimitives

/// A static 2-D k-d tree over points in the working CRS (metres), for nearest-neighbour and radius-count
/// queries. Flat arrays: points are reordered into tree order so each leaf's points are contiguous; interior
/// nodes split at the median of their wider side. Hand-written rather than GEOS's STRtree because the straight-
/// line benchmark (200,000 origins × 20,000 services) is dominated by these queries and needs no geometry
/// objects.
public struct PointIndex: Sendable {
    /// Points in tree order and their index in the caller's array.
    private let xs: [Double]
    private let ys: [Double]
    private let originalIndex: [Int32]
    /// Interior node `n`: split axis (0 x, 1 y, -1 leaf), split value, and its range of tree-ordered points.
    private let axis: [Int8]
    private let split: [Double]
    private let lower: [Int32]
    private let upper: [Int32]
    static let leafSize = 8

    public var count: Int { xs.count }

    public init(_ points: [XY]) {
        var order = Array(Int32(0)..<Int32(points.count))
        var axis: [Int8] = [], split: [Double] = [], lower: [Int32] = [], upper: [Int32] = []
        // Node n has children 2n + 1 and 2n + 2 (an implicit binary tree over index ranges).
        let nodeCapacity = Self.nodeCount(for: points.count)
        axis = [Int8](repeating: -1, count: nodeCapacity)
        split = [Double](repeating: 0, count: nodeCapacity)
        lower = [Int32](repeating: 0, count: nodeCapacity)
        upper = [Int32](repeating: 0, count: nodeCapacity)
        var stack: [(node: Int, low: Int, high: Int)] = points.isEmpty ? [] : [(0, 0, points.count)]
        while let (node, low, high) = stack.popLast() {
            lower[node] = Int32(low)
            upper[node] = Int32(high)
            guard high - low > Self.leafSize, 2 * node + 2 < nodeCapacity else { continue }
            var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
            for i in low..<high {
                let p = points[Int(order[i])]
                minX = min(minX, p.x); maxX = max(maxX, p.x); minY = min(minY, p.y); maxY = max(maxY, p.y)
            }
            let dimension: Int8 = maxX - minX >= maxY - minY ? 0 : 1
            let middle = (low + high) / 2
            Self.select(&order, low, high, middle) { dimension == 0 ? points[Int($0)].x : points[Int($0)].y }
            let p = points[Int(order[middle])]
            axis[node] = dimension
            split[node] = dimension == 0 ? p.x : p.y
            stack.append((2 * node + 1, low, middle))
            stack.append((2 * node + 2, middle, high))
        }
        xs = order.map { points[Int($0)].x }
        ys = order.map { points[Int($0)].y }
        originalIndex = order
        self.axis = axis
        self.split = split
        self.lower = lower
        self.upper = upper
    }

    /// Nodes of the implicit tree: enough levels that every leaf holds at most `leafSize` points.
    static func nodeCount(for points: Int) -> Int {
        var levels = 1
        var capacity = leafSize
        while capacity < points { capacity *= 2; levels += 1 }
        return (1 << levels) - 1
    }

    /// Rearranges `order[low..<high]` so position `k` holds the element that sorts there by `key`, smaller or
    /// equal keys before it, larger or equal after (Hoare's quickselect).
    static func select(_ order: inout [Int32], _ low: Int, _ high: Int, _ k: Int, key: (Int32) -> Double) {
        var low = low, high = high - 1
        while low < high {
            let pivot = key(order[(low + high) / 2])
            var i = low, j = high
            while i <= j {
                while key(order[i]) < pivot { i += 1 }
                while key(order[j]) > pivot { j -= 1 }
                if i <= j { order.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return }
        }
    }

    /// The nearest point to `query` (its index in the array given to `init`) and the distance in metres; ties
    /// go to the lower index. Nil when the index is empty.
    public func nearest(to query: XY) -> (index: Int, distanceMetres: Double)? {
        guard !xs.isEmpty else { return nil }
        var bestSquared = Double.infinity
        var bestIndex = Int32.max
        visit(query, within: { bestSquared }) { i, squared in
            if squared < bestSquared || squared == bestSquared && originalIndex[i] < bestIndex {
                bestSquared = squared
                bestIndex = originalIndex[i]
            }
            return true
        }
        return (Int(bestIndex), bestSquared.squareRoot())
    }

    /// Distances in metres from `query` to its `k` nearest points, ascending (fewer when the index holds fewer).
    public func nearestDistances(to query: XY, k: Int) -> [Double] {
        guard k > 0 else { return [] }
        var best: [Double] = [] // squared, ascending, at most k
        best.reserveCapacity(k + 1)
        visit(query, within: { best.count < k ? .infinity : best[k - 1] }) { _, squared in
            if best.count < k || squared < best[k - 1] {
                var at = best.count
                while at > 0 && best[at - 1] > squared { at -= 1 }
                best.insert(squared, at: at)
                if best.count > k { best.removeLast() }
            }
            return true
        }
        return best.map { $0.squareRoot() }
    }

    /// How many points lie within `radiusMetres` of `query` (distance ≤ radius), counting at most `limit`.
    public func count(within radiusMetres: Double, of query: XY, limit: Int = .max) -> Int {
        let radiusSquared = radiusMetres * radiusMetres
        var found = 0
        visit(query, within: { radiusSquared }) { _, squared in
            if squared <= radiusSquared { found += 1 }
            return found < limit
        }
        return found
    }

    /// Calls `body` with the index (in the array given to `init`) and distance in metres of every point within
    /// `radiusMetres` of `query` (distance ≤ radius), in no particular order.
    public func forEach(within radiusMetres: Double, of query: XY, _ body: (Int, Double) -> Void) {
        let radiusSquared = radiusMetres * radiusMetres
        visit(query, within: { radiusSquared }) { i, squared in
            if squared <= radiusSquared { body(Int(originalIndex[i]), squared.squareRoot()) }
            return true
        }
    }

    /// Depth-first over the leaves that may hold a point within `bound()` (squared metres, re-read as it
    /// shrinks) of `query`, near side first; `body` gets each leaf point's tree position and squared distance,
    /// and returns false to stop.
    @inline(__always)
    private func visit(_ query: XY, within bound: () -> Double, _ body: (Int, Double) -> Bool) {
        guard !xs.isEmpty else { return }
        // Explicit stack of (node, squared distance from the query to the node's side of its parent's split).
        var stack: [(Int, Double)] = [(0, 0)]
        stack.reserveCapacity(64)
        while let (node, distance) = stack.popLast() {
            guard distance <= bound() else { continue }
            let dimension = axis[node]
            if dimension < 0 {
                for i in Int(lower[node])..<Int(upper[node]) {
                    let dx = xs[i] - query.x, dy = ys[i] - query.y
                    if !body(i, dx * dx + dy * dy) { return }
                }
                continue
            }
            let difference = (dimension == 0 ? query.x : query.y) - split[node]
            let near = difference < 0 ? 2 * node + 1 : 2 * node + 2
            let far = difference < 0 ? 2 * node + 2 : 2 * node + 1
            // Far side first on the stack, so the near side is searched first.
            stack.append((far, max(distance, difference * difference)))
            stack.append((near, distance))
        }
    }
}
