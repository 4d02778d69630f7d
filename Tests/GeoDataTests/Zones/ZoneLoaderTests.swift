import Foundation
import GeoPrimitives
import Geometry
import Projection
import Testing
@testable import GeoData

private let bngCRS = #""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"#

private func featureCollection(_ features: [String], crs: String = "") -> String {
    #"{"type":"FeatureCollection","# + crs + #""features":["# + features.joined(separator: ",\n") + "]}"
}

private func polygonFeature(_ ring: [(Double, Double)], properties: String) -> String {
    let coordinates = ring.map { "[\(JSONWriter.format($0.0)),\(JSONWriter.format($0.1))]" }.joined(separator: ",")
    return #"{"type":"Feature","properties":"# + properties + #","geometry":{"type":"Polygon","coordinates":[["# + coordinates + "]]}}"
}

/// A 1000 m × 1000 m square in British National Grid metres, anticlockwise.
private let bngSquare: [(Double, Double)] = [(400000, 300000), (401000, 300000), (401000, 301000), (400000, 301000), (400000, 300000)]

/// A 0.01° × 0.01° square near Altrincham in WGS84 lon/lat.
private let lonLatSquare: [(Double, Double)] = [(-2.35, 53.39), (-2.34, 53.39), (-2.34, 53.40), (-2.35, 53.40), (-2.35, 53.39)]

/// Loads one GeoJSON text written to a temporary file.
private func load(_ text: String, options: ZoneLoadOptions = ZoneLoadOptions(), name: String = "zones.geojson") throws -> ZoneLayer {
    try TestSupport.withTemporaryFolder("zoneloader") { folder in
        let path = try TestSupport.write(text, to: name, in: folder)
        return try ZoneLoader.load(paths: [path], options: options)
    }
}

// Bundled in fixtures/ (fixtures/SOURCES.md), so these real-data checks never skip.
private let traffordWards = TestSupport.packageRoot.appendingPathComponent("fixtures/trafford/wards_2017.geojson").path
private let maldonWards = TestSupport.packageRoot.appendingPathComponent("fixtures/england/E07000074-maldon-wards-2013.json").path

@Suite("ZoneLoader")
struct ZoneLoaderTests {
    // MARK: Hand-made layers

