import Accessibility
import Scoring
import Testing
@testable import Study

@Suite struct StudyConfigTests {
    let valid = """
    [score]
    normalisation = "zscore"
    group_by = "LAD23CD"

    [score.robustness]
    draws = 250
    seed = 7

    [[score.domain]]
    name = "transport"
    weight = 2
    transform = "linear"

    [[score.domain]]
    name = "digital"

    [[score.indicator]]
    name = "bus"
    source = "bus_departures_per_hour"
    direction = "higher_is_better"
    domain = "transport"
    weight = 3

    [[score.indicator]]
    name = "speed"
    direction = "higher_is_better"   # source defaults to the name
    domain = "digital"

    [[join]]
    file = "no_car.csv"
    key = "area_code"
    columns = { value = "no_car_pct", period = "no_car_year" }
    """

    @Test func readsEveryKey() throws {
        let config = try StudyConfig.parse(text: valid, file: "study.toml", folder: "/data/study")
        let spec = try #require(config.scoring)
        #expect(spec.normalisation == .zscore && spec.domainTransform == .exponential && spec.missing == .reweight)
        #expect(spec.groupBy == "LAD23CD")
        #expect(spec.robustness == RobustnessSpec(draws: 250, weightJitter: 0.25, seed: 7, leaveOneOut: true))
        #expect(spec.domains == [DomainSpec(name: "transport", weight: 2, transform: .linear), DomainSpec(name: "digital")])
        #expect(spec.indicators == [
            IndicatorSpec(name: "bus", source: "bus_departures_per_hour", direction: .higherIsBetter, domain: "transport", weight: 3),
            IndicatorSpec(name: "speed", source: "speed", direction: .higherIsBetter, domain: "digital"),
        ])
        #expect(config.joins == [JoinSpec(file: "/data/study/no_car.csv", key: "area_code",
                                          columns: [("value", "no_car_pct"), ("period", "no_car_year")])])
    }

    /// Each mistake is reported with the file, the line of the offending key (counted by hand in `valid`: the
    /// second indicator's direction is line 26, the first's weight 22; a missing key names its table's header,
    /// [[join]] on line 29) and the key's path.
    @Test(arguments: [
        ("direction = \"higher_is_better\"   # source", "direction = \"higher\"   # source", 26,
         "score.indicator[2].direction: 'higher' is not one of higher_is_worse, higher_is_better"),
        ("weight = 3", "weight = -3", 22, "score.indicator[1].weight: must be ≥ 0, not -3.0"),
        ("weight = 3", "wieght = 3", 22, "score.indicator[1].wieght: unknown key ([score.indicator[1]] takes name, source, direction, domain, weight, label)"),
        ("domain = \"digital\"", "domain = \"digitl\"", 27, "score.indicator[2].domain: 'digitl' is not a declared domain (transport, digital)"),
        ("draws = 250", "draws = \"many\"", 6, "score.robustness.draws: expected an integer, found a string"),
        ("normalisation = \"zscore\"", "normalization = \"zscore\"", 2, "score.normalization: unknown key ([score] takes normalisation, domain_transform, missing, group_by, robustness, domain, indicator)"),
        ("key = \"area_code\"", "ky = \"area_code\"", 29, "join[1]: missing key 'key'"),
        ("seed = 7", "seed = 7\nweight_jitter = 1.5", 8, "score.robustness.weight_jitter: must be at least 0 and below 1, not 1.5"),
        // TOML has nan and inf; a figure cannot use them.
        ("seed = 7", "seed = 7\nweight_jitter = nan", 8, "score.robustness.weight_jitter: expected a finite number, found nan (nan and inf are not numbers reach can use)"),
        ("weight = 3", "weight = -inf", 22, "score.indicator[1].weight: expected a finite number, found -inf (nan and inf are not numbers reach can use)"),
    ])
    func errorsNameKeyAndLine(original: String, replacement: String, line: Int, message: String) {
        let text = valid.replacingOccurrences(of: original, with: replacement)
        #expect(text != valid)
        do {
            _ = try StudyConfig.parse(text: text, file: "study.toml")
            Issue.record("no error for \(replacement)")
        } catch {
            #expect(error.description == "study.toml:\(line): \(message)")
        }
    }

    @Test func syntaxErrorNamesTheLine() {
        do {
            _ = try StudyConfig.parse(text: "[score]\nnormalisation = \"rank\nmissing = 3\n", file: "s.toml")
            Issue.record("no error")
        } catch {
            #expect(error.line == 2)
            #expect(error.description.hasPrefix("s.toml:2: TOML syntax:"))
        }
    }

    @Test func publicTransportTable() throws {
        let text = """
        [study]
        output = "out"
        [wards]
        files = ["w.geojson"]
        [public_transport]
        services = ["gp.csv"]
        osm = "x.osm.pbf"
        gtfs = ["bus.zip", "rail.zip"]
        date = "2024-03-05"
        window = "08:00-09:00"
        max_walk = 10
        max_trip = 90
        minutes = [20, 40]
        """
        let pt = try #require(try StudyConfig.parse(text: text, file: "s.toml", folder: "studies").run?.publicTransport)
        #expect(pt.services == ["studies/gp.csv"])
        #expect(pt.gtfs == ["studies/bus.zip", "studies/rail.zip"])
        #expect(pt.window == ServiceWindow(startSeconds: 8 * 3600, endSeconds: 9 * 3600))
        #expect(pt.maxWalkMinutes == 10 && pt.maxTransferWalkMinutes == 5 && pt.maxTripMinutes == 90)
        #expect(pt.minutes == [20, 40])
        #expect(throws: StudyConfigError.self) {
            try StudyConfig.parse(text: text.replacingOccurrences(of: "max_trip = 90", with: "max_trip = 300"), file: "s.toml")
        }
    }

    @Test func unknownTopLevelTable() {
        #expect(throws: StudyConfigError(file: "s.toml", line: 1, key: "scores", "unknown key (the study file takes study, zones, wards, origins, distance, coverage, public_transport, broadband, join, score, outputs, scenario, equity, left_behind, service_profile)")) {
            try StudyConfig.parse(text: "[scores]\nnormalisation = \"rank\"\n", file: "s.toml")
        }
    }

    @Test func keyLinesFollowTablesAndSkipMultilineValues() {
        let lines = KeyLines(text: """
        title = \"\"\"
        not = a key
        \"\"\"
        list = [
          "x = 1",
        ]
        [[score.indicator]]
        name = "a"
        [[score.indicator]]
        "name" = "b"
        [score.robustness]
        draws = 3 # comment = no
        """)
        #expect(lines.line(of: "title") == 1 && lines.line(of: "not") == nil && lines.line(of: "list") == 4)
        #expect(lines.line(of: "score.indicator[1].name") == 8 && lines.line(of: "score.indicator[2].name") == 10)
        #expect(lines.line(of: "score.indicator[2].weight") == 9) // falls back to the table header
        #expect(lines.line(of: "score.robustness.draws") == 12)
    }

    /// The built-in study parses and uses the property names reach's own commands write.
    @Test func defaultStudyParses() throws {
        let spec = try #require(try StudyConfig.parse(text: DefaultStudy.text, file: "<default>").scoring)
        #expect(spec.domains.map(\.name) == ["services", "transport", "digital"])
        #expect(spec.indicators.count == 11)
        #expect(spec.indicators.contains { $0.source == "bus_departures_per_hour" && $0.direction == .higherIsBetter && $0.weight == 2 })
        #expect(spec.robustness.draws == 1000 && spec.robustness.seed == 2019)
    }
}

