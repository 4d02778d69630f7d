import Foundation
import GeoData
import Scoring
import Testing
@testable import Study

/// `[equity]` and `[left_behind]`: the measures by class on a hand-worked example, the groups, the flags, and a run
/// of the bundled Trafford study. The measures' own definitions are tested in ScoringTests/InequalityTests; the
/// Trafford figures are cross-checked against numpy, pandas and PySAL `inequality` in tools/crosscheck/equity.py.
struct EquityStepTests {
    /// Five origins in two classes: A = origins 0, 1; B = origins 2, 3, 4. x = [10, 20, 30, 40, 60] min,
    /// w = [1, 2, 1, 3, 3], need = [5, 10, 20, 30, 40], standard 30 min, threshold 40 min.
    let x: [Double?] = [10, 20, 30, 40, 60]
    let w: [Double] = [1, 2, 1, 3, 3]
    let need: [Double?] = [5, 10, 20, 30, 40]

    func measures(_ origins: [Int]) -> [String: Double] {
        let indicator = EquityStep.Resolved(stem: "gp_pt", values: x, unit: "min", better: .lower, thresholds: [40], standard: 30)
        return Dictionary(uniqueKeysWithValues: EquityStep.measures(indicator, origins: origins, people: w, weights: w, need: need, customWeight: false))
    }

    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func allOrigins() {
        let m = measures([0, 1, 2, 3, 4])
        // W = 10, μ = (10 + 40 + 30 + 120 + 180) / 10 = 38. Median: cumulative weights 1, 3, 4, 7, 10 reach 5 at x = 40;
        // p90 reaches 9 at 60. Within 40 min: 1 + 2 + 1 + 3 = 7 of 10.
        #expect(m["origins"] == 5 && m["missing_origins"] == 0 && m["population"] == 10 && m["missing_population"] == 0)
        #expect(close(m["mean"], 38) && m["median"] == 40 && m["p90"] == 60)
        #expect(close(m["within_40_pct"], 70))
        // Gini: Σ_{i<j} wᵢwⱼ|xᵢ − xⱼ| = 960 (InequalityTests), G = 2·960 / (2·100·38) = 1920/7600; the need order is
        // the value order, so CI = G. Palma 0.2, FGT 0.6, 0.4, 1/3 at 30 (InequalityTests, worked there).
        #expect(close(m["gini"], 1920.0 / 7600) && close(m["concentration_index"], 1920.0 / 7600))
        #expect(close(m["palma"], 0.2))
        #expect(close(m["fgt0"], 0.6) && close(m["fgt1"], 0.4) && close(m["fgt2"], 1.0 / 3) && m["standard"] == 30)
    }

    @Test func classA() {
        let m = measures([0, 1])
        // W = 3, μ = (10 + 40) / 3 = 50/3; median: cumulative 1, 3 reach 1.5 at 20; p90 (2.7) also 20. All within 40.
        #expect(m["population"] == 3 && close(m["mean"], 50.0 / 3) && m["median"] == 20 && m["p90"] == 20 && close(m["within_40_pct"], 100))
        // Gini: 2 · (1·2·10) / (2 · 9 · 50/3) = 40/300 = 2/15.
        #expect(close(m["gini"], 2.0 / 15))
        // CI: R = [1/6, 1/3 + 1/3 = 2/3]; 2 [1·(10 − 50/3)(1/6 − 1/2) + 2·(20 − 50/3)(2/3 − 1/2)] / (50/3 · 3)
        //   = 2 [20/9 + 10/9] / 50 = 2/15.
        #expect(close(m["concentration_index"], 2.0 / 15))
        // Palma: from the top need 10 (share 2/3) then 5 (1): Q(0.9) = 5, and nobody has need < 5: the least deprived
        // group is empty, so the ratio is undefined (written empty).
        #expect(m["palma"]!.isNaN)
        // Nobody is worse than 30 min.
        #expect(m["fgt0"] == 0 && m["fgt1"] == 0 && m["fgt2"] == 0)
    }

