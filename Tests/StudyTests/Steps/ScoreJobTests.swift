import Foundation
import GeoData
import Testing
@testable import Study

@Suite struct ScoreJobTests {
    func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func study(joins: String = "", indicators: String, extra: String = "") -> String {
        """
        [score]
        \(extra)
        [score.robustness]
        draws = 0

        [[score.domain]]
        name = "services"

        \(indicators)
        \(joins)
        """
    }

    /// Trafford's 21 wards of 2017 scored on the IoD 2019 Barriers to Housing and Services score, joined from
    /// its CSV. With one indicator in one exponential domain, the connectivity rank is the rank of the raw score:
    /// `sort -t, -k7 -nr` of the CSV puts Bucklow-St Martins (20.1) first, Bowdon (19.9) second, St Mary's
    /// (18.5) third and Timperley (7.7) last; the first has X = 100.
    @Test func traffordWardsWithAJoinedIndicator() throws {
        let folder = try temporaryFolder()
        let fixtures = packageRoot.appendingPathComponent("fixtures/trafford").path
        let studyPath = try write(study(joins: """
            [[join]]
            file = "\(fixtures)/ward_2017_imd2019_barriers_housing_services.csv"
            key = "area_code"
            columns = { value = "barriers_score" }
            """, indicators: """
            [[score.indicator]]
            name = "barriers"
            source = "barriers_score"
            direction = "higher_is_worse"
            domain = "services"
            """), "study.toml", in: folder)
        let output = folder.appendingPathComponent("scored.geojson").path
        let report = try ScoreJob(study: studyPath, input: "\(fixtures)/wards_2017.geojson", output: output).run()
        #expect(report.wards == 21 && report.scored == 21 && report.codeField == "area_code")
        #expect(report.joins.first?.matchedWards == 21 && report.joins.first?.unmatchedRows == 0)
        let features = try readBack(output)
        #expect(features.allSatisfy { $0["geometry"] is [String: Any] }) // boundaries kept
        let wards = features.compactMap { $0["properties"] as? [String: Any] }
        func ward(_ code: String) -> [String: Any] { wards.first { $0["area_code"] as? String == code } ?? [:] }
        #expect(ward("E05000824")["connectivity_rank"] as? Double == 1)
        #expect(abs((ward("E05000824")["connectivity_score"] as? Double ?? 0) - 100) < 1e-9)
        #expect(ward("E05000821")["connectivity_rank"] as? Double == 2)
        #expect(ward("E05000834")["connectivity_rank"] as? Double == 3)
        #expect(ward("E05000837")["connectivity_rank"] as? Double == 21)
        #expect(ward("E05000837")["connectivity_decile"] as? Double == 10)
        #expect(ward("E05000824")["barriers_score"] as? Double == 20.1) // joined as a number
        #expect(ward("E05000824")["score_missing"] as? String == "none")
        // Rerunning gives the same bytes.
        let first = try Data(contentsOf: URL(fileURLWithPath: output))
        _ = try ScoreJob(study: studyPath, input: "\(fixtures)/wards_2017.geojson", output: output).run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == first)
    }

    let indicator = """
        [[score.indicator]]
        name = "walk"
        source = "walk_min"
        direction = "higher_is_worse"
        domain = "services"
        """

    /// CSV in, CSV out: input columns as they were, score columns after, nulls empty. One ward lacks the value:
    /// under `reweight` it has no domain left, so no score, and says why.
    @Test func csvRoundTrip() throws {
        let folder = try temporaryFolder()
        let table = try write("code,name,walk_min\nE1,\"North, upper\",12.5\nE2,South,\nE3,East,03\n", "t.csv", in: folder)
        let output = folder.appendingPathComponent("out.csv").path
        let job = ScoreJob(study: try write(study(indicators: indicator, extra: "normalisation = \"minmax\"\ndomain_transform = \"linear\""), "s.toml", in: folder),
                           input: table, output: output)
        let report = try job.run()
        #expect(report.scored == 2 && report.missing.first?.wards == 1)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text == """
            code,name,walk_min,services_score,services_rank,connectivity_score,connectivity_rank,connectivity_decile,connectivity_rank_loo_min,connectivity_rank_loo_max,score_missing
            E1,"North, upper",12.5,1,1,1,1,1,,,none
            E2,South,,,,,,,,,reweight: walk
            E3,East,03,0,2,0,2,6,,,none

            """)
    }

    func expectDataError(_ message: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error; expected: \(message)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test func decimalsAsSpreadsheetsWriteThem() {
        for (text, value) in [("12", 12.0), ("-0.5", -0.5), (".5", 0.5), ("3.", 3), ("1e-3", 0.001), ("+7", 7), ("2.5E2", 250)] {
            #expect(ScoreJob.decimal(text) == value, "\(text)")
        }
        for text in ["0x10", "nan", "inf", "-", ".", "1e", "1,5", "12 m"] { #expect(ScoreJob.decimal(text) == nil, "\(text)") }
    }

    @Test func badInputIsNamed() throws {
        let folder = try temporaryFolder()
        let studyPath = try write(study(indicators: indicator), "s.toml", in: folder)
        let notNumber = try write("code,walk_min\nE1,12\nE2,n/a\n", "a.csv", in: folder)
        expectDataError("a.csv: line 3: field 'walk_min': indicator 'walk': 'n/a' is not a number") {
            _ = try ScoreJob(study: studyPath, input: notNumber).score()
        }
        let duplicate = try write("code,walk_min\nE1,12\nE1,13\n", "b.csv", in: folder)
        expectDataError("b.csv: line 3: field 'code': zone code E1 again (first at line 2)") {
            _ = try ScoreJob(study: studyPath, input: duplicate).score()
        }
        let misspelt = try write("code,walk_mins\nE1,12\n", "c.csv", in: folder)
        expectDataError("c.csv: field 'walk_min': indicator 'walk': no zone has this property (similar: walk_mins)") {
            _ = try ScoreJob(study: studyPath, input: misspelt).score()
        }
        _ = try write("area_code,value\nE1,3\nE1,4\n", "j.csv", in: folder)
        let joining = try write(study(joins: "[[join]]\nfile = \"j.csv\"\nkey = \"area_code\"\ncolumns = { value = \"walk_min\" }",
                                      indicators: indicator), "joining.toml", in: folder)
        let table = try write("code,other\nE1,1\n", "d.csv", in: folder)
        expectDataError("j.csv: line 3: field 'area_code': zone code E1 again (first on line 2)") {
            _ = try ScoreJob(study: joining, input: table).score()
        }
        let clash = try write("code,walk_min\nE1,1\n", "e.csv", in: folder)
        expectDataError("the joined column would replace the zones' own property 'walk_min'") {
            _ = try ScoreJob(study: joining, input: clash).score()
        }
        let grouped = try write(study(indicators: indicator, extra: "group_by = \"lad\""), "g.toml", in: folder)
        let noGroup = try write("code,lad,walk_min\nE1,L1,3\nE2,,4\n", "f.csv", in: folder)
        expectDataError("f.csv: line 3 (zone E2): field 'lad': no value for the study's group_by property") {
            _ = try ScoreJob(study: grouped, input: noGroup).score()
        }
        expectDataError("no zone with code 'E9' among its 2 zones") {
            _ = try ScoreJob(study: studyPath, input: try write("code,walk_min\nE1,1\nE2,2\n", "h.csv", in: folder)).score().explanation(of: "E9")
        }
    }

    @Test("zones without a join row are listed, with the hint when a row's key differs only in case or spacing")
    func joinWithoutRows() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // E05000820 has a row keyed in lower case, E05000822 one with a space inside; E05000821 matches; E05000823 has none.
        let path = try write("area_code,imd\ne05000820,10.5\nE05000821,20\nE0500 0822,30\nE09999999,1\n", "imd.csv", in: folder)
        let codes = ["E05000820", "E05000821", "E05000822", "E05000823"]
        var table = PropertyTable(source: "wards", format: .csv, rows: codes.map { JSONObject([("area_code", JSONValue.string($0))]) }, geometries: nil,
                                  columns: ["area_code"], locations: codes.indices.map { "wards: feature \($0)" })
        let report = try ScoreJob.join(JoinSpec(file: path, key: "area_code"), into: &table, codes: codes)
        #expect(report.matchedWards == 1 && report.unmatchedRows == 3)
        #expect(report.zonesWithoutRow == [0, 2, 3])
        #expect(report.nearMisses.map(\.zone) == [0, 2])
        #expect(report.nearMisses.map(\.line) == [2, 4])
        #expect(report.unmatchedNote(codes: codes) == "join \(path): 3 of 4 zone(s) have no row (e.g. E05000820, E05000822, E05000823); their imd are null; 2 of them have a row whose key differs only in case or spacing (zone E05000820, key \"e05000820\" on line 2): fix the keys in the file")
        #expect(table.rows[1]["imd"] == .number(JSONNumber(literal: "20")!))
        #expect(table.rows[0]["imd"] == nil)
        #expect(report.mixedColumns.isEmpty)
        // A column of numbers with stray words: warned, the words kept as text.
        let stray = try write("area_code,imd\nE05000820,n/a\nE05000821,20\nE05000822,nan\nE05000823,0x1p3\n", "stray.csv", in: folder)
        var again = PropertyTable(source: "wards", format: .csv, rows: codes.map { JSONObject([("area_code", JSONValue.string($0))]) }, geometries: nil,
                                  columns: ["area_code"], locations: codes.indices.map { "wards: feature \($0)" })
        let mixed = try ScoreJob.join(JoinSpec(file: stray, key: "area_code"), into: &again, codes: codes)
        #expect(mixed.mixedColumns == ["join \(stray): column 'imd' holds 1 number(s) and 3 value(s) that are not decimal numbers (e.g. \"n/a\" on line 2), written as text: leave a missing value empty"])
        #expect(again.columnOrigins["imd"] == "joined from \(stray), column 'imd'")
    }

    /// `reach explain CODE --study STUDY` right after `reach run STUDY`: the study's own output is read, its joins are
    /// not applied again (they are in it), and the explanation gives the run's own score and rank.
    @Test func explainsARunsOwnOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = try StudyRunTests().study(in: folder)
        // Before the run there is nothing to read: the message says to run the study first.
        #expect { _ = try ScoreJob(study: study, input: nil).score() } throws: { "\($0)".contains("does not exist yet: run `reach run") }
        _ = try StudyRun(study: study).run()
        let wards = try StudyRunTests().byCode(folder.appendingPathComponent("out/wards.geojson").path)
        for input in [nil, folder.appendingPathComponent("out/wards.geojson").path, folder.appendingPathComponent("out/wards.csv").path] {
            let explanation = try ScoreJob(study: study, input: input).score().explanation(of: "E05000824")
            #expect(explanation.rank == (wards["E05000824"]?["connectivity_rank"] as? Double).map { Int($0) })
            // The run scored unrounded figures, the re-score the written ones (1 decimal for metres): the score agrees
            // to the written precision's effect, well within 1e-3.
            let written = try #require(wards["E05000824"]?["connectivity_score"] as? Double)
            #expect(abs((explanation.score ?? .nan) - written) < 1e-3)
        }
    }
}