    @Test("a 1000 m square given in EPSG:27700 by a legacy crs member has an area of 1,000,000 m²")
    func squareInBNG() throws {
        let layer = try load(featureCollection([polygonFeature(bngSquare, properties: #"{"code":"SQ"}"#)], crs: bngCRS))
        let zone = try #require(layer.zones.first)
        // Hand calculation: 1000 m × 1000 m = 1,000,000 m². No reprojection happens (27700 → 27700).
        let area = try #require(zone.areaSquareMetres)
        #expect(abs(area - 1_000_000) < 1e-6)
        #expect(zone.repairedReason == nil)
        #expect(zone.warnings.isEmpty)
        #expect(zone.code == "SQ")
        #expect(zone.source == FeatureSource(file: zone.source.file, index: 0))
        #expect(layer.workingCRS == .britishNationalGrid)
        #expect(layer.codeField == "code")
    }

    @Test("--crs overrides a file without a crs member")
    func sourceCRSOverride() throws {
        let layer = try load(featureCollection([polygonFeature(bngSquare, properties: #"{"code":"SQ"}"#)]),
                             options: ZoneLoadOptions(sourceCRS: .britishNationalGrid))
        // Hand calculation as above.
        #expect(abs(try #require(layer.zones[0].areaSquareMetres) - 1_000_000) < 1e-6)
    }

    @Test("a bow-tie polygon is repaired: the reason names the self-intersection and the area is the two triangles'")
    func bowTie() throws {
        // Corners (0,0) → (1000,1000) → (1000,0) → (0,1000) → back, offset to (400000, 300000): the edges cross at
        // (500, 500). Two triangles, each with a 1000 m base on x = 0 or x = 1000 and apex 500 m away:
        // 2 × ½ × 1000 × 500 = 500,000 m² (hand calculation).
        let bowTie: [(Double, Double)] = [(400000, 300000), (401000, 301000), (401000, 300000), (400000, 301000), (400000, 300000)]
        let layer = try load(featureCollection([polygonFeature(bowTie, properties: #"{"code":"BT"}"#)], crs: bngCRS))
        let zone = try #require(layer.zones.first)
        let reason = try #require(zone.repairedReason)
        #expect(reason.contains("Self-intersection"), "\(reason)")
        let area = try #require(zone.areaSquareMetres)
        #expect(abs(area - 500_000) < 1e-6)
        #expect(zone.warnings.contains { $0.contains("repaired") })
        #expect(layer.repairedCount == 1)
        // The repaired boundary is two triangles, valid by GEOS.
        let geometry = try #require(zone.geometry)
        guard case .multiPolygon(let parts) = geometry else { Issue.record("expected a MultiPolygon, got \(geometry.typeName)"); return }
        #expect(parts.count == 2)
        #expect(try Geometry(geometry, context: GEOSContext()).isValid())
    }

    @Test("a feature with null geometry is kept without geometry, with a warning and its code")
    func nullGeometry() throws {
        let text = featureCollection([
            polygonFeature(bngSquare, properties: #"{"WD13CD":"E05000001","WD13NM":"One"}"#),
            #"{"type":"Feature","properties":{"WD13CD":"E05000002","WD13NM":"Two"},"geometry":null}"#,
        ], crs: bngCRS)
        let layer = try load(text)
        #expect(layer.zones.count == 2)
        let zone = layer.zones[1]
        #expect(zone.code == "E05000002")
        #expect(zone.geometry == nil)
        #expect(zone.areaSquareMetres == nil)
        #expect(zone.warnings.contains { $0.contains("no geometry") })
        #expect(zone.source.index == 1)
        #expect(layer.unusableCount == 1)
        #expect(layer.zones[0].warnings.isEmpty)
    }

    @Test("an unreadable geometry or a non-polygon is kept with a warning")
    func unreadableGeometry() throws {
        let text = featureCollection([
            polygonFeature(bngSquare, properties: #"{"code":"A"}"#),
            #"{"type":"Feature","properties":{"code":"B"},"geometry":{"type":"Polygon","coordinates":[[400000,300000],[401000,300000]]}}"#,
            #"{"type":"Feature","properties":{"code":"C"},"geometry":{"type":"Point","coordinates":[400000,300000]}}"#,
        ], crs: bngCRS)
        let layer = try load(text)
        #expect(layer.zones.map(\.code) == ["A", "B", "C"])
        #expect(layer.zones[1].warnings.contains { $0.contains("unreadable geometry") })
        #expect(layer.zones[2].warnings.contains { $0.contains("Point") })
        #expect(layer.unusableCount == 2)
    }

    @Test("a WGS84 square near Altrincham gets roughly the area a hand calculation gives")
    func lonLatSquareArea() throws {
        // Hand calculation on the WGS84 ellipsoid at φ = 53.395°: meridian radius M = a(1−e²)/(1−e²sin²φ)^1.5
        // = 6,376,632 m, so 0.01° of latitude = 1112.93 m; prime vertical N = a/√(1−e²sin²φ) = 6,391,936 m,
        // so 0.01° of longitude = N cos φ × 0.01° = 665.23 m; area ≈ 740,358 m². British National Grid's scale
        // factor 0.9996013 (23 km from its central meridian, +7e-6) squared gives ≈ 739,768 m². The datum
        // shift to OSGB36 and the ellipsoid change move this by far less than the 0.2% allowed.
        let layer = try load(featureCollection([polygonFeature(lonLatSquare, properties: #"{"code":"LL"}"#)]))
        let area = try #require(layer.zones[0].areaSquareMetres)
        #expect(abs(area - 739_768) / 739_768 < 0.002, "area \(area)")
    }

    @Test("latitude/longitude swapped everywhere is a DataError that says so")
    func swappedAxes() throws {
        // Trafford-like coordinates written [lat, lon]: x = 53.39 passes as a longitude, y = -2.35 as a latitude,
        // but the box lies off Somalia, outside British National Grid's area of use, while swapped it is inside.
        let swapped = lonLatSquare.map { ($0.1, $0.0) }
        let text = featureCollection([
            polygonFeature(swapped, properties: #"{"code":"S1"}"#),
            polygonFeature(swapped.map { ($0.0 + 0.02, $0.1) }, properties: #"{"code":"S2"}"#),
        ])
        let error = try #require(throws: DataError.self) { try load(text) }
        #expect(error.message.contains("swapped"), "\(error)")
        #expect(error.message.contains("all 2 features"), "\(error)")
    }

    @Test("a layer wholly elsewhere (not swapped) is a DataError asking about the CRS")
    func wrongPlace() throws {
        // A square near Sydney (151.2°E, 33.9°S): outside BNG's area of use either way round.
        let sydney: [(Double, Double)] = [(151.20, -33.90), (151.21, -33.90), (151.21, -33.89), (151.20, -33.89), (151.20, -33.90)]
        let error = try #require(throws: DataError.self) { try load(featureCollection([polygonFeature(sydney, properties: "{}")])) }
        #expect(error.message.contains("CRS"), "\(error)")
        #expect(!error.message.contains("swapped"), "\(error)")
    }

    @Test("one out-of-range coordinate in an otherwise good WGS84 file: only that zone is warned")
    func oneBadCoordinate() throws {
        var bad = lonLatSquare
        bad[1] = (200, 53.39)
        let text = featureCollection([
            polygonFeature(lonLatSquare, properties: #"{"area_code":"E1"}"#),
            polygonFeature(bad, properties: #"{"area_code":"E2"}"#),
            polygonFeature(lonLatSquare.map { ($0.0 + 0.02, $0.1) }, properties: #"{"area_code":"E3"}"#),
        ])
        let layer = try load(text)
        #expect(layer.zones.map(\.code) == ["E1", "E2", "E3"])
        #expect(layer.zones[0].warnings.isEmpty && layer.zones[0].geometry != nil)
        #expect(layer.zones[2].warnings.isEmpty && layer.zones[2].geometry != nil)
        #expect(layer.zones[1].geometry == nil)
        #expect(layer.zones[1].warnings.count == 1)
        #expect(layer.zones[1].warnings.first?.contains("not a valid longitude/latitude") == true, "\(layer.zones[1].warnings)")
        #expect(layer.unusableCount == 1)
    }

    // MARK: Code field

    @Test("code field detection", arguments: [
        (#"{"id":"x","code":"c","WD13NM":"Name","WD13CD":"E05000819"}"#, "WD13CD"),
        (#"{"LSOA21NM":"n","LSOA21CD":"E01000001"}"#, "LSOA21CD"),
        (#"{"area_name":"Altrincham","area_code":"E05000819","lat":53.39}"#, "area_code"),
        (#"{"name":"x","Code":"c"}"#, "Code"),
        (#"{"WD13CDO":"22UKFX","name":"n"}"#, nil),
    ] as [(String, String?)])
    func codeFieldDetection(_ properties: String, _ expected: String?) throws {
        let collection = try GeoJSONReader.parse(
            bytes: TestSupport.terminated(featureCollection([#"{"type":"Feature","properties":"# + properties + #","geometry":null}"#])),
            source: "p.geojson")
        #expect(ZoneLoader.detectCodeField([collection]) == expected)
    }

    @Test("the detected code field gives each zone its code; without one, zones are named by index")
    func codesFromField() throws {
        let layer = try load(featureCollection([
            polygonFeature(bngSquare, properties: #"{"name":"A","WD13CD":"E05000819"}"#),
            polygonFeature(bngSquare.map { ($0.0 + 2000, $0.1) }, properties: #"{"name":"B","WD13CD":"E05000820"}"#),
        ], crs: bngCRS))
        #expect(layer.codeField == "WD13CD")
        #expect(layer.zones.map(\.code) == ["E05000819", "E05000820"])
        let unnamed = try load(featureCollection([polygonFeature(bngSquare, properties: #"{"name":"A"}"#)], crs: bngCRS))
        #expect(unnamed.codeField == nil)
        #expect(unnamed.zones[0].code == "feature 0")
    }

    @Test("an explicit code field that no feature has is a DataError naming it")
    func explicitCodeFieldMissing() throws {
        let text = featureCollection([polygonFeature(bngSquare, properties: #"{"WD13CD":"E05000819"}"#)], crs: bngCRS)
        let error = try #require(throws: DataError.self) { try load(text, options: ZoneLoadOptions(codeField: "LSOA21CD")) }
        #expect(error.field == "LSOA21CD")
        #expect(error.message.contains("no feature has this property"))
        let ok = try load(text, options: ZoneLoadOptions(codeField: "WD13CD"))
        #expect(ok.zones[0].code == "E05000819")
    }

    // MARK: CRS errors

    @Test("a working CRS that is not projected in metres is a DataError")
    func geographicWorkingCRS() throws {
        let text = featureCollection([polygonFeature(bngSquare, properties: "{}")], crs: bngCRS)
        let error = try #require(throws: DataError.self) { try load(text, options: ZoneLoadOptions(workingCRS: CRS("EPSG:4326"))) }
        #expect(error.file == "--working-crs")
    }

    @Test("a crs member PROJ does not know is a DataError naming the file and crs")
    func unknownCRS() throws {
        let text = featureCollection([polygonFeature(bngSquare, properties: "{}")],
                                     crs: #""crs":{"type":"name","properties":{"name":"EPSG:999999"}},"#)
        let error = try #require(throws: DataError.self) { try load(text) }
        #expect(error.field == "crs")
        #expect(error.file.hasSuffix("zones.geojson"))
    }

    // MARK: Input files

    @Test("a folder stands for its .geojson/.json/.json.gz files, sorted by name")
    func inputFilesInFolder() throws {
        try TestSupport.withTemporaryFolder { folder in
            for name in ["b.geojson", "a.json", "c.json.gz", "e.geojson.gz", "d.txt", "notes.csv", "f.geojson.bak"] {
                try TestSupport.write("{}", to: name, in: folder)
            }
            let files = try ZoneLoader.inputFiles([folder.path])
            #expect(files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["a.json", "b.geojson", "c.json.gz", "e.geojson.gz"])
            #expect(files.allSatisfy { $0.hasPrefix(folder.path) })
        }
    }

    @Test("files named directly are kept in the order given")
    func inputFilesDirect() throws {
        try TestSupport.withTemporaryFolder { folder in
            let z = try TestSupport.write("{}", to: "z.geojson", in: folder)
            let a = try TestSupport.write("{}", to: "a.geojson", in: folder)
            #expect(try ZoneLoader.inputFiles([z, a]) == [z, a])
        }
    }

    @Test("a folder with no GeoJSON files, a missing path, or no paths is a DataError")
    func inputFilesErrors() throws {
        try TestSupport.withTemporaryFolder { folder in
            try TestSupport.write("x", to: "readme.txt", in: folder)
            let error = try #require(throws: DataError.self) { try ZoneLoader.inputFiles([folder.path]) }
            #expect(error.message.contains("no GeoJSON files"))
            #expect(error.file == folder.path)
        }
        let missing = try #require(throws: DataError.self) { try ZoneLoader.inputFiles(["/nonexistent/wards"]) }
        #expect(missing.message.contains("no such file"))
        #expect(throws: DataError.self) { try ZoneLoader.inputFiles([]) }
    }

    @Test("loading a folder reads its files in name order, zones in file order")
    func loadFolder() throws {
        try TestSupport.withTemporaryFolder { folder in
            try TestSupport.write(featureCollection([polygonFeature(bngSquare, properties: #"{"code":"B1"}"#)], crs: bngCRS),
                                  to: "b.geojson", in: folder)
            try TestSupport.write(featureCollection([
                polygonFeature(bngSquare, properties: #"{"code":"A1"}"#),
                polygonFeature(bngSquare, properties: #"{"code":"A2"}"#),
            ], crs: bngCRS), to: "a.geojson", in: folder)
            let layer = try ZoneLoader.load(paths: [folder.path])
            #expect(layer.zones.map(\.code) == ["A1", "A2", "B1"])
            #expect(layer.zones.map(\.source.index) == [0, 1, 0])
            #expect(layer.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["a.geojson", "b.geojson"])
        }
    }

    // MARK: Real data (bundled copies of ../shared/data files)

    /// ORACLES.md section c: Trafford 2017 ward areas (km², 12 dp) from GDAL `ogr2ogr -t_srs EPSG:27700` and
    /// SpatiaLite `ST_Area`, in feature order.
    static let traffordOracle: [(code: String, km2: Double)] = [
        ("E05000819", 3.032671454985), ("E05000820", 2.298281285475), ("E05000821", 23.498007500341),
        ("E05000822", 4.181741773686), ("E05000823", 2.229820840831), ("E05000824", 13.087044232480),
        ("E05000825", 1.862923501237), ("E05000826", 4.188023196108), ("E05000827", 4.363111101912),
        ("E05000828", 4.022856571677), ("E05000829", 8.843781655552), ("E05000830", 8.382902434377),
        ("E05000831", 2.607214570481), ("E05000832", 3.481820861419), ("E05000833", 3.235847028196),
        ("E05000834", 2.675674586895), ("E05000835", 2.842371015814), ("E05000836", 3.236070398841),
        ("E05000837", 2.070406427383), ("E05000838", 3.720296837989), ("E05000839", 2.182873095431),
    ]

    @Test("Trafford 2017 ward areas match GDAL/SpatiaLite (ORACLES.md c) within 1e-6 km²")
    func traffordAreas() throws {
        let layer = try ZoneLoader.load(paths: [traffordWards])
        #expect(layer.codeField == "area_code")
        #expect(layer.zones.count == 21 && Self.traffordOracle.count == 21)
        #expect(layer.repairedCount == 0 && layer.unusableCount == 0)
        for (zone, oracle) in zip(layer.zones, Self.traffordOracle) {
            #expect(zone.code == oracle.code)
            let km2 = try #require(zone.areaSquareMetres) / 1e6
            #expect(abs(km2 - oracle.km2) <= 1e-6, "\(zone.code): \(km2) km², GDAL/SpatiaLite \(oracle.km2) km²")
            #expect(zone.warnings.isEmpty, "\(zone.code): \(zone.warnings)")
        }
        // ORACLES.md: total 106.043740 km² (6 dp).
        let total = layer.zones.compactMap(\.areaSquareMetres).reduce(0, +) / 1e6
        #expect(abs(total - 106.043740) <= 1e-5)
    }

    @Test("Maldon ward E05004205 (feature 15) is repaired, valid, 47.281621 km² (ORACLES.md c)")
    func maldonRepair() throws {
        let layer = try ZoneLoader.load(paths: [maldonWards])
        #expect(layer.codeField == "WD13CD")
        let zone = try #require(layer.zones.first { $0.source.index == 15 })
        #expect(zone.code == "E05004205")
        let reason = try #require(zone.repairedReason, "the input boundary is invalid (ST_IsValid 0), so it must be repaired")
        #expect(reason.contains("Self-intersection"), "\(reason)")
        let km2 = try #require(zone.areaSquareMetres) / 1e6
        #expect(abs(km2 - 47.281621) <= 1e-6, "\(km2) km²")
        let geometry = try #require(zone.geometry)
        #expect(try Geometry(geometry, context: GEOSContext()).isValid())
        // ORACLES.md: the repaired shape is one polygon with one hole.
        let polygons: [[[XY]]]
        switch geometry {
        case .polygon(let rings): polygons = [rings]
        case .multiPolygon(let parts): polygons = parts
        default: polygons = []
        }
        #expect(polygons.count == 1)
        #expect(polygons.first?.count == 2)
        // Every other ward of the district is valid as given.
        #expect(layer.repairedCount == 1)
    }

    // MARK: Hostile layers

    @Test("a code given twice is an error naming both features and how many more repeat")
    func repeatedCodes() throws {
        let shifted = bngSquare.map { ($0.0 + 2000, $0.1) }
        let text = featureCollection([polygonFeature(bngSquare, properties: #"{"WD13CD":"E1"}"#),
                                      polygonFeature(shifted, properties: #"{"WD13CD":"E2"}"#),
                                      polygonFeature(shifted, properties: #"{"WD13CD":"E1"}"#),
                                      polygonFeature(bngSquare, properties: #"{"WD13CD":"E2"}"#)], crs: bngCRS)
        let error = try #require(throws: DataError.self) { try load(text) }
        #expect(error.location == "feature 2" && error.field == "WD13CD")
        #expect(error.message.hasPrefix("zone code \"E1\" again (first at "))
        #expect(error.message.hasSuffix("zones.geojson: feature 0) (and 1 more repeated code): each zone must appear once; dissolve the parts into one feature, or name another --code-field"))
        // Validation asks for every repeat instead, and lists them itself.
        var options = ZoneLoadOptions()
        options.requiresUniqueCodes = false
        #expect(try load(text, options: options).zones.count == 4)
    }

    @Test("codes differing only in case or spacing are the same code; a zone without a code is an error")
    func codesAlike() throws {
        let shifted = bngSquare.map { ($0.0 + 2000, $0.1) }
        let alike = featureCollection([polygonFeature(bngSquare, properties: #"{"WD13CD":"E05000819"}"#),
                                       polygonFeature(shifted, properties: #"{"WD13CD":"e05000819 "}"#)], crs: bngCRS)
        let error = try #require(throws: DataError.self) { try load(alike) }
        #expect(error.message.hasPrefix("zone code \"e05000819 \" again (first at "))
        #expect(error.message.contains("feature 0, which differs from \"E05000819\" only in case or spacing): each zone must appear once"))
        let blank = featureCollection([polygonFeature(bngSquare, properties: #"{"WD13CD":"E1"}"#),
                                       polygonFeature(shifted, properties: #"{"WD13CD":" "}"#)], crs: bngCRS)
        let missing = try #require(throws: DataError.self) { try load(blank) }
        #expect(missing.location == "feature 1" && missing.field == "WD13CD")
        #expect(missing.message == "no zone code: every zone needs one, as outputs and joins are keyed by it")
    }

    @Test("a layer with no features is an error, not an empty output")
    func emptyLayer() throws {
        let error = try #require(throws: DataError.self) { try load(#"{"type":"FeatureCollection","features":[]}"#) }
        #expect(error.message == "empty layer: the file holds no features, and a zone layer needs at least one polygon")
    }
}
