import Foundation
import GeoData
import GeoPrimitives

/// One `[[scenario]]` of a study (docs/scenarios.md): a named change to the study's timetables, measured against
/// the baseline in the same run. Its modifications apply in a fixed order: `base`'s, then `feed`/`date`, then
/// `remove_routes`, `remove_trips`, `frequency`, `remove_stops`, `add_stop`, `add_route`.
public struct Scenario: Sendable {
    /// A short identifier, used in column names (`{column}__{name}`).
    public var name: String
    /// The scenario this one starts from, if any.
    public var base: String?
    /// A whole other set of feeds replacing the study's (paths resolved against the study's folder).
    public var feeds: [String]?
    /// Another service date for every timetable step.
    public var date: ServiceDate?
    public var edits: [ScenarioEdit]
    /// The scenario's own table in the study file, for messages.
    public var at: StudyConfigError

    /// Days named in a study file (`mon` or `monday`), as weekday numbers (Monday = 0).
    static let dayNames: [String: Int] = {
        var names: [String: Int] = [:]
        for (d, name) in ServiceDate.weekdayNames.enumerated() {
            names[name] = d
            names[String(name.prefix(3))] = d
        }
        return names
    }()
}

/// One modification of a scenario, with the place in the study file that asked for it (every error about it
/// names that line).
public struct ScenarioEdit: Sendable {
    public enum Kind: Sendable {
        /// All trips of the routes a selector names (a `route_id`, or a `route_short_name`, optionally of one agency).
        case removeRoutes([String], agency: String?)
        /// A route's trips whose first departure lies in [from, to) (seconds of the service day); on `days` only
        /// (Monday = 0) when given, else on every day.
        case removeTrips(route: String, agency: String?, from: Int, to: Int, days: Set<Int>?)
        /// A route's trips departing in [from, to) replaced, pattern by pattern, by copies of the first at a
        /// headway: `headwaySeconds`, or the window over the trip count divided by `factor`.
        case frequency(route: String, agency: String?, from: Int, to: Int, headwaySeconds: Int?, factor: Double?)
        /// Stops by id (a station with its platforms), and those within the polygons of a file: every trip skips them.
        case removeStops(ids: [String], within: String?)
        case addStop(NewStop)
        case addRoute(NewRoute)
    }

    public var kind: Kind
    public var at: StudyConfigError

    /// An error about this modification, at its line in the study file.
    func error(_ message: String) -> StudyConfigError {
        var error = at
        error.message = message
        return error
    }
}

/// Where a stop of an added route or an added stop is: an existing stop (a feed's `stop_id`, or a NaPTAN
/// `ATCOCode` or `NaptanCode` of the study's NaPTAN file), or a new point (WGS84 longitude, latitude).
public enum StopReference: Sendable, Equatable, CustomStringConvertible {
    case id(String)
    case point(XY)

    public var description: String {
        switch self {
        case .id(let id): return "'\(id)'"
        case .point(let p): return "(\(p.x), \(p.y))"
        }
    }
}

/// `[[scenario.add_stop]]`: a stop added to every trip of a route between two of its calls, its times placed by
/// straight-line distance along the hop, and every later call delayed by the dwell.
public struct NewStop: Sendable {
    public var route: String
    public var agency: String?
    public var stop: StopReference
    public var name: String?
    /// The call after which it is inserted; nil: on each pattern's hop nearest to the stop.
    public var after: String?
    public var dwellSeconds: Int
}

/// `[[scenario.add_route]]`: a new route over an ordered list of stops, at a headway over a span on given days.
public struct NewRoute: Sendable {
    /// The route's `route_short_name` (and the stem of its ids).
    public var name: String
    public var routeType: Int
    public var agency: String?
    public var stops: [StopReference]
    /// Running time of each hop, seconds; nil: from `speedKmh` and `detourFactor` over the straight line.
    public var hopSeconds: [Int]?
    public var speedKmh: Double?
    public var detourFactor: Double?
    public var dwellSeconds: Int
    public var headwaySeconds: Int
    /// First departure, and the time before which every departure lies (seconds of the service day).
    public var start: Int
    public var end: Int
    /// Weekdays it runs (Monday = 0).
    public var days: Set<Int>
    /// Whether trips also run from the last stop back to the first.
    public var bothDirections: Bool

