import Foundation
@testable import GeoData
import GeoPrimitives
import Testing

/// The PBF reader against fixtures written by an independent writer (tools/fixtures/osm_pbf.py, from the
/// format's .proto files) and by libosmium, with every expected number read back by pyosmium and GDAL's OSM
/// driver (fixtures/osm/README.md, "Counts from two independent readers").
@Suite struct PBFReaderTests {
    static let osm = TestSupport.packageRoot.appendingPathComponent("fixtures/osm")
    let roads = OSMFilter(wayKeys: ["highway"], nodeKeys: ["amenity", "shop"])

    func read(_ name: String, filter: OSMFilter? = nil) throws -> OSMExtract {
        try PBFReader.read(path: Self.osm.appendingPathComponent(name).path, filter: filter ?? roads)
    }

    @Test(arguments: ["grid.osm.pbf", "plain-nodes.osm.pbf", "dense-and-plain.osm.pbf", "raw-blobs.osm.pbf"])
    func gridVariantsDecodeAlike(file: String) throws {
        let extract = try read(file)
        // README: 26 nodes, 16 ways (all highway), 1 relation; tagged amenity/shop nodes 701 and 702.
        #expect(extract.nodeCount == 26)
        #expect(extract.wayCount == 16)
        #expect(extract.ways.count == 16)
        #expect(extract.relationCount == 1)
        #expect(extract.taggedNodes.map(\.id) == [701, 702])
        #expect(extract.taggedNodes[0].tags == ["amenity": "pharmacy", "name": "Grid Pharmacy"])
        // Stored lon/lat of node 11 and of the island node (README node table), exact at 1e-7 degrees.
        #expect(abs(extract.lonLat(of: 11)!.x - -2.3327405) < 1e-12)
        #expect(abs(extract.lonLat(of: 11)!.y - 53.4512955) < 1e-12)
        #expect(abs(extract.lonLat(of: 9_000_000_002)!.x - -2.2966022) < 1e-12)
        let island = extract.ways.first { $0.id == 5_000_000_001 }!
        #expect(island.refs == [9_000_000_001, 9_000_000_002])
        #expect(island.tags == ["highway": "residential", "name": "Island Close"])
        let roundabout = extract.ways.first { $0.id == 306 }!
        #expect(roundabout.refs == [24, 603, 602, 601, 24])
        #expect(extract.writingProgram == "reach tools/fixtures/osm_pbf.py")
    }

    @Test func granularityAndOffsets() throws {
        // Granularity 1000 with lat/lon offsets: the same nodes, rounded to 1e-6 degrees (README: within 5e-7).
        let grid = try read("grid.osm.pbf"), offsets = try read("offsets.osm.pbf")
        #expect(grid.nodeIDs == offsets.nodeIDs)
        for (a, b) in zip(grid.nodeLonLat, offsets.nodeLonLat) {
            #expect(abs(a.x - b.x) <= 5e-7 + 1e-12)
            #expect(abs(a.y - b.y) <= 5e-7 + 1e-12)
        }
    }

    @Test func filterKeepsOnlyRequestedKeys() throws {
        let extract = try read("grid.osm.pbf", filter: OSMFilter(wayKeys: ["junction"], nodeKeys: ["highway"]))
        #expect(extract.ways.map(\.id) == [306])
        #expect(extract.taggedNodes.map(\.id) == [22])
        #expect(extract.nodeCount == 26) // every node's location is kept regardless
    }

    @Test func truncatedFileNamesTheBlob() throws {
        // README: cut at byte 656, inside the way blob (bytes 408–904).
        let error = try #require(throws: DataError.self) { try read("truncated.osm.pbf") }
        #expect(error.file.hasSuffix("truncated.osm.pbf"))
        #expect(error.location?.hasPrefix("blob 2") == true)
        #expect(error.message.contains("truncated"))
    }

    @Test func textIsNotAPBF() throws {
        // README: the first four bytes read as a header length of 1,416,128,883.
        let error = try #require(throws: DataError.self) { try read("not-a-pbf.osm.pbf") }
        #expect(error.message.contains("1416128883"))
        #expect(error.message.contains("not an OSM PBF file"))
    }

    @Test func corruptZlibAndMissingFile() throws {
        var bytes = [UInt8](try Data(contentsOf: Self.osm.appendingPathComponent("grid.osm.pbf")))
        // Flip bytes in the middle of the last blob's compressed data.
        bytes[bytes.count - 40] ^= 0xFF
        bytes[bytes.count - 41] ^= 0xFF
        let error = try #require(throws: DataError.self) { try PBFReader.parse(bytes: bytes, source: "flipped.osm.pbf", filter: roads) }
        #expect(error.location?.hasPrefix("blob ") == true)
        #expect(throws: DataError.self) { try read("no-such-file.osm.pbf") }
        let empty = try #require(throws: DataError.self) { try PBFReader.parse(bytes: [], source: "empty.osm.pbf", filter: roads) }
        #expect(empty.message.contains("empty"))
    }

    @Test func realOakhamClip() throws {
        // README: 3,132 nodes, 673 ways (all highway), 0 relations; DenseInfo blocks from libosmium's writer.
        let extract = try read("oakham.osm.pbf", filter: OSMFilter(wayKeys: ["highway"], nodeKeys: []))
        #expect(extract.nodeCount == 3_132)
        #expect(extract.wayCount == 673)
        #expect(extract.ways.count == 673)
        #expect(extract.relationCount == 0)
        #expect(extract.ways.reduce(0) { $0 + $1.refs.count } == 3_918) // highway way refs
        #expect(Set(extract.ways.flatMap(\.refs)).count == 2_935)
        #expect(extract.ways.count { $0.tags["highway"] == "footway" } == 231)
        #expect(extract.ways.count { $0.tags["highway"] == "service" } == 190)
    }

    @Test(arguments: [("rutland-2022-07-20.osm.pbf", 170_885, 16_730, 287, 6_665, 52_604, 43_833, 9_113),
                      ("newport-2023-06-13.osm.pbf", 256_508, 51_231, 286, 8_965, 61_549, 48_760, 8_017)])
    func realExtracts(file: String, nodes: Int, ways: Int, relations: Int, highways: Int, refs: Int, distinct: Int, tagged: Int) throws {
        guard let path = TestSupport.sharedFile("osm/\(file)") else { return }
        // Counts from pyosmium and GDAL (fixtures/osm/README.md); tagged nodes are pyosmium's nodes with any tag.
        let extract = try PBFReader.read(path: path, filter: OSMFilter(wayKeys: ["highway"], anyNodeTag: true))
        #expect(extract.nodeCount == nodes)
        #expect(extract.wayCount == ways)
        #expect(extract.relationCount == relations)
        #expect(extract.ways.count == highways)
        #expect(extract.ways.reduce(0) { $0 + $1.refs.count } == refs)
        #expect(Set(extract.ways.flatMap(\.refs)).count == distinct)
        #expect(extract.ways.allSatisfy { $0.refs.allSatisfy { extract.nodeIndex(of: $0) != nil } })
        #expect(extract.taggedNodes.count == tagged)
        #expect(extract.taggedNodes.allSatisfy { !$0.tags.isEmpty })
    }
}
