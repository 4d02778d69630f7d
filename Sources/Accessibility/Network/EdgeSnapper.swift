import GeoPrimitives

/// Where a point meets the network: the nearest point on the nearest segment a mode may use.
public struct SnapPoint: Sendable, Equatable {
    /// The segment (index into the graph's segment arrays).
    public var segment: Int
    /// Position along the segment from its `from` node (0) to its `to` node (1).
    public var fraction: Double
    /// Straight distance from the point to the snap point in the working CRS, metres.
    public var distanceMetres: Double
}

/// Finds the nearest point on any segment of one mode's graph, within a maximum distance, through a uniform
/// grid of segment envelopes (flat arrays; a query looks at rings of cells around the point and stops as soon
/// as no unseen cell can hold anything nearer).
public struct EdgeSnapper: Sendable {
    public let graph: RoadGraph
    let nodes: [XY]
    let origin: XY
    let cellMetres: Double
    let columns: Int
    let rows: Int
    /// Segments of cell `c` are `cellItems[cellStart[c] ..< cellStart[c + 1]]`.
    let cellStart: [Int32]
    let cellItems: [UInt32]

    /// `eligible` limits snapping to some segments (all when nil), e.g. those not on a small island.
    public init(graph: RoadGraph, nodes: [XY], eligible: [Bool]? = nil) {
        self.graph = graph
        self.nodes = nodes
        let bounds = Envelope(covering: nodes) ?? Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)
        // About two segments a cell, never finer than 20 m nor more than 4 million cells.
        let area = max(bounds.width * bounds.height, 1)
        var cell = max(20, (area / Double(max(graph.segmentCount / 2, 1))).squareRoot())
        while (bounds.width / cell + 1) * (bounds.height / cell + 1) > 4_000_000 { cell *= 2 }
        cellMetres = cell
        origin = XY(bounds.minX, bounds.minY)
        columns = Int(bounds.width / cell) + 1
        rows = Int(bounds.height / cell) + 1
        // Two passes over the segments' cell ranges: count, then fill (compressed rows).
        var start = [Int32](repeating: 0, count: columns * rows + 1)
        let originX = bounds.minX, originY = bounds.minY, cols = columns
        func forEachCell(_ s: Int, _ body: (Int) -> Void) {
            let a = nodes[Int(graph.segmentFrom[s])], b = nodes[Int(graph.segmentTo[s])]
            let x0 = Int((min(a.x, b.x) - originX) / cell), x1 = Int((max(a.x, b.x) - originX) / cell)
            let y0 = Int((min(a.y, b.y) - originY) / cell), y1 = Int((max(a.y, b.y) - originY) / cell)
            for y in y0...y1 { for x in x0...x1 { body(y * cols + x) } }
        }
        let included = (0..<graph.segmentCount).filter { eligible?[$0] ?? true }
        for s in included { forEachCell(s) { start[$0 + 1] += 1 } }
        for c in 0..<(columns * rows) { start[c + 1] += start[c] }
        var next = start
        var items = [UInt32](repeating: 0, count: Int(start[columns * rows]))
        for s in included {
            forEachCell(s) { c in
                items[Int(next[c])] = UInt32(s)
                next[c] += 1
            }
        }
        cellStart = start
        cellItems = items
    }

    /// The nearest point on the graph's segments within `maxMetres`, or nil (unsnapped). Ties go to the lower
    /// segment index.
    public func snap(_ point: XY, maxMetres: Double) -> SnapPoint? {
        guard !cellItems.isEmpty else { return nil }
        let cx = Int(((point.x - origin.x) / cellMetres).rounded(.down))
        let cy = Int(((point.y - origin.y) / cellMetres).rounded(.down))
        var best: SnapPoint?
        var bestSquared = maxMetres * maxMetres
        let maxRing = Int((maxMetres / cellMetres).rounded(.up)) + 1
        var ring = 0
        while ring <= maxRing {
            // A segment in ring k (Chebyshev distance k from the point's cell) is at least (k - 1) cells away.
            let nearestPossible = Double(max(ring - 1, 0)) * cellMetres
            if nearestPossible * nearestPossible > bestSquared { break }
            for y in (cy - ring)...(cy + ring) where y >= 0 && y < rows {
                let onEdgeRow = y == cy - ring || y == cy + ring
                var x = cx - ring
                while x <= cx + ring {
                    if x >= 0, x < columns {
                        let cell = y * columns + x
                        for item in cellStart[cell]..<cellStart[cell + 1] {
                            let s = Int(cellItems[Int(item)])
                            let (fraction, squared) = project(point, segment: s)
                            if squared < bestSquared || squared == bestSquared && best.map({ s < $0.segment }) ?? true {
                                if squared <= maxMetres * maxMetres {
                                    bestSquared = squared
                                    best = SnapPoint(segment: s, fraction: fraction, distanceMetres: squared.squareRoot())
                                }
                            }
                        }
                    }
                    // Inside rows only the two edge columns are new to this ring.
                    x += onEdgeRow || ring == 0 ? 1 : 2 * ring
                }
            }
            ring += 1
        }
        return best
    }

    /// The fraction along segment `s` of the point's perpendicular foot (clamped to the ends), and the
    /// squared distance to it.
    @inline(__always) func project(_ p: XY, segment s: Int) -> (Double, Double) {
        let a = nodes[Int(graph.segmentFrom[s])], b = nodes[Int(graph.segmentTo[s])]
        let dx = b.x - a.x, dy = b.y - a.y
        let lengthSquared = dx * dx + dy * dy
        var t = lengthSquared > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared : 0
        t = min(max(t, 0), 1)
        let fx = a.x + t * dx - p.x, fy = a.y + t * dy - p.y
        return (t, fx * fx + fy * fy)
    }

    /// The snap point's position in the working CRS.
    public func position(of snap: SnapPoint) -> XY {
        let a = nodes[Int(graph.segmentFrom[snap.segment])], b = nodes[Int(graph.segmentTo[snap.segment])]
        return XY(a.x + snap.fraction * (b.x - a.x), a.y + snap.fraction * (b.y - a.y))
    }
}
