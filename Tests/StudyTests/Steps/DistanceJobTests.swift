import Foundation
import GeoData
import Testing
import Accessibility
@testable import Study

/// `reach distance` on inputs small enough to work out by hand (numbers in the comments).
struct DistanceJobTests {
    static let bngCRS = #"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}}"#

    /// A GeoJSON FeatureCollection in EPSG:27700 of axis-aligned squares: (code, minX, minY, maxX, maxY).
    static func squares(_ boxes: [(String, Double, Double, Double, Double)]) -> String {
        let features = boxes.map { code, x0, y0, x1, y1 in
            #"{"type":"Feature","properties":{"code":"\#(code)"},"geometry":{"type":"Polygon","coordinates":[[[\#(x0),\#(y0)],[\#(x1),\#(y0)],[\#(x1),\#(y1)],[\#(x0),\#(y1)],[\#(x0),\#(y0)]]]}}"#
        }
        return #"{"type":"FeatureCollection","crs":\#(bngCRS),"features":[\#(features.joined(separator: ","))]}"#
    }

    func properties(_ path: String) throws -> [String: [String: Any]] {
        var byCode: [String: [String: Any]] = [:]
        for feature in try readBack(path) {
            let properties = try #require(feature["properties"] as? [String: Any])
            byCode[try #require(properties["code"] as? String)] = properties
        }
        return byCode
    }

    func number(_ properties: [String: Any]?, _ key: String) -> Double? {
        (properties?[key] as? NSNumber)?.doubleValue
    }

    /// Two 1 km zones side by side (A x 400000–401000, B 401000–402000, y 300000–301000, EPSG:27700) and three
    /// services: GP west (400100, 300500), GP east (401900, 300500), a school (400500, 300500).
    func writeTwoZones(in folder: URL) throws {
        try Self.squares([("A", 400_000, 300_000, 401_000, 301_000), ("B", 401_000, 300_000, 402_000, 301_000)])
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        try "name,kind,easting,northing\ngp west,GP,400100,300500\ngp east,GP,401900,300500\nschool,School,400500,300500\n"
            .write(to: folder.appendingPathComponent("services.csv"), atomically: true, encoding: .utf8)
    }

    /// The two zones of writeTwoZones and gp.csv: gp west (400100, 300500) list size 1000, gp east (401900, 300500) 3000.
    func writeTwoZonesAndListSizes(in folder: URL) throws {
        try Self.squares([("A", 400_000, 300_000, 401_000, 301_000), ("B", 401_000, 300_000, 402_000, 301_000)])
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        try "name,easting,northing,list_size\ngp west,400100,300500,1000\ngp east,401900,300500,3000\n"
            .write(to: folder.appendingPathComponent("gp.csv"), atomically: true, encoding: .utf8)
    }

    /// Origins o0 (400100, 300100) weight 10 and o1 (400900, 300500) weight 30 in A, o2 (401500, 300500) weight 5 in B.
    func writeThreeOrigins(in folder: URL) throws {
        try "id,easting,northing,population\no0,400100,300100,10\no1,400900,300500,30\no2,401500,300500,5\n"
            .write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
    }

    @Test func straightLineByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTwoZones(in: folder)
        // o0 (400100, 300100) weight 10 in A: gp 400, school √(400² + 400²) = 565.685
        // o1 (400900, 300500) weight 30 in A: gp min(800, 1000) = 800, school 400
        // o2 (401500, 300500) weight 5 in B: gp min(1400, 400) = 400, school 1000
        // o3 (405000, 305000) lies in no zone: reported, not counted.
        try "id,easting,northing,population\no0,400100,300100,10\no1,400900,300500,30\no2,401500,300500,5\no3,405000,305000,7\n"
            .write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.geojson").path
        let job = DistanceJob(zones: [folder.appendingPathComponent("zones.geojson").path],
                              services: [folder.appendingPathComponent("services.csv").path], categoryField: "kind",
                              origins: folder.appendingPathComponent("origins.csv").path, weightField: "population",
                              metres: [500, 800], output: output, originsOutput: folder.appendingPathComponent("origins-out.csv").path)
        let report = try job.run()
        #expect(report.originsOutsideZones.count == 1)
        #expect(report.originsOutsideZones[0].hasSuffix("origins.csv: line 5"))
        let zones = try properties(output)
        let a = zones["A"], b = zones["B"]
        // A: gp mean (10·400 + 30·800) / 40 = 700, max 800; within 500: 10/40 = 25 %; within 800: 100 %.
        #expect(number(a, "gp_straight_mean") == 700)
        #expect(number(a, "gp_straight_max") == 800)
        #expect(number(a, "gp_straight_within_500_pct") == 25)
        #expect(number(a, "gp_straight_within_800_pct") == 100)
        // A: school mean (10·565.685 + 30·400) / 40 = 441.421 → 441.4 (1 decimal).
        #expect(number(a, "school_straight_mean") == 441.4)
        #expect(number(a, "school_straight_max") == 565.7)
        // A's typical origin is the weighted mean (400700, 300400): gp west is √(600² + 100²) = 608.3 m away
        // (within 800, not 500); the school √(200² + 100²) = 223.6 m.
        #expect(number(a, "gp_straight_count_within_500") == 0)
        #expect(number(a, "gp_straight_count_within_800") == 1)
        #expect(number(a, "school_straight_count_within_500") == 1)
        #expect(number(a, "origins_count") == 2)
        #expect(number(a, "origins_weight") == 40)
        #expect(a?["reach_warning"] is NSNull)
        // B: one origin, gp 400, school 1000.
        #expect(number(b, "gp_straight_mean") == 400)
        #expect(number(b, "school_straight_mean") == 1000)
        #expect(number(b, "school_straight_within_800_pct") == 0)
        #expect(number(b, "gp_straight_count_within_500") == 1)
        #expect(number(b, "origins_weight") == 5)
        let table = try String(contentsOfFile: folder.appendingPathComponent("origins-out.csv").path, encoding: .utf8)
        #expect(table.split(separator: "\n").first == "origin,zone,x,y,weight,gp_straight,school_straight")
        #expect(table.contains("\n0,A,400100,300100,10,400,565.685\n"))
        #expect(table.contains("\n2,B,401500,300500,5,400,1000\n"))
    }

