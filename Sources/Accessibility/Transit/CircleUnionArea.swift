import Foundation
import GeoPrimitives

/// The exact area of (zone ∩ ⋃ circles), where each circle is the regular polygon GEOS's buffer makes of a point
/// (4 × quadrantSegments vertices), by Green's theorem over the boundary of the intersection.
///
/// Why not GEOS's union: a national run unions 700,000 circles ward by ward, and an overlay costs about 100 µs
/// per circle whatever the grouping, about 90 s on two cores. The area needs no polygon, only the boundary of
/// zone ∩ union: the pieces of each circle's edges inside the zone and outside every other circle, and the pieces
/// of the zone's rings inside some circle. Summing ½(x₁y₂ − x₂y₁) over those pieces, each oriented with the region
/// on its left, gives the area. Every test is against convex polygons (half-planes) and the zone's segments,
/// found through a grid. The gaps layer, which needs the polygons, still goes through GEOS, and the tests hold
/// the two to 1e-6 m².
///
/// Degenerate contacts (a circle edge lying along a zone edge, or two circles sharing an edge) have measure zero
/// for stop positions in whole metres: the edge directions of these polygons have irrational slopes.
/// Duplicate centres are merged before the call.
struct CircleUnionArea {
    let radius: Double
    let count: Int
    /// Inscribed radius: every point nearer the centre than this is inside the polygon.
    let inscribed: Double
    let edgeLength: Double
    /// Vertex k at angle 2πk/count from east, anticlockwise, as a unit vector.
    let unit: [XY]
    /// Outward unit normal of edge k (vertex k to k + 1).
    let normals: [XY]
    let sectorAngle: Double

    init(radius: Double, quadrantSegments: Int) {
        self.radius = radius
        count = 4 * quadrantSegments
        sectorAngle = 2 * Double.pi / Double(count)
        inscribed = radius * cos(Double.pi / Double(count))
        edgeLength = 2 * radius * sin(Double.pi / Double(count))
        let n = count, step = sectorAngle
        unit = (0..<n).map { XY(cos(Double($0) * step), sin(Double($0) * step)) }
        normals = (0..<n).map { XY(cos((Double($0) + 0.5) * step), sin((Double($0) + 0.5) * step)) }
    }

    /// The sector (edge index) the direction `d` from a centre falls in.
    @inline(__always)
    func sector(_ d: XY) -> Int {
        var angle = atan2(d.y, d.x)
        if angle < 0 { angle += 2 * Double.pi }
        return min(Int(angle / sectorAngle), count - 1)
    }

    /// Whether `p` lies inside the polygon round `c` (boundary points may go either way).
    @inline(__always)
    func contains(_ c: XY, _ p: XY) -> Bool {
        let d = XY(p.x - c.x, p.y - c.y)
        let squared = d.x * d.x + d.y * d.y
        if squared <= inscribed * inscribed { return true }
        if squared > radius * radius { return false }
        let normal = normals[sector(d)]
        return d.x * normal.x + d.y * normal.y < inscribed
    }

    /// The parameter interval of p + t(q − p), t in [0, 1], inside the polygon round `c` (Cyrus–Beck over the
    /// half-planes `sectors`), or nil.
    @inline(__always)
    func clip(_ p: XY, _ q: XY, _ c: XY, sectors: some Sequence<Int>) -> (Double, Double)? {
        var t0 = 0.0, t1 = 1.0
        let px = p.x - c.x, py = p.y - c.y, dx = q.x - p.x, dy = q.y - p.y
        for k in sectors {
            let normal = normals[(k % count + count) % count]
            let numerator = inscribed - (px * normal.x + py * normal.y)
            let denominator = dx * normal.x + dy * normal.y
            if denominator == 0 {
                if numerator < 0 { return nil }
            } else if denominator > 0 {
                t1 = min(t1, numerator / denominator)
            } else {
                t0 = max(t0, numerator / denominator)
            }
            if t0 >= t1 { return nil }
        }
        return (t0, t1)
    }

