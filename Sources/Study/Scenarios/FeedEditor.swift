import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Projection

/// Applies a scenario's modifications to GTFS files, as gtfstools or Conveyal's modifications do, keeping every
/// column of every row it does not change (docs/scenarios.md). Each modification that names something the feeds
/// lack is an error at its line of the study file; what each one did is said in `notes`.
///
/// Distances (an added stop's place along a hop, an added route's running times) are straight lines in the
/// working CRS, in metres.
struct FeedEditor {
    let scenario: String
    var feeds: [GTFSFiles]
    var notes: [String] = []
    let working: CRS
    /// NaPTAN stops by ATCO code (positions in the working CRS), for stops a feed does not have.
    let naptan: [String: TransitStop]
    private let toWorking: Transformer
    private var newStopCount = 0

    init(scenario: String, feeds: [GTFSFiles], working: CRS, naptan: [String: TransitStop]) throws {
        self.scenario = scenario
        self.feeds = feeds
        self.working = working
        self.naptan = naptan
        toWorking = try Transformer(from: .wgs84, to: working)
    }

    mutating func apply(_ edit: ScenarioEdit) throws {
        switch edit.kind {
        case .removeRoutes(let selectors, let agency):
            // Every selector is found first, then each feed loses all its named routes in one pass over its trips.
            var named: [Int: [(selector: String, rows: [Int])]] = [:]
            for selector in selectors {
                for (f, rows) in try routes(selector, agency: agency, edit) { named[f, default: []].append((selector, rows)) }
            }
            for f in named.keys.sorted() {
                let rows = Set(named[f]!.flatMap(\.rows))
                let ids = Set(rows.map { feeds[f].field("routes.txt", $0, "route_id") })
                let ownIDs = named[f]!.map { entry in (entry.selector, Set(entry.rows.map { feeds[f].field("routes.txt", $0, "route_id") })) }
                var tripsOf: [String: Int] = [:]
                let trips = feeds[f].tripRows { ids.contains($0) }
                for r in trips { tripsOf[feeds[f].field("trips.txt", r, "route_id"), default: 0] += 1 }
                feeds[f].removeTrips(Set(trips.map { feeds[f].field("trips.txt", $0, "trip_id") }))
                feeds[f].tables["routes.txt"]!.keepRows { r, _ in !rows.contains(r) }
                for (selector, routeIDs) in ownIDs {
                    notes.append("\(scenario): removed route \(selector) (route_id \(routeIDs.sorted().joined(separator: ", "))) with \(routeIDs.reduce(0) { $0 + tripsOf[$1, default: 0] }) trips from \(feeds[f].path)")
                }
            }
        case .removeTrips(let route, let agency, let from, let to, let days):
            for (f, rows) in try routes(route, agency: agency, edit) {
                let trips = try tripsDeparting(in: f, routes: rows, from: from, to: to, route: route, edit)
                if let days {
                    try withoutDays(days, trips: trips, feed: f, edit)
                    notes.append("\(scenario): route \(route)'s \(trips.count) trips departing \(Self.clock(from))–\(Self.clock(to)) no longer run on \(Self.dayList(days)) (\(feeds[f].path))")
                } else {
                    let removed = feeds[f].removeTrips(Set(trips))
                    notes.append("\(scenario): removed route \(route)'s \(removed) trips departing \(Self.clock(from))–\(Self.clock(to)) (\(feeds[f].path))")
                }
            }
        case .frequency(let route, let agency, let from, let to, let headway, let factor):
            for (f, rows) in try routes(route, agency: agency, edit) {
                try setFrequency(feed: f, routeRows: rows, route: route, from: from, to: to, headway: headway, factor: factor, edit)
            }
        case .removeStops(let ids, let within):
            try removeStops(ids: ids, within: within, edit)
        case .addStop(let stop):
            try addStop(stop, edit)
        case .addRoute(let route):
            try addRoute(route, edit)
        }
    }

    // MARK: Finding routes and trips