    /// With island pruning off (0), the island origin snaps to the island and reaches nothing; with it at 3 nodes
    /// (the grid has 20 walk nodes, the island 2) the island is not snapped to and the origin, 2 km from the grid,
    /// is unsnapped.
    /// Cumulative opportunities and gravity (β = 1 per km) on the straightLineByHand layout, by hand:
    /// o0 (weight 10): gp 400 m and √(1800² + 400²) = 1843.9 m, school 565.7 m; o1 (weight 30): gp 800 and 1000 m,
    /// school 400 m; o2 (zone B): gp 1400 and 400 m, school 1000 m.
    /// A, gp within 500: (10·1 + 30·0)/40 = 0.25; within 800: 1. Gravity: o0 e^−0.4 + e^−1.8439 = 0.82852, o1 e^−0.8 +
    /// e^−1 = 0.81721, mean (10·0.82852 + 30·0.81721)/40 = 0.82004 → 0.82. School: (10 e^−0.5657 + 30 e^−0.4)/40 = 0.645.
    /// B: gp e^−1.4 + e^−0.4 = 0.917, school e^−1 = 0.368.
    @Test func opportunitiesAndGravityByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTwoZones(in: folder)
        try writeThreeOrigins(in: folder)
        let output = folder.appendingPathComponent("out.geojson").path
        let job = DistanceJob(zones: [folder.appendingPathComponent("zones.geojson").path],
                              services: [folder.appendingPathComponent("services.csv").path], categoryField: "kind",
                              origins: folder.appendingPathComponent("origins.csv").path, weightField: "population",
                              metres: [500, 800], output: output, opportunities: true, gravityBeta: 1)
        _ = try job.run()
        let zones = try properties(output)
        let a = zones["A"], b = zones["B"]
        #expect(number(a, "gp_straight_opportunities_within_500_mean") == 0.25)
        #expect(number(a, "gp_straight_opportunities_within_800_mean") == 1)
        #expect(number(a, "gp_straight_gravity_beta_1_mean") == 0.82)
        #expect(number(a, "school_straight_gravity_beta_1_mean") == 0.645)
        #expect(number(b, "gp_straight_opportunities_within_500_mean") == 1)
        #expect(number(b, "gp_straight_gravity_beta_1_mean") == 0.917)
        #expect(number(b, "school_straight_gravity_beta_1_mean") == 0.368)
    }

    /// Supply and floating catchments on the straightLineByHand layout, by hand: gp west (list 1000) is 400 m from o0
    /// (weight 10), 800 m from o1 (30), 1400 m from o2 (5); gp east (list 3000) 1843.9, 1000 and 400 m.
    /// - 2SFCA 800 m: west has o0 and o1 (800 ≤ 800): D = 40, R = 1000/40 = 25; east has o2: D = 5, R = 600. A: o0 25,
    ///   o1 25, o2 600; zone A (10·25 + 30·25)/40 = 25, B 600. At 500 m west has o0 only: R = 100; A: 100, 0, 600;
    ///   zone A (10·100)/40 = 25.
    /// - BFCA 800 m: each origin reaches one practice, west is reached by two origins: D west = 10/1 + 30/1 = 40,
    ///   R = 25, so o0 and o1 get 25/2 = 12.5; east R = 600 for o2. Zone A 12.5.
    /// - E2SFCA 800 m (thirds 266.67, 533.33): o0's 400 m weighs 0.68, o1's 800 m 0.22: D west = 6.8 + 6.6 = 13.4,
    ///   R = 1000/13.4; o0 0.68 R, o1 0.22 R; zone A (10·0.68 + 30·0.22)·R/40 = 13.4 R/40 = 25. East: 0.68·5 = 3.4,
    ///   R = 3000/3.4, o2 0.68 R = 600.
    /// - Opportunities within 800 m, summing the list: o0 1000, o1 1000, o2 3000.
    @Test func supplyAndFloatingCatchmentsByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTwoZonesAndListSizes(in: folder)
        try writeThreeOrigins(in: folder)
        let output = folder.appendingPathComponent("out.geojson").path
        var job = DistanceJob(zones: [folder.appendingPathComponent("zones.geojson").path],
                              services: [folder.appendingPathComponent("gp.csv").path],
                              origins: folder.appendingPathComponent("origins.csv").path, weightField: "population",
                              metres: [500, 800], output: output, originsOutput: folder.appendingPathComponent("origins-out.csv").path,
                              opportunities: true)
        job.supplyField = "list_size"
        job.fca = [.balanced, .twoStep, .enhanced]
        job.fcaOutput = folder.appendingPathComponent("fca.csv").path
        _ = try job.run()
        let zones = try properties(output)
        let a = zones["A"], b = zones["B"]
        func near(_ value: Double?, _ expected: Double) -> Bool { value.map { abs($0 - expected) <= 1e-12 * expected } ?? false }
        #expect(near(number(a, "gp_straight_2sfca_800"), 25))
        #expect(near(number(a, "gp_straight_2sfca_500"), 25))
        #expect(near(number(b, "gp_straight_2sfca_800"), 600))
        #expect(near(number(a, "gp_straight_bfca_800"), 12.5))
        #expect(near(number(a, "gp_straight_e2sfca_800"), 25))
        #expect(near(number(b, "gp_straight_e2sfca_800"), 600))
        #expect(number(a, "gp_straight_opportunities_within_800_mean") == 1000)
        #expect(number(b, "gp_straight_opportunities_within_800_mean") == 3000)
        let rows = try String(contentsOfFile: job.originsOutput!, encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "origin,zone,x,y,weight,gp_straight,gp_straight_2sfca_500,gp_straight_2sfca_800,gp_straight_e2sfca_500,gp_straight_e2sfca_800,gp_straight_bfca_500,gp_straight_bfca_800")
        #expect(rows[2].hasPrefix("1,A,400900,300500,30,800,0,25,"))
        let ratios = try String(contentsOfFile: job.fcaOutput!, encoding: .utf8).split(separator: "\n")
        #expect(ratios[0] == "category,mode,method,catchment,unit,service,source,supply,demand,ratio")
        #expect(ratios.contains { $0.hasPrefix("gp,straight,2sfca,800,m,0,") && $0.hasSuffix("gp.csv: line 2,1000,40,25") })
        #expect(ratios.contains { $0.hasPrefix("gp,straight,2sfca,500,m,0,") && $0.hasSuffix(",1000,10,100") })
        #expect(ratios.contains { $0.hasPrefix("gp,straight,bfca,800,m,1,") && $0.hasSuffix(",3000,5,600") })
    }

    /// The 2nd nearest on the straightLineByHand layout: o0 (weight 10) has gp west at 400 m and gp east at
    /// √(1800² + 400²) = 1843.909 m; o1 (30) 800 and 1000 m; o2 (5, zone B) 400 and 1400 m. Zone A: (10 · 1843.909 +
    /// 30 · 1000)/40 = 1210.977 → 1211.0; B 1400. One school only: no 2nd, so null, and 0 % within any distance.
    @Test func secondNearestByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTwoZones(in: folder)
        try writeThreeOrigins(in: folder)
        let output = folder.appendingPathComponent("out.geojson").path
        var job = DistanceJob(zones: [folder.appendingPathComponent("zones.geojson").path],
                              services: [folder.appendingPathComponent("services.csv").path], categoryField: "kind",
                              origins: folder.appendingPathComponent("origins.csv").path, weightField: "population",
                              metres: [500, 1000], output: output, originsOutput: folder.appendingPathComponent("origins-out.csv").path)
        job.nthNearest = [2]
        _ = try job.run()
        let zones = try properties(output)
        #expect(number(zones["A"], "gp_straight_2nd_mean") == 1211)
        #expect(number(zones["B"], "gp_straight_2nd_mean") == 1400)
        #expect(number(zones["A"], "gp_straight_2nd_within_1000_pct") == 75) // o1's 1000 m: 30 of 40
        #expect(zones["A"]?["school_straight_2nd_mean"] is NSNull)
        #expect(number(zones["A"], "school_straight_2nd_within_1000_pct") == 0)
        let rows = try String(contentsOfFile: folder.appendingPathComponent("origins-out.csv").path, encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "origin,zone,x,y,weight,gp_straight,school_straight,gp_straight_2nd,school_straight_2nd")
        #expect(rows[1] == "0,A,400100,300100,10,400,565.685,1843.909,")
    }

    /// A supply that is empty, text or negative stops the run naming the file, line and field.
    @Test(arguments: [("", "\"\""), ("many", "\"many\""), ("-3", "\"-3\"")])
    func badSupplyNamesTheLine(value: String, shown: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.squares([("A", 400_000, 300_000, 401_000, 301_000)])
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        try "name,easting,northing,list_size\ngp west,400100,300500,1000\ngp east,400900,300500,\(value)\n"
            .write(to: folder.appendingPathComponent("gp.csv"), atomically: true, encoding: .utf8)
        var job = DistanceJob(zones: [folder.appendingPathComponent("zones.geojson").path],
                              services: [folder.appendingPathComponent("gp.csv").path],
                              output: folder.appendingPathComponent("out.geojson").path)
        job.supplyField = "list_size"
        job.fca = [.twoStep]
        let error = try #require(throws: DataError.self) { try job.run() }
        #expect("\(error)".contains("gp.csv: line 3"))
        #expect("\(error)".contains("list_size"))
        #expect("\(error)".contains("the supply is not a number ≥ 0 (\(shown))"))
    }

    /// `[distance]`'s keys for this (docs/study.md): supply_field, fca, fca_decay; an unknown method names the line.
    @Test func studyKeys() throws {
        let text = "[study]\noutput = \"out\"\n[wards]\nfiles = [\"z.geojson\"]\n[distance]\nservices = [\"gp.csv\"]\nsupply_field = \"list_size\"\nfca = [\"2sfca\", \"BFCA\"]\nfca_decay = \"gaussian\"\n"
        let distance = try #require(try StudyConfig.parse(text: text, file: "study.toml", folder: "/s").run?.distance)
        #expect(distance.supplyField == "list_size")
        #expect(distance.fca == [.twoStep, .balanced])
        #expect(distance.fcaDecay == .gaussian)
        do {
            _ = try StudyConfig.parse(text: text.replacingOccurrences(of: "\"BFCA\"", with: "\"3sfca\""), file: "study.toml", folder: "/s")
            Issue.record("no error for 3sfca")
        } catch {
            #expect(error.description == "study.toml:8: distance.fca: '3sfca' is not a floating-catchment method (2sfca, e2sfca, bfca)")
        }
    }

    @Test(arguments: [0, 3]) func networkOnTheGridFixture(minIslandNodes: Int) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.squares([("ALL", 377_900, 394_800, 381_600, 396_100)])
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        // The pharmacy of fixtures/osm/grid.osm.pbf (node 701, at 378260, 395170 in BNG).
        try "easting,northing\n378260,395170\n".write(to: folder.appendingPathComponent("pharmacy.csv"), atomically: true, encoding: .utf8)
        // Origins: at the supermarket (node 702): 271.066 s = 4.5178 min on foot to the pharmacy
        // (fixtures/osm/README.md, "Snapping example"); on the island: unreachable; 600 m from any road: unsnapped.
        try "easting,northing\n378040,395020\n380350,395010\n381500,396000\n"
            .write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.geojson").path
        let job = DistanceJob(zones: [folder.appendingPathComponent("zones.geojson").path],
                              services: [folder.appendingPathComponent("pharmacy.csv").path],
                              origins: folder.appendingPathComponent("origins.csv").path,
                              osm: packageRoot.appendingPathComponent("fixtures/osm/grid.osm.pbf").path,
                              modes: [.network(.walk)], minutes: [5], minIslandNodes: minIslandNodes, output: output,
                              originsOutput: folder.appendingPathComponent("origins-out.csv").path, opportunities: true, gravityBeta: 0.1)
        var withDistance = job
        withDistance.roadDistance = true
        _ = try job.run()
        let zone = try properties(output)["ALL"]
        // Opportunities and gravity (β = 0.1/min): the first origin has the pharmacy at 4.5178 min, e^(−0.45178) =
        // 0.63650; the island origin, when snapped, reaches nothing (0); the unsnapped one is left out.
        #expect(number(zone, "pharmacy_walk_opportunities_within_5_mean") == (minIslandNodes == 0 ? 0.5 : 1))
        #expect(number(zone, "pharmacy_walk_gravity_beta_0.1_mean") == (minIslandNodes == 0 ? 0.318 : 0.636))
        #expect(number(zone, "pharmacy_walk_mean") == 4.52)
        #expect(number(zone, "pharmacy_walk_unreachable") == 2)
        // docs/architecture.md's rule (unweighted, so each origin weighs 1): the origin 600 m from any road is
        // unknown and left out; the island origin, snapped when islands are kept, reaches nothing and is not
        // within: 1 of 2 = 50 %. With islands pruned it is unsnapped too: 1 of 1 = 100 %.
        #expect(number(zone, "pharmacy_walk_within_5_pct") == (minIslandNodes == 0 ? 50 : 100))
        #expect(number(zone, "origins_count") == 3)
        #expect(number(zone, "origins_unreachable") == 2)
        let warning = try #require(zone?["reach_warning"] as? String)
        #expect(warning.contains(minIslandNodes == 0
            ? "2 of 3 origins cannot reach a pharmacy by walk (1 with no walk road within 500 m, the rest on roads that reach no pharmacy)"
            : "2 of 3 origins cannot reach a pharmacy by walk (no walk road within 500 m)"))
        let rows = try String(contentsOfFile: folder.appendingPathComponent("origins-out.csv").path, encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "origin,zone,x,y,weight,pharmacy_walk,snap_walk_metres")
        let first = rows[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(abs(Double(first[5])! - 271.066 / 60) < 0.001)
        #expect(abs(Double(first[6])! - 20) < 0.02)
        // The island origin (380350, 395010) is 10 m from the island's street, or unsnapped once islands are pruned.
        let island = rows[2].split(separator: ",", omittingEmptySubsequences: false)
        #expect(island[5].isEmpty)
        if minIslandNodes == 0 { #expect(abs(Double(island[6])! - 10) < 0.02) } else { #expect(island[6].isEmpty) }
        #expect(rows[3].hasSuffix(",,"))
        // --road-distance: on foot at 4.8 km/h every metre takes 0.75 s, so the shortest road is the fastest:
        // 271.066 s × 4.8/3.6 m/s = 361.421 m, 0.3614 km; the ward mean over the one origin that reaches it 0.361.
        _ = try withDistance.run()
        let withKm = try String(contentsOfFile: folder.appendingPathComponent("origins-out.csv").path, encoding: .utf8).split(separator: "\n")
        #expect(withKm[0] == "origin,zone,x,y,weight,pharmacy_walk,snap_walk_metres,pharmacy_walk_km")
        #expect(withKm[1].hasSuffix(",0.3614"))
        #expect(number(try properties(output)["ALL"], "pharmacy_walk_km_mean") == 0.361)
    }

    /// The connectivity metric on fixtures/osm/grid.osm.pbf: two pharmacies at node 701 (supplies 3 and 1),
    /// the first origin 271.066 s = 4.517767 min away on foot (fixtures/osm/README.md). Decay table 0 min: 1,
    /// 10 min: 0.5, so f = 1 − 0.05 × 4.517767 = 0.774112; worths 3f and f, the second keeping ρ = 0.5:
    /// 3.5 × 0.774112 = 2.709391; with weight 2 the mode's value 5.418782; one zone, so it scores 100.
    @Test func connectivityOnTheGridFixture() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.squares([("ALL", 377_900, 394_800, 381_600, 396_100)])
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        try "easting,northing,staff\n378260,395170,3\n378260,395170,1\n".write(to: folder.appendingPathComponent("pharmacy.csv"), atomically: true, encoding: .utf8)
        try "easting,northing\n378040,395020\n381500,396000\n".write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.geojson").path
        var job = DistanceJob(zones: [folder.appendingPathComponent("zones.geojson").path],
                              services: [folder.appendingPathComponent("pharmacy.csv").path],
                              origins: folder.appendingPathComponent("origins.csv").path,
                              osm: packageRoot.appendingPathComponent("fixtures/osm/grid.osm.pbf").path,
                              modes: [.network(.walk)], minutes: [5], minIslandNodes: 3, output: output,
                              originsOutput: folder.appendingPathComponent("origins-out.csv").path)
        job.supplyField = "staff"
        job.connectivity = ConnectivityMetric(decay: [.walk: .table([(0, 1), (10, 0.5)])], types: ["pharmacy": .init(weight: 2)])
        _ = try job.run()
        let zone = try properties(output)["ALL"]
        let f = 1 - 0.05 * 271.066 / 60
        #expect(abs(number(zone, "pharmacy_walk_connectivity_mean")! - 3.5 * f) < 1e-4)
        #expect(abs(number(zone, "connectivity_metric_walk_value")! - 7 * f) < 1e-4)
        #expect(number(zone, "connectivity_metric_walk") == 100)
        #expect(number(zone, "connectivity_metric") == 100)
        let rows = try String(contentsOfFile: folder.appendingPathComponent("origins-out.csv").path, encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "origin,zone,x,y,weight,pharmacy_walk,snap_walk_metres,pharmacy_walk_connectivity,connectivity_metric_walk_value")
        let first = rows[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(abs(Double(first[7])! - 3.5 * f) < 1e-4) // 271.066 s is rounded to 1 ms
        #expect(rows[2].hasSuffix(",,,,")) // 600 m from any road: unknown, not 0
        // With every destination in full (ρ = 1) the sum folded per service: 4f.
        job.connectivity?.returns = 1
        _ = try job.run()
        #expect(abs(number(try properties(output)["ALL"], "pharmacy_walk_connectivity_mean")! - 4 * f) < 1e-4)
        // Straight line only: the metric needs travel times.
        job.modes = [.straight]
        let error = try #require(throws: DataError.self) { try job.run() }
        #expect("\(error)".contains("add a network mode"))
    }

    /// `demand_fields`: the 2SFCA of supplyAndFloatingCatchmentsByHand with children as demand: o0 4, o1 6, o2 2.
    /// gp west (1000) within 800 m of o0 (400) and o1 (800): R = 1000/10 = 100; gp east (3000) of o2: 3000/2 = 1500.
    /// Zone A's mean weighted by children: (4 × 100 + 6 × 100)/10 = 100; B 1500.
    @Test func demandFieldByHand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeTwoZonesAndListSizes(in: folder)
        try "id,easting,northing,population,children\no0,400100,300100,10,4\no1,400900,300500,30,6\no2,401500,300500,5,2\n"
            .write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.geojson").path
        var job = DistanceJob(zones: [folder.appendingPathComponent("zones.geojson").path],
                              services: [folder.appendingPathComponent("gp.csv").path],
                              origins: folder.appendingPathComponent("origins.csv").path, weightField: "population",
                              metres: [800], output: output)
        job.supplyField = "list_size"
        job.fca = [.twoStep]
        job.demandFields = ["gp": "children"]
        _ = try job.run()
        let zones = try properties(output)
        #expect(abs(number(zones["A"], "gp_straight_2sfca_800")! - 100) < 1e-9)
        #expect(abs(number(zones["B"], "gp_straight_2sfca_800")! - 1500) < 1e-9)
        job.demandFields = ["school": "children"]
        let error = try #require(throws: DataError.self) { try job.run() }
        #expect("\(error)".contains("no service category school"))
    }

    /// `[distance.connectivity]` and `demand_fields` in a study file; a decay table that rises, or a catchment of
    /// zero, stops the run naming the line.
    @Test func connectivityStudyKeys() throws {
        let head = "[study]\noutput = \"out\"\n[wards]\nfiles = [\"z.geojson\"]\n[distance]\nservices = [\"gp.csv\"]\nmodes = [\"walk\", \"car\"]\nosm = \"r.osm.pbf\"\ndemand_fields = { gp = \"children\" }\n"
        let text = head + "[distance.connectivity]\nhorizon = 45\nreturns = 0.6\nreference = { walk = 12.5 }\nmode_weights = { car = 0.5 }\ndecay = { walk = { curve = \"exponential\", beta = 0.2 } }\n[distance.connectivity.types.gp]\nweight = 2\ndecay = { car = { curve = \"table\", minutes = [0, 10, 30], weights = [1, 0.7, 0] } }\n"
        let distance = try #require(try StudyConfig.parse(text: text, file: "study.toml", folder: "/s").run?.distance)
        let metric = try #require(distance.connectivity)
        #expect(distance.demandFields == ["gp": "children"])
        #expect(metric.horizonMinutes == 45 && metric.returns == 0.6)
        #expect(metric.reference == [.walk: 12.5] && metric.modeWeights == [.car: 0.5])
        #expect(metric.decay[.walk] == .exponential(beta: 0.2))
        #expect(metric.decay[.cycle] == ConnectivityMetric.defaultDecay[.cycle])
        #expect(metric.types["gp"]?.weight == 2)
        #expect(metric.destination("gp", .car).decay == .table([(0, 1), (10, 0.7), (30, 0)]))
        do {
            _ = try StudyConfig.parse(text: text.replacingOccurrences(of: "[1, 0.7, 0]", with: "[1, 0.7, 0.8]"), file: "study.toml", folder: "/s")
            Issue.record("no error for a rising decay table")
        } catch {
            #expect(error.description.hasPrefix("study.toml:18: distance.connectivity.types.gp.decay.car: the decay table is not decreasing: weight 0.8 at 30 min after 0.7 at 10 min"))
        }
        let defaults = try #require(try StudyConfig.parse(text: head + "connectivity = true\n", file: "study.toml", folder: "/s").run?.distance?.connectivity)
        #expect(defaults == ConnectivityMetric())
        do {
            _ = try StudyConfig.parse(text: head + "fca = [\"2sfca\"]\nminutes = [0]\n", file: "study.toml", folder: "/s")
            Issue.record("no error for a catchment of zero")
        } catch {
            #expect(error.description.contains("distance.minutes: expected numbers > 0"))
        }
    }

    @Test func badInputNamesFileAndRecord() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zones = folder.appendingPathComponent("zones.geojson").path
        try Self.squares([("A", 400_000, 300_000, 401_000, 301_000)]).write(toFile: zones, atomically: true, encoding: .utf8)
        let services = folder.appendingPathComponent("services.csv").path
        try "kind,easting,northing\nGP,400100,300500\n,400200,300500\n".write(toFile: services, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.geojson").path
        // Unknown category field.
        let unknown = try #require(throws: DataError.self) {
            try DistanceJob(zones: [zones], services: [services], categoryField: "type", output: output).run()
        }
        #expect(unknown.field == "type")
        #expect(unknown.message.contains("kind"))
        // A service with an empty category names its line.
        let empty = try #require(throws: DataError.self) {
            try DistanceJob(zones: [zones], services: [services], categoryField: "kind", output: output).run()
        }
        #expect(empty.file.hasSuffix("services.csv: line 3"))
        // A category asked for that has no services.
        try "kind,easting,northing\nGP,400100,300500\n".write(toFile: services, atomically: true, encoding: .utf8)
        let missing = try #require(throws: DataError.self) {
            try DistanceJob(zones: [zones], services: [services], categoryField: "kind", categories: ["hospital"], output: output).run()
        }
        #expect(missing.message.contains("\"hospital\" has no services"))
        // Services with no coordinates.
        try "kind,easting,northing\nGP,,300500\n".write(toFile: services, atomically: true, encoding: .utf8)
        let noCoordinates = try #require(throws: DataError.self) {
            try DistanceJob(zones: [zones], services: [services], categoryField: "kind", output: output).run()
        }
        #expect(noCoordinates.location == "line 2")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
