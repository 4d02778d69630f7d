import Foundation
import GeoPrimitives
import Testing
@testable import GeoData

/// Parses writer output with Foundation's JSONSerialization, a parser independent of ours.
private func foundationParse(_ bytes: [UInt8]) throws -> [[String: Any]] {
    let root = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    #expect(root["type"] as? String == "FeatureCollection")
    return try #require(root["features"] as? [[String: Any]])
}

/// Rings of a Polygon geometry as parsed by JSONSerialization.
private func rings(_ geometry: Any?) throws -> [[(Double, Double)]] {
    let object = try #require(geometry as? [String: Any])
    let coordinates = try #require(object["coordinates"] as? [[[Double]]])
    return coordinates.map { ring in ring.map { ($0[0], $0[1]) } }
}

@Suite("GeoJSONWriter")
struct GeoJSONWriterTests {
    // Clockwise square (shoelace by hand: 0·1−0·0 + 0·1−1·1 + 1·0−1·1 + 1·0−0·0 = −2, so clockwise).
    static let clockwiseExterior = [XY(0, 0), XY(0, 1), XY(1, 1), XY(1, 0), XY(0, 0)]
    // Anticlockwise inner square: twice its signed area is +0.5 (0.5 × 0.5 × 2).
    static let anticlockwiseHole = [XY(0.25, 0.25), XY(0.75, 0.25), XY(0.75, 0.75), XY(0.25, 0.75), XY(0.25, 0.25)]

    @Test("the test's own shoelace agrees with the hand calculation")
    func shoelaceSanity() {
        #expect(TestSupport.shoelace(Self.clockwiseExterior.map { ($0.x, $0.y) }) == -2)
        #expect(TestSupport.shoelace(Self.anticlockwiseHole.map { ($0.x, $0.y) }) == 0.5)
    }

    @Test("RFC 7946 orientation: a clockwise exterior is written anticlockwise, an anticlockwise hole clockwise")
    func ringOrientation() throws {
        let polygon = Feature(geometry: .polygon([Self.clockwiseExterior, Self.anticlockwiseHole]))
        let multi = Feature(geometry: .multiPolygon([
            [Self.clockwiseExterior, Self.anticlockwiseHole],
            [[XY(10, 10), XY(10, 11), XY(11, 10), XY(10, 10)]],  // clockwise triangle: 10·11−10·10 + 10·10−11·11 + 11·10−10·10 = −1
        ]))
        let bytes = try GeoJSONWriter().encode([polygon, multi])
        let features = try foundationParse(bytes)
        let written = try rings(features[0]["geometry"])
        #expect(written.count == 2)
        #expect(TestSupport.shoelace(written[0]) == 2, "exterior must be anticlockwise")
        #expect(TestSupport.shoelace(written[1]) == -0.5, "hole must be clockwise")
        // Same vertices, just reversed.
        #expect(Set(written[0].map { "\($0.0),\($0.1)" }) == Set(Self.clockwiseExterior.map { "\($0.x),\($0.y)" }))

        let multiGeometry = try #require(features[1]["geometry"] as? [String: Any])
        #expect(multiGeometry["type"] as? String == "MultiPolygon")
        let polygons = try #require(multiGeometry["coordinates"] as? [[[[Double]]]])
        let areas = polygons.map { $0.map { ring in TestSupport.shoelace(ring.map { ($0[0], $0[1]) }) } }
        #expect(areas == [[2, -0.5], [1]])
    }