    /// A short segment (a circle edge) against another circle: only the half-planes near its direction from the
    /// centre can cut it (see the type's comment), so 7 of the 64 are tested.
    @inline(__always)
    func clipShort(_ p: XY, _ q: XY, _ c: XY) -> (Double, Double)? {
        let s = sector(XY((p.x + q.x) / 2 - c.x, (p.y + q.y) / 2 - c.y))
        return clip(p, q, c, sectors: (s - 3)...(s + 3))
    }

    /// Parts of [0, 1] not covered by `intervals` (which it sorts), restricted to `within`.
    static func uncovered(_ intervals: inout [(Double, Double)], within: (Double, Double)) -> [(Double, Double)] {
        intervals.sort { $0.0 < $1.0 }
        var pieces: [(Double, Double)] = []
        var cursor = within.0
        for (a, b) in intervals {
            if b <= cursor { continue }
            if a >= within.1 { break }
            if a > cursor { pieces.append((cursor, min(a, within.1))) }
            cursor = max(cursor, b)
            if cursor >= within.1 { break }
        }
        if cursor < within.1 { pieces.append((cursor, within.1)) }
        return pieces
    }

    /// ½ (p × q) of the piece [t0, t1] of the segment a → b.
    @inline(__always)
    static func piece(_ a: XY, _ b: XY, _ t0: Double, _ t1: Double) -> Double {
        let p = XY(a.x + t0 * (b.x - a.x), a.y + t0 * (b.y - a.y))
        let q = XY(a.x + t1 * (b.x - a.x), a.y + t1 * (b.y - a.y))
        return 0.5 * (p.x * q.y - q.x * p.y)
    }

