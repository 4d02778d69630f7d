import Foundation
import GeoData
import Testing
@testable import Study

/// `reach run` on the bundled Trafford inputs: the pipeline composes the steps, so each ward's figures must be the
/// ones the steps give on their own (each step is checked against hand and geopandas numbers in its own tests).
struct StudyRunTests {
    static let fixtures = packageRoot.appendingPathComponent("fixtures").path

    /// The bundled study with absolute paths and the output in `folder`.
    func study(in folder: URL, extra: String = "", score: Bool = true) throws -> String {
        var text = try String(contentsOfFile: "\(Self.fixtures)/trafford/study.toml", encoding: .utf8)
        text = text.replacingOccurrences(of: "output = \"../../out/trafford\"", with: "output = \"\(folder.path)/out\"")
        for name in ["wards_2017.geojson", "output_areas_2021.geojson", "gp_practices.geojson", "pharmacies.geojson", "schools.geojson",
                     "town_centres.geojson", "jobcentre_plus.geojson", "bus_stops.geojson", "rail_stations.geojson",
                     "metrolink_stops.geojson", "postcodes.csv", "ward_2017_imd2019.csv"] {
            text = text.replacingOccurrences(of: "\"\(name)\"", with: "\"\(Self.fixtures)/trafford/\(name)\"")
        }
        text = text.replacingOccurrences(of: "\"../broadband/", with: "\"\(Self.fixtures)/broadband/")
        if !score, let cut = text.range(of: "\n[score]\n") { text = String(text[..<cut.lowerBound]) }
        let path = folder.appendingPathComponent("study.toml").path
        try (text + extra).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func byCode(_ path: String) throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for feature in try readBack(path) {
            let properties = try #require(feature["properties"] as? [String: Any])
            result[try #require(properties["area_code"] as? String)] = properties
        }
        return result
    }

    @Test func runsTheWholeStudyAsTheStepsDo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try StudyRun(study: try study(in: folder)).run()
        #expect(report.wards == 21 && report.origins == 738 && report.scored == 21)
        let out = folder.appendingPathComponent("out").path
        #expect(report.outputs.map { ($0 as NSString).lastPathComponent } == ["wards.geojson", "wards.geojsonseq", "wards.csv", "wards.gpkg", "schema.json", "gaps.geojson", "broadband_unmatched.csv", "equity.csv", "map.html", "report.html"])
        let wards = try byCode("\(out)/wards.geojson")
        #expect(wards.count == 21)

        // The same steps run on their own.
        let trafford = "\(Self.fixtures)/trafford"
        let distanceOut = folder.appendingPathComponent("distance.geojson").path
        _ = try DistanceJob(zones: ["\(trafford)/wards_2017.geojson"],
                            services: ["gp_practices", "pharmacies", "schools", "town_centres", "jobcentre_plus"].map { "\(trafford)/\($0).geojson" },
                            origins: "\(trafford)/output_areas_2021.geojson", weightField: "population", output: distanceOut).run()
        let coverageOut = folder.appendingPathComponent("coverage.geojson").path
        _ = try CoverageJob(zones: ["\(trafford)/wards_2017.geojson"], origins: "\(trafford)/output_areas_2021.geojson", weightField: "population",
                            stops: StopSources(busStops: ["\(trafford)/bus_stops.geojson"], railStations: ["\(trafford)/rail_stations.geojson"],
                                               metroStops: ["\(trafford)/metrolink_stops.geojson"]), output: coverageOut).run()
        let broadbandOut = folder.appendingPathComponent("broadband.geojson").path
        _ = try BroadbandJob(zones: ["\(trafford)/wards_2017.geojson"], ofcom: ["\(Self.fixtures)/broadband/ofcom_2016_trafford.csv"],
                             placement: .postcodes(path: "\(trafford)/postcodes.csv", xField: "lon", yField: "lat", crs: .wgs84),
                             output: broadbandOut).run()
        // The gaps are reach gaps' own (all stop files, the 400 m bus radius), byte for byte.
        let gapsOut = folder.appendingPathComponent("gaps.geojson").path
        _ = try GapsJob(zones: ["\(trafford)/wards_2017.geojson"], origins: "\(trafford)/output_areas_2021.geojson", weightField: "population",
                        stops: StopSources(busStops: ["\(trafford)/bus_stops.geojson"], railStations: ["\(trafford)/rail_stations.geojson"],
                                           metroStops: ["\(trafford)/metrolink_stops.geojson"]), radiusMetres: 400, output: gapsOut).run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: gapsOut)) == Data(contentsOf: URL(fileURLWithPath: "\(out)/gaps.geojson")))
        let gapAreas = try readBack(gapsOut).compactMap { ($0["properties"] as? [String: Any])?["gap_area_m2"] as? Double }
        let gapCount = gapAreas.count
        #expect(gapCount > 0)
        for step in [distanceOut, coverageOut, broadbandOut] {
            for (code, properties) in try byCode(step) {
                for (key, value) in properties where key != "reach_warning" {
                    #expect((wards[code]?[key] as? NSObject) == (value as? NSObject), "\(code) \(key)")
                }
            }
        }
        // The GeoPackage has the same wards and gaps (GDAL's validator and ogrinfo check it in tools/check-outputs.sh).
        let package = try SQLiteDatabase(path: "\(out)/wards.gpkg")
        func count(_ sql: String) throws -> Int64 {
            let statement = try package.prepare(sql)
            _ = try statement.next()
            return statement.integer(0)
        }
        #expect(try count("SELECT count(*) FROM wards") == 21)
        #expect(try count("SELECT count(*) FROM gaps") == Int64(gapCount))
        #expect(try count("SELECT count(*) FROM wards WHERE bus_stop_count IS NOT NULL AND typeof(bus_stop_count) = 'integer'") == 21)
        #expect(try count("SELECT count(*) FROM gpkg_data_columns WHERE table_name = 'wards' AND description LIKE '%joined from%'") == 1)
        // The joined column and the score are there; ranks are a permutation of 1...21.
        #expect((wards["E05000819"]?["imd2019_score"] as? NSNumber) != nil)
        let ranks = wards.values.compactMap { ($0["connectivity_rank"] as? NSNumber)?.intValue }.sorted()
        #expect(ranks == Array(1...21))

        // GeoJSONSeq: one record-separated feature a line, each a Feature.
        let sequence = try Data(contentsOf: URL(fileURLWithPath: "\(out)/wards.geojsonseq"))
        let records = sequence.split(separator: 0x0A)
        #expect(records.count == 21 && records.allSatisfy { $0.first == 0x1E })
        for record in records {
            let object = try JSONSerialization.jsonObject(with: Data(record.dropFirst())) as? [String: Any]
            #expect(object?["type"] as? String == "Feature")
        }
        // schema.json describes every CSV column, in order.
        let header = try String(contentsOfFile: "\(out)/wards.csv", encoding: .utf8).split(separator: "\n")[0].split(separator: ",").map(String.init)
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/schema.json"))) as? [String: Any]
        let described = (schema?["properties"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(described == header)
        let gp = (schema?["properties"] as? [[String: Any]])?.first { $0["name"] as? String == "gp_practices_straight_mean" }
        #expect(gp?["unit"] as? String == "m" && gp?["source"] as? String == "reach distance")
        let imd = (schema?["properties"] as? [[String: Any]])?.first { $0["name"] as? String == "imd2019_score" }
        #expect((imd?["source"] as? String)?.hasPrefix("joined from ") == true)
        // Every description is whole: no empty slot left by a name pattern ("within  of").
        for entry in schema?["properties"] as? [[String: Any]] ?? [] {
            #expect(!((entry["description"] as? String) ?? "").contains("  "), "\(entry["name"] ?? "")")
        }

        // The map: every ward drawn, coloured by the score, with the study's domains among the key figures.
        let map = try String(contentsOfFile: "\(out)/map.html", encoding: .utf8)
        #expect(map.components(separatedBy: "<path data-i=").count - 1 == 21)
        // A gap smaller than the drawing tolerance squared (5 m → 25 m²) may collapse when simplified; every
        // larger one is drawn. (Trafford at 400 m has three such slivers: 4.3, 14.1 and 20.5 m².)
        let drawnGaps = map.components(separatedBy: "<path data-g=").count - 1
        #expect(drawnGaps <= gapCount && drawnGaps >= gapAreas.count { $0 >= 25 })
        let data = try WardMapTests.data(map)
        let properties = try #require(data["properties"] as? [[String: Any]])
        let initial = try #require(data["initial"] as? Int)
        #expect(properties[initial]["name"] as? String == "connectivity_score")
        let key = (data["key"] as? [Int] ?? []).map { properties[$0]["name"] as? String }
        #expect(key == ["connectivity_score", "connectivity_rank", "connectivity_decile", "services_score", "transport_score", "digital_score"])
    }

    func failure(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    /// Bad studies stop before any work, naming the file, line and key, and write nothing.
    @Test func badStudiesStopBeforeWork() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let unknown = try study(in: folder, score: false)
        // A typo in the bundled study's [outputs] table: format for formats.
        try String(contentsOfFile: unknown, encoding: .utf8).replacingOccurrences(of: "\nformats = [", with: "\nformat = [")
            .write(toFile: unknown, atomically: true, encoding: .utf8)
        let lines = try String(contentsOfFile: unknown, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.firstIndex { $0.hasPrefix("format =") }! + 1
        #expect(failure { _ = try StudyRun(study: unknown).run() } == "\(unknown):\(line): outputs.format: unknown key ([outputs] takes formats, map, map_property, precision, postgres, postgres_schema, postgres_replace)")

        let missing = folder.appendingPathComponent("missing.toml").path
        try "[study]\noutput = \"\(folder.path)/out\"\n[wards]\nfiles = \"nowhere.geojson\"\n".write(toFile: missing, atomically: true, encoding: .utf8)
        #expect(failure { _ = try StudyRun(study: missing).run() } == "\(missing): wards.files: input file \(folder.path)/nowhere.geojson does not exist")

        let blocked = folder.appendingPathComponent("blocked.toml").path
        try "a file".write(toFile: folder.appendingPathComponent("taken").path, atomically: true, encoding: .utf8)
        try "[study]\noutput = \"\(folder.path)/taken/out\"\n[wards]\nfiles = \"\(Self.fixtures)/trafford/wards_2017.geojson\"\n"
            .write(toFile: blocked, atomically: true, encoding: .utf8)
        #expect(failure { _ = try StudyRun(study: blocked).run() }.hasPrefix("\(folder.path)/taken/out: cannot create the output folder"))
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/out/wards.geojson"))
    }

    /// A small study (wards, GP practices in a straight line) writing GeoJSON, CSV and the map into `folder`/out.
    func smallStudy(in folder: URL, precision: Int) throws -> String {
        let path = folder.appendingPathComponent("small.toml").path
        try """
            [study]
            output = "\(folder.path)/out"
            [wards]
            files = ["\(Self.fixtures)/trafford/wards_2017.geojson"]
            code_field = "area_code"
            [distance]
            services = ["\(Self.fixtures)/trafford/gp_practices.geojson"]
            modes = ["straight"]
            [outputs]
            formats = ["geojson", "csv"]
            precision = \(precision)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a run whose later output is blocked stops before any work and leaves the earlier outputs as they were")
    func blockedOutputLeavesEarlierSet() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try StudyRun(study: try smallStudy(in: folder, precision: 6)).run()
        let out = folder.appendingPathComponent("out")
        let geojson = out.appendingPathComponent("wards.geojson").path, csv = out.appendingPathComponent("wards.csv").path
        let before = try [geojson, csv].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        // The map, written after the tables, is now a folder: the second run (other precision, so other bytes) must
        // refuse before its first rename.
        let map = out.appendingPathComponent("map.html").path
        try FileManager.default.removeItem(atPath: map)
        try FileManager.default.createDirectory(atPath: map, withIntermediateDirectories: false)
        #expect(failure { _ = try StudyRun(study: try smallStudy(in: folder, precision: 2)).run() }
                == "\(map): cannot write: it is a folder, not a regular file")
        #expect(try [geojson, csv].map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains(".reach-") }.isEmpty)
    }

    @Test("outputs failing part-way (the GeoPackage after the GeoJSON is staged) leave the earlier GeoJSON, and no temporary")
    func failingSecondOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let layer = try ZoneLoader.load(paths: ["\(Self.fixtures)/trafford/wards_2017.geojson"], options: ZoneLoadOptions(codeField: "area_code"))
        let table = ZoneTable(layer: layer, inputSource: "wards")
        // "bad-name" is a fine file stem but not a GeoPackage layer name, so the second output fails.
        let outputs = StudyOutputs(folder: folder.path, zoneSetName: "bad-name", formats: [.geojson, .gpkg], precision: 6, map: nil)
        let earlier = folder.appendingPathComponent("bad-name.geojson").path
        try "earlier run\n".write(toFile: earlier, atomically: true, encoding: .utf8)
        #expect(failure { _ = try outputs.write(table, study: "s.toml", files: [], gaps: nil) }
                == "\(folder.path)/bad-name.gpkg: 'bad-name' cannot name a GeoPackage layer (letters, digits and _, not gpkg_..., once each)")
        #expect(try String(contentsOfFile: earlier, encoding: .utf8) == "earlier run\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["bad-name.geojson"])
    }
}
