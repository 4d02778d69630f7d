import Accessibility
import ArgumentParser
import Foundation
import GeoData
import Projection
import Study

/// `reach coverage`: bus and rail coverage and service frequency per ward.
struct Coverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bus and rail coverage and service frequency per ward.",
        discussion: """
        Straight-line catchments in the working CRS (EPSG:27700), exactly as docs/transit.md defines them. Adds:
          bus_stop_count, bus_stop_area_pct        active bus stops in the ward; % of its area within 400 m of one
          bus_stop_pop_pct                         weighted % of origins within 400 m of a bus stop
          rail_station_count, rail_station_distance_mean_m, rail_station_pop_pct_800m, rail_station_pop_pct_2km
          metro_stop_count, metro_stop_distance_mean_m, metro_stop_pop_pct_800m, metro_stop_pop_pct_2km
        and with --gtfs, for the service date and window (default Tuesday 07:00-10:00):
          bus_departures_per_hour                  weighted mean over origins of distinct bus trips an hour
                                                   leaving stops within 400 m (a trip counted once per origin)
          bus_frequent_pop_pct                     weighted % of origins within 400 m of a stop with >= 4 an hour
          rail_departures_per_hour, rail_frequent_pop_pct (800 m), metro_* when the feeds run trams or metro
          bus_departures_change_pct, rail_...      with --gtfs-before: 100 x (after - before) / before
        A radius other than the standard one is added to the names (bus_stop_area_pct_300m).

        \(HelpText.exitCodes)

        Examples:
          reach coverage --wards fixtures/trafford/wards_2017.geojson \\
              --bus-stops ../shared/data/trafford/bus_stops.geojson \\
              --rail-stations ../shared/data/trafford/rail_stations.geojson \\
              --origins fixtures/trafford/output_areas_2021.geojson --weight-field population --out out/coverage.geojson
          reach coverage --wards wards.geojson --naptan Stops.csv --gtfs bus.zip --gtfs rail.zip --date 2024-03-05 \\
              --gtfs-before bus-2019.zip --before-date 2019-03-05 --out out/transit.geojson
        """
    )

    @OptionGroup var zone: ZoneOptions
    @OptionGroup var origin: OriginOptions
    @OptionGroup var stop: StopOptions
    @OptionGroup var timetable: TimetableOptions

    @Option(name: .customLong("gtfs-before"), parsing: .singleValue, help: ArgumentHelp("Earlier GTFS feed to compare with (repeatable).", valueName: "FEED"))
    var gtfsBefore: [String] = []

    @Option(name: .customLong("before-date"), help: ArgumentHelp("Service date in the earlier feeds (default: their first full week's Tuesday).", valueName: "YYYY-MM-DD"))
    var beforeDate: String?

    @Option(name: .customLong("bus-radius"), help: ArgumentHelp("Walk catchment of a bus stop, metres (straight line).", valueName: "METRES"))
    var busRadius: Double = CoverageJob.defaultBusRadius

    @Option(name: .customLong("rail-radius"), help: ArgumentHelp("Catchment of rail and metro stops for departures, metres.", valueName: "METRES"))
    var railRadius: Double = CoverageJob.defaultRailRadius

    @Option(name: .customLong("station-bands"), help: ArgumentHelp("Distances for the share of people near a station, metres, comma-separated.", valueName: "LIST"))
    var stationBands: String = "800,2000"

    @Option(name: .customLong("frequent-per-hour"), help: ArgumentHelp("Departures an hour that make a stop frequent.", valueName: "N"))
    var frequentPerHour: Double = 4

    @Option(name: .customLong("out"), help: ArgumentHelp("Output GeoJSON of wards with the figures.", valueName: "FILE"))
    var output: String

    @Option(help: ArgumentHelp("Decimal places of output coordinates.", valueName: "N"))
    var precision: Int = 6

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard busRadius > 0, busRadius.isFinite, railRadius > 0, railRadius.isFinite else { throw ValidationError("--bus-radius and --rail-radius must be positive") }
        guard busRadius <= CoverageJob.maxRadiusMetres, railRadius <= CoverageJob.maxRadiusMetres else {
            throw ValidationError("--bus-radius and --rail-radius must be at most \(Int(CoverageJob.maxRadiusMetres)) m (reach's limit)")
        }
        guard frequentPerHour > 0 else { throw ValidationError("--frequent-per-hour must be positive") }
        _ = try Distance.numbers(stationBands, flag: "--station-bands")
        if let beforeDate, ServiceDate(beforeDate) == nil { throw ValidationError("--before-date \(beforeDate): expected YYYY-MM-DD") }
        if !gtfsBefore.isEmpty, timetable.gtfs.isEmpty { throw ValidationError("--gtfs-before needs --gtfs (the later feed) too") }
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15") }
    }

    func run() throws {
        let working = common.workingCRSValue
        let job = CoverageJob(
            zones: zone.zones,
            zoneOptions: ZoneLoadOptions(sourceCRS: zone.crs.map { CRS($0) }, workingCRS: working, codeField: zone.codeField),
            origins: origin.origins, originOptions: origin.loadOptions(working: working), weightField: origin.weightField,
            stops: stop.sources(working: working), gtfs: timetable.gtfs, gtfsBefore: gtfsBefore,
            date: try timetable.parsedDate(), beforeDate: beforeDate.flatMap { ServiceDate($0) }, window: try timetable.parsedWindow(),
            busRadiusMetres: busRadius, railRadiusMetres: railRadius,
            stationBandsMetres: try Distance.numbers(stationBands, flag: "--station-bands"),
            frequentPerHour: frequentPerHour, output: output, precision: precision)
        let common = self.common
        let report = try job.run { common.progress($0) }
        Terminal.warnOriginsOutside(report.originsOutsideZones)
        for warning in report.feedWarnings { Terminal.error("warning: \(warning)") }
        for kind in report.omittedKinds {
            Terminal.error("warning: no active \(kind.rawValue) stops were read, so no \(kind.stem)_* figures are written")
        }
        if !common.quiet {
            StopSummary.lines(report.stopReports).forEach(Terminal.info)
            for (label, feeds) in [("", report.feeds), ("before: ", report.beforeFeeds)] {
                for feed in feeds {
                    Terminal.info("reach: \(label)\(feed.path): \(Terminal.count(feed.stops)) stops, \(Terminal.count(feed.trips)) trips, \(Terminal.count(feed.stopTimes)) stop times; on \(feed.date) \(Terminal.count(feed.tripsRunning)) trips run, \(Terminal.count(feed.departures)) departures in \(timetable.window)")
                }
            }
            let counts = StopKind.allCases.compactMap { kind in report.stopCounts[kind].flatMap { $0 > 0 ? "\(Terminal.count($0)) \(kind.rawValue)" : nil } }
            Terminal.info("reach: \(Terminal.count(report.zoneCount)) wards, \(Terminal.count(report.originCount)) origins, stops: \(counts.joined(separator: ", "))")
            Terminal.closing(zonesWithWarnings: report.zonesWithWarnings, wrote: [output], timings: report.timings)
        }
        try Terminal.strict(common.strict, zonesWithWarnings: report.zonesWithWarnings, originsOutside: report.originsOutsideZones.count)
    }
}
