import GeoPrimitives

/// Polygons (and lines) in a projected CRS as SVG path data: one subpath per ring (`M x y l dx dy … z`), coordinates on a
/// grid of `resolution` CRS units (metres) measured from the map's top-left corner, y pointing down.
///
/// Each vertex is snapped to the grid first and the relative steps taken between snapped vertices, so rounding
/// never accumulates along a ring; steps of zero are dropped, and a ring left with fewer than three distinct
/// vertices is not drawn. Holes are subpaths too: the paths are filled with `fill-rule="evenodd"`.
public struct SVGPathEncoder: Sendable {
    /// Top-left corner of the map in the CRS (minimum x, maximum y).
    public var originX: Double
    public var originY: Double
    /// CRS units (metres) per SVG unit.
    public var resolution: Double

    public init(originX: Double, originY: Double, resolution: Double) {
        self.originX = originX
        self.originY = originY
        self.resolution = resolution
    }

    /// The grid position of a CRS coordinate.
    public func grid(_ p: XY) -> (x: Int, y: Int) {
        (Int(((p.x - originX) / resolution).rounded()), Int(((originY - p.y) / resolution).rounded()))
    }

    /// Path data for the rings of a polygon or multipolygon; empty for other shapes.
    public func path(_ shape: Shape) -> String {
        var out = ""
        switch shape {
        case .polygon(let rings):
            for ring in rings { append(ring, to: &out) }
        case .multiPolygon(let polygons):
            for rings in polygons { for ring in rings { append(ring, to: &out) } }
        default:
            break
        }
        return out
    }

    /// Path data for a line or multiline (`M x y l dx dy …`, open); empty for other shapes. A line left with
    /// fewer than two distinct grid points is not drawn.
    public func linePath(_ shape: Shape) -> String {
        var out = ""
        switch shape {
        case .lineString(let line): appendLine(line, to: &out)
        case .multiLineString(let lines): for line in lines { appendLine(line, to: &out) }
        default: break
        }
        return out
    }

    private func appendLine(_ line: [XY], to out: inout String) {
        let points = snapped(line)
        guard points.count >= 2 else { return }
        if !out.isEmpty { out += " " }
        out += "M\(points[0].x) \(points[0].y)l" + steps(points)
    }

    /// The relative steps between consecutive points, SVG's compact form (a minus sign separates numbers).
    private func steps(_ points: [(x: Int, y: Int)]) -> String {
        var out = ""
        for i in 1..<points.count {
            let dx = points[i].x - points[i - 1].x, dy = points[i].y - points[i - 1].y
            out += i == 1 ? "\(dx) \(dy)" : (dx < 0 ? "\(dx)" : " \(dx)") + (dy < 0 ? "\(dy)" : " \(dy)")
        }
        return out
    }

    /// The vertices on the grid, repeats in a row dropped.
    private func snapped(_ vertices: [XY]) -> [(x: Int, y: Int)] {
        var points: [(x: Int, y: Int)] = []
        points.reserveCapacity(vertices.count)
        for p in vertices {
            let g = grid(p)
            if let last = points.last, last == g { continue }
            points.append(g)
        }
        return points
    }

    private func append(_ ring: [XY], to out: inout String) {
        var points = snapped(ring)
        // The closing vertex repeats the first: `z` draws that edge.
        if points.count > 1, points.first! == points.last! { points.removeLast() }
        guard points.count >= 3 else { return }
        if !out.isEmpty { out += " " }
        out += "M\(points[0].x) \(points[0].y)l" + steps(points) + "z"
    }
}