    /// Area of the zone (polygons as rings, exterior first, in the working CRS) inside the union of the circles
    /// round `centres` (distinct). `inside(p)` says whether a point lies in the zone.
    func area(polygons: [[[XY]]], centres rawCentres: [XY], inside: (XY) throws -> Bool) rethrows -> Double {
        guard !rawCentres.isEmpty, let envelope = Envelope(covering: polygons.lazy.flatMap { $0 }.flatMap { $0 }) else { return 0 }
        // A local origin keeps the cross products small.
        let origin = envelope.center
        let centres = rawCentres.map { XY($0.x - origin.x, $0.y - origin.y) }
        var rings: [[XY]] = []
        for polygon in polygons {
            for (r, ring) in polygon.enumerated() where ring.count >= 4 {
                var local = ring.map { XY($0.x - origin.x, $0.y - origin.y) }
                // Exterior anticlockwise, holes clockwise: the zone lies to the left of every ring.
                var twice = 0.0
                for k in 0..<(local.count - 1) { twice += local[k].x * local[k + 1].y - local[k + 1].x * local[k].y }
                if (r == 0) != (twice > 0) { local.reverse() }
                rings.append(local)
            }
        }
        let grid = SegmentGrid(rings: rings, cellSize: max(radius, 1))
        let index = PointIndex(centres)
        var total = 0.0

        // 1. Zone edges inside some circle.
        for ring in rings {
            for m in 0..<(ring.count - 1) {
                let a = ring[m], b = ring[m + 1]
                let middle = XY((a.x + b.x) / 2, (a.y + b.y) / 2)
                let half = 0.5 * ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                var covered: [(Double, Double)] = []
                var whole = false
                index.forEach(within: radius + half, of: middle) { j, _ in
                    guard !whole else { return }
                    let c = centres[j]
                    if Self.distanceSquared(c, a) <= inscribed * inscribed && Self.distanceSquared(c, b) <= inscribed * inscribed {
                        whole = true
                        return
                    }
                    if Self.segmentDistanceSquared(c, a, b) > radius * radius { return }
                    if let interval = clip(a, b, c, sectors: 0..<count) { covered.append(interval) }
                }
                if whole {
                    total += Self.piece(a, b, 0, 1)
                } else if !covered.isEmpty {
                    // Covered = [0, 1] minus the uncovered parts.
                    var cursor = 0.0
                    for (u0, u1) in Self.uncovered(&covered, within: (0, 1)) {
                        if u0 > cursor { total += Self.piece(a, b, cursor, u0) }
                        cursor = u1
                    }
                    if cursor < 1 { total += Self.piece(a, b, cursor, 1) }
                }
            }
        }

        // 2. Circle edges inside the zone and outside every other circle.
        let n = count
        // Scratch space reused circle after circle; raw buffers, because the neighbour loop runs in a closure
        // and arrays captured there pay a uniqueness check on every write.
        let vertex = UnsafeMutableBufferPointer<XY>.allocate(capacity: n + 1)
        let fullyCovered = UnsafeMutableBufferPointer<Bool>.allocate(capacity: n)
        let isInside = UnsafeMutableBufferPointer<Bool>.allocate(capacity: n + 3)
        let near = UnsafeMutableBufferPointer<Bool>.allocate(capacity: n + 3)
        defer { vertex.deallocate(); fullyCovered.deallocate(); isInside.deallocate(); near.deallocate() }
        var partial = [[(Double, Double)]](repeating: [], count: n)
        let reach = (radius + edgeLength) * (radius + edgeLength)
        for (i, c) in centres.enumerated() {
            for k in 0..<n { vertex[k] = XY(c.x + radius * unit[k].x, c.y + radius * unit[k].y) }
            vertex[n] = vertex[0]
            // The zone's segments near this circle, and where its boundary crosses them.
            let segments = grid.segments(near: c, within: radius)
            let crossing = segments.contains { Self.segmentDistanceSquared(c, $0.0, $0.1) <= radius * radius }
            if !crossing, !(try inside(XY(c.x + origin.x, c.y + origin.y))) { continue }
            for k in 0..<n { fullyCovered[k] = false; partial[k].removeAll(keepingCapacity: true) }
            index.forEach(within: 2 * radius, of: c) { j, d in
                guard j != i, d > 0 else { return }
                let other = centres[j]
                // Only vertices within r + L of the other centre can touch its polygon: by the law of cosines
                // they lie within ±α of the direction φ to it.
                let gamma = (radius * radius + d * d - reach) / (2 * radius * d)
                var first = 0, last = n - 1
                if gamma > -1 {
                    let phi = atan2(other.y - c.y, other.x - c.x), alpha = acos(min(gamma, 1))
                    first = Int(((phi - alpha) / sectorAngle).rounded(.down)) - 1
                    last = Int(((phi + alpha) / sectorAngle).rounded(.up)) + 1
                    if last - first >= n { first = 0; last = n - 1 }
                }
                for m in first...(last + 1) {
                    let k = ((m % n) + n) % n
                    let squared = Self.distanceSquared(vertex[k], other)
                    near[m - first] = squared <= reach
                    isInside[m - first] = near[m - first] && contains(other, vertex[k])
                }
                for m in first...last {
                    let k = ((m % n) + n) % n
                    guard !fullyCovered[k] else { continue }
                    let at = m - first
                    if isInside[at] && isInside[at + 1] {
                        fullyCovered[k] = true
                    } else if isInside[at] || isInside[at + 1] || (near[at] && near[at + 1]) {
                        if let interval = clipShort(vertex[k], vertex[k + 1], other) { partial[k].append(interval) }
                    }
                }
            }
            // Inside-the-zone intervals along each edge. The status changes only where the boundary crosses a zone
            // segment; after each crossing the next piece's status is asked of the zone at its midpoint (rather than
            // toggled), so a touch at a vertex or a crossing counted twice cannot flip the rest of the circle.
            var status = crossing ? try inside(XY(vertex[0].x + origin.x, vertex[0].y + origin.y)) : true
            var pieces = 0.0
            var crossings: [Double] = []
            for k in 0..<n {
                let a = vertex[k], b = vertex[k + 1]
                var within: [(Double, Double)] = []
                if crossing {
                    crossings.removeAll(keepingCapacity: true)
                    for (p, q) in segments {
                        if let t = Self.intersection(a, b, p, q) { crossings.append(t) }
                    }
                    crossings.sort()
                    var start = 0.0
                    for (m, t) in crossings.enumerated() {
                        if status, t > start { within.append((start, t)) }
                        let end = m + 1 < crossings.count ? crossings[m + 1] : 1.0
                        let middle = (t + end) / 2
                        status = try inside(XY(a.x + middle * (b.x - a.x) + origin.x, a.y + middle * (b.y - a.y) + origin.y))
                        start = t
                    }
                    if status, start < 1 { within.append((start, 1)) }
                } else {
                    within = [(0, 1)]
                }
                guard !fullyCovered[k] else { continue }
                for range in within {
                    for (t0, t1) in Self.uncovered(&partial[k], within: range) { pieces += Self.piece(a, b, t0, t1) }
                }
            }
            total += pieces
        }
        return total
    }

