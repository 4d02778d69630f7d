@testable import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Projection
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The road graphs of fixtures/osm/grid.osm.pbf against the routes its README works out by hand and checks with
/// networkx on the stored coordinates ("stored time s" column, to 1 ms).
@Suite struct RoadNetworkTests {
    static let network: RoadNetwork = try! RoadNetwork.read(path: packageRoot.appendingPathComponent("fixtures/osm/grid.osm.pbf").path,
                                                            modes: TravelMode.allCases)

    func seconds(_ mode: TravelMode, from: Int64, to: Int64) -> Double? {
        let network = Self.network
        guard let a = network.osmNodeIDs.firstIndex(of: from), let b = network.osmNodeIDs.firstIndex(of: to) else { return nil }
        var search = TravelTimeSearch(graph: network.graphs[mode]!)
        search.run(from: [(UInt32(a), 0)], direction: .fromSources)
        let fromTo = search.seconds[b]
        // The same figure from the other end, on the reversed graph.
        search.run(from: [(UInt32(b), 0)], direction: .toSources)
        #expect(abs(search.seconds[a] - fromTo) < 1e-9 || search.seconds[a] == fromTo)
        return fromTo.isFinite ? fromTo : nil
    }

    @Test func graphSizesPerMode() {
        // README "Graph sizes": walk 22 nodes / 66 directed edges, cycle 22 / 55, car 24 / 56.
        for (mode, nodes, edges) in [(TravelMode.walk, 22, 66), (.cycle, 22, 55), (.car, 24, 56)] {
            let graph = Self.network.graphs[mode]!
            #expect(NetworkComponents(graph).sizes.reduce(0, +) == nodes, "\(mode)")
            #expect(graph.edgeCount == edges, "\(mode)")
            // Two components: the grid and the island.
            #expect(NetworkComponents(graph).sizes.count == 2, "\(mode)")
        }
        #expect(Self.network.summary.waysKept == 15)
    }

    @Test(arguments: [
        (TravelMode.walk, 11, 44, 362.130), (.cycle, 11, 44, 121.819), (.car, 11, 44, 27.257), (.car, 44, 11, 44.935),
        (.walk, 11, 14, 225.001), (.car, 11, 14, 16.072), (.car, 14, 11, 33.750), (.car, 22, 24, 22.500),
        (.car, 24, 22, 37.347), (.car, 21, 24, 31.050), (.car, 24, 21, 48.532), (.cycle, 24, 21, 112.499),
        (.walk, 24, 21, 225.001), (.walk, 22, 33, 106.069), (.cycle, 22, 33, 45.000), (.car, 22, 33, 22.435),
        (.cycle, 23, 12, 31.820), (.car, 23, 12, 22.500), (.walk, 31, 42, 149.996), (.car, 31, 42, 22.434),
        (.walk, 33, 44, 106.064), (.cycle, 33, 44, 44.998), (.car, 33, 44, 14.913), (.car, 31, 34, 33.554),
        (.car, 14, 44, 11.185), (.car, 24, 605, 16.553), (.car, 605, 24, 27.160), (.cycle, 605, 24, 70.230),
        (.walk, 605, 24, 128.033), (.walk, 9_000_000_001, 9_000_000_002, 74.997), (.car, 9_000_000_002, 9_000_000_001, 11.249),
    ] as [(TravelMode, Int64, Int64, Double)])
    func routesMatchTheReadme(mode: TravelMode, from: Int64, to: Int64, expected: Double) throws {
        let time = try #require(seconds(mode, from: from, to: to))
        #expect(abs(time - expected) < 0.0015, "\(mode) \(from) → \(to): \(time) s")
    }

    @Test func unreachablePairs() {
        // 501/502 are on the motorway only; the island is cut off.
        #expect(seconds(.walk, from: 11, to: 501) == nil)
        #expect(seconds(.cycle, from: 11, to: 502) == nil)
        #expect(seconds(.walk, from: 11, to: 9_000_000_001) == nil)
        #expect(seconds(.cycle, from: 9_000_000_002, to: 13) == nil)
        #expect(seconds(.car, from: 11, to: 9_000_000_002) == nil)
    }

    @Test func snapAndWalkBetweenThePOIs() throws {
        // README "Snapping example": 702 snaps 20 m onto 11–12 at 0.4; 701 snaps 30 m onto 33–34 at 0.6; walking
        // between the snap points: 361.421 m, 271.066 s.
        let network = Self.network
        let graph = network.graphs[.walk]!
        let snapper = EdgeSnapper(graph: graph, nodes: network.nodes)
        let extract = try PBFReader.read(path: packageRoot.appendingPathComponent("fixtures/osm/grid.osm.pbf").path,
                                         filter: OSMFilter(wayKeys: [], nodeKeys: ["amenity", "shop"]))
        var points = extract.taggedNodes.map(\.lonLat)
        try Transformer(from: .wgs84, to: .britishNationalGrid).transform(&points)
        let pharmacy = try #require(snapper.snap(points[0], maxMetres: 500))
        let supermarket = try #require(snapper.snap(points[1], maxMetres: 500))
        #expect(abs(supermarket.distanceMetres - 20) < 0.02)
        #expect(abs(pharmacy.distanceMetres - 30) < 0.02)
        func ends(_ snap: SnapPoint) -> Set<Int64> { [network.osmNodeIDs[Int(graph.segmentFrom[snap.segment])], network.osmNodeIDs[Int(graph.segmentTo[snap.segment])]] }
        #expect(ends(supermarket) == [11, 12])
        #expect(ends(pharmacy) == [33, 34])
        var search = TravelTimeSearch(graph: graph)
        let times = NetworkTravelTime(graph: graph, services: [pharmacy]).timesToNearest([supermarket], search: &search)
        #expect(abs(times[0]! - 271.066) < 0.02)
    }

    @Test func clippedExtractSplitsAndSkipsWays() throws {
        // fixtures/osm/README.md, missing-nodes: way 1 split at absent node 99, way 2 skipped, 2 absent refs;
        // walk 1→2 100 m (75 s), 3→5 200 m (150 s), 2→3 unreachable.
        let network = try RoadNetwork.read(path: packageRoot.appendingPathComponent("fixtures/osm/missing-nodes.osm.pbf").path, modes: [.walk])
        #expect(network.summary.waysWithoutNodes == 1)
        #expect(network.summary.waysSplitAtMissingNodes == 1)
        #expect(network.summary.missingNodeRefs == 2)
        #expect(network.graphs[.walk]!.segmentCount == 3)
        var search = TravelTimeSearch(graph: network.graphs[.walk]!)
        search.run(from: [(UInt32(network.osmNodeIDs.firstIndex(of: 1)!), 0)], direction: .fromSources)
        #expect(abs(search.seconds[network.osmNodeIDs.firstIndex(of: 2)!] - 75) < 0.02)
        #expect(search.seconds[network.osmNodeIDs.firstIndex(of: 3)!].isInfinite)
        search.run(from: [(UInt32(network.osmNodeIDs.firstIndex(of: 3)!), 0)], direction: .fromSources)
        #expect(abs(search.seconds[network.osmNodeIDs.firstIndex(of: 5)!] - 150) < 0.02)
    }
}
