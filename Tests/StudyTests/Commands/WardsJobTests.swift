import Foundation
import GeoData
import GeoPrimitives
import Testing
@testable import Study

/// The package root, from this file's path (Tests/StudyTests/Commands/WardsJobTests.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reach-study-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Reads a written file back with Foundation's JSON parser, independent of reach's reader.
func readBack(_ path: String) throws -> [[String: Any]] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
    return try #require(object?["features"] as? [[String: Any]])
}

struct WardsJobTests {
    /// Areas of the 21 Trafford wards of 2017 in EPSG:27700, km², from GDAL/SpatiaLite `ST_Area` after
    /// `ogr2ogr -t_srs EPSG:27700` (tools/crosscheck/ORACLES.md, section c), in feature order.
    static let traffordAreasKm2 = [
        3.032671454985, 2.298281285475, 23.498007500341, 4.181741773686, 2.229820840831, 13.087044232480,
        1.862923501237, 4.188023196108, 4.363111101912, 4.022856571677, 8.843781655552, 8.382902434377,
        2.607214570481, 3.481820861419, 3.235847028196, 2.675674586895, 2.842371015814, 3.236070398841,
        2.070406427383, 3.720296837989, 2.182873095431,
    ]

    @Test func traffordWardsEndToEnd() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = packageRoot.appendingPathComponent("fixtures/trafford/wards_2017.geojson").path
        let output = folder.appendingPathComponent("wards.geojson").path
        let report = try WardsJob(inputs: [input], output: output).run()
        #expect(report.zoneCount == 21 && report.repaired.isEmpty && report.warnings.isEmpty)

        let features = try readBack(output)
        #expect(features.count == 21 && Self.traffordAreasKm2.count == 21) // zip must not drop a ward
        for (feature, expected) in zip(features, Self.traffordAreasKm2) {
            let properties = try #require(feature["properties"] as? [String: Any])
            let area = try #require(properties["area_km2"] as? Double)
            // 6-decimal output of the same planar area: within half a unit of the last place.
            #expect(abs(area - expected) <= 5e-7 + 1e-12, "\(properties["area_code"] ?? "?")")
            #expect(properties["reach_warning"] is NSNull)
        }
        // Every input property passes through, in order, before area_km2 and reach_warning.
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("{\"area_code\":\"E05000819\",\"area_name\":\"Altrincham\",\"lat\":53.39067078,\"lon\":-2.3545599,\"area_km2\":3.032671,\"reach_warning\":null}"))
        #expect(!text.contains("\"crs\""))

        // Rerunning gives the same bytes.
        let again = folder.appendingPathComponent("again.geojson").path
        _ = try WardsJob(inputs: [input], output: again).run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(contentsOf: URL(fileURLWithPath: again)))
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["again.geojson", "wards.geojson"])
    }

    @Test func writtenBoundariesRoundTripToTheInputWithinTheWrittenPrecision() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = packageRoot.appendingPathComponent("fixtures/trafford/wards_2017.geojson").path
        let output = folder.appendingPathComponent("wards.geojson").path
        _ = try WardsJob(inputs: [input], output: output).run()
        let original = try GeoJSONReader.read(path: input).features
        let written = try GeoJSONReader.read(path: output).features
        for (a, b) in zip(original, written) {
            let envelopeA = try #require(a.geometry?.envelope), envelopeB = try #require(b.geometry?.envelope)
            // WGS84 → EPSG:27700 → WGS84 is exact to ~1e-9°; rounding to 6 dp adds at most 5e-7°.
            #expect(abs(envelopeA.minX - envelopeB.minX) < 6e-7 && abs(envelopeA.maxY - envelopeB.maxY) < 6e-7)
            #expect(a.geometry?.coordinateCount == b.geometry?.coordinateCount)
        }
    }

    @Test func maldonWardsRepairTolleshuntDArcy() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = packageRoot.appendingPathComponent("fixtures/england/E07000074-maldon-wards-2013.json").path
        let output = folder.appendingPathComponent("maldon.geojson").path
        let report = try WardsJob(inputs: [input], output: output).run()
        #expect(report.repaired.count == 1)
        let repaired = try #require(report.repaired.first)
        #expect(repaired.code == "E05004205" && repaired.source.index == 15)
        // GEOS's reason, as GDAL/SpatiaLite and shapely report it (ORACLES.md section c).
        #expect(repaired.reason.hasPrefix("Ring Self-intersection[588711.54"))
        let features = try readBack(output)
        let properties = try #require(features[15]["properties"] as? [String: Any])
        #expect(properties["WD13CD"] as? String == "E05004205")
        // SpatiaLite ST_Area after ST_MakeValid: 47.281621158456 km².
        #expect(abs((properties["area_km2"] as? Double ?? 0) - 47.281621) < 1e-9)
        #expect((properties["reach_warning"] as? String)?.contains("repaired") == true)
        let geometry = try #require(features[15]["geometry"] as? [String: Any])
        // One polygon with one hole (ORACLES.md: make-valid gives 1 polygon, 1 hole).
        #expect(geometry["type"] as? String == "Polygon")
        #expect((geometry["coordinates"] as? [Any])?.count == 2)
    }

    @Test func unusableWardIsKeptWithAWarning() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.geojson").path
        try """
        {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[
        {"type":"Feature","properties":{"WD23CD":"E05000001"},"geometry":{"type":"Polygon","coordinates":[[[400000,300000],[401000,300000],[401000,301000],[400000,301000],[400000,300000]]]}},
        {"type":"Feature","properties":{"WD23CD":"E05000002"},"geometry":null}
        ]}
        """.write(toFile: input, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.geojson").path
        let report = try WardsJob(inputs: [input], output: output).run()
        #expect(report.warnings.count == 1 && report.warnings[0].code == "E05000002")
        let features = try readBack(output)
        #expect(features.count == 2)
        // 1000 m × 1000 m = 1 km² by hand.
        #expect((features[0]["properties"] as? [String: Any])?["area_km2"] as? Double == 1)
        let second = try #require(features[1]["properties"] as? [String: Any])
        #expect(second["area_km2"] is NSNull)
        #expect((second["reach_warning"] as? String) == "the feature has no geometry")
        #expect(features[1]["geometry"] is NSNull)
    }

    @Test func unwritableOutputFailsBeforeAnyWork() {
        let input = packageRoot.appendingPathComponent("fixtures/trafford/wards_2017.geojson").path
        #expect {
            _ = try WardsJob(inputs: [input], output: "/nonexistent-folder/out.geojson").run()
        } throws: { error in
            "\(error)".contains("does not exist")
        }
    }
}