    @Test func classB() {
        let m = measures([2, 3, 4])
        // W = 7, μ = (30 + 120 + 180) / 7 = 330/7; median: cumulative 1, 4, 7 reach 3.5 at 40; p90 (6.3) at 60;
        // within 40: 4/7.
        #expect(m["population"] == 7 && close(m["mean"], 330.0 / 7) && m["median"] == 40 && m["p90"] == 60)
        #expect(close(m["within_40_pct"], 400.0 / 7))
        // Gini: Σ_{i<j} = 1·3·10 + 1·3·30 + 3·3·20 = 300; G = 600 / (2 · 49 · 330/7) = 600/4620 = 10/77.
        #expect(close(m["gini"], 10.0 / 77))
        // FGT at 30: 40 (gap 1/3, weight 3) and 60 (gap 1, weight 3) are worse: 6/7; (1 + 3)/7 = 4/7; (1/3 + 3)/7 = 10/21.
        #expect(close(m["fgt0"], 6.0 / 7) && close(m["fgt1"], 4.0 / 7) && close(m["fgt2"], 10.0 / 21))
    }

    @Test func missingValuesAreCountedNotDropped() {
        let indicator = EquityStep.Resolved(stem: "gp_pt", values: [10, nil, 30], unit: "min", better: .lower, thresholds: [], standard: nil)
        let m = Dictionary(uniqueKeysWithValues: EquityStep.measures(indicator, origins: [0, 1, 2], people: [1, 5, 3], weights: [1, 5, 3],
                                                                     need: nil, customWeight: false))
        // The unreached origin (weight 5) is counted apart; the mean is over the others: (10 + 90) / 4 = 25.
        #expect(m["origins"] == 2 && m["missing_origins"] == 1 && m["population"] == 4 && m["missing_population"] == 5)
        #expect(m["mean"] == 25 && m["concentration_index"] == nil && m["fgt0"] == nil)
    }

    @Test func groupsNumberFromTheHighest() {
        // 5 zones into 2 groups: descending 9, 7, 7, 3, 1 → ranks 0, 1, 1, 3, 4 → ⌊2r/5⌋ + 1 = 1, 1, 1, 2, 2 (the tie
        // at 7 takes rank 1, as pandas' rank(method="min")); a zone without a value has no group.
        #expect(EquityStep.groups([3, 9, nil, 7, 1, 7], count: 2) == [2, 1, nil, 1, 2, 1])
        // 10 groups of 21 zones: ⌊10r/21⌋ + 1 for r = 0...20.
        let groups = EquityStep.groups((0..<21).map { Double(100 - $0) }, count: 10).map { $0! }
        #expect(groups == [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10])
    }

    @Test func leftBehindByShares() {
        // 10 zones, share 0.2: cut-offs ⌈0.2 · 10⌉ = 2 on each side. Need 50, 40, 40, ... ranks 1, 2, 2 (competition).
        let need: [Double?] = [50, 40, 40, 30, 20, 10, 5, 4, 3, nil]
        let rank: [Double?] = [2, 1, 9, 3, 4, 5, 6, 7, 8, 10]
        let p05: [Double?] = [1, 1, 8, 2, 4, 5, 6, 7, 8, 10]
        let p95: [Double?] = [2, 3, 9, 5, 4, 5, 6, 7, 8, 10]
        var spec = LeftBehindSpec(need: "imd")
        spec.share = 0.2
        let v = LeftBehindStep.verdicts(need: need, needName: "imd", rank: rank, score: rank.map { $0.map { 100 - $0 } }, p05: p05, p95: p95, spec: spec)
        #expect(v.map(\.leftBehind) == [true, true, false, false, false, false, false, false, false, nil])
        #expect(v.map(\.needRank) == [1, 2, 2, 4, 5, 6, 7, 8, 9, nil])
        // Zone 1 (rank 1, interval 1–3) straddles 2; zone 3's need rank 4 is beyond its cut, so it is not uncertain.
        #expect(v.map(\.uncertain) == [false, true, false, false, false, false, false, false, false, nil])
        #expect(v[0].reason == "left behind: connectivity rank 2 of 10 is among the 2 least connected; imd 50 (rank 1 of 9) is among the 2 highest")
        #expect(v[2].reason == "not left behind: connectivity rank 9 of 10 is not among the 2 least connected; imd 40 (rank 2 of 9) is among the 2 highest")
        #expect(v[9].reason == "no imd value")
        // Fixed cut-offs instead: need ≥ 30 and connectivity_score (100 − rank here) ≥ 96: zones 0, 1, 3.
        spec.needCutoff = 30
        spec.connectivityCutoff = 96
        let fixed = LeftBehindStep.verdicts(need: need, needName: "imd", rank: rank, score: rank.map { $0.map { 100 - $0 } }, p05: p05, p95: p95, spec: spec)
        #expect(fixed.map(\.leftBehind) == [true, true, false, true, false, false, false, false, false, nil])
        // Three zones reach 96, so the rank cut-off is 3: zone 3's interval 2–5 straddles it.
        #expect(fixed[3].uncertain == true)
        // ⌈0.1 × 30⌉ is 3, not 4, though 0.1 × 30 = 3.0000000000000004 in floating point.
        #expect(LeftBehindStep.cutRank(share: 0.1, of: 30) == 3 && LeftBehindStep.cutRank(share: 0.1, of: 21) == 3)
    }

