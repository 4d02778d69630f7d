import Foundation
import GeoData
import Testing
@testable import Study

/// `report.html` and `reach report`: what the page says, built from a run's folder, and its refusals. That it is
/// drawn and prints to A4 is checked by tools/check-outputs.sh in headless Chromium and pdftoppm.
struct ReportPageTests {
    @Test func equityRowsAndTheirErrors() throws {
        let rows = try ReportPage.equityRows(Array("indicator,class,measure,value\ngp,all,mean,38\ngp,\"Manchester, City of\",palma,\n".utf8), file: "e.csv")
        #expect(rows == [.init(indicator: "gp", group: "all", measure: "mean", value: 38),
                         .init(indicator: "gp", group: "Manchester, City of", measure: "palma", value: nil)])
        #expect { _ = try ReportPage.equityRows(Array("a,b\n1,2\n".utf8), file: "e.csv") } throws: { "\($0)".contains("e.csv: line 1: expected the columns indicator,class,measure,value") }
        #expect { _ = try ReportPage.equityRows(Array("indicator,class,measure,value\ngp,all,mean,n/a\n".utf8), file: "e.csv") } throws: {
            "\($0)".contains("line 2") && "\($0)".contains("'n/a' is not a number")
        }
    }

    /// The readings say what the hand-worked example's measures mean (EquityStepTests: Gini 1920/7600 = 0.2526...,
    /// Palma 0.2, FGT0 0.6 at 30 min).
    @Test func readingsInPlainEnglish() {
        let rows: [ReportPage.EquityRow] = [("gini", 1920.0 / 7600), ("concentration_index", 1920.0 / 7600), ("palma", 0.2), ("standard", 30), ("fgt0", 0.6), ("fgt1", 0.4), ("fgt2", 1.0 / 3)]
            .map { .init(indicator: "gp_pt", group: "all", measure: $0.0, value: $0.1) }
        let page = ReportPage(title: "t", source: "s", zones: [], schema: ["gp_pt_mean": ColumnSchema(name: "gp_pt_mean", unit: "min", description: "", source: "")], equity: rows)
        let readings = Dictionary(uniqueKeysWithValues: page.readings("gp_pt").map { ($0.measure, $0.reading) })
        // Mean absolute difference = 2 G μ, so two people differ by 2 × 25.26% = 51% of the mean time.
        #expect(readings["gini"] == "two people picked at random differ by 51% of the average travel time (0 = all the same)")
        #expect(readings["concentration_index"] == "the travel time is longer for the people in more need: access is worse where need is higher")
        #expect(readings["palma"] == "the least deprived 10% have 0.20× the travel time of the most deprived 40%")
        #expect(readings["fgt0"] == "60.0% of people are more than 30 min")
        // Without a score the map is coloured by the first indicator's zone mean; with one, by the score.
        var zone = JSONObject()
        zone["gp_pt_mean"] = .number(12)
        var unscored = page
        unscored.zones = [Feature(properties: zone, geometry: nil)]
        #expect(unscored.mapProperty == "gp_pt_mean")
        zone["connectivity_score"] = .number(3)
        unscored.zones = [Feature(properties: zone, geometry: nil)]
        #expect(unscored.mapProperty == "connectivity_score")
    }

    @Test func rebuildsFromARunsFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try StudyRun(study: try StudyRunTests().study(in: folder)).run()
        let out = folder.appendingPathComponent("out").path
        let written = try String(contentsOfFile: "\(out)/report.html", encoding: .utf8)
        let again = try String(decoding: ReportJob(folder: out).page().html(), as: UTF8.self)
        // The run draws its zones rounded as it wrote them, so the page made again from the folder is the same.
        #expect(again == written)
        for html in [written, again] {
            // Bucklow-St Martins is Trafford's one ward left behind (EquityStepTests), listed with its drivers.
            #expect(html.contains("<title>Trafford ward connectedness: connectivity and who is left behind</title>"))
            #expect(html.contains("Bucklow-St Martins<br><small>E05000824</small>"))
            #expect(html.contains("transport (rank 1 of 21: metrolink 1/21, rail 1/21, bus_stop_coverage 5/21)"))
            // Σ population of the output areas (EquityStepTests).
            #expect(html.contains("<b>235,013</b><span>population</span>"))
            // One map path per ward plus the outline of the ward left behind, one chart per indicator.
            #expect(html.components(separatedBy: "<path d=").count - 1 == 21)
            #expect(html.components(separatedBy: "class=\"behind\"").count - 1 == 1)
            #expect(html.components(separatedBy: "<figure class=\"chart\">").count - 1 == 8)
            #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
        }
        #expect { _ = try ReportJob(folder: folder.appendingPathComponent("nowhere").path).run() } throws: { "\($0)".contains("is not a folder") }
        #expect { _ = try ReportJob(folder: folder.path).run() } throws: { "\($0)".contains("holds no zone table") }
    }
}
