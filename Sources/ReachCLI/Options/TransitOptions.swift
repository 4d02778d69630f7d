import Accessibility
import ArgumentParser
import GeoData
import Projection
import Study

/// Flags for where people live.
struct OriginOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where people live: points (CSV/GeoJSON) or polygons such as output areas (their point-on-surface). Default: each ward's point-on-surface.", valueName: "FILE"))
    var origins: String?

    @Option(name: .customLong("weight-field"),
            help: ArgumentHelp("Origin weight, e.g. population (default: 1 each).", valueName: "NAME"))
    var weightField: String?

    @Option(name: .customLong("origins-crs"), help: ArgumentHelp("CRS of the origin coordinates (default: from the columns or file).", valueName: "CRS"))
    var originsCRS: String?

    func loadOptions(working: CRS, xField: String? = nil, yField: String? = nil) -> PointLoadOptions {
        PointLoadOptions(sourceCRS: originsCRS.map { CRS($0) }, workingCRS: working, xField: xField, yField: yField)
    }
}

/// Flags naming stop files.
struct StopOptions: ParsableArguments {
    @Option(parsing: .singleValue, help: ArgumentHelp("NaPTAN Stops.csv (published layout; repeatable). Bus BCT/BCS/BCQ, rail RLY/RSE, metro MET/PLT/TMU; active only.", valueName: "FILE"))
    var naptan: [String] = []

    @Option(name: .customLong("bus-stops"), parsing: .singleValue, help: ArgumentHelp("Bus stops as points (GeoJSON or CSV; repeatable).", valueName: "FILE"))
    var busStops: [String] = []

    @Option(name: .customLong("rail-stations"), parsing: .singleValue, help: ArgumentHelp("Rail stations as points (repeatable).", valueName: "FILE"))
    var railStations: [String] = []

    @Option(name: .customLong("metro-stops"), parsing: .singleValue, help: ArgumentHelp("Metro and tram stops as points (repeatable).", valueName: "FILE"))
    var metroStops: [String] = []

    @Option(name: .customLong("osm-stops"), parsing: .singleValue, help: ArgumentHelp("OpenStreetMap extract (.osm.pbf) to take stops from (highway=bus_stop, railway=station|halt|tram_stop).", valueName: "FILE"))
    var osmStops: [String] = []

    @Option(name: .customLong("stops-crs"), help: ArgumentHelp("CRS of the point-layer stop coordinates (default: from the columns or file).", valueName: "CRS"))
    var stopsCRS: String?

    func sources(working: CRS) -> StopSources {
        StopSources(naptan: naptan, busStops: busStops, railStations: railStations, metroStops: metroStops, osm: osmStops,
                    pointOptions: PointLoadOptions(sourceCRS: stopsCRS.map { CRS($0) }, workingCRS: working))
    }
}

/// Flags for GTFS feeds, the service date and the time window.
struct TimetableOptions: ParsableArguments {
    @Option(parsing: .singleValue, help: ArgumentHelp("GTFS feed, a .zip or a folder (repeatable; feeds are combined, their stops linked by position).", valueName: "FEED"))
    var gtfs: [String] = []

    @Option(help: ArgumentHelp("Service date (default: the Tuesday of the first feed's first full week, as gtfs-kit's get_first_week).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("Time window on the service day, half-open [start, end); end may pass 24:00.", valueName: "HH:MM-HH:MM"))
    var window: String = "07:00-10:00"

    func parsedDate() throws -> ServiceDate? {
        guard let date else { return nil }
        guard let parsed = ServiceDate(date) else { throw ValidationError("--date \(date): expected a date YYYY-MM-DD") }
        return parsed
    }

    func parsedWindow() throws -> ServiceWindow {
        guard let parsed = ServiceWindow(window) else { throw ValidationError("--window \(window): expected HH:MM-HH:MM with the end after the start, e.g. 07:00-10:00") }
        return parsed
    }

    func validate() throws {
        _ = try parsedDate()
        _ = try parsedWindow()
    }
}

enum StopSummary {
    /// One line per stop file: what was kept, what was skipped and why.
    static func lines(_ reports: [StopReadReport]) -> [String] {
        reports.map { report in
            let kept = StopKind.allCases.compactMap { kind in report.kept[kind].map { "\(Terminal.count($0)) \(kind.rawValue)" } }.joined(separator: ", ")
            var skipped: [String] = []
            if report.inactive > 0 { skipped.append("\(Terminal.count(report.inactive)) inactive") }
            if !report.otherTypes.isEmpty {
                skipped.append(report.otherTypes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + " of other types")
            }
            return "reach: \(report.file): \(kept.isEmpty ? "no stops" : kept)\(skipped.isEmpty ? "" : "; skipped \(skipped.joined(separator: "; "))")"
        }
    }
}
