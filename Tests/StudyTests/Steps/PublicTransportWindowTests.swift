import Foundation
import Accessibility
import GeoData
import Testing
@testable import Study

/// `[public_transport] windows`: the step again over another window, its columns named after it. On the street grid
/// of PublicTransportJobTests (worked there by hand), with two trips A → B: T1 07:00 → 07:02 and T2 07:05 → 07:07.
/// Origin 0 is on stop A; origin 1 is 600 m from it (beyond the 5 min walk) and walks to the GP, 4 min, at every
/// minute. Over 07:04–07:06: at 07:04 origin 0 waits for T2, at B 07:07, the GP 1 s later: ⌈3 min 1 s⌉ = 4 min (or
/// walks, also 4); at 07:05 it boards at once: ⌈2 min 1 s⌉ = 3 min. Sorted [3, 4]: p25 and p50 (indices ⌈0.5⌉ − 1 and
/// ⌈1⌉ − 1 = 0) 3, p75 (⌈1.5⌉ − 1 = 1) 4. Zone: mean of medians (3 + 4)/2 = 3.5, p25 mean 3.5, p75 mean 4.
struct PublicTransportWindowTests {
    @Test func aLaterWindowByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = try PublicTransportJobTests.writeFeed(in: folder, trips: "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,07:00:00,07:00:00,A,1\nT1,07:02:00,07:02:00,B,2\nT2,07:05:00,07:05:00,A,1\nT2,07:07:00,07:07:00,B,2\n")
        var job = try PublicTransportJobTests().job(folder, gtfs: feed, origins: "easting,northing\n378000,395000\n378300,395300\n",
                                                   window: "07:04-07:06")
        job.minutes = [15]
        var timings: [(step: String, seconds: Double)] = []
        let context = try StudyContext.load(job.inputs, progress: { _ in }, timings: &timings)
        let table = ZoneTable(layer: context.layer, inputSource: "zones")
        let output = try PublicTransportWindow(job: job, name: "late").run(context, table: table, progress: { _ in })
        func value(_ name: String) -> JSONValue? { output.indicators.first { $0.name == name }?.json(0) }
        #expect(value("gp_pt_late_mean") == .number(3.5) && value("gp_pt_late_p25_mean") == .number(3.5) && value("gp_pt_late_p75_mean") == .number(4))
        #expect(value("gp_pt_late_within_15_pct") == .number(100) && value("pt_late_origins_unserved") == .number(1))
        // Every column is the window's: none keeps the unsuffixed name, and the zone facts are left to the first step.
        #expect(!output.indicators.contains { $0.name == "gp_pt_mean" || $0.name == "origins_count" || $0.name == "pt_origins_unserved" })
        #expect(output.originColumns.map(\.name) == ["gp_pt_late_p50"])
        #expect(output.indicators.first { $0.name == "gp_pt_late_mean" }?.schema.description.hasPrefix("window late (07:04-07:06 on 2024-03-05): ") == true)
    }

    /// Arrive by 07:07 and by 07:08 (`arrive_by = "07:07-07:09"`), same feed and origins. Origin 0: by 07:07, T2 (at B
    /// 07:07:00, the GP 1 s later) is too late; T1 means leaving 07:00 (7 min), walking means leaving 07:03:15 (225 s):
    /// ⌈3.75⌉ = 4 min. By 07:08, T2 from A at 07:05 arrives 07:07:01: 3 min. Sorted [3, 4]: p25 and p50 3, p75 4.
    /// Origin 1 walks, 4 and 4. Zone: mean of medians (3 + 4)/2 = 3.5, p25 mean 3.5, p75 mean 4.
    @Test func arriveByByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = try PublicTransportJobTests.writeFeed(in: folder, trips: "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,07:00:00,07:00:00,A,1\nT1,07:02:00,07:02:00,B,2\nT2,07:05:00,07:05:00,A,1\nT2,07:07:00,07:07:00,B,2\n")
        var job = try PublicTransportJobTests().job(folder, gtfs: feed, origins: "easting,northing\n378000,395000\n378300,395300\n",
                                                   window: "07:07-07:09")
        job.minutes = [15]
        job.maxTripMinutes = 30
        job.arriveBy = true
        var timings: [(step: String, seconds: Double)] = []
        let context = try StudyContext.load(job.inputs, progress: { _ in }, timings: &timings)
        let output = try PublicTransportWindow(job: job, name: "by0708").run(context, table: ZoneTable(layer: context.layer, inputSource: "zones"), progress: { _ in })
        func value(_ name: String) -> JSONValue? { output.indicators.first { $0.name == name }?.json(0) }
        #expect(value("gp_pt_by0708_mean") == .number(3.5) && value("gp_pt_by0708_p25_mean") == .number(3.5) && value("gp_pt_by0708_p75_mean") == .number(4))
        // No typical-origin count: that is a departure-window figure.
        #expect(!output.indicators.contains { $0.name.contains("count_within") })
        #expect(output.indicators.first { $0.name == "gp_pt_by0708_mean" }?.schema.description.hasPrefix("window by0708 (arriving by 07:07-07:09 on 2024-03-05): ") == true)
    }

    @Test func windowsInTheStudy() throws {
        let base = """
        [study]
        output = "out"
        [wards]
        files = ["w.geojson"]
        [public_transport]
        services = ["gp.csv"]
        osm = "x.osm.pbf"
        gtfs = ["g.zip"]
        window = "07:00-10:00"

        """
        func parse(_ text: String) throws -> StudyConfig { try StudyConfig.parse(text: base + text, file: "s.toml") }
        let config = try parse("windows = { evening = \"19:00-22:00\", sunday = { window = \"10:00-13:00\", date = \"2024-03-10\" } }\n")
        let windows = try #require(config.run?.publicTransport?.windows)
        #expect(windows.map(\.name) == ["evening", "sunday"])
        #expect(windows[0].window == ServiceWindow("19:00-22:00") && windows[0].date == nil)
        #expect(windows[1].window == ServiceWindow("10:00-13:00") && windows[1].date == ServiceDate("2024-03-10"))
        #expect(StudyPlan.steps(config, spec: config.run!).map(\.title).suffix(3) == ["public transport", "public transport, window evening", "public transport, window sunday"])
        func error(_ text: String) -> String {
            do { _ = try parse(text); return "no error" } catch { return "\(error)" }
        }
        #expect(error("windows = { Evening = \"19:00-22:00\" }\n").contains("use lower-case letters, digits and _"))
        #expect(error("windows = { am = \"07:00-10:00\" }\n").contains("is the study's own window (07:00-10:00)"))
        #expect(error("windows = { late = \"22:00-19:00\" }\n").contains("public_transport.windows.late"))
        #expect(error("windows = { sunday = { date = \"2024-03-10\" } }\n").contains("missing key 'window'"))
        #expect(error("windows = { by9 = { arrive_by = \"9 am\" } }\n").contains("expected a time HH:MM or a window HH:MM-HH:MM of arrival deadlines"))
        #expect(error("windows = { by9 = { arrive_by = \"09:00\", window = \"08:00-09:00\" } }\n").contains("not both"))
        let arrive = try parse("windows = { by9 = { arrive_by = \"09:00\" } }\n").run!.publicTransport!.windows[0]
        #expect(arrive.arriveBy && arrive.window == ServiceWindow("09:00-09:01"))
    }
}
