import CGEOS
import GeoPrimitives

/// A GEOS STRtree over a fixed array of geometries, built once; queries answer with indices into that array.
///
/// The tree keeps pointers to its geometries' envelopes, so it holds the geometries strongly and is freed
/// before them.
public final class SpatialIndex {
    public let geometries: [Geometry]
    private let context: GEOSContext
    private let tree: OpaquePointer

    /// Indexes `geometries` (all of `context`); `nodeCapacity` is the STRtree fan-out.
    public init(_ geometries: [Geometry], context: GEOSContext, nodeCapacity: Int = 10) throws {
        self.geometries = geometries
        self.context = context
        tree = try context.pointer("GEOSSTRtree_create_r", GEOSSTRtree_create_r(context.handle, nodeCapacity))
        for (index, geometry) in geometries.enumerated() {
            precondition(geometry.context === context, "geometries of different GEOS contexts")
            // Items are indices + 1 (a NULL item would be ambiguous); empty geometries are skipped by GEOS.
            GEOSSTRtree_insert_r(context.handle, tree, geometry.handle, UnsafeMutableRawPointer(bitPattern: index + 1))
        }
    }

    /// Indexes rectangles: each envelope becomes a polygon geometry.
    public convenience init(envelopes: [Envelope], context: GEOSContext, nodeCapacity: Int = 10) throws {
        try self.init(envelopes.map { try Geometry(envelope: $0, context: context) }, context: context, nodeCapacity: nodeCapacity)
    }

    deinit {
        GEOSSTRtree_destroy_r(context.handle, tree)
    }

    private final class Hits {
        var indices: [Int] = []
    }

    /// Indices (ascending) of the geometries whose envelopes intersect `envelope`.
    public func query(_ envelope: Envelope) throws -> [Int] {
        let probe = try Geometry(envelope: envelope, context: context)
        return query(probe)
    }

    /// Indices (ascending) of the geometries whose envelopes intersect the envelope of `geometry`.
    public func query(_ geometry: Geometry) -> [Int] {
        let hits = Hits()
        withExtendedLifetime(hits) {
            GEOSSTRtree_query_r(context.handle, tree, geometry.handle, { item, userdata in
                guard let item, let userdata else { return }
                Unmanaged<Hits>.fromOpaque(userdata).takeUnretainedValue().indices.append(Int(bitPattern: item) - 1)
            }, Unmanaged.passUnretained(hits).toOpaque())
        }
        return hits.indices.sorted()
    }

    /// For each envelope, the indices (ascending) of the geometries whose envelopes intersect it.
    public func query(_ envelopes: [Envelope]) throws -> [[Int]] {
        try envelopes.map { try query($0) }
    }

    /// The item standing for the query geometry in nearest-neighbour callbacks: no index + 1 can equal it.
    private static var probeItem: UnsafeRawPointer { UnsafeRawPointer(bitPattern: Int.max)! }

    private final class NearestState {
        let context: GEOSContext
        let geometries: [Geometry]
        let probe: Geometry
        init(context: GEOSContext, geometries: [Geometry], probe: Geometry) {
            self.context = context
            self.geometries = geometries
            self.probe = probe
        }
        /// The geometry an item stands for: the probe's sentinel or an index + 1.
        func geometry(_ item: UnsafeRawPointer) -> Geometry {
            item == SpatialIndex.probeItem ? probe : geometries[Int(bitPattern: item) - 1]
        }
    }

    /// The index of the geometry nearest to `geometry` by true geometric distance, or nil for an empty index.
    /// Ties go to whichever GEOS meets first.
    public func nearest(to geometry: Geometry) throws -> Int? {
        guard !geometries.isEmpty else { return nil }
        let state = NearestState(context: context, geometries: geometries, probe: geometry)
        let result: UnsafeRawPointer? = withExtendedLifetime(state) {
            GEOSSTRtree_nearest_generic_r(context.handle, tree, SpatialIndex.probeItem, geometry.handle, { a, b, distance, userdata in
                guard let a, let b, let distance, let userdata else { return 0 }
                let state = Unmanaged<NearestState>.fromOpaque(userdata).takeUnretainedValue()
                // GEOS treats a zero return from this callback as failure; GEOSDistance_r returns 0 on exception.
                return GEOSDistance_r(state.context.handle, state.geometry(a).handle, state.geometry(b).handle, distance)
            }, Unmanaged.passUnretained(state).toOpaque())
        }
        guard let result else { throw context.failure("GEOSSTRtree_nearest_generic_r") }
        return Int(bitPattern: result) - 1
    }
}