    @inline(__always)
    static func distanceSquared(_ a: XY, _ b: XY) -> Double {
        (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)
    }

    /// Squared distance from `c` to the segment a–b.
    @inline(__always)
    static func segmentDistanceSquared(_ c: XY, _ a: XY, _ b: XY) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let length = dx * dx + dy * dy
        var t = length > 0 ? ((c.x - a.x) * dx + (c.y - a.y) * dy) / length : 0
        t = min(max(t, 0), 1)
        return distanceSquared(c, XY(a.x + t * dx, a.y + t * dy))
    }

    /// Where a → b crosses p → q, as the parameter t in [0, 1) along a → b (u in [0, 1) along p → q), or nil.
    @inline(__always)
    static func intersection(_ a: XY, _ b: XY, _ p: XY, _ q: XY) -> Double? {
        let rx = b.x - a.x, ry = b.y - a.y, sx = q.x - p.x, sy = q.y - p.y
        let denominator = rx * sy - ry * sx
        guard denominator != 0 else { return nil }
        let wx = p.x - a.x, wy = p.y - a.y
        let t = (wx * sy - wy * sx) / denominator
        let u = (wx * ry - wy * rx) / denominator
        return t >= 0 && t < 1 && u >= 0 && u < 1 ? t : nil
    }
}

/// The segments of a zone's rings in a uniform grid, for "which segments are near this point".
struct SegmentGrid {
    let minX: Double, minY: Double, cellSize: Double
    let columns: Int, rows: Int
    var cells: [[Int32]]
    var segments: [(XY, XY)] = []

    init(rings: [[XY]], cellSize: Double) {
        var envelope = Envelope(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)
        for ring in rings { for p in ring { envelope.expand(toInclude: p) } }
        minX = envelope.minX
        minY = envelope.minY
        self.cellSize = cellSize
        columns = max(1, min(4096, Int((envelope.maxX - envelope.minX) / cellSize) + 1))
        rows = max(1, min(4096, Int((envelope.maxY - envelope.minY) / cellSize) + 1))
        cells = Array(repeating: [], count: columns * rows)
        for ring in rings {
            for m in 0..<(ring.count - 1) {
                let a = ring[m], b = ring[m + 1]
                let id = Int32(segments.count)
                segments.append((a, b))
                for cell in cellRange(min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y)) { cells[cell].append(id) }
            }
        }
    }

    func cellRange(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [Int] {
        func column(_ x: Double) -> Int { min(max(Int(((x - minX) / cellSize).rounded(.down)), 0), columns - 1) }
        func row(_ y: Double) -> Int { min(max(Int(((y - minY) / cellSize).rounded(.down)), 0), rows - 1) }
        var result: [Int] = []
        for r in row(y0)...row(y1) { for c in column(x0)...column(x1) { result.append(r * columns + c) } }
        return result
    }

    /// Segments in the cells covering the square of half-side `within` round `centre` (each once).
    func segments(near centre: XY, within: Double) -> [(XY, XY)] {
        var ids: [Int32] = []
        for cell in cellRange(centre.x - within, centre.y - within, centre.x + within, centre.y + within) { ids += cells[cell] }
        ids.sort()
        var result: [(XY, XY)] = []
        var last: Int32 = -1
        for id in ids where id != last {
            result.append(segments[Int(id)])
            last = id
        }
        return result
    }
}