    /// Modes a study file names, and their GTFS `route_type`.
    static let modes: [String: Int] = ["tram": 0, "metro": 1, "rail": 2, "bus": 3, "ferry": 4, "coach": 200]
}

extension Scenario {
    /// The name of a scenario's edited feed in the output folder: `scenario_{name}_{feed file name}.zip`.
    public static func zipName(_ scenario: String, _ path: String) -> String {
        var base = (path as NSString).lastPathComponent
        if base.lowercased().hasSuffix(".zip") { base = String(base.dropLast(4)) }
        return "scenario_\(scenario)_\(base).zip"
    }

    /// The feed paths a scenario's timetables stand under: its own `feed`s, else its base's, else the study's.
    public static func feedPaths(of scenario: Scenario, in scenarios: [Scenario], studyFeeds: [String]) -> [String] {
        var current: Scenario? = scenario
        var seen = Set<String>()
        while let next = current, seen.insert(next.name).inserted {
            if let feeds = next.feeds { return feeds }
            current = next.base.flatMap { base in scenarios.first { $0.name == base } }
        }
        return studyFeeds
    }

    /// The study's `[[scenario]]` tables, checked: names unique and usable in column names, `base` naming another
    /// scenario with no cycle, every time, headway, factor and day well formed.
    static func decodeAll(_ tables: [ConfigTable], paths: inout StudyPaths) throws(StudyConfigError) -> [Scenario] {
        var scenarios: [Scenario] = []
        for table in tables {
            let scenario = try decode(table, paths: &paths)
            if scenarios.contains(where: { $0.name == scenario.name }) {
                throw table.error("name", "two scenarios are called '\(scenario.name)'; each needs its own name (it is part of column names)")
            }
            scenarios.append(scenario)
        }
        for scenario in scenarios {
            var seen = [scenario.name]
            var next = scenario.base
            while let base = next {
                guard let found = scenarios.first(where: { $0.name == base }) else {
                    var error = scenario.at
                    error.message = "base '\(base)' is not a scenario of this study (scenarios: \(scenarios.map(\.name).joined(separator: ", ")))"
                    throw error
                }
                if seen.contains(base) {
                    var error = scenario.at
                    error.message = "base makes a cycle: \((seen + [base]).joined(separator: " → "))"
                    throw error
                }
                seen.append(base)
                next = found.base
            }
        }
        return scenarios
    }

