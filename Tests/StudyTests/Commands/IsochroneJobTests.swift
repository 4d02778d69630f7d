import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Testing
@testable import Study

/// `reach isochrone` on the 100 m street grid of fixtures/osm/grid.osm.pbf (fixtures/osm/README.md): from node 11
/// (378000, 395000), the south-west corner, walkers go east along row 1 (to node 12) and north up column 1 (to node
/// 21); the motorway from 11 is closed to them. At 4.8 km/h a walker covers 80 m a minute.
struct IsochroneJobTests {
    static let grid = packageRoot.appendingPathComponent("fixtures/osm/grid.osm.pbf").path

    /// One minute: 80 m east and 80 m north of node 11, 160 m of street. Two minutes (160 m): 100 m to nodes 12 and
    /// 21, then 60 m along each way on from them: 12 → 13 and 12 → 22 (streets), 12 → 23 (footway 303), 21 → 22
    /// (the one-way street, open to walkers both ways) and 21 → 31: 100 + 100 + 5 × 60 = 500 m.
    @Test(arguments: [(1.0, 160.0), (2.0, 500.0)])
    func reachedStreetsByHand(minutes: Double, metres: Double) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "easting,northing,population\n378050,395000,120\n378200,395200,300\n".write(to: folder.appendingPathComponent("people.csv"), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("iso.geojson").path
        let job = IsochroneJob(from: XY(378_000, 395_000), mode: .walk, minutes: [minutes], osm: Self.grid, bufferMetres: 10,
                               minIslandNodes: 3, origins: folder.appendingPathComponent("people.csv").path, weightField: "population",
                               output: output)
        let report = try job.run()
        // The reached street length, from the pieces the polygon is drawn round (the start's own segment is also
        // drawn from the start point, so pieces may repeat: measure distinct segments' pieces once).
        let network = try RoadNetwork.read(path: Self.grid, modes: [.walk], workingCRS: .britishNationalGrid)
        let graph = network.graphs[.walk]!
        let snapper = EdgeSnapper(graph: graph, nodes: network.nodes)
        let start = try #require(snapper.snap(XY(378_000, 395_000), maxMetres: 500))
        var search = TravelTimeSearch(graph: graph)
        search.run(from: NetworkTravelTime.seedsFrom(start, graph: graph), direction: .fromSources, limitSeconds: minutes * 60)
        let pieces = IsochroneJob.reachedPieces(graph: graph, nodes: network.nodes, seconds: search.seconds, limit: minutes * 60, start: start)
        var seen = Set<[Double]>(), length = 0.0
        for piece in pieces where seen.insert([piece[0].x, piece[0].y, piece[1].x, piece[1].y].map { ($0 * 100).rounded() }).inserted {
            length += ((piece[1].x - piece[0].x) * (piece[1].x - piece[0].x) + (piece[1].y - piece[0].y) * (piece[1].y - piece[0].y)).squareRoot()
        }
        #expect(abs(length - metres) < 0.1, "\(length) m of street reached")
        // The band is 20 m wide round the reached streets: area ≈ 20 m × length (+ the round ends, − the overlap at
        // corners), so between 18 and 24 m² per metre of street.
        let area = try #require(report.polygons.first?.areaKm2) * 1e6
        #expect(area > 18 * metres && area < 24 * metres, "\(area) m² for \(metres) m of street")
        // (378050, 395000) is on the reached street; (378200, 395200) is 250 m away by street.
        #expect(report.polygons.first?.population == 120)
        let features = try readBack(output)
        #expect(features.count == 1)
        let properties = try #require(features.first?["properties"] as? [String: Any])
        #expect(properties["minutes"] as? Double == minutes)
        #expect(properties["mode"] as? String == "walk")
        #expect((features.first?["geometry"] as? [String: Any])?["type"] as? String == "Polygon")
    }
}