    /// The routes `selector` names in each feed: by `route_id`, else by `route_short_name` (of `agency` when given).
    private func routes(_ selector: String, agency: String?, _ edit: ScenarioEdit) throws -> [(feed: Int, rows: [Int])] {
        var found: [(Int, [Int])] = []
        for (f, feed) in feeds.enumerated() {
            guard let table = feed.tables["routes.txt"] else { continue }
            let id = table.column("route_id"), short = table.column("route_short_name"), owner = table.column("agency_id")
            let rows = table.rows.indices.filter { r in
                let row = table.rows[r]
                guard agency == nil || owner.map({ row[$0] }) == agency else { return false }
                return id.map { row[$0] } == selector || short.map { row[$0] } == selector
            }
            if !rows.isEmpty { found.append((f, rows)) }
        }
        guard !found.isEmpty else {
            let known = feeds.map { feed -> String in
                let table = feed.tables["routes.txt"]
                let names = table.map { t in t.rows.map { row in t.column("route_short_name").map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? t.column("route_id").map { row[$0] } ?? "" } } ?? []
                let sample = Array(Set(names)).sorted { $0.localizedStandardCompare($1) == .orderedAscending }.prefix(12)
                return "\(feed.path): \(names.count) routes, e.g. \(sample.joined(separator: ", "))"
            }
            throw edit.error("route '\(selector)'\(agency.map { " of agency '\($0)'" } ?? "") is in none of the feeds (no route_id or route_short_name matches; \(known.joined(separator: "; ")))")
        }
        return found
    }

    /// Trip ids of the routes' trips whose first departure is in [from, to); an error when there is none.
    private func tripsDeparting(in f: Int, routes rows: [Int], from: Int, to: Int, route: String, _ edit: ScenarioEdit) throws -> [String] {
        let feed = feeds[f]
        let ids = Set(rows.map { feed.field("routes.txt", $0, "route_id") })
        let trips = feed.tripRows { ids.contains($0) }.map { feed.field("trips.txt", $0, "trip_id") }
        let starts = try feed.firstDepartures()
        let chosen = trips.filter { starts[$0].map { $0 >= from && $0 < to } ?? false }
        guard !chosen.isEmpty else {
            let times = trips.compactMap { starts[$0] }
            let span = times.isEmpty ? "it has no timed trips" : "its trips depart \(Self.clock(times.min()!))–\(Self.clock(times.max()!))"
            throw edit.error("route '\(route)' has no trip departing \(Self.clock(from))–\(Self.clock(to)) in \(feed.path) (\(span))")
        }
        return chosen
    }

    // MARK: Days

    /// Moves `trips` to copies of their services that do not run on `days`.
    private mutating func withoutDays(_ days: Set<Int>, trips: [String], feed f: Int, _ edit: ScenarioEdit) throws {
        let suffix = "__\(scenario)_no_" + days.sorted().map { String(ServiceDate.weekdayNames[$0].prefix(3)) }.joined(separator: "_")
        var copies: [String: String] = [:]
        let wanted = Set(trips)
        var table = feeds[f].tables["trips.txt"]!
        let tripColumn = table.column("trip_id")!, serviceColumn = table.column("service_id")!
        for r in table.rows.indices where wanted.contains(table.rows[r][tripColumn]) {
            let service = table.rows[r][serviceColumn]
            if copies[service] == nil {
                let copy = service + suffix
                feeds[f].copyService(service, as: copy, dropping: days)
                copies[service] = copy
            }
            table.rows[r][serviceColumn] = copies[service]!
        }
        feeds[f].tables["trips.txt"] = table
    }

    // MARK: Frequency

