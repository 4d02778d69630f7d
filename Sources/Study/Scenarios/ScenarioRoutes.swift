import Foundation
import GeoData
import GeoPrimitives

/// A route a scenario removed, added or changed, found by comparing the feed before and after its edits, with
/// the stop sequences it runs as lines (WGS84 longitude/latitude, stop to stop: the map's and the GIS layer's
/// picture of what changed).
public struct ScenarioRouteChange: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Every trip of the route is gone.
        case removed
        /// The route is new.
        case added
        /// Trips, their times, their calls or their services differ.
        case changed
    }

    public var scenario: String
    /// The study feed path the route is in.
    public var feed: String
    public var routeID: String
    /// `route_short_name`, else `route_long_name`, else the id.
    public var name: String
    public var kind: Kind
    /// Rows of trips.txt for the route before and after (every service, not only the study date's).
    public var tripsBefore: Int
    public var tripsAfter: Int
    /// The distinct stop sequences: after the change (before it, for a removed route); a sequence run both ways
    /// is drawn once.
    public var lines: [[XY]]
}

/// Finds the routes a scenario changed and writes them as a layer.
public enum ScenarioRoutes {
    public static let fileName = "scenario_routes.geojson"

    /// The routes of `after` that differ from `before` (one study feed before and after a scenario's edits), in
    /// route order: before's routes first, then those `after` adds.
    public static func changes(scenario: String, feed: String, before: GTFSFiles, after: GTFSFiles) -> [ScenarioRouteChange] {
        let only = candidates(before: before, after: after)
        let old = RouteTrips(before, routes: only), new = RouteTrips(after, routes: only)
        var order = old.routes
        for route in new.routes where old.trips[route] == nil && old.names[route] == nil { order.append(route) }
        var changes: [ScenarioRouteChange] = []
        for route in order {
            let was = old.trips[route] ?? [], now = new.trips[route] ?? []
            guard was != now else { continue }
            let kind: ScenarioRouteChange.Kind = now.isEmpty ? .removed : (was.isEmpty ? .added : .changed)
            let lines = kind == .removed ? old.lines(route) : new.lines(route)
            changes.append(ScenarioRouteChange(scenario: scenario, feed: feed, routeID: route, name: new.names[route] ?? old.names[route] ?? route,
                                               kind: kind, tripsBefore: was.count, tripsAfter: now.count, lines: lines))
        }
        return changes
    }

    /// The routes an edit can have changed when stop_times.txt is held in part (nil, every route, otherwise):
    /// every trip an edit may change is held (`ScenarioTimetables.tripsToHold`), so only the routes of held
    /// trips, of trips an edit added and routes an edit added can differ. A national feed's other million trips
    /// are not hashed.
    static func candidates(before: GTFSFiles, after: GTFSFiles) -> Set<String>? {
        guard let held = before.heldStopTimes?.trips, after.heldStopTimes != nil else { return nil }
        var routes: Set<String> = []
        if let table = before.tables["trips.txt"], let trip = table.column("trip_id"), let route = table.column("route_id") {
            for row in table.rows where held.contains(row[trip]) { routes.insert(row[route]) }
        }
        if let table = after.tables["trips.txt"], let route = table.column("route_id") {
            for r in table.rows.indices where table.lines[r] == 0 { routes.insert(table.rows[r][route]) }
        }
        if let table = after.tables["routes.txt"], let id = table.column("route_id") {
            for r in table.rows.indices where table.lines[r] == 0 { routes.insert(table.rows[r][id]) }
        }
        return routes
    }

    /// One GeoJSON feature a route: `scenario`, `feed`, `route_id`, `route_name`, `change` (removed, added,
    /// changed), `trips_before`, `trips_after`; a MultiLineString (nil geometry when no stop has a position).
    public static func features(_ changes: [ScenarioRouteChange]) -> [Feature] {
        changes.map { change in
            var properties = JSONObject()
            properties["scenario"] = .string(change.scenario)
            properties["feed"] = .string((change.feed as NSString).lastPathComponent)
            properties["route_id"] = .string(change.routeID)
            properties["route_name"] = .string(change.name)
            properties["change"] = .string(change.kind.rawValue)
            properties["trips_before"] = .number(Double(change.tripsBefore))
            properties["trips_after"] = .number(Double(change.tripsAfter))
            return Feature(properties: properties, geometry: change.lines.isEmpty ? nil : .multiLineString(change.lines))
        }
    }

