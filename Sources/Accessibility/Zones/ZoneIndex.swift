import Foundation
import GeoData
import GeoPrimitives
import Geometry

/// Which zone each point lies in, built once per run: an STR tree over the zones' envelopes and their prepared
/// boundaries, one set per worker (GEOS contexts are never shared between threads), kept for the life of the
/// index so every step that places points (origins, stops, Ofcom records) reuses them.
///
/// shapely keeps a prepared geometry beside its geometry and an STRtree built once; this is the same idea with
/// one lookup state per core, borrowed from a pool for the length of a batch and handed back after it.
public final class ZoneIndex: @unchecked Sendable {
    // Sendable by the lock: `idle` is only touched under it, and a `Locator` is used by one thread at a time
    // (taken from the pool, used inside one ParallelMap worker, then returned).
    private let zones: [Zone]
    private let lock = NSLock()
    private var idle: [Locator] = []

    /// The number of zones indexed (the layer's, with or without a usable boundary).
    public var zoneCount: Int { zones.count }

    public init(_ layer: ZoneLayer) {
        zones = layer.zones
    }

    /// An index over `zones` alone (working CRS), for a measure handed zones without their layer.
    public init(zones: [Zone]) {
        self.zones = zones
    }

    /// For each point (working CRS, metres), the index of the first zone in layer order whose boundary covers it
    /// (boundary points count, so a point on a shared edge goes to the earlier zone), or nil when none does.
    /// One GEOS call per candidate zone; on all cores.
    public func zoneOf(_ points: [XY]) throws -> [Int?] {
        try ParallelMap.map(points, chunksPerWorker: 4, worker: { try Lease(self) }) { lease, slice in
            try slice.map { try lease.locator.zone(of: $0) }
        }
    }

    /// The zone covering one point (see `zoneOf(_:)`).
    public func zoneOf(_ point: XY) throws -> Int? {
        let lease = try Lease(self)
        return try lease.locator.zone(of: point)
    }

    /// Maps `body` over every zone, in zone order, on all cores: each call gets the zone's boundary prepared in
    /// the worker's own GEOS context (nil when the zone has no usable boundary), made once per worker and kept
    /// for the life of the index, so two measures over the same zones prepare them once.
    public func mapZones<R: Sendable>(chunksPerWorker: Int = 16, _ body: @Sendable (Int, PreparedZone?) throws -> R) throws -> [R] {
        try ParallelMap.map(Array(zones.indices), chunksPerWorker: chunksPerWorker, worker: { try Lease(self) }) { lease, slice in
            try slice.map { z in try body(z, try lease.locator.preparedZone(z)) }
        }
    }

    private func borrow() throws -> Locator {
        if let locator = lock.withLock({ idle.popLast() }) { return locator }
        return try Locator(zones: zones)
    }

    private func giveBack(_ locator: Locator) {
        lock.withLock { idle.append(locator) }
    }

    /// A locator on loan for one worker; handed back to the pool when the worker is done with it.
    private final class Lease {
        let locator: Locator
        let owner: ZoneIndex

        init(_ owner: ZoneIndex) throws {
            self.owner = owner
            locator = try owner.borrow()
        }

        deinit { owner.giveBack(locator) }
    }

    /// One worker's lookup state: a GEOS context, an envelope index over the zones, and prepared boundaries made
    /// on first use and kept.
    final class Locator {
        let context = GEOSContext()
        let zones: [Zone]
        let envelopes: [(Int, Envelope)]
        let index: SpatialIndex
        var prepared: [Int: PreparedZone] = [:]

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
                if try preparedZone(candidate)!.prepared.covers(probe) { return candidate }
            }
            return nil
        }

        /// Zone z's boundary in this worker's context, prepared on first use; nil without a usable boundary.
        func preparedZone(_ z: Int) throws -> PreparedZone? {
            if let cached = prepared[z] { return cached }
            guard let shape = zones[z].geometry else { return nil }
            let zone = PreparedZone(prepared: try PreparedGeometry(Geometry(shape, context: context)))
            prepared[z] = zone
            return zone
        }
    }
}

/// A zone's boundary as a GEOS geometry in one worker's context, with its prepared form for fast predicates.
/// It belongs to that worker: use it inside the `mapZones` body only.
public struct PreparedZone {
    public let prepared: PreparedGeometry
    public var geometry: Geometry { prepared.base }
    public var context: GEOSContext { prepared.base.context }
}