    private mutating func setFrequency(feed f: Int, routeRows: [Int], route: String, from: Int, to: Int, headway: Int?, factor: Double?,
                                       _ edit: ScenarioEdit) throws {
        let chosen = try tripsDeparting(in: f, routes: routeRows, from: from, to: to, route: route, edit)
        let feed = feeds[f]
        let headwayBased = feed.frequencyTrips
        // Timetabled trips, grouped by pattern: the service, the direction and the stops called at, in order.
        let calls = try feed.callsByTrip()
        let trips = feed.tables["trips.txt"]!
        let tripColumn = trips.column("trip_id")!, serviceColumn = trips.column("service_id")!, directionColumn = trips.column("direction_id")
        let stopColumn = feed.tables["stop_times.txt"]!.column("stop_id")!
        let rowOf = Dictionary(trips.rows.indices.map { (trips.rows[$0][tripColumn], $0) }, uniquingKeysWith: { a, _ in a })
        let starts = try feed.firstDepartures()
        var groups: [String: [String]] = [:]
        var order: [String] = []
        for trip in chosen where !headwayBased.contains(trip) {
            let row = trips.rows[rowOf[trip]!]
            let stops = (calls[trip] ?? []).map { feed.tables["stop_times.txt"]!.rows[$0][stopColumn] }
            let key = [row[serviceColumn], directionColumn.map { row[$0] } ?? "", stops.joined(separator: ">")].joined(separator: "|")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(trip)
        }
        var removed = 0, added = 0
        for key in order {
            let group = groups[key]!.sorted { (starts[$0]!, $0) < (starts[$1]!, $1) }
            let step = headway ?? Int((Double(to - from) / Double(group.count) / factor!).rounded())
            guard step >= 1 else { throw edit.error("factor \(factor!) gives a headway under one second") }
            let template = group[0], first = starts[template]!
            removed += feeds[f].removeTrips(Set(group))
            var k = 0
            var departure = first
            while departure < to {
                try feeds[f].copyTrip(template, from: feed, as: "\(template)__\(scenario)_\(k)", shift: departure - first, calls: calls[template]!)
                added += 1
                k += 1
                departure = first + k * step
            }
        }
        // Headway-based trips (frequencies.txt): their headways within the window change.
        var changedRows = 0
        if var table = feeds[f].tables["frequencies.txt"], !headwayBased.isEmpty {
            let trip = table.column("trip_id")!, start = table.column("start_time")!, secs = table.column("headway_secs")!
            let wanted = Set(chosen)
            for r in table.rows.indices where wanted.contains(table.rows[r][trip]) {
                guard let begins = GTFSTime.parse(table.rows[r][start]), begins >= from, begins < to, let old = Int(table.rows[r][secs]) else { continue }
                table.rows[r][secs] = String(headway ?? max(1, Int((Double(old) / factor!).rounded())))
                changedRows += 1
            }
            feeds[f].tables["frequencies.txt"] = table
        }
        let what = headway.map { "every \(Self.minutes($0)) min" } ?? "at \(factor!) times the frequency"
        notes.append("\(scenario): route \(route) \(what) \(Self.clock(from))–\(Self.clock(to)): \(removed) trips replaced by \(added) in \(order.count) pattern(s)"
                     + (changedRows > 0 ? ", \(changedRows) frequencies.txt row(s) changed" : "") + " (\(feed.path))")
    }

    // MARK: Stops

    private mutating func removeStops(ids: [String], within: String?, _ edit: ScenarioEdit) throws {
        var targets = [Set<String>](repeating: [], count: feeds.count)
        for id in ids {
            var found = false
            for (f, feed) in feeds.enumerated() where feed.stopRow(id) != nil {
                found = true
                targets[f].insert(id)
                targets[f].formUnion(feed.children(of: id))
            }
            guard found else { throw edit.error("stop '\(id)' is in none of the feeds' stops.txt") }
        }
        if let within {
            let layer = try ZoneLoader.load(paths: [within], options: { var o = ZoneLoadOptions(workingCRS: working); o.requiresUniqueCodes = false; return o }(),
                                            progress: { _ in })
            let index = ZoneIndex(layer)
            var inside = 0
            for (f, feed) in feeds.enumerated() {
                let table = feed.tables["stops.txt"]!
                let id = table.column("stop_id")!
                let positions = try feed.stopPositions(toWorking)
                for (r, position) in positions.enumerated() {
                    guard let position, try index.zoneOf(position) != nil else { continue }
                    targets[f].insert(table.rows[r][id])
                    inside += 1
                }
            }
            guard inside > 0 else { throw edit.error("no stop of the feeds lies within the polygons of \(within)") }
        }
        for f in feeds.indices where !targets[f].isEmpty {
            let before = feeds[f].tables["stop_times.txt"]!.rows.count
            let dropped = feeds[f].removeCalls(at: targets[f])
            notes.append("\(scenario): closed \(targets[f].count) stop(s) in \(feeds[f].path): \(before - feeds[f].tables["stop_times.txt"]!.rows.count) calls removed"
                         + (dropped > 0 ? ", \(dropped) trips left with fewer than two calls removed" : ""))
        }
    }