    @Test func configErrors() throws {
        let base = "[study]\noutput = \"out\"\n[wards]\nfiles = [\"w.geojson\"]\n"
        func error(_ text: String) -> String {
            do { _ = try StudyConfig.parse(text: base + text, file: "s.toml"); return "no error" } catch { return "\(error)" }
        }
        #expect(error("[equity]\nindicators = []\n") == "s.toml:6: equity.indicators: name at least one indicator by its column stem (indicators = [\"gp_practices_straight\"])")
        #expect(error("[equity]\nindicators = [\"gp\"]\nstandard = { gp = 0 }\n").contains("equity.standard.gp: must be > 0, not 0"))
        #expect(error("[equity]\nindicators = [\"gp\"]\nstandard = { bus = 400 }\n").contains("'bus' is not one of the indicators (gp)"))
        #expect(error("[equity]\nindicators = [\"gp\"]\nthresholds = { gp = [-5] }\n").contains("equity.thresholds.gp: expected numbers > 0"))
        #expect(error("[equity]\nindicators = [\"gp\"]\nclass_groups = 10\n").contains("needs a class column"))
        #expect(error("[left_behind]\nneed = \"imd\"\n").contains("add a [score] table"))
    }

    @Test func traffordStudyWritesEquityAndFlags() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try StudyRun(study: try StudyRunTests().study(in: folder)).run()
        let out = folder.appendingPathComponent("out").path
        let csv = try String(contentsOfFile: "\(out)/equity.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(csv[0] == ["indicator", "class", "measure", "value"])
        // The population of class all is the fixture's: Σ population of the 738 output areas = 235,013 (python3 -c
        // "import json; print(sum(f['properties']['population'] for f in json.load(open('fixtures/trafford/output_areas_2021.geojson'))['features']))").
        #expect(csv.contains(["gp_practices_straight", "all", "population", "235013"]))
        #expect(csv.contains(["gp_practices_straight", "all", "origins", "738"]))
        // 11 classes (all, 1...10) × the measures of the 8 indicators: 10 each (counts, population, mean, median, p90,
        // gini, concentration index, palma), + 2 shares within (800 and 2,000 m, from the study's metres and station
        // bands) for all but the bus stops' one (400 m), + the standard and 3 FGT for the 4 with a standard.
        #expect(csv.count == 1 + 11 * (8 * 10 + 7 * 2 + 1 + 4 * 4))
        // The decile classes add up to the whole.
        let populations = csv.filter { $0[0] == "gp_practices_straight" && $0[2] == "population" && $0[1] != "all" }.map { Double($0[3])! }
        #expect(populations.count == 10 && populations.reduce(0, +) == 235013)
        let wards = try StudyRunTests().byCode("\(out)/wards.geojson")
        // Bucklow-St Martins: connectivity rank 3 (≤ ⌈0.1 × 21⌉ = 3) and Trafford's highest IMD 2019 score, 42.5.
        #expect(wards["E05000824"]?["left_behind"] as? Bool == true)
        #expect(wards.values.count { $0["left_behind"] as? Bool == true } == 1)
        #expect(wards["E05000824"]?["equity_class"] as? Double == 1)
        guard case .object(let summary)? = report.summary["left_behind"] else { Issue.record("no left_behind summary"); return }
        #expect(summary["codes"] == .array([.string("E05000824")]))
        #expect(report.summary["equity"] != nil)
    }

    /// Two 1 km squares, three origins (people 100, 300, 50; households without a car 10, 60, 5) at 100, 900 and
    /// 1,500 m from the one GP, and each zone's share of households without a car joined (A 20%, B 50%).
    func weightedStudy(in folder: URL, weight: String) throws -> [String: Double] {
        try squaresStudy(in: folder, equity: "indicators = [\"gp_straight\"]\nclass = \"code\"\nweight = \(weight)").rows
    }

