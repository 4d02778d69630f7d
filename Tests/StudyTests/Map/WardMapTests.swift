import Foundation
import GeoData
import GeoPrimitives
import Projection
import Testing
@testable import Study

/// The HTML map of four made-up wards: three kilometre squares side by side in British National Grid, given in
/// WGS84 as the writers give them, and one ward without a boundary. Expected paths, classes and colours are
/// worked by hand from the squares' corners and the decile rule (DecileClassesTests).
struct WardMapTests {
    static func square(_ minX: Double) -> Shape {
        .polygon([[XY(minX, 400_000), XY(minX + 1000, 400_000), XY(minX + 1000, 401_000), XY(minX, 401_000), XY(minX, 400_000)]])
    }

    static func wards() throws -> [Feature] {
        let toWGS84 = try Transformer(from: .britishNationalGrid, to: .wgs84)
        let rows: [(String, String, Double?, Double, Shape?)] = [
            ("E1", "Alpha", 10, 100, square(400_000)),
            ("E2", "Beta", 20, 100, square(401_000)),
            ("E3", "Old </script> Town", 30, 300, square(402_000)),
            ("E4", "Delta", nil, 50, nil),
        ]
        return try rows.map { code, name, stops, people, shape in
            var p = JSONObject()
            p["WD23CD"] = .string(code)
            p["WD23NM"] = .string(name)
            p["bus_stop_count"] = stops.map { .number($0) } ?? .null
            p["population"] = .number(people)
            p["reach_warning"] = code == "E2" ? .string("boundary repaired (Ring Self-intersection)") : .null
            return Feature(properties: p, geometry: try shape.map { try toWGS84.transform($0) })
        }
    }

    static func options() -> WardMap.Options {
        var options = WardMap.Options(title: "Test wards", source: "test.geojson")
        options.simplifyMetres = 0
        // What the steps say of their columns (reach run passes the table's schema): bus_stop_count is computed.
        options.schema = ["bus_stop_count": ColumnSchema(name: "bus_stop_count", unit: "stops", description: "active bus stops inside the zone",
                                                         source: "reach coverage"),
                          "population": ColumnSchema(name: "population", unit: nil, description: "passed through unchanged", source: "zone boundaries")]
        return options
    }

