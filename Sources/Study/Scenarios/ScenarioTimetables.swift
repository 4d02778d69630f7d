import Foundation
import GeoData
import Projection

/// The timetables of one scenario: the study's feeds (or the scenario's own `feed`s) with its modifications
/// applied, and those edited files read back by the same GTFS reader as any feed, so what the scenario's
/// columns measure is exactly the feed reach writes out. Every timetable step of the run reads these in place of
/// the study's feeds when its context carries the scenario.
public struct ScenarioTimetables: Sendable {
    public var name: String
    /// The edited files, each under the study feed path it stands for (a `feed` scenario: its own paths).
    public var files: [(path: String, files: GTFSFiles)]
    /// Per entry of `files`: whether the scenario changed it (only changed feeds are written out).
    public var changed: [Bool]
    /// The edited files read back, in the same order: where stop_times.txt is held in part (`held`), only the
    /// held trips have calls, and `feeds(for:source:)` patches the study's feed with them.
    public var parts: [GTFSFeed]
    /// Per entry of `files`: the trips whose calls it holds (nil: every call).
    public var held: [Set<String>?]
    /// True when the scenario gives its own `feed`s: they replace every feed of every step.
    public var replacesAll: Bool
    /// The service date every timetable step uses instead of its own, when the scenario sets one.
    public var date: ServiceDate?
    /// What each modification did ("cut_151: removed route 151 ... with 312 trips").
    public var notes: [String]
    /// The routes the scenario removed, added or changed, feed by feed (empty for a `feed` scenario, whose
    /// feeds are other timetables, not edits of the study's).
    public var routes: [ScenarioRouteChange] = []
    /// Per entry of `files`, once `stage(in:)` has written it: the changed feed's zip in the spool folder.
    public var staged: [String?] = []
    /// Per entry of `files`, its `heldFiles` as the read-back took them, until `stage(in:)` writes them.
    var heldBytes: [[String: [UInt8]]] = []

    /// Writes every changed feed's zip into `spool` (`staged`) and lets go of the edited text tables, so that a
    /// national feed's trips and stops are not held as text through the run's searches (only the read-back
    /// `parts` are kept).
    public mutating func stage(in spool: SpoolFolder) throws {
        staged = try files.indices.map { i in
            guard changed[i] else { return nil }
            let zip = spool.file("\(UUID().uuidString).\(Scenario.zipName(name, files[i].path))")
            try files[i].files.writeZip(to: zip, held: i < heldBytes.count ? heldBytes[i] : nil)
            return zip
        }
        for i in files.indices { files[i].files = GTFSFiles(path: files[i].path) }
        heldBytes = []
    }

    /// The feeds a step that names `paths` reads under this scenario; `source` gives the unedited feed of a
    /// path (read once per run by the caller), whose untouched calls a feed held in part takes.
    public func feeds(for paths: [String], source: (String) throws -> GTFSFeed) throws -> [GTFSFeed] {
        let entries = replacesAll ? Array(files.indices) : paths.map { path in files.firstIndex { $0.path == path }! }
        return try entries.map { i in
            guard let held = held[i] else { return parts[i] }
            return try GTFSFeed.patching(try source(files[i].path), with: parts[i], held: held)
        }
    }

    /// Every edited feed whole, its unedited calls read from the feed's own path.
    public func readFeeds() throws -> [GTFSFeed] {
        try feeds(for: files.map(\.path)) { try GTFSFeed.read(path: $0) }
    }

    /// The trips of `files` whose calls any of `scenarios` may change, so the only ones held as text: every trip
    /// of a route one names (by route_id or route_short_name, whatever the agency), and every trip calling at a
    /// stop one closes or at its child stops. nil (hold every call) when one closes the stops within a polygon.
    static func tripsToHold(_ scenarios: [Scenario], in files: GTFSFiles, archive: GTFSArchive) throws -> Set<String>? {
        var routes: Set<String> = [], stops: Set<String> = []
        for edit in scenarios.flatMap(\.edits) {
            switch edit.kind {
            case .removeRoutes(let names, _): routes.formUnion(names)
            case .removeTrips(let route, _, _, _, _), .frequency(let route, _, _, _, _, _): routes.insert(route)
            case .addStop(let stop): routes.insert(stop.route)
            case .removeStops(let ids, let within):
                if within != nil { return nil }
                stops.formUnion(ids)
            case .addRoute: break
            }
        }
        var routeIDs: Set<String> = []
        if let table = files.tables["routes.txt"], let id = table.column("route_id") {
            let short = table.column("route_short_name")
            for row in table.rows where routes.contains(row[id]) || short.map({ routes.contains(row[$0]) }) == true { routeIDs.insert(row[id]) }
        }
        var trips: Set<String> = []
        if let table = files.tables["trips.txt"], let trip = table.column("trip_id"), let route = table.column("route_id") {
            for row in table.rows where routeIDs.contains(row[route]) { trips.insert(row[trip]) }
        }
        if !stops.isEmpty, let table = files.tables["stops.txt"], let id = table.column("stop_id") {
            if let parent = table.column("parent_station") {
                for row in table.rows where stops.contains(row[parent]) { stops.insert(row[id]) }
            }
            trips.formUnion(try files.tripsCalling(at: stops, in: archive))
        }
        return trips
    }