    /// Where a referenced stop is in the working CRS, and its id in feed `f`, adding it to `f`'s stops.txt when it
    /// is new there (a NaPTAN stop, a stop of another feed, or a point).
    private mutating func place(_ reference: StopReference, in f: Int, name: String?, label: String, _ edit: ScenarioEdit) throws -> (id: String, xy: XY) {
        switch reference {
        case .id(let id):
            if let row = feeds[f].stopRow(id), let xy = try feeds[f].stopPositions(toWorking)[row] { return (id, xy) }
            for other in feeds.indices where other != f {
                if let row = feeds[other].stopRow(id), let lonLat = feeds[other].stopLonLat(row) {
                    feeds[f].addStop(id: id, name: feeds[other].field("stops.txt", row, "stop_name"), lonLat: lonLat)
                    return (id, try toWorking.transform(lonLat))
                }
            }
            if let stop = naptan[id] {
                let lonLat = try toWorking.transform(stop.xy, inverse: true)
                feeds[f].addStop(id: id, name: stop.name, lonLat: lonLat)
                return (id, stop.xy)
            }
            throw edit.error("stop '\(id)' (\(label)) is in none of the feeds' stops.txt\(naptan.isEmpty ? " (a NaPTAN code needs [coverage] naptan)" : " nor the NaPTAN file")")
        case .point(let lonLat):
            if let info = try? working.resolve(), let area = info.areaOfUse,
               !area.envelope.expanded(by: PointPlacement.marginDegrees).contains(lonLat) {
                throw edit.error("\(label) at lon/lat (\(lonLat.x), \(lonLat.y)) lies outside the area of use of \(info.identifier ?? info.name) (\(area)); is it [longitude, latitude]?")
            }
            let xy = try toWorking.transform(lonLat)
            newStopCount += 1
            let id = "\(scenario)_stop_\(newStopCount)"
            feeds[f].addStop(id: id, name: name ?? "\(scenario) stop \(newStopCount)", lonLat: lonLat)
            return (id, xy)
        }
    }

    private mutating func addStop(_ stop: NewStop, _ edit: ScenarioEdit) throws {
        for (f, rows) in try routes(stop.route, agency: stop.agency, edit) {
            let (id, xy) = try place(stop.stop, in: f, name: stop.name, label: "stop", edit)
            let feed = feeds[f]
            let ids = Set(rows.map { feed.field("routes.txt", $0, "route_id") })
            let trips = feed.tripRows { ids.contains($0) }.map { feed.field("trips.txt", $0, "trip_id") }
            let calls = try feed.callsByTrip()
            let stopTimes = feed.tables["stop_times.txt"]!
            let stopColumn = stopTimes.column("stop_id")!
            let positions = try feed.stopPositions(toWorking)
            var inserted = 0
            var insertions: [(trip: String, after: Int)] = []
            for trip in trips {
                let list = calls[trip] ?? []
                let stops = list.map { stopTimes.rows[$0][stopColumn] }
                guard list.count >= 2, !stops.contains(id) else { continue }
                var hop: Int?
                if let after = stop.after {
                    hop = stops.firstIndex(of: after).flatMap { $0 + 1 < stops.count ? $0 : nil }
                } else {
                    // The hop the new stop lengthens least.
                    var best = Double.infinity
                    for i in 0..<(stops.count - 1) {
                        guard let a = feed.stopRow(stops[i]).flatMap({ positions[$0] }), let b = feed.stopRow(stops[i + 1]).flatMap({ positions[$0] }) else { continue }
                        let detour = a.distance(to: xy) + xy.distance(to: b) - a.distance(to: b)
                        if detour < best { best = detour; hop = i }
                    }
                }
                if let hop { insertions.append((trip, hop)) }
            }
            guard !insertions.isEmpty else {
                throw edit.error(stop.after.map { "no trip of route \(stop.route) calls at '\($0)' and then another stop in \(feed.path)" }
                                 ?? "route \(stop.route) has no trip with two timed calls in \(feed.path)")
            }
            for (trip, hop) in insertions {
                let list = calls[trip]!
                let a = stopTimes.rows[list[hop]][stopColumn], b = stopTimes.rows[list[hop + 1]][stopColumn]
                guard let pa = feed.stopRow(a).flatMap({ positions[$0] }), let pb = feed.stopRow(b).flatMap({ positions[$0] }) else {
                    throw edit.error("stops '\(a)' and '\(b)' of trip \(trip) need positions to place the new stop between them")
                }
                let toNew = pa.distance(to: xy), fromNew = xy.distance(to: pb)
                let fraction = toNew + fromNew > 0 ? toNew / (toNew + fromNew) : 0.5
                try feeds[f].insertCall(trip: trip, calls: list, afterIndex: hop, stop: id, fraction: fraction, dwell: stop.dwellSeconds, edit)
                inserted += 1
            }
            notes.append("\(scenario): stop \(id) added to \(inserted) trips of route \(stop.route) (dwell \(stop.dwellSeconds) s) in \(feed.path)")
        }
    }