/// Paths of a study resolve against its folder, with `.` and `..` taken out as Python's os.path.normpath does
/// (the expectations are normpath's answers).
struct StudyPathTests {
    @Test func pathsAreNormalisedLexically() {
        #expect(StudyConfig.lexicallyNormal("fixtures/trafford/../../out/trafford") == "out/trafford")
        #expect(StudyConfig.lexicallyNormal("a/./b//c/") == "a/b/c")
        #expect(StudyConfig.lexicallyNormal("../x/../../y") == "../../y")
        #expect(StudyConfig.lexicallyNormal("/a/../../b") == "/b")
        #expect(StudyConfig.lexicallyNormal("a/..") == ".")
        #expect(StudyConfig.resolve("../../out", folder: "fixtures/trafford") == "out")
        #expect(StudyConfig.resolve("/abs/file.csv", folder: "fixtures/trafford") == "/abs/file.csv")
    }

    @Test("study radii: nan, inf and values past reach's 5 km limit name the key and line")
    func radiusLimits() throws {
        func message(_ coverage: String) -> String {
            let text = "[study]\noutput = \"out\"\n[wards]\nfiles = [\"w.geojson\"]\n[coverage]\nbus_stops = \"b.geojson\"\n" + coverage + "\n"
            do { _ = try StudyConfig.parse(text: text, file: "s.toml"); return "no error" } catch { return error.description }
        }
        // [coverage]'s radius is line 7 of the text above.
        #expect(message("bus_radius = 10000") == "s.toml:7: coverage.bus_radius: must be at most 5000 m (reach's limit), not 10000 m")
        #expect(message("gaps_radius = inf") == "s.toml:7: coverage.gaps_radius: expected a finite number, found inf (nan and inf are not numbers reach can use)")
        #expect(message("rail_radius = 1200") == "no error")
    }

    @Test("table headers toml++ aborted on are syntax errors with line and column; lines starting with '[' in values are values")
    func tomlGuard() throws {
        for (text, line, column) in [("[study]\n[[[x]]\n", 2, 3), ("a = 1\n[=]\n", 2, 2), ("[ .a]\n", 1, 3), ("# c\n  [[ #x]]\n", 2, 6)] {
            do {
                _ = try StudyConfig.parse(text: text, file: "s.toml")
                Issue.record("no error for \(text)")
            } catch {
                #expect(error.line == line, "\(text)")
                #expect(error.description.hasPrefix("s.toml:\(line): TOML syntax: expected a key (letters, digits, '_', '-', or a quoted string), found "), "\(text)")
                #expect(error.description.hasSuffix("(column \(column))"), "\(text)")
            }
        }
        // Lines starting with '[' inside arrays and multi-line strings are values, not headers.
        let valid = """
            x = [
              [1, 2],
              [ "a" ],
            ]
            y = [
            { a = 1 },
            ]
            z = \"\"\"
            [=] not a header
            \"\"\"
            w = '''
            [[[x]]
            '''
            ["quoted key"]
            [[arr]]
            [ t . u ]

            """
        _ = try ConfigTable.parse(text: valid, file: "valid.toml")
    }
}