    /// Builds every scenario's timetables, each base before the scenarios on it: the study's `feeds` (every GTFS
    /// path of its steps) read, edited and read back. NaPTAN files, when the study has them, place stops named
    /// by ATCO code. Any modification naming what the feeds lack is an error at its study-file line.
    /// With a `spool` folder, the stop times a feed's edits leave alone are deflated there as they are first read
    /// (`GTFSFiles.holdStopTimes(of:spool:)`), for `stage(in:)` to copy into each scenario's zip.
    public static func build(_ scenarios: [Scenario], studyFeeds: [String], naptan: [String], working: CRS, spool: SpoolFolder? = nil,
                             progress: @Sendable (String) -> Void) throws -> [ScenarioTimetables] {
        guard !scenarios.isEmpty else { return [] }
        var naptanStops: [String: TransitStop] = [:]
        for path in naptan {
            progress("reading NaPTAN \(path) for the scenarios' stops")
            for stop in try NaPTANReader.read(path: path, workingCRS: working).stops where naptanStops[stop.id] == nil { naptanStops[stop.id] = stop }
        }
        var originals: [String: GTFSFiles] = [:]
        func files(_ path: String) throws -> GTFSFiles {
            if let cached = originals[path] { return cached }
            progress("reading GTFS \(path) for the scenarios")
            let archive = try GTFSArchive(path: path)
            var read = try GTFSFiles(archive: archive, deferringStopTimes: true)
            try read.holdStopTimes(of: try tripsToHold(scenarios, in: read, archive: archive), spool: spool)
            originals[path] = read
            return read
        }
        var built: [String: ScenarioTimetables] = [:]
        func build(_ scenario: Scenario) throws -> ScenarioTimetables {
            if let done = built[scenario.name] { return done }
            var start: [(path: String, files: GTFSFiles)]
            var replacesAll = false, date: ServiceDate?
            var notes: [String] = []
            if let baseName = scenario.base, let base = scenarios.first(where: { $0.name == baseName }) {
                let parent = try build(base)
                start = parent.files
                replacesAll = parent.replacesAll
                date = parent.date
            } else {
                guard !studyFeeds.isEmpty || scenario.feeds != nil else {
                    var error = scenario.at
                    error.message = "scenario '\(scenario.name)' has no timetable to change: the study has no GTFS feed ([coverage] gtfs or [public_transport] gtfs)"
                    throw error
                }
                start = try studyFeeds.map { ($0, try files($0)) }
            }
            if let feeds = scenario.feeds {
                start = try feeds.map { ($0, try files($0)) }
                replacesAll = true
                notes.append("\(scenario.name): timetables from \(feeds.joined(separator: ", ")) instead of the study's")
            }
            if let own = scenario.date {
                date = own
                notes.append("\(scenario.name): service date \(own)")
            }
            var editor = try FeedEditor(scenario: scenario.name, feeds: start.map(\.files), working: working, naptan: naptanStops)
            for edit in scenario.edits {
                progress("scenario \(scenario.name): applying \(edit.at.key ?? "modification")")
                try editor.apply(edit)
            }
            let edited = start.indices.map { (start[$0].path, editor.feeds[$0]) }
            var parts: [GTFSFeed] = [], heldBytes: [[String: [UInt8]]] = []
            for (path, files) in edited {
                do {
                    // Read under the scenario's name (its errors and warnings say which feed), then known by the
                    // study's path, so that its stops are the same stops as the baseline's.
                    heldBytes.append(files.heldFiles)
                    var part = try GTFSFeed.read(GTFSArchive(files: heldBytes[heldBytes.count - 1], path: "\(path) (scenario \(scenario.name))"),
                                                 partStopTimes: files.heldStopTimes != nil)
                    part.path = path
                    parts.append(part)
                } catch {
                    var failure = scenario.at
                    failure.message = "the edited feed does not read back: \(error)"
                    throw failure
                }
            }
            let changed = edited.map { path, files in
                let original = originals[path]!
                return files.tables.keys.sorted() != original.tables.keys.sorted()
                    || files.tables.contains { name, table in table.header != original.tables[name]!.header || table.rows != original.tables[name]!.rows }
            }
            var result = ScenarioTimetables(name: scenario.name, files: edited, changed: changed, parts: parts,
                                            held: edited.map { $0.1.heldStopTimes?.trips }, replacesAll: replacesAll, date: date,
                                            notes: notes + editor.notes)
            result.heldBytes = heldBytes
            if !replacesAll {
                for (i, (path, files)) in edited.enumerated() where changed[i] {
                    result.routes += ScenarioRoutes.changes(scenario: scenario.name, feed: path, before: originals[path]!, after: files)
                }
            }
            built[scenario.name] = result
            return result
        }
        return try scenarios.map(build)
    }
}