    // MARK: Routes

    private mutating func addRoute(_ route: NewRoute, _ edit: ScenarioEdit) throws {
        // The feed of the first stop that exists in one, else the first feed.
        let current = feeds
        let f = route.stops.compactMap { reference -> Int? in
            guard case .id(let id) = reference else { return nil }
            return current.firstIndex { $0.stopRow(id) != nil }
        }.first ?? 0
        var placed: [(id: String, xy: XY)] = []
        for (i, reference) in route.stops.enumerated() {
            placed.append(try place(reference, in: f, name: "\(route.name) stop \(i + 1)", label: "stops[\(i + 1)]", edit))
        }
        var hops = route.hopSeconds ?? []
        if route.hopSeconds == nil {
            let speed = route.speedKmh! / 3.6
            hops = (0..<(placed.count - 1)).map { i in
                max(1, Int((placed[i].xy.distance(to: placed[i + 1].xy) * route.detourFactor! / speed).rounded()))
            }
        }
        let routeID = "\(scenario)_\(route.name)"
        guard !feeds[f].hasRoute(routeID) else { throw edit.error("route id '\(routeID)' is already in \(feeds[f].path): give the route another name") }
        let agencyID = try feeds[f].agencyID(route.agency, edit)
        feeds[f].tables["routes.txt"]!.append(["route_id": routeID, "agency_id": agencyID, "route_short_name": route.name,
                                               "route_long_name": "\(route.name) (scenario \(scenario))", "route_type": String(route.routeType)])
        feeds[f].addService(routeID, days: route.days)
        var trips = 0
        var departure = route.start
        var k = 0
        while departure < route.end {
            for direction in route.bothDirections ? [0, 1] : [0] {
                let order = direction == 0 ? Array(placed.indices) : Array(placed.indices.reversed())
                let hopOrder = direction == 0 ? hops : hops.reversed()
                let trip = "\(routeID)_\(direction == 0 ? "out" : "back")_\(k)"
                feeds[f].tables["trips.txt"]!.append(["route_id": routeID, "service_id": routeID, "trip_id": trip, "direction_id": String(direction)])
                var time = departure
                for (i, s) in order.enumerated() {
                    let arrival = time
                    let leaves = i == 0 || i == order.count - 1 ? arrival : arrival + route.dwellSeconds
                    feeds[f].tables["stop_times.txt"]!.append(["trip_id": trip, "arrival_time": GTFSTime.format(arrival), "departure_time": GTFSTime.format(leaves),
                                                               "stop_id": placed[s].id, "stop_sequence": String(i + 1)])
                    if i < hopOrder.count { time = leaves + hopOrder[i] }
                }
                trips += 1
            }
            k += 1
            departure = route.start + k * route.headwaySeconds
        }
        let total = hops.reduce(0, +) + route.dwellSeconds * max(0, placed.count - 2)
        notes.append("\(scenario): added route \(route.name) (\(routeID)) over \(placed.count) stops, \(Self.minutes(total)) min end to end, every \(Self.minutes(route.headwaySeconds)) min \(Self.clock(route.start))–\(Self.clock(route.end)) on \(Self.dayList(route.days)): \(trips) trips in \(feeds[f].path)")
    }

    // MARK: Words

    static func clock(_ seconds: Int) -> String { String(GTFSTime.format(seconds).prefix(5)) }
    /// Seconds as minutes to 0.1 ("42.1").
    static func minutes(_ seconds: Int) -> String { JSONWriter.format((Double(seconds) / 6).rounded() / 10) }
    static func dayList(_ days: Set<Int>) -> String {
        days.sorted().map { String(ServiceDate.weekdayNames[$0].prefix(3)) }.joined(separator: ", ")
    }
}

