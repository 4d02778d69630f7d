import Foundation
import GeoPrimitives
import Projection
import Testing
@testable import GeoData

private func parse(_ text: String, source: String = "test.geojson") throws -> FeatureCollection {
    try GeoJSONReader.parse(bytes: TestSupport.terminated(text), source: source)
}

private func collection(features: [String], extra: String = "") -> String {
    #"{"type":"FeatureCollection","# + extra + #""features":["# + features.joined(separator: ",\n") + "]}"
}

private func feature(_ geometry: String, properties: String = "{}") -> String {
    #"{"type":"Feature","properties":"# + properties + #","geometry":"# + geometry + "}"
}

private let unitSquare = #"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"#

@Suite("GeoJSONReader")
struct GeoJSONReaderTests {
    // MARK: Properties

    @Test("properties keep input order, with null, bool, nested and exact numbers")
    func propertiesInOrder() throws {
        let properties = #"{"name":"Altrincham","n":null,"flag":true,"off":false,"nested":{"z":[1,2],"a":"x"},"big":12345678901234567890,"area":3.5}"#
        let result = try parse(collection(features: [feature("null", properties: properties)]))
        let first = try #require(result.features.first)
        #expect(first.properties.keys == ["name", "n", "flag", "off", "nested", "big", "area"])
        #expect(first.properties["name"] == .string("Altrincham"))
        #expect(first.properties["n"] == .null)
        #expect(first.properties["flag"] == .bool(true))
        #expect(first.properties["off"] == .bool(false))
        guard case .object(let nested)? = first.properties["nested"] else { Issue.record("nested is not an object"); return }
        #expect(nested.keys == ["z", "a"])
        #expect(first.properties["big"]?.stringValue == "12345678901234567890")
        #expect(first.properties["area"]?.doubleValue == 3.5)
        #expect(first.properties["missing"] == nil)
    }

