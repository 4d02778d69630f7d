import Accessibility
import ArgumentParser
import Foundation
import GeoData
import Projection
import Study

/// `reach pt`: public-transport travel time from where people live to the nearest service of each kind, per ward.
struct PublicTransport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pt",
        abstract: "Public-transport and walking time from where people live to the nearest service of each kind, per ward.",
        discussion: """
        Door to door by bus, rail, tram and ferry (one or more GTFS feeds) and walking (the OpenStreetMap extract's \
        walking network), for every departure minute of the window on the service date, as the DfT Journey Time \
        Statistics and R5 measure it: walk to a stop (up to --max-walk), ride, change on the spot or after a \
        footpath (up to --max-transfer-walk), ride, walk to the service; walking all the way is always a candidate. \
        Each origin's times over the window are summarised by their median and quartiles, so waiting counts. \
        Method, rounding and differences from R5: docs/raptor.md.
        Per category c the output adds:
          {c}_pt_mean                        weighted mean over origins of the median time (minutes)
          {c}_pt_p25_mean, {c}_pt_p75_mean   the same for the 25th and 75th percentiles
          {c}_pt_within_{t}_pct             weighted % of origins whose median is within t minutes
          {c}_pt_count_within_{t}           {c} within t minutes (median) of the ward's typical origin (up to 10)
          {c}_pt_unreachable                origins whose median reaches no {c} within --max-trip
          pt_origins_unserved, reach_warning

        \(HelpText.exitCodes)

        Examples:
          reach pt --wards wards.geojson --services services.csv --category-field category \\
              --x-field easting --y-field northing --origins origins.csv --weight-field population \\
              --osm ../shared/data/osm/newport-2023-06-13.osm.pbf \\
              --gtfs ../shared/data/gtfs/newport-20240305-bus_gtfs.zip --gtfs ../shared/data/gtfs/newport-20240305-rail_gtfs.zip \\
              --date 2024-03-05 --window 07:00-10:00 --out out/pt.geojson
          reach pt ... --arrive-by --window 08:30-09:00 --out out/pt-by-9.geojson   (be there by each minute 08:30-09:00)
        """
    )

    @OptionGroup var zone: ZoneOptions

    @OptionGroup var service: ServiceOptions

    @OptionGroup var category: CategoryOptions

    @OptionGroup var origin: OriginOptions

    @OptionGroup var fields: PointFieldOptions

    @Option(help: ArgumentHelp("OpenStreetMap extract (.osm.pbf) for the walking network.", valueName: "FILE"))
    var osm: String

    @OptionGroup var timetable: TimetableOptions

    @Option(name: .customLong("max-walk"), help: ArgumentHelp("Longest walk to the first stop and from the last stop, minutes.", valueName: "MIN"))
    var maxWalk: Double = 15

    @Option(name: .customLong("max-transfer-walk"), help: ArgumentHelp("Longest walk between two stops, minutes.", valueName: "MIN"))
    var maxTransferWalk: Double = 5

    @Option(name: .customLong("max-trip"), help: ArgumentHelp("Longest journey counted, minutes; longer is 'not reached'.", valueName: "MIN"))
    var maxTrip: Double = 120

    @Option(help: ArgumentHelp("Thresholds, minutes, comma-separated.", valueName: "LIST"))
    var minutes: String = "15,30,45,60"

    @OptionGroup var walk: WalkSpeedOptions

    @OptionGroup var snap: SnapOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("Output GeoJSON of wards with the figures.", valueName: "FILE"))
    var output: String

    @Option(name: .customLong("origins-out"), help: ArgumentHelp("Also write every origin's quartiles and walking time as CSV.", valueName: "FILE"))
    var originsOutput: String?

    @Option(name: .customLong("minutes-out"), help: ArgumentHelp("Also write every origin's time at every departure minute as CSV (origins × categories × minutes rows).", valueName: "FILE"))
    var minutesOutput: String?

    @Flag(name: .customLong("arrive-by"), help: "Read --window as arrival deadlines, one a minute: each time is from the latest departure that still reaches the service by the deadline.")
    var arriveBy = false

    @Flag(name: .customLong("no-breakdown"), help: "Do not break each origin's median journey into walk, wait, ride and changes (the _pt_…_min_mean, _pt_rides_mean and _pt_routes columns).")
    var noBreakdown = false

    @Option(help: ArgumentHelp("Decimal places of output coordinates.", valueName: "N"))
    var precision: Int = 6

    @OptionGroup var common: CommonOptions

    func validate() throws {
        for (value, flag) in [(maxWalk, "--max-walk"), (maxTransferWalk, "--max-transfer-walk"), (maxTrip, "--max-trip"), (walk.walkKmh, "--walk-kmh")] {
            guard value > 0, value.isFinite else { throw ValidationError("\(flag) must be a positive number") }
        }
        guard maxTrip <= 240 else { throw ValidationError("--max-trip must be at most 240 minutes") }
        guard (maxTrip * 60).rounded() == maxTrip * 60 else { throw ValidationError("--max-trip must be a whole number of seconds") }
        _ = try Distance.numbers(minutes, flag: "--minutes")
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15") }
        guard !timetable.gtfs.isEmpty else { throw ValidationError("give at least one GTFS feed with --gtfs FEED") }
    }

    func run() throws {
        let working = common.workingCRSValue
        var job = PublicTransportJob(
            zones: zone.zones,
            zoneOptions: ZoneLoadOptions(sourceCRS: zone.crs.map { CRS($0) }, workingCRS: working, codeField: zone.codeField),
            services: service.services, categoryField: service.categoryField, categories: category.categories,
            serviceOptions: PointLoadOptions(sourceCRS: service.servicesCRS.map { CRS($0) }, workingCRS: working, xField: fields.xField, yField: fields.yField),
            origins: origin.origins, originOptions: origin.loadOptions(working: working, xField: fields.xField, yField: fields.yField),
            weightField: origin.weightField, osm: osm, gtfs: timetable.gtfs, date: try timetable.parsedDate(),
            window: try timetable.parsedWindow(), maxWalkMinutes: maxWalk, maxTransferWalkMinutes: maxTransferWalk,
            maxTripMinutes: maxTrip, minutes: try Distance.numbers(minutes, flag: "--minutes"),
            profile: RoadProfile(walkKmh: walk.walkKmh), maxSnapMetres: snap.maxSnapMetres, minIslandNodes: snap.minIslandNodes,
            output: output, originsOutput: originsOutput, minutesOutput: minutesOutput, precision: precision)
        job.arriveBy = arriveBy
        job.breakdown = !noBreakdown
        let common = self.common
        let report = try job.run { common.progress($0) }
        for warning in report.warnings { Terminal.error("warning: \(warning)") }
        Terminal.warnOriginsOutside(report.originsOutsideZones)
        for miss in report.unsnappedServices {
            Terminal.error("warning: \(miss.count) \(miss.category) service(s) are further than \(Terminal.number(snap.maxSnapMetres)) m from any walkable road and are left out (first: \(miss.firstSource))")
        }
        if !common.quiet {
            let servicesRead = report.categories.map { "\($0.name) \(Terminal.count($0.services))" }.joined(separator: ", ")
            Terminal.info("reach: \(Terminal.count(report.zoneCount)) wards, \(Terminal.count(report.originCount)) origins (\(Terminal.count(report.originsOffGraph)) off the walking network, \(Terminal.count(report.originsUnserved)) with no stop departing within \(Terminal.number(maxWalk)) min walk); services: \(servicesRead)")
            if let date = report.date {
                let feeds = report.feeds.map { "\($0.path) \(Terminal.count($0.tripsRunning)) trips" }.joined(separator: ", ")
                Terminal.info("reach: \(date) \(timetable.window): \(feeds); \(Terminal.count(report.tripRuns)) trip runs in \(Terminal.count(report.patterns)) patterns; \(Terminal.count(report.stops)) stops (\(Terminal.count(report.stopsUnsnapped)) further than \(Terminal.number(snap.maxSnapMetres)) m from a walkable road), \(Terminal.count(report.transferLinks)) footpaths, \(Terminal.count(report.accessLinks)) origin-stop walks")
            }
            Terminal.info("reach: checked \(Terminal.count(report.invariantChecks)) origin × category minima against the straight line at \(Terminal.number((report.fastestKmh * 10).rounded() / 10)) km/h (the fastest hop in the timetable)")
            Terminal.closing(zonesWithWarnings: report.zonesWithWarnings, wrote: [output] + [originsOutput, minutesOutput].compactMap { $0 }, timings: report.timings)
        }
        try Terminal.strict(common.strict, zonesWithWarnings: report.zonesWithWarnings, originsOutside: report.originsOutsideZones.count)
    }
}