    /// The squares study with `equity` as its [equity] table and `join` as join.csv; equity.csv by "class.measure".
    func squaresStudy(in folder: URL, equity: String, join: String = "code,no_car_pct\nA,20\nB,50\n",
                      gp: String = "400000,300500") throws -> (rows: [String: Double], report: StudyRun.Report) {
        try DistanceJobTests.squares([("A", 400_000, 300_000, 401_000, 301_000), ("B", 401_000, 300_000, 402_000, 301_000)])
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        try "easting,northing,population,no_car\n400100,300500,100,10\n400900,300500,300,60\n401500,300500,50,5\n"
            .write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
        try "easting,northing\n\(gp)\n".write(to: folder.appendingPathComponent("gp.csv"), atomically: true, encoding: .utf8)
        try join.write(to: folder.appendingPathComponent("join.csv"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("study.toml").path
        try """
        [study]
        output = "out"
        [zones]
        files = ["zones.geojson"]
        code_field = "code"
        [origins]
        file = "origins.csv"
        weight_field = "population"
        [distance]
        services = ["gp.csv"]
        metres = [1000]
        [[join]]
        file = "join.csv"
        key = "code"
        [equity]
        \(equity)
        [outputs]
        map = false
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let report = try StudyRun(study: path).run()
        let rows = try String(contentsOfFile: folder.appendingPathComponent("out/equity.csv").path, encoding: .utf8).split(separator: "\n").dropFirst()
        var result: [String: Double] = [:]
        for row in rows {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            result["\(f[1]).\(f[2])"] = Double(f[3])
        }
        return (result, report)
    }

    @Test func badInputIsNamedNotDropped() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A class missing in zone B: B's origin is left out of the class rows, kept in all, and named.
        var run = try squaresStudy(in: folder, equity: "indicators = [\"gp_straight\"]\nclass = \"lad\"", join: "code,lad\nA,Rutland\nB,\n")
        #expect(run.rows["Rutland.population"] == 400 && run.rows["all.population"] == 450 && run.rows["B.population"] == nil)
        #expect(run.report.notes.contains("[equity] class lad: 1 zone(s) have no value and are left out of the class rows (kept in class all): B"))
        // A need that is not a number is an error naming the zone, the join file and the column.
        #expect { _ = try squaresStudy(in: folder, equity: "indicators = [\"gp_straight\"]\nneed = \"imd\"", join: "code,imd\nA,12.5\nB,n/a\n") } throws: {
            let text = "\($0)"
            return text.contains("join.csv") && text.contains("imd") && text.contains("zone B: 'n/a' is not a number")
        }
        // An indicator the study does not make is named with those it does.
        #expect { _ = try squaresStudy(in: folder, equity: "indicators = [\"gp_pt\"]") } throws: {
            "\($0)".contains("'gp_pt' is not a per-origin indicator of this study (they are: gp_straight)")
        }
        // Every origin 100 m from its nearest GP (one 100 m north of each): Gini 0, not a division by zero, with a note.
        run = try squaresStudy(in: folder, equity: "indicators = [\"gp_straight\"]", gp: "400100,300600\n400900,300600\n401500,300600")
        #expect(run.rows["all.gini"] == 0 && run.rows["all.mean"] == 100)
        #expect(run.report.notes.contains("[equity] gp_straight: every origin has the same value, so its Gini and concentration index are 0"))
    }

    @Test func weightsOtherThanPeople() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The origins' own field: w = 10, 60, 5 (W = 75): mean (100·10 + 900·60 + 1500·5) / 75 = 62500/75; within 1 km
        // 70/75; class A (10, 60): 55000/70; B: 1500. population stays the people, 450.
        var m = try weightedStudy(in: folder, weight: "{ field = \"no_car\" }")
        #expect(m["all.weight"] == 75 && m["all.population"] == 450)
        #expect(close(m["all.mean"], 62500.0 / 75) && close(m["all.within_1000_pct"], 7000.0 / 75))
        #expect(close(m["A.mean"], 55000.0 / 70) && m["B.mean"] == 1500 && m["A.weight"] == 70)
        // The zone's percentage of each origin's people: w = 100·0.2, 300·0.2, 50·0.5 = 20, 60, 25: mean
        // (2000 + 54000 + 37500) / 105.
        m = try weightedStudy(in: folder, weight: "{ column = \"no_car_pct\", as = \"percent\" }")
        #expect(m["all.weight"] == 105 && close(m["all.mean"], 93500.0 / 105))
        // The zone's value as a count shared by people: A's 20 as 5 and 15, B's 50 to its one origin: mean
        // (500 + 13500 + 75000) / 70.
        m = try weightedStudy(in: folder, weight: "{ column = \"no_car_pct\", as = \"count\" }")
        #expect(m["all.weight"] == 70 && close(m["all.mean"], 89000.0 / 70))
    }
}
