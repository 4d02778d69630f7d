import Foundation
import Accessibility
import GeoData
import Testing
@testable import Study

/// A scenario's columns for the public-transport step, on the 100 m street grid of fixtures/osm/grid.osm.pbf with
/// the one-trip feed of `PublicTransportJobTests` (stop A at node 11, stop B at node 14, the GP at node 14): the
/// change and gain columns worked by hand, and the invariant of docs/scenarios.md, that every `{column}__{name}`
/// equals `{column}` of a plain run on the scenario's feed as reach writes it out.
struct ScenarioColumnsTests {
    /// Baseline (worked in `PublicTransportJobTests.twoOriginsByHand`): origin 0 at node 11 takes 3, 4, 4 min at
    /// 07:00, 07:01, 07:02 (median 4), origin 1 at node 44 walks 4 min. The scenario adds route X from A to B,
    /// a 1-minute hop every minute 07:00–07:03: origin 0 boards at once each minute, reaches B 60 s later and walks
    /// 1 s to the GP (⌈61 s⌉ = 2 min), so 2, 2, 2 (median 2); origin 1 is 600 m from A (over the 5 min walk), still 4.
    /// Zone: gp_pt_mean (4 + 4)/2 = 4 → (2 + 4)/2 = 3, change −1; p25 mean (3 + 4)/2 = 3.5 → 3, change −0.5;
    /// within 3 min: origin 0 comes within it (median 4 → 2), so gain 1 (one origin of weight 1), loss 0.
    @Test func addingAFasterRouteByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = try PublicTransportJobTests.writeFeed(in: folder)
        var job = try PublicTransportJobTests().job(folder, gtfs: feed, origins: "easting,northing\n378000,395000\n378300,395300\n")
        job.minutes = [3]
        var timings: [(step: String, seconds: Double)] = []
        let context = try StudyContext.load(job.inputs, progress: { _ in }, timings: &timings)
        var report = PublicTransportJob.Report()
        let baseline = try job.compute(context, report: &report).output
        let built = try ScenarioTimetablesTests.build("""
        [[scenario]]
        name = "x"
        [[scenario.add_route]]
        name = "X"
        stops = ["A", "B"]
        hop_min = [1]
        headway_min = 1
        start = "07:00"
        end = "07:03"
        """, paths: [feed])
        var scenarioContext = context
        scenarioContext.scenario = built[0]
        let scenario = try job.compute(scenarioContext, report: &report).output
        let columns = ScenarioColumns.output(baseline: baseline, scenario: scenario, name: "x", step: job, context: context)
        func value(_ name: String) -> Double? {
            guard let indicator = columns.indicators.first(where: { $0.name == name }), case .number(let v) = indicator.json(0) else { return nil }
            return v.value
        }
        #expect(value("gp_pt_mean__x") == 3)
        #expect(value("gp_pt_mean__x_change") == -1)
        #expect(value("gp_pt_p25_mean__x_change") == -0.5)
        #expect(value("gp_pt_within_3_gain__x") == 1)
        #expect(value("gp_pt_within_3_loss__x") == 0)
        #expect(value("gp_pt_within_3_pct__x_change") == 50)
        #expect(columns.indicators.allSatisfy { !$0.name.hasPrefix("origins_count") })

        // The invariant: a plain run on the written feed gives the scenario's columns, value for value.
        let zip = folder.appendingPathComponent("x.zip").path
        try built[0].files[0].files.writeZip(to: zip)
        var plain = job
        plain.gtfs = [zip]
        let rerun = try plain.compute(context, report: &report).output
        for indicator in rerun.indicators {
            let scenarioColumn = try #require(columns.indicators.first { $0.name == "\(indicator.name)__x" }, "\(indicator.name)__x")
            for z in 0..<context.zoneCount { #expect(scenarioColumn.json(z) == indicator.json(z), "\(indicator.name) zone \(z)") }
        }
    }
}
