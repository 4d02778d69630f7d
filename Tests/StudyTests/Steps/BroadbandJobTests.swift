import Foundation
import GeoData
import Testing
@testable import Study

/// `reach broadband` on inputs worked out by hand (docs/broadband.md).
struct BroadbandJobTests {
    func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func byCode(_ path: String, field: String = "area_code") throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for feature in try readBack(path) {
            let properties = try #require(feature["properties"] as? [String: Any])
            result[try #require(properties[field] as? String)] = properties
        }
        return result
    }

    func number(_ properties: [String: Any]?, _ key: String) -> Double? { (properties?[key] as? NSNumber)?.doubleValue }

    /// Real Ofcom 2016 rows (fixtures/broadband/ofcom_2016_M_sample.csv: ten rows of 2016_fixed_pc_r01_M.csv) placed
    /// with their ONSPD centroids (trafford_postcodes_sample.csv) in Trafford's wards of 2017. geopandas `sjoin`
    /// puts M15 4AD, M15 4EJ, M15 4GH and M16 7GT in Clifford, M16 0GZ, M16 0PN, M16 0QL and M16 0WZ in Longford,
    /// M16 0QG in Gorse Hill. 2016 has no premises counts, so each postcode weighs 1:
    /// - Clifford: SFBB (98 + 98 + 84 + 64) / 4 = 86 %; unable to get 10 Mbit/s (2 + 2 + 16 + 0) / 4 = 5 %;
    ///   median of 8.4, 10.0, 10.4, 12.0 = 10.2 Mbit/s.
    /// - Longford: SFBB (94 + 75 + 33 + 40) / 4 = 60.5 %; 0 %; median of 0, 15.1, 75.0 = 15.1 (M16 0WZ is N/A).
    /// - Gorse Hill: 92 %, median 50.
    /// M11 1AA (Manchester) is not in the directory.
    @Test func real2016RowsByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fixtures = packageRoot.appendingPathComponent("fixtures").path
        let output = folder.appendingPathComponent("bb.geojson").path
        let unmatched = folder.appendingPathComponent("unmatched.csv").path
        let report = try BroadbandJob(zones: ["\(fixtures)/trafford/wards_2017.geojson"], ofcom: ["\(fixtures)/broadband/ofcom_2016_M_sample.csv"],
                                      placement: .postcodes(path: "\(fixtures)/broadband/trafford_postcodes_sample.csv"),
                                      output: output, unmatchedOutput: unmatched).run()
        #expect(report.records == 10 && report.placed == 9)
        #expect(!report.premisesWeighted)
        #expect(report.measures == [.sfbb, .ufbb, .belowUSO] && report.absentMeasures == [.fullFibre, .gigabit])
        #expect(report.usoStandIn.count == 1 && report.hasSpeeds)
        #expect(report.unmatched.map(\.reason) == [.notInDirectory] && report.unmatched.map(\.count) == [1])
        let wards = try byCode(output)
        let clifford = wards["E05000825"], longford = wards["E05000832"], gorseHill = wards["E05000829"]
        #expect(number(clifford, "broadband_records") == 4)
        #expect(clifford?["broadband_premises"] is NSNull)
        #expect(number(clifford, "broadband_sfbb_pct") == 86)
        #expect(number(clifford, "broadband_ufbb_pct") == 0)
        #expect(number(clifford, "broadband_below_uso_pct") == 5)
        #expect(number(clifford, "broadband_median_down_mbps") == 10.2)
        #expect(number(clifford, "broadband_speed_records") == 4)
        #expect(number(longford, "broadband_sfbb_pct") == 60.5)
        #expect(number(longford, "broadband_median_down_mbps") == 15.1)
        #expect(number(longford, "broadband_speed_records") == 3)
        #expect(number(gorseHill, "broadband_sfbb_pct") == 92 && number(gorseHill, "broadband_median_down_mbps") == 50)
        #expect(clifford?["broadband_full_fibre_pct"] == nil && clifford?["broadband_gigabit_pct"] == nil)
        // A ward with no record: counts 0, figures null, and a warning.
        let altrincham = wards["E05000819"]
        #expect(number(altrincham, "broadband_records") == 0 && altrincham?["broadband_sfbb_pct"] is NSNull)
        #expect((altrincham?["reach_warning"] as? String) == "no broadband record is placed in this zone")
        #expect(clifford?["reach_warning"] is NSNull)
        let lines = try String(contentsOfFile: unmatched, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["file,line,key,reason,detail", "\(fixtures)/broadband/ofcom_2016_M_sample.csv,2,M11 1AA,not in the directory,"])
    }

    /// The made-up output-area fixture: Hale Central, worked through in fixtures/broadband/README.md.
    @Test func traffordOutputAreaFixture() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fixtures = packageRoot.appendingPathComponent("fixtures").path
        let output = folder.appendingPathComponent("bb.csv").path
        let report = try BroadbandJob(zones: ["\(fixtures)/trafford/wards_2017.geojson"],
                                      ofcom: ["\(fixtures)/broadband/trafford_oa21_coverage.csv", "\(fixtures)/broadband/trafford_oa21_performance.csv"],
                                      placement: .outputAreas(path: "\(fixtures)/trafford/output_areas_2021.geojson"), output: output).run()
        #expect(report.premisesWeighted && report.records == 740 && report.placed == 738)
        #expect(report.measures == BroadbandMeasure.allCases && report.usoStandIn.isEmpty)
        #expect(report.unmatched.map(\.reason) == [.notInOutputAreas, .duplicate] && report.unmatched.map(\.count) == [2, 1])
        let table = try PropertyTable.read(path: output)
        let hale = try #require(table.rows.first { $0["area_code"]?.stringValue == "E05000831" })
        func value(_ key: String) -> Double? { hale[key]?.doubleValue }
        #expect(value("broadband_records") == 30)
        #expect(value("broadband_premises") == 3540)
        #expect(value("broadband_sfbb_pct") == 94.80)
        #expect(value("broadband_ufbb_pct") == 54.24)
        #expect(value("broadband_full_fibre_pct") == 52.99)
        #expect(value("broadband_gigabit_pct") == 60.79)
        #expect(value("broadband_below_uso_pct") == 0.88)
        #expect(value("broadband_median_down_mbps") == 111)
        #expect(value("broadband_speed_records") == 28)
        #expect(value("broadband_unmatched_records") == 0)
        // Every output area is placed once: the wards' records add up to 738 and their premises to the file's.
        #expect(table.rows.reduce(0) { $0 + ($1["broadband_records"]?.doubleValue ?? 0) } == 738)
    }

    /// Two 1 km squares (A west, B east, EPSG:27700) and a directory of six postcodes, worked by hand:
    /// - A: AB1 1AA (10 premises, 50 % SFBB, 4 full fibre, 10 % below USO, 10 Mbit/s) and AB1 1AB (30, 100 %, 6,
    ///   0 %, 30 Mbit/s): SFBB (5 + 30) / 40 = 87.5 %, full fibre 10 / 40 = 25 %, USO 1 / 40 = 2.5 %; the median
    ///   with weights 10 and 30 (half 20) is 30. AB1 1AD (no location) and AB1 1ZZ (not in the directory) are in
    ///   sector AB1 1, all of whose placed records are in A: A claims 2.
    /// - B: AB1 2AA (20 premises, 100 %, 20, 0 %, 50 Mbit/s) and AB1 2AB (0 premises, weight 0, 70 Mbit/s left
    ///   out of the median but counted among the 2 speed records): 100 %, 100 %, 0 %, median 50.
    /// - AB1 3AA lies outside both; AB1 9ZZ is in no directory and no placed sector; "XX" is not a postcode; the
    ///   second AB1 1AA coverage row and the second AB1 1AB speed row are duplicates.
    @Test func handCaseWithEveryReason() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zones = try write(DistanceJobTests.squares([("A", 400_000, 300_000, 401_000, 301_000), ("B", 401_000, 300_000, 402_000, 301_000)]),
                              "zones.geojson", in: folder)
        let directory = try write("""
            pcd,pcds,oseast1m,osnrth1m,lat,long
            AB1 1AA,AB1 1AA,400500,300500,52.1,-1.9
            AB1 1AB,AB1 1AB,400600,300500,52.1,-1.9
            AB1 2AA,AB1 2AA,401500,300500,52.1,-1.9
            AB1 2AB,AB1 2AB,401600,300500,52.1,-1.9
            AB1 3AA,AB1 3AA,500000,500000,52.1,-1.9
            AB1 1AD,AB1 1AD,,,99.999999,0.000000

            """, "onspd.csv", in: folder)
        let coverage = try write("""
            postcode,postcode_space,All Premises,SFBB availability (% premises),Number of premises with Full Fibre availability,% of premises below the USO
            AB11AA,ab1  1aa,10,50,4,10
            AB11AB,AB1 1AB,30,100,6,0
            AB12AA,AB1 2AA,20,100,20,0
            AB12AB,AB1 2AB,0,0,0,0
            AB13AA,AB1 3AA,5,100,5,0
            AB11AD,AB1 1AD,5,100,5,0
            AB11ZZ,AB1 1ZZ,7,100,7,0
            AB19ZZ,AB1 9ZZ,7,100,7,0
            XX,XX,1,100,1,0
            AB11AA,AB1 1AA,1000,0,0,0

            """, "coverage.csv", in: folder)
        let performance = try write("""
            postcode_space,Median download speed (Mbit/s)
            AB1 1AA,10.0
            AB1 1AB,30.0
            AB1 2AA,50.0
            AB1 2AB,70.0
            AB1 1AB,99.0

            """, "performance.csv", in: folder)
        let output = folder.appendingPathComponent("out.geojson").path
        let unmatched = folder.appendingPathComponent("unmatched.csv").path
        let report = try BroadbandJob(zones: [zones], ofcom: [coverage, performance], placement: .postcodes(path: directory),
                                      output: output, unmatchedOutput: unmatched).run()
        #expect(report.premisesWeighted)
        #expect(report.unmatched.map(\.reason) == [.notAPostcode, .notInDirectory, .noLocation, .outsideZones, .duplicate])
        #expect(report.unmatched.map(\.count) == [1, 2, 1, 1, 2])
        #expect(report.attributed == 2)
        let zonesOut = try byCode(output, field: "code")
        let a = zonesOut["A"], b = zonesOut["B"]
        #expect(number(a, "broadband_records") == 2 && number(a, "broadband_premises") == 40)
        #expect(number(a, "broadband_sfbb_pct") == 87.5)
        #expect(number(a, "broadband_full_fibre_pct") == 25)
        #expect(number(a, "broadband_below_uso_pct") == 2.5)
        #expect(number(a, "broadband_median_down_mbps") == 30)
        #expect(number(a, "broadband_unmatched_records") == 2)
        #expect(number(b, "broadband_records") == 2 && number(b, "broadband_premises") == 20)
        #expect(number(b, "broadband_sfbb_pct") == 100 && number(b, "broadband_full_fibre_pct") == 100)
        #expect(number(b, "broadband_below_uso_pct") == 0)
        #expect(number(b, "broadband_median_down_mbps") == 50 && number(b, "broadband_speed_records") == 2)
        #expect(number(b, "broadband_unmatched_records") == 0)
        let lines = try String(contentsOfFile: unmatched, encoding: .utf8).split(separator: "\n").map { $0.replacingOccurrences(of: folder.path + "/", with: "") }
        #expect(lines == [
            "file,line,key,reason,detail",
            "coverage.csv,6,AB1 3AA,outside every zone,",
            "coverage.csv,7,AB1 1AD,no location in the directory,",
            "coverage.csv,8,AB1 1ZZ,not in the directory,",
            "coverage.csv,9,AB1 9ZZ,not in the directory,",
            "coverage.csv,10,XX,not a postcode,",
            "coverage.csv,11,AB1 1AA,duplicate,duplicate of coverage.csv line 2",
            "performance.csv,6,AB1 1AB,duplicate,duplicate of coverage.csv line 3",
        ])
    }

    func failure(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func badInputIsNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zones = try write(DistanceJobTests.squares([("A", 400_000, 300_000, 401_000, 301_000)]), "zones.geojson", in: folder)
        let directory = try write("pcds,oseast1m,osnrth1m\nAB1 1AA,400500,300500\nab11aa,400600,300500\n", "onspd.csv", in: folder)
        let coverage = try write("postcode,SFBB availability (% premises)\nAB1 1AA,100\n", "coverage.csv", in: folder)
        let output = folder.appendingPathComponent("out.geojson").path
        func run(_ ofcom: [String], directory: String, columns: [String: String] = [:]) -> String {
            failure { _ = try BroadbandJob(zones: [zones], ofcom: ofcom, placement: .postcodes(path: directory), columns: columns, output: output).run() }
        }
        #expect(run([coverage], directory: directory) == "\(directory): line 3: field 'pcds': AB1 1AA is listed twice (also line 2)")
        let good = try write("pcds,oseast1m,osnrth1m\nAB1 1AA,400500,300500\n", "good.csv", in: folder)
        let odd = try write("postcode,speed\nAB1 1AA,3\n", "odd.csv", in: folder)
        #expect(run([odd], directory: good).hasPrefix("\(odd): line 1: the header matches no known Ofcom layout"))
        #expect(run([coverage], directory: good, columns: ["sfbb_pct": "Superfast"]) == "--column: sfbb_pct=Superfast: no Ofcom file has a column 'Superfast' (\(coverage))")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func studyFileBroadbandSection() throws {
        let text = """
            [broadband]
            ofcom = ["a.csv", "/data/b.csv"]
            postcodes = "onspd.csv"

            [broadband.columns]
            sfbb_pct = "Superfast %"
            """
        let config = try StudyConfig.parse(text: text, file: "study.toml", folder: "/studies")
        let spec = try #require(config.broadband)
        #expect(spec.ofcom == ["/studies/a.csv", "/data/b.csv"] && spec.postcodes == "/studies/onspd.csv" && spec.outputAreas == nil)
        #expect(spec.columns == ["sfbb_pct": "Superfast %"])
        func error(_ text: String) -> String {
            do { _ = try StudyConfig.parse(text: text, file: "study.toml"); return "no error" } catch { return error.description }
        }
        #expect(error("[broadband]\nofcom = \"a.csv\"\n") == "study.toml:1: broadband: give exactly one of 'postcodes' (a postcode directory) and 'output_areas'")
        #expect(error("[broadband]\nofcom = \"a.csv\"\npostcodes = \"p.csv\"\n[broadband.columns]\nsuperfast = \"x\"\n")
            .hasPrefix("study.toml:5: broadband.columns.superfast: unknown role (roles: postcode, output_area, premises, sfbb_pct"))
        #expect(error("[broadband]\nofcom = 3\npostcodes = \"p.csv\"\n") == "study.toml:2: broadband.ofcom: expected a string or an array of strings, found an integer")
    }
}