    static func decode(_ table: ConfigTable, paths: inout StudyPaths) throws(StudyConfigError) -> Scenario {
        let name = try table.requiredString("name")
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), name.first?.isNumber == false, name.count <= 40 else {
            throw table.error("name", "'\(name)' must be letters, digits and _ (starting with a letter, at most 40), as it becomes part of column names")
        }
        var scenario = Scenario(name: name, base: try table.string("base"), feeds: nil, date: try table.serviceDate("date"), edits: [],
                                at: table.error("name", ""))
        if table.has("feed") {
            let feeds = try paths.paths(table, "feed")
            guard !feeds.isEmpty else { throw table.error("feed", "must name at least one GTFS feed") }
            scenario.feeds = feeds
        }
        let agency = try table.string("agency")
        let routes = try table.strings("remove_routes")
        if table.has("remove_routes") {
            guard !routes.isEmpty else { throw table.error("remove_routes", "must name at least one route") }
            scenario.edits.append(ScenarioEdit(kind: .removeRoutes(routes, agency: agency), at: table.error("remove_routes", "")))
        }
        for item in try table.tables("remove_trips") {
            let route = try item.requiredString("route")
            let (from, to) = try span(item, from: "from", to: "to", required: false)
            let days = try item.has("days") ? dayList(item, "days") : nil
            scenario.edits.append(ScenarioEdit(kind: .removeTrips(route: route, agency: try item.string("agency"), from: from, to: to, days: days),
                                               at: item.error(nil, "")))
            try item.finish(known: ["route", "agency", "from", "to", "days"])
        }
        for item in try table.tables("frequency") {
            let route = try item.requiredString("route")
            let (from, to) = try span(item, from: "from", to: "to", required: true)
            let headway = try minutesAsSeconds(item, "headway_min")
            let factor = try item.positive("factor", atMost: 100)
            guard (headway == nil) != (factor == nil) else {
                throw item.error(nil, "give either headway_min (minutes between departures) or factor (0.5 halves the service), not \(headway == nil ? "neither" : "both")")
            }
            scenario.edits.append(ScenarioEdit(kind: .frequency(route: route, agency: try item.string("agency"), from: from, to: to,
                                                                headwaySeconds: headway, factor: factor), at: item.error(nil, "")))
            try item.finish(known: ["route", "agency", "from", "to", "headway_min", "factor"])
        }
        let stopIDs = try table.strings("remove_stops")
        let within = try paths.path(table, "remove_stops_within")
        if table.has("remove_stops") || within != nil {
            if table.has("remove_stops"), stopIDs.isEmpty { throw table.error("remove_stops", "must name at least one stop") }
            scenario.edits.append(ScenarioEdit(kind: .removeStops(ids: stopIDs, within: within),
                                               at: table.error(table.has("remove_stops") ? "remove_stops" : "remove_stops_within", "")))
        }
        for item in try table.tables("add_stop") {
            let stops = try stopReferences(item, "stop", single: true)
            let stop = NewStop(route: try item.requiredString("route"), agency: try item.string("agency"), stop: stops[0],
                               name: try item.string("stop_name"), after: try item.string("after"),
                               dwellSeconds: try nonNegativeInteger(item, "dwell_s") ?? 0)
            scenario.edits.append(ScenarioEdit(kind: .addStop(stop), at: item.error(nil, "")))
            try item.finish(known: ["route", "agency", "stop", "stop_name", "after", "dwell_s"])
        }
        for item in try table.tables("add_route") {
            scenario.edits.append(ScenarioEdit(kind: .addRoute(try newRoute(item)), at: item.error(nil, "")))
        }
        try table.finish(known: ["name", "base", "feed", "date", "agency", "remove_routes", "remove_trips", "frequency", "remove_stops",
                                 "remove_stops_within", "add_stop", "add_route"])
        if scenario.edits.isEmpty, scenario.feeds == nil, scenario.date == nil, scenario.base == nil {
            throw table.error(nil, "scenario '\(name)' changes nothing: give remove_routes, remove_trips, frequency, remove_stops, add_stop, add_route, feed or date")
        }
        return scenario
    }

    private static func newRoute(_ item: ConfigTable) throws(StudyConfigError) -> NewRoute {
        let name = try item.requiredString("name")
        let modeName = try item.string("mode") ?? "bus"
        guard let type = NewRoute.modes[modeName] else {
            throw item.error("mode", "'\(modeName)' is not one of \(NewRoute.modes.keys.sorted().joined(separator: ", "))")
        }
        let stops = try stopReferences(item, "stops", single: false)
        guard stops.count >= 2 else { throw item.error("stops", "a route needs at least two stops, found \(stops.count)") }
        var hops: [Int]?
        if item.has("hop_min") {
            guard let minutes = try item.positives("hop_min") else { throw item.error("hop_min", "expected minutes for each hop") }
            guard minutes.count == stops.count - 1 else {
                throw item.error("hop_min", "\(stops.count) stops need \(stops.count - 1) hop times, found \(minutes.count)")
            }
            hops = minutes.map { Int(($0 * 60).rounded()) }
        }
        let speed = try item.positive("speed_kmh", atMost: 400, unit: " km/h")
        let detour = try item.number("detour_factor")
        if hops == nil {
            guard speed != nil, let detour else {
                throw item.error(nil, "give the running times: hop_min (minutes per hop), or speed_kmh with detour_factor (road distance over straight line, e.g. 1.3)")
            }
            guard detour >= 1, detour <= 5 else { throw item.error("detour_factor", "must be between 1 and 5, not \(detour)") }
        } else if speed != nil || detour != nil {
            throw item.error(speed != nil ? "speed_kmh" : "detour_factor", "give hop_min or speed_kmh with detour_factor, not both")
        }
        guard let headway = try minutesAsSeconds(item, "headway_min") else { throw item.error(nil, "missing key 'headway_min'") }
        let (start, end) = try span(item, from: "start", to: "end", required: true)
        let days = try item.has("days") ? dayList(item, "days") : Set(0..<5)
        let route = NewRoute(name: name, routeType: type, agency: try item.string("agency"), stops: stops, hopSeconds: hops, speedKmh: speed,
                             detourFactor: detour, dwellSeconds: try nonNegativeInteger(item, "dwell_s") ?? 0, headwaySeconds: headway,
                             start: start, end: end, days: days, bothDirections: try item.bool("both_directions") ?? true)
        try item.finish(known: ["name", "mode", "agency", "stops", "hop_min", "speed_kmh", "detour_factor", "dwell_s", "headway_min",
                                "start", "end", "days", "both_directions"])
        return route
    }

    /// Two times of day (`HH:MM`, up to 48:00 as GTFS allows past midnight), the second after the first; absent
    /// and not required: the whole service day.
    private static func span(_ item: ConfigTable, from: String, to: String, required: Bool) throws(StudyConfigError) -> (Int, Int) {
        func time(_ key: String) throws(StudyConfigError) -> Int? {
            guard let text = try item.string(key) else { return nil }
            guard let seconds = GTFSTime.parse(text) else { throw item.error(key, "'\(text)' is not a time of day (HH:MM)") }
            guard seconds <= 48 * 3600 else { throw item.error(key, "'\(text)' is outside the service day (times run to 48:00 at most)") }
            return seconds
        }
        let start = try time(from), end = try time(to)
        if required, start == nil || end == nil { throw item.error(nil, "missing key '\(start == nil ? from : to)' (HH:MM)") }
        let first = start ?? 0, last = end ?? 48 * 3600
        guard last > first else { throw item.error(to, "\(GTFSTime.format(last).prefix(5)) is not after \(from) \(GTFSTime.format(first).prefix(5))") }
        return (first, last)
    }

    private static func minutesAsSeconds(_ item: ConfigTable, _ key: String) throws(StudyConfigError) -> Int? {
        guard let minutes = try item.number(key) else { return nil }
        guard minutes > 0 else { throw item.error(key, "a headway must be more than 0 minutes, not \(minutes)") }
        guard minutes <= 24 * 60 else { throw item.error(key, "a headway of more than a day (\(minutes) min) is not a service") }
        return Int((minutes * 60).rounded())
    }

    private static func nonNegativeInteger(_ item: ConfigTable, _ key: String) throws(StudyConfigError) -> Int? {
        guard let value = try item.integer(key) else { return nil }
        guard value >= 0, value <= 3600 else { throw item.error(key, "must be between 0 and 3600 seconds, not \(value)") }
        return value
    }

    private static func dayList(_ item: ConfigTable, _ key: String) throws(StudyConfigError) -> Set<Int> {
        let names = try item.strings(key)
        guard !names.isEmpty else { throw item.error(key, "must name at least one day") }
        var days = Set<Int>()
        for name in names {
            guard let day = dayNames[name.lowercased()] else { throw item.error(key, "'\(name)' is not a day (mon, tue, wed, thu, fri, sat, sun)") }
            days.insert(day)
        }
        return days
    }

    /// Stops given as ids (strings) or points (`[lon, lat]`), alone (`single`) or as an array.
    private static func stopReferences(_ item: ConfigTable, _ key: String, single: Bool) throws(StudyConfigError) -> [StopReference] {
        func reference(_ value: ConfigValue, _ label: String) throws(StudyConfigError) -> StopReference {
            switch value {
            case .string(let id) where !id.isEmpty: return .id(id)
            case .array(let pair) where pair.count == 2:
                var numbers: [Double] = []
                for part in pair {
                    switch part {
                    case .integer(let n): numbers.append(Double(n))
                    case .float(let x) where x.isFinite: numbers.append(x)
                    default: throw item.error(label, "a point is [longitude, latitude] in numbers")
                    }
                }
                guard abs(numbers[0]) <= 180, abs(numbers[1]) <= 90 else {
                    throw item.error(label, "[\(numbers[0]), \(numbers[1])] is not a longitude and latitude (WGS84, degrees)")
                }
                return .point(XY(numbers[0], numbers[1]))
            default:
                throw item.error(label, "expected a stop id (a string) or a point [longitude, latitude], found \(value.typeName)")
            }
        }
        guard let value = item.value(key) else { throw item.error(nil, "missing key '\(key)'") }
        if single {
            return [try reference(value, key)]
        }
        guard case .array(let items) = value else { throw item.error(key, "expected an array of stops (ids or [longitude, latitude])") }
        var references: [StopReference] = []
        for (i, entry) in items.enumerated() { references.append(try reference(entry, "\(key)[\(i + 1)]")) }
        return references
    }
}