    @Test("properties null gives an empty object; the feature id is kept")
    func nullPropertiesAndId() throws {
        let text = collection(features: [#"{"type":"Feature","id":"ward-7","properties":null,"geometry":null}"#,
                                         #"{"type":"Feature","id":42,"geometry":null}"#])
        let result = try parse(text)
        #expect(result.features.count == 2)
        #expect(result.features[0].properties.count == 0)
        #expect(result.features[0].id == .string("ward-7"))
        #expect(result.features[1].id?.stringValue == "42")
    }

    // MARK: CRS

    @Test("legacy crs members name the CRS", arguments: [
        (#"{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}"#, "OGC:CRS84"),
        (#"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}}"#, "EPSG:27700"),
        (#"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG:6.6:27700"}}"#, "EPSG:27700"),
        (#"{"type":"name","properties":{"name":"EPSG:27700"}}"#, "EPSG:27700"),
        (#"{"type":"EPSG","properties":{"code":27700}}"#, "EPSG:27700"),
        (#"{"type":"EPSG","properties":{"code":"4326"}}"#, "EPSG:4326"),
    ])
    func legacyCRS(_ member: String, _ expected: String) throws {
        let result = try parse(collection(features: [], extra: #""crs":"# + member + ","))
        #expect(result.declaredCRS == CRS(expected))
        #expect(result.declaredCRS?.definition == expected)
    }

    @Test("CRS84 is the same value as CRS.wgs84, and a crs member after the features still counts")
    func crs84IsWGS84() throws {
        let text = #"{"type":"FeatureCollection","features":[],"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}}"#
        #expect(try parse(text).declaredCRS == .wgs84)
    }

    @Test("no crs member: declaredCRS is nil and the CRS is WGS84 lon/lat")
    func noCRS() throws {
        let result = try parse(collection(features: []))
        #expect(result.declaredCRS == nil)
        #expect(result.crs() == .wgs84)
        #expect(result.crs(override: .britishNationalGrid) == .britishNationalGrid)
        let null = try parse(collection(features: [], extra: #""crs":null,"#))
        #expect(null.declaredCRS == nil)
    }

    @Test("an unsupported crs type is a DataError naming the crs field")
    func unsupportedCRS() throws {
        let text = collection(features: [], extra: #""crs":{"type":"link","properties":{"href":"http://example.com/crs","type":"proj4"}},"#)
        let error = try #require(throws: DataError.self) { try parse(text) }
        #expect(error.field == "crs")
        #expect(error.message.contains("link"))
        #expect(error.file == "test.geojson")
    }

    @Test("a crs member without properties is a DataError")
    func crsWithoutProperties() {
        #expect(throws: DataError.self) { try parse(collection(features: [], extra: #""crs":{"type":"name"},"#)) }
    }

    // MARK: Geometries

    @Test("geometry null gives no geometry and no problem")
    func nullGeometry() throws {
        let result = try parse(collection(features: [feature("null")]))
        #expect(result.features[0].geometry == nil)
        #expect(result.features[0].geometryProblem == nil)
    }

    @Test("each geometry type becomes the right Shape")
    func geometryTypes() throws {
        let geometries = [
            #"{"type":"Point","coordinates":[-2.35,53.39]}"#,
            #"{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}"#,
            #"{"type":"LineString","coordinates":[[0,0],[1,1],[2,0]]}"#,
            #"{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]}"#,
            unitSquare,
            #"{"type":"MultiPolygon","coordinates":[[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]],[[[10,10],[11,10],[11,11],[10,10]]]]}"#,
            #"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[[0,0],[1,1]]}]}"#,
        ]
        let result = try parse(collection(features: geometries.map { feature($0) }))
        let shapes = result.features.map(\.geometry)
        #expect(result.features.allSatisfy { $0.geometryProblem == nil })
        #expect(shapes[0] == .point(XY(-2.35, 53.39)))
        #expect(shapes[1] == .multiPoint([XY(1, 2), XY(3, 4)]))
        #expect(shapes[2] == .lineString([XY(0, 0), XY(1, 1), XY(2, 0)]))
        #expect(shapes[3] == .multiLineString([[XY(0, 0), XY(1, 1)], [XY(2, 2), XY(3, 3)]]))
        #expect(shapes[4] == .polygon([[XY(0, 0), XY(1, 0), XY(1, 1), XY(0, 1), XY(0, 0)]]))
        #expect(shapes[5] == .multiPolygon([
            [[XY(0, 0), XY(4, 0), XY(4, 4), XY(0, 4), XY(0, 0)], [XY(1, 1), XY(1, 2), XY(2, 2), XY(2, 1), XY(1, 1)]],
            [[XY(10, 10), XY(11, 10), XY(11, 11), XY(10, 10)]],
        ]))
        #expect(shapes[6] == .geometryCollection([.point(XY(1, 2)), .lineString([XY(0, 0), XY(1, 1)])]))
    }

    @Test("a third number (height) is ignored, and numbers in any JSON form are read")
    func heightsAndNumberForms() throws {
        let result = try parse(collection(features: [feature(#"{"type":"Point","coordinates":[1E2,-0.5e-1,30.5]}"#)]))
        #expect(result.features[0].geometry == .point(XY(100, -0.05)))
    }

    @Test("members may come in any order: geometry before type, coordinates before type")
    func memberOrder() throws {
        let text = #"{"features":[{"geometry":{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"type":"Polygon"},"properties":{"a":1},"type":"Feature"}],"type":"FeatureCollection"}"#
        let result = try parse(text)
        #expect(result.features.count == 1)
        #expect(result.features[0].geometry == .polygon([[XY(0, 0), XY(1, 0), XY(1, 1), XY(0, 0)]]))
        #expect(result.features[0].properties["a"]?.doubleValue == 1)
    }

    @Test("bad nesting sets geometryProblem and the next feature is still read", arguments: [
        // A Polygon with a flat list of positions (a LineString's nesting).
        #"{"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]}"#,
        // A position with one number, in the middle of a ring.
        #"{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}"#,
        // A position holding null.
        #"{"type":"Polygon","coordinates":[[[0,0],[null,0],[1,1],[0,0]]]}"#,
        // A position holding a string with brackets in it.
        #"{"type":"Polygon","coordinates":[[[0,0],["]]",0],[1,1],[0,0]]]}"#,
        // Positions and arrays mixed at one level.
        #"{"type":"LineString","coordinates":[[0,0],[[1,1]],[2,2]]}"#,
        // A Point with one number; a Point with nested positions.
        #"{"type":"Point","coordinates":[5]}"#,
        #"{"type":"Point","coordinates":[[5,6]]}"#,
        // An unknown type, a missing type, missing coordinates, geometry not an object.
        #"{"type":"Circle","coordinates":[0,0]}"#,
        #"{"coordinates":[0,0]}"#,
        #"{"type":"Polygon"}"#,
        #""POINT (1 2)""#,
        // A GeometryCollection with a bad member.
        #"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1]}]}"#,
    ])
    func badNestingThenNextFeature(_ bad: String) throws {
        let text = collection(features: [
            feature(bad, properties: #"{"code":"bad"}"#),
            feature(unitSquare, properties: #"{"code":"good"}"#),
        ])
        let result = try parse(text)
        #expect(result.features.count == 2)
        #expect(result.features[0].geometry == nil)
        #expect(result.features[0].geometryProblem != nil)
        #expect(result.features[0].properties["code"] == .string("bad"))
        #expect(result.features[1].geometryProblem == nil)
        #expect(result.features[1].geometry == .polygon([[XY(0, 0), XY(1, 0), XY(1, 1), XY(0, 1), XY(0, 0)]]))
        #expect(result.features[1].properties["code"] == .string("good"))
    }

    @Test("the problem says what is wrong with a position")
    func problemMessages() throws {
        let one = try parse(collection(features: [feature(#"{"type":"Point","coordinates":[5]}"#)]))
        #expect(one.features[0].geometryProblem?.contains("1 number") == true)
        let null = try parse(collection(features: [feature(#"{"type":"LineString","coordinates":[[0,0],[null,1]]}"#)]))
        #expect(null.features[0].geometryProblem?.contains("null") == true)
    }

    // MARK: Whole-document errors

    @Test("a syntax error is a DataError naming its line and column")
    func syntaxErrorLine() throws {
        let text = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"a":1},"geometry":null},
        {"type":"Feature","properties":{"a":2},"geometry":null},
        {"type":"Feature","properties":{"a":3 "b":4},"geometry":null}
        ]}
        """
        let error = try #require(throws: DataError.self) { try parse(text) }
        // Hand count on line 4: `{"type":"Feature","properties":{"a":3 ` is 38 characters, so the
        // unexpected '"' of "b" is column 39.
        #expect(error.location == "line 4, column 39")
        #expect(error.message.contains("expected ',' or '}'"))
        #expect(error.file == "test.geojson")
    }

    @Test("a syntax error inside coordinates names its line")
    func syntaxErrorInCoordinates() throws {
        let text = "{\"type\":\"FeatureCollection\",\"features\":[\n"
            + feature(unitSquare) + ",\n"
            + feature(#"{"type":"LineString","coordinates":[[0,0] [1,1]]}"#) + "\n]}"
        let error = try #require(throws: DataError.self) { try parse(text) }
        #expect(error.location?.hasPrefix("line 3,") == true, "\(error)")
    }

    @Test("a feature that is not a Feature is a DataError naming the feature")
    func notAFeature() throws {
        let text = collection(features: [feature("null"), #"{"type":"Fetaure","properties":{},"geometry":null}"#])
        let error = try #require(throws: DataError.self) { try parse(text) }
        // Features are joined with ",\n": feature 1 is on line 2.
        #expect(error.location == "feature 1, line 2", "\(error)")
        #expect(error.message.contains("Fetaure"))
    }

    @Test("a top-level type that is missing or not GeoJSON is a DataError", arguments: [
        (#"{"features":[]}"#, "no \"type\""),
        (#"{"type":"Topology","objects":{},"arcs":[]}"#, "Topology"),
        (#"{"type":"FeatureCollection"}"#, "features"),
    ])
    func badTopLevel(_ text: String, _ mentions: String) throws {
        let error = try #require(throws: DataError.self) { try parse(text) }
        #expect(error.message.contains(mentions), "\(error)")
    }

    @Test("not an object, or trailing data after it, is a DataError", arguments: ["[1,2]", "42", #"{"type":"FeatureCollection","features":[]} x"#, #"{"type":"FeatureCollection","features":[]}{}"#])
    func notAnObject(_ text: String) throws {
        let error = try #require(throws: DataError.self) { try parse(text) }
        #expect(error.location?.hasPrefix("line 1,") == true, "\(error)")
    }

    @Test("an empty or blank file is a DataError saying so", arguments: ["", "  \n\t\n"])
    func emptyFile(_ text: String) throws {
        let error = try #require(throws: DataError.self) { try parse(text) }
        #expect(error.message.contains("empty"))
    }

    @Test("an empty file on disk is a DataError naming the file")
    func emptyFileOnDisk() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = try TestSupport.write("", to: "empty.geojson", in: folder)
            let error = try #require(throws: DataError.self) { try GeoJSONReader.read(path: path) }
            #expect(error.file == path)
            #expect(error.message.contains("empty"))
        }
    }

    @Test("a UTF-8 byte order mark is accepted")
    func byteOrderMark() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array(collection(features: [feature(unitSquare)]).utf8) + [0]
        let result = try GeoJSONReader.parse(bytes: bytes, source: "bom.geojson")
        #expect(result.features.count == 1)
        #expect(result.features[0].geometry != nil)
    }

    // MARK: Single features and bare geometries

    @Test("a single Feature document, with members in any order")
    func singleFeature() throws {
        let text = #"{"geometry":{"type":"Point","coordinates":[1,2]},"properties":{"name":"x"},"type":"Feature","crs":{"type":"name","properties":{"name":"EPSG:27700"}}}"#
        let result = try parse(text)
        #expect(result.features.count == 1)
        #expect(result.features[0].geometry == .point(XY(1, 2)))
        #expect(result.features[0].properties["name"] == .string("x"))
        #expect(result.declaredCRS == CRS("EPSG:27700"))
    }

    @Test("a bare geometry document is one feature without properties")
    func bareGeometry() throws {
        let result = try parse(unitSquare)
        #expect(result.features.count == 1)
        #expect(result.features[0].properties.count == 0)
        #expect(result.features[0].geometry == .polygon([[XY(0, 0), XY(1, 0), XY(1, 1), XY(0, 1), XY(0, 0)]]))
    }

    @Test("a bare geometry with a problem keeps the problem")
    func bareGeometryProblem() throws {
        let result = try parse(#"{"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]}"#)
        #expect(result.features.count == 1)
        #expect(result.features[0].geometry == nil)
        #expect(result.features[0].geometryProblem != nil)
    }

    // MARK: Files

    @Test("reading a file gives the same features as parsing its text, and names the file")
    func readFile() throws {
        try TestSupport.withTemporaryFolder { folder in
            let text = collection(features: [feature(unitSquare, properties: #"{"code":"A"}"#)])
            let path = try TestSupport.write(text, to: "zones.geojson", in: folder)
            let result = try GeoJSONReader.read(path: path)
            #expect(result.source == path)
            #expect(result.features.count == 1)
            #expect(result.features[0].properties["code"] == .string("A"))
        }
    }

    @Test("a gzip-compressed file is inflated and read", .enabled(if: TestSupport.gzipPath != nil, "needs the gzip tool"))
    func gzipFile() throws {
        try TestSupport.withTemporaryFolder { folder in
            // Enough features to make a stream of several deflate blocks.
            let features = (0..<2_000).map { i in
                feature(#"{"type":"Point","coordinates":[\#(i),\#(-i)]}"#, properties: #"{"code":"Z\#(i)"}"#)
            }
            let compressed = try TestSupport.gzip(Array(collection(features: features).utf8))
            let path = folder.appendingPathComponent("zones.geojson.gz").path
            try Data(compressed).write(to: URL(fileURLWithPath: path))
            let result = try GeoJSONReader.read(path: path)
            #expect(result.features.count == 2_000)
            #expect(result.features[1_999].geometry == .point(XY(1_999, -1_999)))
            #expect(result.features[1_999].properties["code"] == .string("Z1999"))
        }
    }

    // MARK: Hostile input

    @Test("arrays nested 100,000 deep in properties are an error naming the limit, not a stack overflow")
    func deepProperties() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try #require(throws: DataError.self) {
            try parse(collection(features: [feature("null", properties: #"{"deep":"# + deep + "}")]))
        }
        // The 129th '[' is past the limit: the document's object, "features", the feature, "properties" and
        // 124 of the arrays make 128 levels. Columns by hand: the 71-byte prefix the helpers write and {"deep":
        // make 79 bytes before the first '['; the 125th is the one refused.
        #expect(error.message == "not valid GeoJSON: objects and arrays nested deeper than 128 levels (reach's limit for JSON)")
        #expect(error.location == "line 1, column \(79 + 124 + 1)")
    }

    @Test("coordinates nested 100,000 deep make a geometry problem for that feature; the others read")
    func deepCoordinates() throws {
        let deep = #"{"type":"Polygon","coordinates":"# + String(repeating: "[", count: 100_000) + "0,0"
            + String(repeating: "]", count: 100_000) + "}"
        let result = try parse(collection(features: [feature(deep), feature(unitSquare)]))
        #expect(result.features.count == 2)
        #expect(result.features[0].geometry == nil)
        #expect(result.features[0].geometryProblem == "coordinates nested deeper than 4 arrays (a MultiPolygon's depth)")
        #expect(result.features[1].geometryProblem == nil)
        // Nested GeometryCollections recurse through objects: the JSON limit stops them.
        let collections = String(repeating: #"{"type":"GeometryCollection","geometries":["#, count: 5_000)
            + String(repeating: "]}", count: 5_000)
        #expect(throws: DataError.self) { try parse(collection(features: [feature(collections)])) }
    }

    @Test("a property string that is not UTF-8 is an error with its line and column")
    func invalidUTF8() throws {
        var bytes = Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Caf"#.utf8)
        bytes += [0xE9]
        bytes += Array(#""},"geometry":null}]}"#.utf8)
        bytes.append(0)
        let error = try #require(throws: DataError.self) { try GeoJSONReader.parse(bytes: bytes, source: "z.geojson") }
        // Column by hand: the 71-byte prefix, then {"name":"Caf is 12 bytes, so 0xE9 is byte 84.
        #expect(error.location == "line 1, column 84")
        #expect(error.message.hasPrefix("not valid GeoJSON: a string is not valid UTF-8 (bytes 0xE9)"))
        // Escaped and literal non-ASCII text is fine.
        let ok = try parse(collection(features: [feature("null", properties: #"{"a":"Caf\u00e9","b":"Café ✓"}"#)]))
        #expect(ok.features[0].properties["a"] == .string("Café"))
        #expect(ok.features[0].properties["b"] == .string("Café ✓"))
    }

    @Test("a missing file is a DataError")
    func missingFile() throws {
        let error = try #require(throws: DataError.self) { try GeoJSONReader.read(path: "/nonexistent/zones.geojson") }
        #expect(error.message.contains("no such file"))
    }
}
