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

        \(HelpText.exitCodes)

        Example:
          reach departures --gtfs ../shared/data/gtfs/newport-20240305-bus_gtfs.zip --date 2024-03-05 --out out/departures.csv
        """
    )

    @OptionGroup var timetable: TimetableOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("Output CSV.", valueName: "FILE"))
    var output: String

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if timetable.gtfs.isEmpty { throw ValidationError("give at least one feed with --gtfs FEED") }
    }

    func run() throws {
        let job = DeparturesJob(gtfs: timetable.gtfs, date: try timetable.parsedDate(), window: try timetable.parsedWindow(), output: output)
        let common = self.common
        let report = try job.run { common.progress($0) }
        for warning in report.warnings { Terminal.error("warning: \(warning)") }
        if !common.quiet {
            for feed in report.feeds {
                Terminal.info("reach: \(feed.path): \(Terminal.count(feed.stops)) stops, \(Terminal.count(feed.trips)) trips, \(Terminal.count(feed.stopTimes)) stop times; on \(feed.date) \(Terminal.count(feed.tripsRunning)) trips run, \(Terminal.count(feed.departures)) departures in \(timetable.window)")
            }
            Terminal.info("reach: read \(Terminal.count(Int(report.stopTimesPerSecond))) stop times a second (reading, checking and counting); wrote \(output)")
            Terminal.info("reach: timings: " + report.timings.map { "\($0.step) \(Terminal.seconds($0.seconds))" }.joined(separator: ", "))
        }
    }
}
