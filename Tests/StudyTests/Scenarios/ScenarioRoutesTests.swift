import Foundation
import GeoData
import GeoPrimitives
import Testing
@testable import Study

/// The routes a scenario changed, on fixtures/raptor: which routes, how many trips before and after (counted by
/// hand from each feed's trips.txt), and their lines as the stops' own stop_lon/stop_lat from stops.txt.
struct ScenarioRoutesTests {
    // single_line/stops.txt, lon/lat.
    static let a1 = XY(-2.401708, 53.419623), a2 = XY(-2.389671, 53.419663), a3 = XY(-2.377634, 53.419702), a4 = XY(-2.365597, 53.419739)

    /// Halving L 07:00–10:00: its 19 trips (trips.txt rows) become the 9 copies and L1000 (ScenarioTimetablesTests
    /// works the 9): changed, 19 → 10, drawn over A1–A4 once.
    @Test func aFrequencyChangeIsAChangedRoute() throws {
        let built = try ScenarioTimetablesTests.build("""
        [[scenario]]
        name = "half"
        frequency = [{ route = "L", from = "07:00", to = "10:00", factor = 0.5 }]
        """, feeds: ["single_line"])
        let routes = built[0].routes
        #expect(routes.count == 1)
        #expect(routes.first?.routeID == "L" && routes.first?.kind == .changed)
        #expect(routes.first?.tripsBefore == 19 && routes.first?.tripsAfter == 10)
        #expect(routes.first?.lines == [[Self.a1, Self.a2, Self.a3, Self.a4]])
        #expect(routes.first?.feed == ScenarioTimetablesTests.raptor.appendingPathComponent("single_line").path)
    }

    /// Removing transfer's R1 (its 4 trips N1–X–P–S1; R2's 8 stay): removed, 4 → 0, drawn from the baseline's
    /// stops (transfer/stops.txt). Adding W (A4 → A1 and back, the same stops both ways): added, 8 trips, one line.
    @Test func removedAndAddedRoutes() throws {
        let cut = try ScenarioTimetablesTests.build("""
        [[scenario]]
        name = "cut"
        remove_routes = ["R1"]
        """, feeds: ["transfer"])
        #expect(cut[0].routes.map(\.routeID) == ["R1"] && cut[0].routes.map(\.kind) == [.removed])
        #expect(cut[0].routes.first?.tripsBefore == 4 && cut[0].routes.first?.tripsAfter == 0)
        #expect(cut[0].routes.first?.lines == [[XY(-2.363716, 53.419745), XY(-2.363593, 53.405364), XY(-2.363532, 53.398173), XY(-2.363455, 53.389185)]])
        let built = try ScenarioTimetablesTests.build("""
        [[scenario]]
        name = "west"
        [[scenario.add_route]]
        name = "W"
        stops = ["A4", "A3", "A2", "A1"]
        hop_min = [5, 5, 5]
        headway_min = 15
        start = "07:00"
        end = "08:00"
        days = ["tue"]
        """, feeds: ["single_line"])
        let added = try #require(built[0].routes.first)
        #expect(built[0].routes.count == 1)
        #expect(added.routeID == "west_W" && added.name == "W" && added.kind == .added)
        #expect(added.tripsBefore == 0 && added.tripsAfter == 8)
        #expect(added.lines.count == 1)
        #expect(Set(added.lines[0]) == Set([Self.a1, Self.a2, Self.a3, Self.a4]) && added.lines[0].count == 4)
    }

    /// Moving trips to fewer days changes the route (its trips' services differ) though its trips.txt rows
    /// stay 19; a feed the scenario leaves alone lists nothing; the GeoJSON layer carries the counts.
    @Test func aServiceChangeIsAChangeAndTheLayerSaysSo() throws {
        let built = try ScenarioTimetablesTests.build("""
        [[scenario]]
        name = "no_monday"
        remove_trips = [{ route = "L", from = "07:00", to = "08:00", days = ["mon"] }]
        """, feeds: ["single_line", "transfer"])
        #expect(built[0].changed == [true, false])
        let routes = built[0].routes
        #expect(routes.map(\.routeID) == ["L"] && routes.first?.kind == .changed)
        #expect(routes.first?.tripsBefore == 19 && routes.first?.tripsAfter == 19)
        let feature = try #require(ScenarioRoutes.features(routes).first)
        #expect(feature.properties["change"] == .string("changed"))
        #expect(feature.properties["trips_after"] == .number(19))
        #expect(feature.properties["feed"] == .string("single_line"))
        #expect(feature.geometry == .multiLineString([[Self.a1, Self.a2, Self.a3, Self.a4]]))
    }
}
