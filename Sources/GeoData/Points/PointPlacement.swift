import GeoPrimitives
import Projection

/// Checks that a point layer lies where the study does, as zones are checked: inside the working CRS's area of use
/// (saying when latitude and longitude look swapped), and near the zones. A spreadsheet with its latitude and
/// longitude the other way round would otherwise put a GP 9,800 km away in a published map.
///
/// - Most points outside the area of use: an error with the hint. Some: a warning with their count and the
///   first three records; they are used as given.
/// - Origins (`.inside`): most outside the zones' envelope is an error (each origin outside every zone is also
///   reported where the origins are placed). Services and stops (`.near`) may lie beyond the zones (a GP across
///   the boundary serves residents; a national list serves a local study), so only a layer with no point within
///   `nearMarginMetres` of the zones is an error.
public enum PointPlacement {
    /// How a layer relates to the zones' envelope (in the working CRS).
    public enum Extent: Sendable {
        /// Origins: they are meant to lie in the zones.
        case inside(Envelope)
        /// Destinations and stops: some should lie within `nearMarginMetres` of the zones.
        case near(Envelope)
    }

    /// Services or stops none of which is within this distance of the zones' envelope cannot be what the study
    /// meant: 50 km is further than any walk, ride or drive the study times.
    public static let nearMarginMetres = 50_000.0
    /// Slack around the area of use, in degrees, as the zone check allows.
    public static let marginDegrees = 1.0

    /// Checks `points` (in `working`, metres) of `file`; `source(i)` names record i ("file: line 3"). Returns the
    /// warnings; throws a `DataError` when most points are misplaced.
    public static func check(_ points: [XY], source: (Int) -> String, file: String, role: String, working: CRS,
                             extent: Extent? = nil) throws -> [String] {
        guard !points.isEmpty else { return [] }
        var warnings: [String] = []
        let count = points.count
        if let info = try? working.resolve(), let area = info.areaOfUse {
            var lonLat = points
            if (try? Transformer(from: working, to: .wgs84).transform(&lonLat)) == nil {
                // A point PROJ cannot take back to longitude/latitude is far outside any area of use.
                lonLat = lonLat.map { $0.isFinite && abs($0.x) <= 180 && abs($0.y) <= 90 ? $0 : XY(.infinity, .infinity) }
            }
            let box = area.envelope.expanded(by: marginDegrees)
            func inside(_ p: XY) -> Bool { p.isFinite && box.contains(p) }
            let outside = lonLat.indices.filter { !inside(lonLat[$0]) }
            if !outside.isEmpty {
                let swapped = outside.allSatisfy { inside(XY(lonLat[$0].y, lonLat[$0].x)) }
                let examples = outside.prefix(3).map { "\(source($0)) at lon/lat \(describe(lonLat[$0]))" }.joined(separator: "; ")
                let hint = swapped
                    ? "the coordinates look like latitude and longitude swapped (longitude, the x, comes first; in Britain it is about -6 to 2)"
                    : "is the file's CRS right? (--crs, or the study's crs key)"
                let text = "\(outside.count) of \(count) \(role) lie outside the area of use of \(info.identifier ?? info.name) (\(area)), e.g. \(examples)"
                if outside.count * 2 > count { throw DataError(file: file, "\(text): \(hint)") }
                warnings.append("\(file): \(text); they are used as given (\(hint))")
            }
        }
        switch extent {
        case .inside(let envelope)?:
            let outside = points.indices.filter { !envelope.contains(points[$0]) }
            if outside.count * 2 > count {
                let examples = outside.prefix(3).map { "\(source($0)) at \(describe(points[$0]))" }.joined(separator: "; ")
                throw DataError(file: file, "\(outside.count) of \(count) \(role) lie outside the zones (their extent is \(describe(envelope)) in \(working.definition)), e.g. \(examples): are the origins and the zones of the same place, and is the origins' CRS right?")
            }
        case .near(let envelope)?:
            let near = envelope.expanded(by: nearMarginMetres)
            if !points.contains(where: { near.contains($0) }) {
                let examples = (0..<min(3, count)).map { "\(source($0)) at \(describe(points[$0]))" }.joined(separator: "; ")
                throw DataError(file: file, "none of the \(count) \(role) lies within \(Int(nearMarginMetres / 1000)) km of the zones (their extent is \(describe(envelope)) in \(working.definition)), e.g. \(examples): is the file's CRS right, or are latitude and longitude swapped?")
            }
        case nil:
            break
        }
        return warnings
    }

    /// Checks points read by `PointLoader`.
    public static func check(_ points: [LocatedPoint], file: String, role: String, working: CRS, extent: Extent? = nil) throws -> [String] {
        try check(points.map(\.xy), source: { points[$0].source }, file: file, role: role, working: working, extent: extent)
    }

    static func describe(_ p: XY) -> String {
        p.isFinite ? "(\(rounded(p.x)), \(rounded(p.y)))" : "(not finite)"
    }

    static func describe(_ e: Envelope) -> String {
        "\(rounded(e.minX))…\(rounded(e.maxX)) × \(rounded(e.minY))…\(rounded(e.maxY))"
    }

    private static func rounded(_ value: Double) -> String {
        abs(value) >= 1000 ? String(Int(value.rounded())) : String((value * 10_000).rounded() / 10_000)
    }
}
