import Accessibility
import GeoData
import GeoPrimitives

/// The road network of a distance run with everything snapped onto it: per mode, a snapper, the origins' snap
/// points, and each category's services (those within the maximum snap distance).
struct NetworkContext: Sendable {
    let network: RoadNetwork
    let modes: [TravelMode]
    let maxSnapMetres: Double
    let snappers: [TravelMode: EdgeSnapper]
    /// Per mode, each origin's snap point (nil: no road of the mode within the maximum snap distance).
    let originSnaps: [TravelMode: [SnapPoint?]]
    /// Per mode and category: the travel-time helper over its snapped services.
    let categoryTimes: [TravelMode: [NetworkTravelTime]]
    /// Per mode and category: indices (in the category's services) of services left unsnapped.
    let unsnappedServices: [TravelMode: [[Int]]]
    /// Per mode and category: indices (in the category's services) of the snapped services, in the order of
    /// `categoryTimes`' services.
    let snappedServices: [TravelMode: [[Int]]]

    /// Per mode: segments left out of snapping because they lie on an island of fewer than the minimum nodes.
    let islandSegments: [TravelMode: Int]

    init(network: RoadNetwork, modes: [TravelMode], catalogue: ServiceCatalogue, names: [String], origins: [XY],
         maxSnapMetres: Double, minIslandNodes: Int) throws {
        self.network = network
        self.modes = modes
        self.maxSnapMetres = maxSnapMetres
        var snappers: [TravelMode: EdgeSnapper] = [:]
        var originSnaps: [TravelMode: [SnapPoint?]] = [:]
        var categoryTimes: [TravelMode: [NetworkTravelTime]] = [:]
        var unsnapped: [TravelMode: [[Int]]] = [:]
        var snapped: [TravelMode: [[Int]]] = [:]
        var islands: [TravelMode: Int] = [:]
        for mode in modes {
            let graph = network.graphs[mode]!
            // Points are not snapped onto small islands (a car park drawn without its access road, a footway
            // cut off by the extract): they would be "reached" by nothing. OpenTripPlanner and R5 prune such
            // islands too.
            let eligible = NetworkComponents(graph).segmentsInComponents(of: graph, minimumNodes: minIslandNodes)
            islands[mode] = eligible.count { !$0 }
            let snapper = EdgeSnapper(graph: graph, nodes: network.nodes, eligible: eligible)
            snappers[mode] = snapper
            originSnaps[mode] = try ParallelMap.map(origins, chunksPerWorker: 8) { slice in
                slice.map { snapper.snap($0, maxMetres: maxSnapMetres) }
            }
            var helpers: [NetworkTravelTime] = []
            var missing: [[Int]] = []
            var kept: [[Int]] = []
            for name in names {
                let services = catalogue.categories[name]!
                let snaps = services.map { snapper.snap($0.xy, maxMetres: maxSnapMetres) }
                missing.append(snaps.indices.filter { snaps[$0] == nil })
                kept.append(snaps.indices.filter { snaps[$0] != nil })
                helpers.append(NetworkTravelTime(graph: graph, services: snaps.compactMap { $0 }))
            }
            categoryTimes[mode] = helpers
            unsnapped[mode] = missing
            snapped[mode] = kept
        }
        self.snappers = snappers
        self.originSnaps = originSnaps
        self.categoryTimes = categoryTimes
        self.unsnappedServices = unsnapped
        self.snappedServices = snapped
        self.islandSegments = islands
    }

    /// Minutes from each origin to the nearest service, per mode and category: one multi-source search per
    /// category and mode, the pairs spread over the cores.
    func timesToNearest() throws -> [TravelMode: [[Double?]]] {
        let pairs = modes.flatMap { mode in categoryTimes[mode]!.indices.map { (mode, $0) } }
        let results = try ParallelMap.map(pairs, chunksPerWorker: 1) { slice in
            slice.map { mode, c -> [Double?] in
                let helper = categoryTimes[mode]![c]
                var search = TravelTimeSearch(graph: helper.graph)
                return helper.timesToNearest(originSnaps[mode]!, search: &search).map { $0.map { $0 / 60 } }
            }
        }
        var byMode: [TravelMode: [[Double?]]] = [:]
        for (pair, times) in zip(pairs, results) { byMode[pair.0, default: []].append(times) }
        return byMode
    }

    /// Metres from each origin to the nearest service by the shortest road (not the fastest), per mode and
    /// category: the searches of `timesToNearest` over each mode's graph weighted by length.
    func metresToNearest() throws -> [TravelMode: [[Double?]]] {
        let lengthGraphs = Dictionary(uniqueKeysWithValues: modes.map { ($0, network.graphs[$0]!.byLength()) })
        let pairs = modes.flatMap { mode in categoryTimes[mode]!.indices.map { (mode, $0) } }
        let results = try ParallelMap.map(pairs, chunksPerWorker: 1) { slice in
            slice.map { mode, c -> [Double?] in
                let graph = lengthGraphs[mode]!
                let helper = NetworkTravelTime(graph: graph, services: categoryTimes[mode]![c].services)
                var search = TravelTimeSearch(graph: graph)
                return helper.timesToNearest(originSnaps[mode]!, search: &search)
            }
        }
        var byMode: [TravelMode: [[Double?]]] = [:]
        for (pair, metres) in zip(pairs, results) { byMode[pair.0, default: []].append(metres) }
        return byMode
    }

    /// One reusable search per mode, for one core.
    func makeSearches() -> [TravelMode: TravelTimeSearch] {
        var searches: [TravelMode: TravelTimeSearch] = [:]
        for mode in modes { searches[mode] = TravelTimeSearch(graph: network.graphs[mode]!) }
        return searches
    }

    /// The point's snap per mode (modes whose roads are too far are missing).
    func snapTypical(_ point: XY) -> [TravelMode: SnapPoint] {
        var snaps: [TravelMode: SnapPoint] = [:]
        for mode in modes { if let snap = snappers[mode]!.snap(point, maxMetres: maxSnapMetres) { snaps[mode] = snap } }
        return snaps
    }

    /// Minutes from `point` to every snapped service of every category, per mode, by a forward search bounded
    /// by `limitMinutes` (services beyond it are nil). Modes with no road near the point are missing.
    func timesFrom(_ point: XY, limitMinutes: Double, searches: inout [TravelMode: TravelTimeSearch]) -> [TravelMode: [[Double?]]] {
        var result: [TravelMode: [[Double?]]] = [:]
        for (mode, snap) in snapTypical(point) {
            let graph = network.graphs[mode]!
            searches[mode]!.run(from: NetworkTravelTime.seedsFrom(snap, graph: graph), direction: .fromSources,
                                limitSeconds: limitMinutes * 60)
            result[mode] = categoryTimes[mode]!.map { helper in
                helper.timesFrom(snap, search: searches[mode]!).map { $0.map { $0 / 60 } }
            }
        }
        return result
    }
}