    @Test("rings already in RFC 7946 order are written unchanged")
    func orientationKept() throws {
        let ring = [XY(0, 0), XY(1, 0), XY(1, 1), XY(0, 1), XY(0, 0)]  // anticlockwise: shoelace +2
        let bytes = try GeoJSONWriter().encode([Feature(geometry: .polygon([ring]))])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]"#))
    }

    @Test("coordinates are rounded to the precision, trailing zeros dropped")
    func precision() throws {
        // Hand rounding: -2.3545599 → -2.35456 (6 dp: -2.354560), 53.39067078 → 53.390671; at 2 dp → -2.35, 53.39.
        let feature = Feature(geometry: .point(XY(-2.3545599, 53.39067078)))
        let six = String(decoding: try GeoJSONWriter(precision: 6).encode([feature]), as: UTF8.self)
        #expect(six.contains(#""coordinates":[-2.35456,53.390671]"#))
        let two = String(decoding: try GeoJSONWriter(precision: 2).encode([feature]), as: UTF8.self)
        #expect(two.contains(#""coordinates":[-2.35,53.39]"#))
        let zero = String(decoding: try GeoJSONWriter(precision: 0).encode([feature]), as: UTF8.self)
        #expect(zero.contains(#""coordinates":[-2,53]"#))
    }

    @Test("a small collection is written exactly as expected (hand-written text)")
    func exactText() throws {
        var properties = JSONObject()
        properties["name"] = .string("A \"quoted\" name")
        properties["pop"] = .number(342)
        properties["score"] = .null
        let features = [
            Feature(properties: properties, geometry: .point(XY(1.5, -2))),
            Feature(properties: JSONObject([("name", .string("B"))]), geometry: nil, id: .string("b-1")),
        ]
        let text = String(decoding: try GeoJSONWriter().encode(features), as: UTF8.self)
        let expected = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"A \\"quoted\\" name","pop":342,"score":null},"geometry":{"type":"Point","coordinates":[1.5,-2]}},
        {"type":"Feature","id":"b-1","properties":{"name":"B"},"geometry":null}
        ]}

        """
        #expect(text == expected)
    }

    @Test("an empty collection is valid JSON with no features")
    func emptyCollection() throws {
        let bytes = try GeoJSONWriter().encode([])
        #expect(try foundationParse(bytes).isEmpty)
    }

    @Test("every geometry type is written and reads back with JSONSerialization")
    func allTypes() throws {
        let shapes: [Shape] = [
            .point(XY(1, 2)),
            .multiPoint([XY(1, 2), XY(3, 4)]),
            .lineString([XY(0, 0), XY(1, 1)]),
            .multiLineString([[XY(0, 0), XY(1, 1)], [XY(2, 2), XY(3, 3)]]),
            .geometryCollection([.point(XY(5, 6)), .lineString([XY(0, 0), XY(0.5, 0.25)])]),
        ]
        let features = try foundationParse(try GeoJSONWriter().encode(shapes.map { Feature(geometry: $0) }))
        let geometries = try features.map { try #require($0["geometry"] as? [String: Any]) }
        #expect(geometries.map { $0["type"] as? String } == ["Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection"])
        #expect(geometries[0]["coordinates"] as? [Double] == [1, 2])
        #expect(geometries[1]["coordinates"] as? [[Double]] == [[1, 2], [3, 4]])
        #expect(geometries[3]["coordinates"] as? [[[Double]]] == [[[0, 0], [1, 1]], [[2, 2], [3, 3]]])
        let members = try #require(geometries[4]["geometries"] as? [[String: Any]])
        #expect(members.count == 2)
        #expect(members[1]["coordinates"] as? [[Double]] == [[0, 0], [0.5, 0.25]])
    }

    /// Many features with varied properties, so encoding spreads over several chunks and cores.
    static func sampleFeatures(count: Int) -> [Feature] {
        var rng = SplitMix64(seed: 7)
        return (0..<count).map { i in
            let x = Double.random(in: -6...2, using: &rng)
            let y = Double.random(in: 50...56, using: &rng)
            var properties = JSONObject()
            properties["code"] = .string("E0500\(i)")
            properties["value"] = i % 5 == 0 ? .null : .number(Double.random(in: 0...1000, using: &rng))
            properties["flag"] = .bool(i % 2 == 0)
            let ring = [XY(x, y), XY(x, y + 0.01), XY(x + 0.01, y + 0.01), XY(x + 0.01, y), XY(x, y)]
            return Feature(properties: properties, geometry: i % 7 == 0 ? nil : .polygon([ring]))
        }
    }

    @Test("two encodes of the same features are byte-identical")
    func deterministic() throws {
        let features = Self.sampleFeatures(count: 3_000)
        let first = try GeoJSONWriter().encode(features)
        let second = try GeoJSONWriter().encode(features)
        #expect(first == second)
        #expect(first.count > 100_000)
    }

    @Test("output parses back with JSONSerialization and the values match, in order")
    func parsesBack() throws {
        let features = Self.sampleFeatures(count: 3_000)
        let parsed = try foundationParse(try GeoJSONWriter(precision: 6).encode(features))
        #expect(parsed.count == features.count)
        for (original, back) in zip(features, parsed) {
            let properties = try #require(back["properties"] as? [String: Any])
            #expect(properties["code"] as? String == original.properties["code"]?.stringValue)
            #expect(properties["flag"] as? Bool == (original.properties["flag"] == .bool(true)))
            if original.properties["value"] == .null {
                #expect(properties["value"] is NSNull)
            } else {
                // Foundation's parser on Linux is not correctly rounded (it can be a few ulps off), so compare to
                // 1e-14 relative here; JSONWriterTests checks the text reads back exactly with Double(String).
                let back = try #require(properties["value"] as? Double)
                let value = try #require(original.properties["value"]?.doubleValue)
                #expect(abs(back - value) <= 1e-14 * abs(value))
            }
            guard case .polygon(let originalRings)? = original.geometry else {
                #expect(back["geometry"] is NSNull)
                continue
            }
            let ring = try rings(back["geometry"])[0]
            // The input ring is clockwise (up, right, down), so it is written reversed.
            for (a, b) in zip(ring, originalRings[0].reversed()) {
                #expect(abs(a.0 - b.x) <= 0.5e-6 + 1e-12 && abs(a.1 - b.y) <= 0.5e-6 + 1e-12)
            }
        }
    }

    @Test("properties keep their order in the text")
    func propertyOrder() throws {
        let properties = JSONObject([("zeta", .number(1)), ("alpha", .null), ("mid", .string("m"))])
        let text = String(decoding: try GeoJSONWriter().encode([Feature(properties: properties, geometry: nil)]), as: UTF8.self)
        #expect(text.contains(#""properties":{"zeta":1,"alpha":null,"mid":"m"},"geometry":null"#))
    }

    @Test("write puts the file in place atomically and it reads back with our reader")
    func writeFile() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("out.geojson").path
            let features = Self.sampleFeatures(count: 50)
            try GeoJSONWriter().write(features, to: path)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes == (try GeoJSONWriter().encode(features)))
            let back = try GeoJSONReader.read(path: path)
            #expect(back.features.count == 50)
            #expect(back.declaredCRS == nil)
            #expect(back.features.map { $0.properties["code"] } == features.map { $0.properties["code"] })
        }
    }
}