    /// The column meanings of `features`, for the GeoPackage and PostGIS layer.
    public static let schema: [String: ColumnSchema] = [
        "scenario": ColumnSchema(name: "scenario", unit: nil, description: "the [[scenario]] name", source: "reach run"),
        "feed": ColumnSchema(name: "feed", unit: nil, description: "the GTFS feed the route is in", source: "reach run"),
        "route_id": ColumnSchema(name: "route_id", unit: nil, description: "routes.txt route_id", source: "reach run"),
        "route_name": ColumnSchema(name: "route_name", unit: nil, description: "route_short_name, else route_long_name", source: "reach run"),
        "change": ColumnSchema(name: "change", unit: nil, description: "removed (no trip left), added (a new route) or changed (trips, times, calls or services differ)", source: "reach run"),
        "trips_before": ColumnSchema(name: "trips_before", unit: "trips", description: "the route's rows of trips.txt before the scenario (every service)", source: "reach run"),
        "trips_after": ColumnSchema(name: "trips_after", unit: "trips", description: "the route's rows of trips.txt in the scenario (every service)", source: "reach run"),
    ]
}

/// Per route of one feed: a hash of each trip (its service, its calls' stops and times in stop_sequence order,
/// its frequencies.txt rows), sorted, so two feeds' routes compare equal exactly when they run the same trips
/// (up to a 64-bit hash collision); and one stop list per distinct sequence, for drawing.
private struct RouteTrips {
    var routes: [String] = []
    var names: [String: String] = [:]
    var trips: [String: [Int]] = [:]
    var sequences: [String: [Int: [String]]] = [:]
    var stopXY: [String: XY] = [:]

    /// Every route of `files`, or only those in `only`.
    init(_ files: GTFSFiles, routes only: Set<String>? = nil) {
        if let table = files.tables["routes.txt"], let id = table.column("route_id") {
            let short = table.column("route_short_name"), long = table.column("route_long_name")
            for row in table.rows where only?.contains(row[id]) ?? true {
                let route = row[id]
                if names[route] == nil { routes.append(route) }
                let name = [short, long].compactMap { $0.map { row[$0] } }.first { !$0.isEmpty }
                names[route] = name ?? route
            }
        }
        defer {
            // The positions of the stops some sequence draws.
            let drawn = Set(sequences.values.flatMap { $0.values.joined() })
            if let table = files.tables["stops.txt"], let id = table.column("stop_id"), let lat = table.column("stop_lat"), let lon = table.column("stop_lon") {
                for row in table.rows where drawn.contains(row[id]) {
                    if let y = Double(row[lat]), let x = Double(row[lon]) { stopXY[row[id]] = XY(x, y) }
                }
            }
        }
        var rowsOf: [String: [Int32]] = [:]
        let stopTimes = files.tables["stop_times.txt"]
        if let table = stopTimes, let trip = table.column("trip_id") {
            for (r, row) in table.rows.enumerated() { rowsOf[row[trip], default: []].append(Int32(r)) }
        }
        var headways: [String: [String]] = [:]
        if let table = files.tables["frequencies.txt"], let trip = table.column("trip_id") {
            for row in table.rows { headways[row[trip], default: []].append(row.joined(separator: ",")) }
        }
        guard let table = files.tables["trips.txt"], let tripColumn = table.column("trip_id"), let routeColumn = table.column("route_id") else { return }
        let service = table.column("service_id")
        let sequence = stopTimes?.column("stop_sequence"), stop = stopTimes?.column("stop_id")
        let times = ["arrival_time", "departure_time", "pickup_type", "drop_off_type"].map { stopTimes?.column($0) }
        var unnamed = Set<String>()
        for row in table.rows where only?.contains(row[routeColumn]) ?? true {
            let trip = row[tripColumn], route = row[routeColumn]
            var calls = rowsOf[trip] ?? []
            if let sequence, let stopTimes {
                calls.sort { (Int(stopTimes.rows[Int($0)][sequence]) ?? 0, $0) < (Int(stopTimes.rows[Int($1)][sequence]) ?? 0, $1) }
            }
            var whole = Hasher(), pattern = Hasher()
            whole.combine(service.map { row[$0] } ?? "")
            for r in calls {
                let fields = stopTimes!.rows[Int(r)]
                let id = stop.map { fields[$0] } ?? ""
                pattern.combine(id)
                whole.combine(id)
                for column in times { whole.combine(column.map { fields[$0] } ?? "") }
            }
            for line in headways[trip]?.sorted() ?? [] { whole.combine(line) }
            trips[route, default: []].append(whole.finalize())
            let key = pattern.finalize()
            if sequences[route]?[key] == nil {
                sequences[route, default: [:]][key] = calls.map { r in stop.map { stopTimes!.rows[Int(r)][$0] } ?? "" }
            }
            if names[route] == nil { unnamed.insert(route) }
        }
        routes += unnamed.sorted()
        for route in trips.keys { trips[route]!.sort() }
    }

    /// The route's distinct stop sequences as lines, each once however many trips run it and either way round,
    /// longest first; stops without a position are left out of a line.
    func lines(_ route: String) -> [[XY]] {
        var drawn = Set<[String]>(), lines: [[XY]] = []
        let all = (sequences[route] ?? [:]).values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        for stops in all where !drawn.contains(stops) && !drawn.contains(stops.reversed()) {
            drawn.insert(stops)
            let line = stops.compactMap { stopXY[$0] }
            if line.count >= 2 { lines.append(line) }
        }
        return lines
    }
}
