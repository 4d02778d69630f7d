import Foundation
import GeoData
import Testing
@testable import Study

/// `reach coverage` and `reach gaps` on square zones in EPSG:27700 with stops and origins at hand-picked places;
/// the numbers are worked out in the comments (a 400 m 64-gon has area 501,847.758 m²).
struct CoverageJobTests {
    func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func byCode(_ path: String) throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for feature in try readBack(path) {
            let properties = try #require(feature["properties"] as? [String: Any])
            result[try #require(properties["code"] as? String)] = properties
        }
        return result
    }

    func number(_ properties: [String: Any]?, _ key: String) -> Double? { (properties?[key] as? NSNumber)?.doubleValue }

    @Test func stopsAndOriginsByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A: x 400000–401000, B: x 401000–402000, both y 300000–301000.
        let zones = try write(DistanceJobTests.squares([("A", 400_000, 300_000, 401_000, 301_000), ("B", 401_000, 300_000, 402_000, 301_000)]), "zones.geojson", in: folder)
        // A bus stop in the middle of each (their circles lie wholly inside: 50.1848 % of each 1 km² ward).
        let bus = try write("easting,northing\n400500,300500\n401500,300500\n", "bus.csv", in: folder)
        // One station north of A, outside both wards.
        let rail = try write("easting,northing\n400000,302000\n", "rail.csv", in: folder)
        // o0 (400500, 300900) w10 in A: bus 400 (within, ≤ 400), rail √(500² + 1100²) = 1208.305
        // o1 (400100, 300100) w30 in A: bus 565.685, rail √(100² + 1900²) = 1902.630
        // o2 (401900, 300100) w5 in B: bus 565.685, rail √(1900² + 1900²) = 2687.006
        let origins = try write("easting,northing,population\n400500,300900,10\n400100,300100,30\n401900,300100,5\n", "origins.csv", in: folder)
        let output = folder.appendingPathComponent("out.geojson").path
        let job = CoverageJob(zones: [zones], origins: origins, weightField: "population",
                              stops: StopSources(busStops: [bus], railStations: [rail]), output: output)
        let report = try job.run()
        #expect(report.stopCounts[.bus] == 2 && report.stopCounts[.rail] == 1)
        let z = try byCode(output)
        #expect(number(z["A"], "bus_stop_count") == 1)
        #expect(number(z["A"], "rail_station_count") == 0)
        #expect(number(z["A"], "bus_stop_area_pct") == 50.1848)
        #expect(number(z["B"], "bus_stop_area_pct") == 50.1848)
        #expect(number(z["A"], "bus_stop_pop_pct") == 25)            // 10 of 40
        #expect(number(z["B"], "bus_stop_pop_pct") == 0)
        // (10 × 1208.305 + 30 × 1902.630) / 40 = 1729.05 → 1729.0 (1 decimal)
        #expect(number(z["A"], "rail_station_distance_mean_m") == 1729.0)
        #expect(number(z["A"], "rail_station_pop_pct_800m") == 0)
        #expect(number(z["A"], "rail_station_pop_pct_2km") == 100)
        #expect(number(z["B"], "rail_station_distance_mean_m") == 2687.0)
        #expect(number(z["B"], "rail_station_pop_pct_2km") == 0)
        #expect(number(z["A"], "origins_weight") == 40)
        #expect(z["A"]?["metro_stop_count"] == nil)                  // no metro stops given: no metro columns
        #expect(z["A"]?["reach_warning"] is NSNull)
    }

    /// The hand-made feed (fixtures/gtfs/hand) placed in BNG: cs2cs EPSG:4326 EPSG:27700 puts S1 at
    /// (400097.236, 344742.072), S2 (400030.124, …), S3 (399963.011, …), R1 (399426.112, 344742.122).
    @Test func departuresNearOriginsAndTheirChange() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zones = try write(DistanceJobTests.squares([("C", 399_000, 344_000, 400_500, 345_500)]), "zones.geojson", in: folder)
        // o0 between S1 and S2: S1, S2, S3 within 400 m: 10 distinct bus trips in 3 h (fixtures/gtfs/hand/README.md);
        //    R1 637.6 m away, within 800: 1 rail trip.
        // o1 (399100, 345400): R1 √(326.1² + 657.9²) = 734.3 m (rail 1 trip), S3 1085 m (no bus).
        let origins = try write("easting,northing\n400063.68,344742.07\n399100,345400\n", "origins.csv", in: folder)
        let hand = packageRoot.appendingPathComponent("fixtures/gtfs/hand").path
        let output = folder.appendingPathComponent("out.geojson").path
        // Before: Saturday 2024-03-09, when only t3 runs (S1 08:00): o0 1 trip, o1 none; no rail.
        let job = CoverageJob(zones: [zones], origins: origins, gtfs: [hand], gtfsBefore: [hand], date: ServiceDate("2024-03-05"),
                              beforeDate: ServiceDate("2024-03-09"), output: output)
        let report = try job.run()
        #expect(report.feeds.first?.departures == 18)
        let c = try #require(try byCode(output)["C"])
        // Bus: (10/3 + 0) / 2 = 1.667 an hour; none frequent (S1, S2 have 8/3 < 4 an hour).
        #expect(number(c, "bus_departures_per_hour") == 1.667)
        #expect(number(c, "bus_frequent_pop_pct") == 0)
        #expect(number(c, "rail_departures_per_hour") == 0.333)
        // Before (1/3 + 0) / 2 = 1/6 an hour: 100 × (5/3 − 1/6) / (1/6) = 900 %.
        #expect(number(c, "bus_departures_change_pct") == 900)
        #expect(c["rail_departures_change_pct"] is NSNull)
        #expect((c["reach_warning"] as? String)?.contains("no rail departures near its origins before, so no rail_departures_change_pct") == true)
        // Stops from the feed (no stop file): S1, S2, S3 and R1 (where coach t9 ends) are bus stops, R1 a station.
        #expect(number(c, "bus_stop_count") == 4)
        #expect(number(c, "rail_station_count") == 1)
    }

    @Test func aDateWithNoServiceIsAnError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zones = try write(DistanceJobTests.squares([("C", 399_000, 344_000, 400_500, 345_500)]), "zones.geojson", in: folder)
        let hand = packageRoot.appendingPathComponent("fixtures/gtfs/hand").path
        let job = CoverageJob(zones: [zones], gtfs: [hand], date: ServiceDate("2025-03-04"), output: folder.appendingPathComponent("o.geojson").path)
        #expect(throws: DataError(file: hand, "no trip runs on 2025-03-04 (a Tuesday); the feed's calendar covers 2024-01-01 to 2024-12-31: choose another --date")) {
            _ = try job.run()
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("o.geojson").path))
    }

    @Test func gapsByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A 2 km × 500 m strip with a stop in its middle: two gaps of 314,092.0048 m² each (shapely), 31.4092 %.
        let zones = try write(DistanceJobTests.squares([("S", 400_000, 300_000, 402_000, 300_500)]), "zones.geojson", in: folder)
        let bus = try write("easting,northing\n401000,300250\n", "bus.csv", in: folder)
        let origins = try write("easting,northing,population\n400100,300250,7\n401000,300250,3\n401900,300400,2\n", "origins.csv", in: folder)
        let output = folder.appendingPathComponent("gaps.geojson").path
        let report = try GapsJob(zones: [zones], origins: origins, weightField: "population", stops: StopSources(busStops: [bus]),
                                 output: output).run()
        #expect(report.gapCount == 2)
        let features = try readBack(output).map { try #require($0["properties"] as? [String: Any]) }
        #expect(features.map { number($0, "gap_id") } == [1, 2])
        #expect(features.allSatisfy { number($0, "gap_area_m2") == 314_092 && number($0, "gap_area_pct") == 31.4092 })
        #expect(Set(features.compactMap { number($0, "gap_origins_weight") }) == [7, 2])   // the covered origin is in neither
        #expect(features.allSatisfy { ($0["code"] as? String) == "S" })
        #expect(report.gapWeight == 9)
    }
}
