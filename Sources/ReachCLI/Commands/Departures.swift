import Accessibility
import ArgumentParser
import Foundation
import GeoData
import Study

/// `reach departures`: how often services leave each stop.
struct Departures: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Departures per stop in a time window of a service date, from GTFS feeds (CSV out).",
        discussion: """
        A departure is a stop time of a trip running on the date (calendar.txt and calendar_dates.txt; the \
        previous day's trips past 24:00 included) with its departure time in the window, not the trip's last stop \
        and not pickup_type 1; trips in frequencies.txt run once per headway (docs/transit.md).
        Columns: feed, stop_id, stop_name, lon, lat, modes (route classes calling), departures, departures_per_hour.

        With --week DATE (the seven days from DATE) or --hourly (the --date alone), the table is by hour instead: \
        a row per feed, stop, date and hour 0-23 with a departure (hours with none are left out): feed, stop_id, \
        stop_name, date, hour, departures, and the departures of each route class (bus, rail, metro, ferry, other). \
        Each hour counts as a one-hour window would (the previous day's trips past 24:00 in the early hours; the \
        day's own past 24:00 on the next date). A date with no service is said on stderr; its stops have no rows.

        \(HelpText.exitCodes)

        Example:
          reach departures --gtfs ../shared/data/gtfs/newport-20240305-bus_gtfs.zip --date 2024-03-05 --out out/departures.csv
          reach departures --gtfs ../shared/data/gtfs/newport-20240305-bus_gtfs.zip --week 2024-03-04 --out out/by-hour.csv
        """
    )

    @OptionGroup var timetable: TimetableOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("Output CSV.", valueName: "FILE"))
    var output: String

    @Option(help: ArgumentHelp("Departures by hour on the seven days from this date (the hourly table).", valueName: "YYYY-MM-DD"))
    var week: String?

    @Flag(help: "Departures by hour on --date (the hourly table).")
    var hourly = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if timetable.gtfs.isEmpty { throw ValidationError("give at least one feed with --gtfs FEED") }
        if week != nil, hourly || timetable.date != nil { throw ValidationError("--week names the dates itself: give it without --date and --hourly") }
        if hourly, timetable.date == nil { throw ValidationError("--hourly needs --date (or give --week)") }
        if let week, ServiceDate(week) == nil { throw ValidationError("--week \(week): expected a date YYYY-MM-DD") }
    }

    func run() throws {
        var dates: [ServiceDate] = []
        if let week, let start = ServiceDate(week) { dates = (0..<7).map { start.adding(days: $0) } }
        if hourly, let date = try timetable.parsedDate() { dates = [date] }
        let job = DeparturesJob(gtfs: timetable.gtfs, date: try timetable.parsedDate() ?? dates.first, window: try timetable.parsedWindow(),
                                output: output, dates: dates)
        let common = self.common
        let report = try job.run { common.progress($0) }
        for warning in report.warnings { Terminal.error("warning: \(warning)") }
        if !common.quiet {
            for feed in report.feeds {
                if dates.isEmpty {
                    Terminal.info("reach: \(feed.path): \(Terminal.count(feed.stops)) stops, \(Terminal.count(feed.trips)) trips, \(Terminal.count(feed.stopTimes)) stop times; on \(feed.date) \(Terminal.count(feed.tripsRunning)) trips run, \(Terminal.count(feed.departures)) departures in \(timetable.window)")
                } else {
                    Terminal.info("reach: \(feed.path): \(Terminal.count(feed.stops)) stops, \(Terminal.count(feed.trips)) trips, \(Terminal.count(feed.stopTimes)) stop times; departures by hour on \(dates.first!)\(dates.count > 1 ? " to \(dates.last!)" : "")")
                }
            }
            Terminal.info("reach: read \(Terminal.count(Int(report.stopTimesPerSecond))) stop times a second (reading, checking and counting); wrote \(output)")
            Terminal.info("reach: timings: " + report.timings.map { "\($0.step) \(Terminal.seconds($0.seconds))" }.joined(separator: ", "))
        }
    }
}