    static func data(_ html: String) throws -> [String: Any] {
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"reach-data\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = String(html[start.upperBound..<end.lowerBound])
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func drawsEachWardAsAPathInBritishNationalGrid() throws {
        let (bytes, report) = try WardMap.render(wards: try Self.wards(), options: Self.options())
        let html = String(decoding: bytes, as: UTF8.self)
        #expect(report.wards == 4 && report.drawn == 3)
        #expect(report.notDrawn == ["Delta (E4): no geometry"])
        // Origin: the top-left corner (400000, 401000), 1 m a unit (no simplification). Square k starts at
        // x = 1000 k, y = 1000 and runs right 1000, up 1000 (y down in SVG), left 1000.
        // bus_stop_count 10, 20, 30 among n = 3: classes 1, 4, 7 → viridis #440154, #31688e, #35b779.
        #expect(html.contains("<path data-i=\"0\" fill=\"#440154\" d=\"M0 1000l1000 0 0-1000-1000 0z\"/>"))
        #expect(html.contains("<path data-i=\"1\" fill=\"#31688e\" d=\"M1000 1000l1000 0 0-1000-1000 0z\"/>"))
        #expect(html.contains("<path data-i=\"2\" fill=\"#35b779\" d=\"M2000 1000l1000 0 0-1000-1000 0z\"/>"))
        #expect(!html.contains("data-i=\"3\""))
        #expect(report.property == "bus_stop_count")
        // A 3 km map: the scale bar is the largest 1-2-5 length up to a fifth of it, 500 m.
        #expect(html.contains(">500 m</text>"))
    }

    /// Nothing to fetch: no scripts, styles, images or fonts by URL.
    @Test func makesNoNetworkRequests() throws {
        let html = String(decoding: try WardMap.render(wards: try Self.wards(), options: Self.options()).html, as: UTF8.self)
        for banned in ["http:", "https:", "src=", "href=", "@import", "//cdn", "<link"] {
            #expect(!html.contains(banned), "the map contains \(banned)")
        }
        #expect(html.components(separatedBy: "url(").count - 1 == html.components(separatedBy: "url(#hatch)").count - 1)
    }

    @Test func embedsTheDataTheSelectorAndHoverUse() throws {
        let html = String(decoding: try WardMap.render(wards: try Self.wards(), options: Self.options()).html, as: UTF8.self)
        // The name with </script> must not close the data element early.
        #expect(html.contains("Old <\\/script> Town"))
        let data = try Self.data(html)
        #expect(data["codes"] as? [String] == ["E1", "E2", "E3", "E4"])
        #expect(data["names"] as? [String] == ["Alpha", "Beta", "Old </script> Town", "Delta"])
        #expect((data["warnings"] as? [Any])?.compactMap { $0 as? String } == ["boundary repaired (Ring Self-intersection)"])
        let properties = try #require(data["properties"] as? [[String: Any]])
        // Computed figures (known to the schema) first, then the inputs' numbers; codes and names are not shown.
        #expect(properties.map { $0["name"] as? String } == ["bus_stop_count", "population"])
        #expect(properties[0]["unit"] as? String == "stops")
        // Classes, one character a ward, "-" for no value and digit d − 1 for decile d.
        // bus_stop_count: 1, 4, 7, none → "036-". population 100, 100, 300, 50: ranks 2, 2, 4, 1 of 4 →
        // ⌊10/4⌋ + 1 = 3, 3, ⌊30/4⌋ + 1 = 8, 1 → "2270".
        #expect(properties[0]["classes"] as? String == "036-")
        #expect(properties[1]["classes"] as? String == "2270")
        #expect(properties[0]["missing"] as? Int == 1)
        #expect(data["initial"] as? Int == 0)
    }

    /// A scenario's removed route from (400500, 400500) to (402500, 400500) in British National Grid, given in
    /// WGS84: on the map's grid (origin 400000, 401000; 1 m a unit) it runs from (500, 500) right 2000, drawn
    /// dashed ("removed") over the wards, tagged with its scenario so the page shows it with that scenario's columns.
    @Test func drawsTheRoutesAScenarioChanged() throws {
        let toWGS84 = try Transformer(from: .britishNationalGrid, to: .wgs84)
        var line = [XY(400_500, 400_500), XY(402_500, 400_500)]
        try toWGS84.transform(&line)
        let change = ScenarioRouteChange(scenario: "cut", feed: "/data/bus.zip", routeID: "R9", name: "9", kind: .removed, tripsBefore: 40, tripsAfter: 0,
                                         lines: [line])
        let (bytes, report) = try WardMap.render(wards: try Self.wards(), routes: ScenarioRoutes.features([change]), options: Self.options())
        let html = String(decoding: bytes, as: UTF8.self)
        #expect(report.routes == 1)
        #expect(html.contains("<g id=\"routes\">\n<path data-r=\"0\" data-scenario=\"cut\" class=\"removed\" d=\"M500 500l2000 0\"/>\n</g>"))
        #expect(html.contains("id=\"show-routes\""))
        #expect(html.contains("<li><svg class=\"line-swatch\" width=\"28\" height=\"10\" aria-hidden=\"true\"><line class=\"removed\""))
        #expect(!html.contains("line class=\"added\""))
        let routes = try #require(try Self.data(html)["routes"] as? [[String: Any]])
        #expect(routes.first?["route_name"] as? String == "9" && routes.first?["trips_before"] as? Int == 40 && routes.first?["feed"] as? String == "bus.zip")
        // Without routes there is no route layer or toggle.
        let plain = String(decoding: try WardMap.render(wards: try Self.wards(), options: Self.options()).html, as: UTF8.self)
        #expect(!plain.contains("id=\"routes\"") && !plain.contains("id=\"show-routes\""))
    }

    @Test func aPropertyThatIsNotThereIsNamedWithTheChoices() throws {
        var options = Self.options()
        options.property = "gp_walk_mean"
        #expect {
            _ = try WardMap.render(wards: try Self.wards(), options: options)
        } throws: { error in
            "\(error)".contains("gp_walk_mean") && "\(error)".contains("bus_stop_count, population")
        }
        options.property = "population"
        let html = String(decoding: try WardMap.render(wards: try Self.wards(), options: options).html, as: UTF8.self)
        // Population classes 3, 3, 8 → #3e4a89, #3e4a89, #6dcd59.
        #expect(html.contains("<path data-i=\"2\" fill=\"#6dcd59\""))
        #expect(try Self.data(html)["initial"] as? Int == 1)
    }

    /// The automatic tolerance is a round number near the larger extent / 3000: 3000 m / 3000 = 1 m, so 1 m,
    /// drawn on a 0.5 m grid (the largest 1-2-5 step up to half of it).
    @Test func simplifiesToAboutAPixelByDefault() throws {
        var options = Self.options()
        options.simplifyMetres = nil
        let report = try WardMap.render(wards: try Self.wards(), options: options).report
        #expect(report.simplifyMetres == 1 && report.resolutionMetres == 0.5)
        #expect(WardMap.niceStep(atMost: 219.4) == 200 && WardMap.niceStep(atMost: 4.99) == 2 && WardMap.niceStep(atMost: 1000) == 1000)
    }

    @Test func sameInputSameBytes() throws {
        let wards = try Self.wards()
        #expect(try WardMap.render(wards: wards, options: Self.options()).html == WardMap.render(wards: wards, options: Self.options()).html)
    }
}