// MARK: - Editing helpers on the files

extension GTFSFiles {
    func field(_ table: String, _ row: Int, _ column: String) -> String {
        guard let t = tables[table], let c = t.column(column) else { return "" }
        return t.rows[row][c]
    }

    /// Rows of trips.txt whose route_id passes `test`.
    func tripRows(_ test: (String) -> Bool) -> [Int] {
        guard let table = tables["trips.txt"], let route = table.column("route_id") else { return [] }
        return table.rows.indices.filter { test(table.rows[$0][route]) }
    }

    /// Trip ids in frequencies.txt.
    var frequencyTrips: Set<String> {
        guard let table = tables["frequencies.txt"], let trip = table.column("trip_id") else { return [] }
        return Set(table.rows.map { $0[trip] })
    }

    /// Each trip's stop_times rows in stop_sequence order.
    func callsByTrip() throws -> [String: [Int]] {
        guard let table = tables["stop_times.txt"], let trip = table.column("trip_id"), let sequence = table.column("stop_sequence") else { return [:] }
        var calls: [String: [(Int, Int)]] = [:]
        for (r, row) in table.rows.enumerated() {
            guard let order = Int(row[sequence].trimmingCharacters(in: .whitespaces)) else {
                throw DataError(file: "\(path): stop_times.txt", location: "line \(table.lines[r])", field: "stop_sequence", "'\(row[sequence])' is not a whole number")
            }
            calls[row[trip], default: []].append((order, r))
        }
        return calls.mapValues { $0.sorted { $0.0 < $1.0 }.map(\.1) }
    }

    /// Each trip's first departure (seconds of the service day; the first call with a time).
    func firstDepartures() throws -> [String: Int] {
        guard let table = tables["stop_times.txt"], let departure = table.column("departure_time"), let arrival = table.column("arrival_time") else { return [:] }
        var starts: [String: Int] = [:]
        for (trip, rows) in try callsByTrip() {
            for r in rows {
                if let time = GTFSTime.parse(table.rows[r][departure]) ?? GTFSTime.parse(table.rows[r][arrival]) {
                    starts[trip] = time
                    break
                }
            }
        }
        return starts
    }

    /// Removes trips with their stop times and frequencies rows; returns how many trips there were.
    @discardableResult
    mutating func removeTrips(_ ids: Set<String>) -> Int {
        guard !ids.isEmpty else { return 0 }
        var count = 0
        for name in ["trips.txt", "stop_times.txt", "frequencies.txt"] {
            guard var table = tables[name], let trip = table.column("trip_id") else { continue }
            let before = table.rows.count
            table.keepRows { _, row in !ids.contains(row[trip]) }
            if name == "trips.txt" { count = before - table.rows.count }
            tables[name] = table
        }
        return count
    }

    /// Adds a copy of `template` (a trip of `source`, the feed before this edit) as `id`, every time moved by
    /// `shift` seconds; the copy belongs to no block.
    mutating func copyTrip(_ template: String, from source: GTFSFiles, as id: String, shift: Int, calls: [Int]) throws {
        let trips = source.tables["trips.txt"]!
        let tripColumn = trips.column("trip_id")!
        guard var row = trips.rows.first(where: { $0[tripColumn] == template }) else { return }
        row[tripColumn] = id
        if let block = trips.column("block_id") { row[block] = "" }
        var table = tables["trips.txt"]!
        table.rows.append(table.header.map { name in trips.column(name).map { row[$0] } ?? "" })
        table.lines.append(0)
        tables["trips.txt"] = table
        let stopTimes = source.tables["stop_times.txt"]!
        var target = tables["stop_times.txt"]!
        let columns = target.header.map { stopTimes.column($0) }
        let tripIndex = stopTimes.column("trip_id")!, arrival = stopTimes.column("arrival_time")!, departure = stopTimes.column("departure_time")!
        for r in calls {
            var fields = stopTimes.rows[r]
            fields[tripIndex] = id
            for c in [arrival, departure] {
                if let time = GTFSTime.parse(fields[c]) { fields[c] = GTFSTime.format(time + shift) }
            }
            target.rows.append(columns.map { $0.map { fields[$0] } ?? "" })
            target.lines.append(0)
        }
        tables["stop_times.txt"] = target
    }

