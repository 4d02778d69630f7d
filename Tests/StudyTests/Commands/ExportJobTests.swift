import Foundation
import Testing
@testable import Study

/// `reach export` on a two-ward table whose every output is written out by hand below.
struct ExportJobTests {
    static let table = """
    {"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"code":"E1","name":"North, upper","gp_straight_mean":812.5,"note":null},
     "geometry":{"type":"Point","coordinates":[-2.3,53.4]}},
    {"type":"Feature","properties":{"code":"E2","name":"South","gp_straight_mean":null,"note":"x"},
     "geometry":{"type":"Point","coordinates":[-2.31,53.41]}}]}
    """

    @Test func selectsColumnsAndWritesEachFormat() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("wards.geojson").path
        try Self.table.write(toFile: input, atomically: true, encoding: .utf8)
        let csv = folder.appendingPathComponent("out.csv").path
        let seq = folder.appendingPathComponent("out.geojsonseq").path
        let schema = folder.appendingPathComponent("out-schema.json").path
        // The input's own schema, as reach run writes it beside its table: it says what gp_straight_mean is.
        try """
        {"study":"t","properties":[{"name":"code","unit":null,"description":"passed through unchanged","source":"zone boundaries"},
         {"name":"gp_straight_mean","unit":"m","description":"population-weighted mean straight-line distance to the nearest gp","source":"reach distance"}]}
        """.write(toFile: folder.appendingPathComponent("schema.json").path, atomically: true, encoding: .utf8)
        let report = try ExportJob(input: input, outputs: [csv, seq], schema: schema, select: ["gp_straight_mean", "code", "name"]).run()
        #expect(report.rows == 2 && report.columns == ["gp_straight_mean", "code", "name"] && report.hasGeometry)
        // The chosen columns in the chosen order; null is an empty field; a comma is quoted (RFC 4180).
        #expect(try String(contentsOfFile: csv, encoding: .utf8) == "gp_straight_mean,code,name\n812.5,E1,\"North, upper\"\n,E2,South\n")
        // RFC 8142: each record is RS, a Feature, LF; the geometry is kept.
        let records = try Data(contentsOf: URL(fileURLWithPath: seq)).split(separator: 0x0A)
        #expect(records.count == 2 && records.allSatisfy { $0.first == 0x1E })
        let first = try JSONSerialization.jsonObject(with: Data(records[0].dropFirst())) as? [String: Any]
        #expect((first?["properties"] as? [String: Any])?.keys.sorted() == ["code", "gp_straight_mean", "name"])
        #expect(((first?["geometry"] as? [String: Any])?["coordinates"] as? [Double]) == [-2.3, 53.4])
        // The schema describes the written columns: gp_straight_mean is reach distance's, in metres.
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: schema))) as? [String: Any]
        let entries = try #require(document?["properties"] as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["gp_straight_mean", "code", "name"])
        #expect(entries[0]["unit"] as? String == "m" && entries[0]["source"] as? String == "reach distance")
        // A column the input's schema does not name (name) is described as from the input.
        #expect(entries[2]["description"] as? String == "passed through unchanged" && entries[2]["source"] as? String == "input")
    }

    @Test func anUnknownColumnIsNamedWithTheChoicesAndNothingIsWritten() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("wards.geojson").path
        try Self.table.write(toFile: input, atomically: true, encoding: .utf8)
        let csv = folder.appendingPathComponent("out.csv").path
        #expect {
            _ = try ExportJob(input: input, outputs: [csv], select: ["code", "gp_walk_mean"]).run()
        } throws: { "\($0)".contains("gp_walk_mean") && "\($0)".contains("code, name, gp_straight_mean, note") }
        #expect(!FileManager.default.fileExists(atPath: csv))
    }

    /// A CSV table exported as GeoJSON has null geometries, and numbers stay numbers.
    @Test func csvToGeoJSON() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("wards.csv").path
        try "code,score\nE1,2.5\nE2,\n".write(toFile: input, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("wards.geojson").path
        let report = try ExportJob(input: input, outputs: [output]).run()
        #expect(!report.hasGeometry)
        let features = try readBack(output)
        #expect(features.count == 2 && features.allSatisfy { $0["geometry"] is NSNull })
        #expect((features[0]["properties"] as? [String: Any])?["score"] as? Double == 2.5)
        #expect((features[1]["properties"] as? [String: Any])?["score"] is NSNull)
    }
}
