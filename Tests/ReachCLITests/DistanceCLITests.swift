import Foundation
import Testing

/// `reach distance`, `reach nearest` and `reach network` as a user runs them: exit codes, messages, outputs.
struct DistanceCLITests {
    static let trafford = "fixtures/trafford/wards_2017.geojson"
    static let oas = "fixtures/trafford/output_areas_2021.geojson"

    @Test func straightLineOnTraffordFixtures() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let services = folder.appendingPathComponent("gp.csv").path
        // Two made-up surgeries (lon/lat) in Altrincham and Stretford.
        try "name,lon,lat\nA,-2.3522,53.3872\nB,-2.3153,53.4468\n".write(toFile: services, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.geojson").path
        let run = try CLI.reach(["distance", "--wards", Self.trafford, "--services", services, "--origins", Self.oas,
                                 "--weight-field", "population", "--out", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("21 wards, 738 origins; services: gp 2"))
        #expect(run.stderr.contains("reach: timings: "))
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("\"gp_straight_mean\":"))
        #expect(text.contains("\"gp_straight_within_800_pct\":"))
        #expect(text.contains("\"gp_straight_count_within_2000\":"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["gp.csv", "out.geojson"])
    }

    @Test func networkModesNeedAnExtract() throws {
        let run = try CLI.reach(["distance", "--wards", Self.trafford, "--services", "x.csv", "--modes", "walk", "--out", "/tmp/x.geojson"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("need a road network"))
        let unknown = try CLI.reach(["distance", "--wards", Self.trafford, "--services", "x.csv", "--modes", "bus", "--out", "/tmp/x.geojson"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown mode 'bus'"))
    }

    @Test func truncatedExtractIsBadInput() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let services = folder.appendingPathComponent("gp.csv").path
        try "easting,northing\n378260,395170\n".write(toFile: services, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.geojson").path
        let run = try CLI.reach(["distance", "--wards", Self.trafford, "--services", services, "--osm", "fixtures/osm/truncated.osm.pbf",
                                 "--modes", "walk", "--out", output])
        #expect(run.status == 1)
        #expect(run.stderr.contains("fixtures/osm/truncated.osm.pbf: blob 2"))
        #expect(run.stderr.contains("truncated"))
        #expect(!FileManager.default.fileExists(atPath: output))
        let network = try CLI.reach(["network", "--osm", "fixtures/osm/not-a-pbf.osm.pbf"])
        #expect(network.status == 1)
        #expect(network.stderr.contains("not an OSM PBF file"))
    }

    @Test func networkSummaryOfTheGrid() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let edges = folder.appendingPathComponent("edges.geojson").path
        let run = try CLI.reach(["network", "--osm", "fixtures/osm/grid.osm.pbf", "--out-edges", edges])
        #expect(run.status == 0, "\(run.stderr)")
        // fixtures/osm/README.md: 26 nodes, 16 ways; walk 22 nodes and 66 directed edges, car 24 and 56.
        #expect(run.stderr.contains("26 nodes, 16 ways, 16 with highway=*"))
        #expect(run.stderr.contains("walk: 22 nodes, 33 segments (66 directed edges)"))
        #expect(run.stderr.contains("car: 24 nodes"))
        #expect(run.stderr.contains("(56 directed edges)"))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: edges))) as? [String: Any]
        let features = try #require(object?["features"] as? [[String: Any]])
        // Segments: walk 33, cycle 28 (55 directed: 27 two-way + ... ), car: counted from the file itself.
        #expect(features.count { ($0["properties"] as? [String: Any])?["mode"] as? String == "walk" } == 33)
    }

    @Test func nearestWritesOneRowPerPoint() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let points = folder.appendingPathComponent("points.csv").path
        let services = folder.appendingPathComponent("shops.csv").path
        let output = folder.appendingPathComponent("nearest.csv").path
        try "easting,northing\n400000,300000\n400300,300400\n".write(toFile: points, atomically: true, encoding: .utf8)
        // 3-4-5: (400300, 300400) is 500 m from the first point; (400000, 300100) is 100 m from it.
        try "easting,northing\n400300,300400\n400000,300100\n".write(toFile: services, atomically: true, encoding: .utf8)
        let run = try CLI.reach(["nearest", "--points", points, "--services", services, "--out", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "point,shops_metres,shops_nearest\n0,100,1\n1,0,0\n")
    }
}