    /// A copy of service `service` called `copy`, not running on `days`: calendar.txt's weekdays cleared, and
    /// calendar_dates.txt's rows copied except dates added on those days.
    mutating func copyService(_ service: String, as copy: String, dropping days: Set<Int>) {
        if var calendar = tables["calendar.txt"], let id = calendar.column("service_id"),
           let row = calendar.rows.first(where: { $0[id] == service }) {
            var fields = row
            fields[id] = copy
            for d in days { if let c = calendar.column(ServiceDate.weekdayNames[d]) { fields[c] = "0" } }
            calendar.rows.append(fields)
            calendar.lines.append(0)
            tables["calendar.txt"] = calendar
        }
        if var dates = tables["calendar_dates.txt"], let id = dates.column("service_id"), let date = dates.column("date"),
           let type = dates.column("exception_type") {
            for row in dates.rows where row[id] == service {
                if row[type].trimmingCharacters(in: .whitespaces) == "1", let day = Self.date(row[date]), days.contains(day.weekday) { continue }
                var fields = row
                fields[id] = copy
                dates.rows.append(fields)
                dates.lines.append(0)
            }
            tables["calendar_dates.txt"] = dates
        }
    }

    static func date(_ text: String) -> ServiceDate? {
        let digits = text.trimmingCharacters(in: .whitespaces)
        guard digits.count == 8, let y = Int(digits.prefix(4)), let m = Int(digits.dropFirst(4).prefix(2)), let d = Int(digits.suffix(2)) else { return nil }
        return ServiceDate(year: y, month: m, day: d)
    }

    static func text(_ date: ServiceDate) -> String {
        let (y, m, d) = date.components
        return String(format: "%04d%02d%02d", y, m, d)
    }

    /// The row of stops.txt with this id.
    func stopRow(_ id: String) -> Int? {
        guard let table = tables["stops.txt"], let column = table.column("stop_id") else { return nil }
        return table.rows.firstIndex { $0[column] == id }
    }

    /// Stops whose parent_station is `id` (a station's platforms).
    func children(of id: String) -> [String] {
        guard let table = tables["stops.txt"], let parent = table.column("parent_station"), let stop = table.column("stop_id") else { return [] }
        return table.rows.filter { $0[parent] == id }.map { $0[stop] }
    }

    func stopLonLat(_ row: Int) -> XY? {
        guard let lat = Double(field("stops.txt", row, "stop_lat").trimmingCharacters(in: .whitespaces)),
              let lon = Double(field("stops.txt", row, "stop_lon").trimmingCharacters(in: .whitespaces)) else { return nil }
        return XY(lon, lat)
    }

    /// Every stop's position in the working CRS (nil without coordinates), in stops.txt order.
    func stopPositions(_ toWorking: Transformer) throws -> [XY?] {
        guard let table = tables["stops.txt"] else { return [] }
        let lonLat = table.rows.indices.map { stopLonLat($0) }
        var points = lonLat.map { $0 ?? XY(0, 0) }
        try toWorking.transform(&points)
        return lonLat.indices.map { lonLat[$0] == nil ? nil : points[$0] }
    }

    mutating func addStop(id: String, name: String, lonLat: XY) {
        tables["stops.txt"]!.append(["stop_id": id, "stop_name": name, "stop_lat": String(format: "%.6f", lonLat.y),
                                     "stop_lon": String(format: "%.6f", lonLat.x)])
    }

    /// Removes every call at `stops`, then trips left with fewer than two calls (returned: how many).
    mutating func removeCalls(at stops: Set<String>) -> Int {
        guard var table = tables["stop_times.txt"], let stop = table.column("stop_id"), let trip = table.column("trip_id") else { return 0 }
        table.keepRows { _, row in !stops.contains(row[stop]) }
        var counts: [String: Int] = [:]
        for row in table.rows { counts[row[trip], default: 0] += 1 }
        tables["stop_times.txt"] = table
        let allTrips = tables["trips.txt"].map { t in t.rows.map { $0[t.column("trip_id")!] } } ?? []
        return removeTrips(Set(allTrips.filter { counts[$0, default: 0] < 2 }))
    }

