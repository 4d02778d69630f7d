import GeoData
import GeoPrimitives
import Geometry

/// Which zone each point lies in.
public enum ZoneAssignment {
    /// For each point (working CRS), the index of the first zone in layer order whose boundary covers it
    /// (boundary points count, so a point on a shared edge goes to the earlier zone), or nil when none does.
    /// Runs on all cores; each core has its own GEOS context, envelope index and prepared boundaries.
    public static func assign(_ points: [XY], to layer: ZoneLayer) throws -> [Int?] {
        let zones = layer.zones
        return try ParallelMap.map(points, chunksPerWorker: 4, worker: { try Locator(zones: zones) }) { locator, slice in
            try slice.map { try locator.zone(of: $0) }
        }
    }

    /// One core's lookup state: an envelope index over the zones, and prepared boundaries made on first use.
    final class Locator {
        let context = GEOSContext()
        let zones: [Zone]
        let envelopes: [(Int, Envelope)]
        let index: SpatialIndex
        var prepared: [Int: PreparedGeometry] = [:]

        init(zones: [Zone]) throws {
            self.zones = zones
            envelopes = zones.indices.compactMap { i in zones[i].geometry.flatMap { $0.envelope }.map { (i, $0) } }
            index = try SpatialIndex(envelopes: envelopes.map(\.1), context: context)
        }

        func zone(of point: XY) throws -> Int? {
            let candidates = try index.query(Envelope(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y))
            guard !candidates.isEmpty else { return nil }
            let probe = try Geometry(point: point, context: context)
            for candidate in candidates.map({ envelopes[$0].0 }).sorted() {
                let boundary: PreparedGeometry
                if let cached = prepared[candidate] {
                    boundary = cached
                } else {
                    boundary = try PreparedGeometry(Geometry(zones[candidate].geometry!, context: context))
                    prepared[candidate] = boundary
                }
                if try boundary.covers(probe) { return candidate }
            }
            return nil
        }
    }
}