    /// Inserts a call at `stop` after call `afterIndex` of `trip`, `fraction` of the way through the hop's time,
    /// delaying every later call by `dwell`; the trip's stop_sequence values are renumbered 1, 2, ...
    mutating func insertCall(trip: String, calls: [Int], afterIndex hop: Int, stop: String, fraction: Double, dwell: Int,
                             _ edit: ScenarioEdit) throws {
        var table = tables["stop_times.txt"]!
        let arrival = table.column("arrival_time")!, departure = table.column("departure_time")!
        let sequence = table.column("stop_sequence")!, stopColumn = table.column("stop_id")!
        guard let leaves = GTFSTime.parse(table.rows[calls[hop]][departure]) ?? GTFSTime.parse(table.rows[calls[hop]][arrival]),
              let reaches = GTFSTime.parse(table.rows[calls[hop + 1]][arrival]) ?? GTFSTime.parse(table.rows[calls[hop + 1]][departure]) else {
            throw edit.error("trip \(trip) has no time at '\(table.rows[calls[hop]][stopColumn])' or '\(table.rows[calls[hop + 1]][stopColumn])'; a stop is added only between timed calls")
        }
        let at = leaves + Int((Double(reaches - leaves) * fraction).rounded())
        for r in calls[(hop + 1)...] {
            for c in [arrival, departure] {
                if let time = GTFSTime.parse(table.rows[r][c]) { table.rows[r][c] = GTFSTime.format(time + dwell) }
            }
        }
        var fields = [String](repeating: "", count: table.header.count)
        fields[table.column("trip_id")!] = trip
        fields[arrival] = GTFSTime.format(at)
        fields[departure] = GTFSTime.format(at + dwell)
        fields[stopColumn] = stop
        table.rows.append(fields)
        table.lines.append(0)
        let order = Array(calls[...hop]) + [table.rows.count - 1] + Array(calls[(hop + 1)...])
        for (i, r) in order.enumerated() { table.rows[r][sequence] = String(i + 1) }
        tables["stop_times.txt"] = table
    }

    func hasRoute(_ id: String) -> Bool {
        guard let table = tables["routes.txt"], let column = table.column("route_id") else { return false }
        return table.rows.contains { $0[column] == id }
    }

    /// The agency of an added route: the one named (it must exist), else the feed's first.
    func agencyID(_ named: String?, _ edit: ScenarioEdit) throws -> String {
        let table = tables["agency.txt"]
        let ids = table.flatMap { t in t.column("agency_id").map { c in t.rows.map { $0[c] } } } ?? []
        if let named {
            guard ids.contains(named) else { throw edit.error("agency '\(named)' is not in \(path): agency.txt (\(ids.prefix(8).joined(separator: ", ")))") }
            return named
        }
        return ids.first ?? ""
    }

    /// A new calendar.txt service running on `days` over every date the feed covers.
    mutating func addService(_ id: String, days: Set<Int>) {
        var first: ServiceDate?, last: ServiceDate?
        func extend(_ date: ServiceDate?) {
            guard let date else { return }
            first = first.map { min($0, date) } ?? date
            last = last.map { max($0, date) } ?? date
        }
        if let calendar = tables["calendar.txt"] {
            for r in calendar.rows.indices {
                extend(Self.date(field("calendar.txt", r, "start_date")))
                extend(Self.date(field("calendar.txt", r, "end_date")))
            }
        }
        if let dates = tables["calendar_dates.txt"] {
            for r in dates.rows.indices { extend(Self.date(field("calendar_dates.txt", r, "date"))) }
        }
        var row = ["service_id": id, "start_date": Self.text(first ?? ServiceDate(year: 2000, month: 1, day: 1)!),
                   "end_date": Self.text(last ?? ServiceDate(year: 2099, month: 12, day: 31)!)]
        for (d, name) in ServiceDate.weekdayNames.enumerated() { row[name] = days.contains(d) ? "1" : "0" }
        if tables["calendar.txt"] == nil {
            tables["calendar.txt"] = GTFSTextTable(name: "calendar.txt", header: ["service_id"] + ServiceDate.weekdayNames + ["start_date", "end_date"])
        }
        tables["calendar.txt"]!.append(row)
    }
}
