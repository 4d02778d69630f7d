import Accessibility
import ArgumentParser
import Foundation
import GeoData
import GeoPrimitives
import Projection
import Study

/// `reach isochrone`: what can be reached from one point within each time, as polygons.
struct Isochrone: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The area reachable from a point within each time, on foot, by bicycle, by car or by public transport.",
        discussion: """
        One GeoJSON polygon per threshold (largest first, so smaller ones draw on top): the streets reached within \
        the time (part-way along a street when only part of it is), buffered by --buffer-metres. With --mode pt, \
        one journey search at --depart on the service date (docs/raptor.md: walk to a stop, ride, change on the \
        spot or after a footpath, ride), then walking on from every stop reached. With --origins (points or \
        output areas with a --weight-field), each polygon carries the population inside it.
        Properties: minutes, mode, area_km2, population and origins_count (with --origins), depart and date (pt).

        \(HelpText.exitCodes)

        Examples:
          reach isochrone --from -2.9976,51.5876 --mode walk --minutes 5,10,15 \\
              --osm ../shared/data/osm/newport-2023-06-13.osm.pbf --out out/walk.geojson
          reach isochrone --from -2.9976,51.5876 --mode pt --minutes 15,30,45,60 --depart 08:00 \\
              --osm ../shared/data/osm/newport-2023-06-13.osm.pbf --gtfs ../shared/data/gtfs/newport-20240305-bus_gtfs.zip \\
              --date 2024-03-05 --out out/pt.geojson
        """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp("Starting point as longitude,latitude (WGS84); a negative longitude is fine.", valueName: "LON,LAT"))
    var from: String

    @Option(help: ArgumentHelp("walk, cycle, car or pt.", valueName: "MODE"))
    var mode: String = "walk"

    @Option(help: ArgumentHelp("Thresholds, minutes, comma-separated.", valueName: "LIST"))
    var minutes: String = "15,30,45,60"

    @Option(help: ArgumentHelp("OpenStreetMap extract (.osm.pbf).", valueName: "FILE"))
    var osm: String

    @Option(parsing: .singleValue, help: ArgumentHelp("GTFS feed (repeatable; --mode pt).", valueName: "FEED"))
    var gtfs: [String] = []

    @Option(help: ArgumentHelp("Service date (--mode pt; default: the first feed's first full week's Tuesday).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("Departure time (--mode pt).", valueName: "HH:MM"))
    var depart: String = "08:00"

    @Option(name: .customLong("max-walk"), help: ArgumentHelp("Longest walk to the first stop, minutes (--mode pt).", valueName: "MIN"))
    var maxWalk: Double = 15

    @Option(name: .customLong("max-transfer-walk"), help: ArgumentHelp("Longest walk between two stops, minutes (--mode pt).", valueName: "MIN"))
    var maxTransferWalk: Double = 5

    @Option(name: .customLong("buffer-metres"), help: ArgumentHelp("Half-width of the band drawn round each reached street.", valueName: "METRES"))
    var bufferMetres: Double = 50

    @OptionGroup var walk: WalkSpeedOptions

    @Option(name: .customLong("cycle-kmh"), help: ArgumentHelp("Cycling speed, km/h.", valueName: "KMH"))
    var cycleKmh: Double = 16

    @OptionGroup var snap: SnapOptions

    @OptionGroup var origin: OriginOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("Output GeoJSON.", valueName: "FILE"))
    var output: String

    @Option(help: ArgumentHelp("Decimal places of output coordinates.", valueName: "N"))
    var precision: Int = 6

    @OptionGroup var common: CommonOptions

    func parsedFrom() throws -> XY {
        let parts = from.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lon = parts[0], let lat = parts[1], (-180...180).contains(lon), (-90...90).contains(lat) else {
            throw ValidationError("--from \(from): expected longitude,latitude in degrees, e.g. -2.9976,51.5876")
        }
        return XY(lon, lat)
    }

    func parsedDepart() throws -> Int {
        let parts = depart.split(separator: ":").map { Int($0) }
        guard parts.count == 2, let h = parts[0], let m = parts[1], (0...47).contains(h), (0...59).contains(m) else {
            throw ValidationError("--depart \(depart): expected HH:MM, e.g. 08:00")
        }
        return h * 3600 + m * 60
    }

    func validate() throws {
        _ = try parsedFrom()
        _ = try parsedDepart()
        guard let mode = IsochroneJob.Mode(rawValue: mode) else { throw ValidationError("--mode \(mode): expected walk, cycle, car or pt") }
        if mode == .pt, gtfs.isEmpty { throw ValidationError("--mode pt needs at least one GTFS feed: --gtfs FEED") }
        if let date, ServiceDate(date) == nil { throw ValidationError("--date \(date): expected a date YYYY-MM-DD") }
        let thresholds = try Distance.numbers(minutes, flag: "--minutes")
        guard thresholds.max()! <= 240 else { throw ValidationError("--minutes: at most 240") }
        for (value, flag) in [(maxWalk, "--max-walk"), (maxTransferWalk, "--max-transfer-walk"), (bufferMetres, "--buffer-metres"), (walk.walkKmh, "--walk-kmh"), (cycleKmh, "--cycle-kmh")] {
            guard value > 0, value.isFinite else { throw ValidationError("\(flag) must be a positive number") }
        }
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15") }
    }

    func run() throws {
        let working = common.workingCRSValue
        let start = try Transformer(from: .wgs84, to: working).transform(try parsedFrom())
        let job = IsochroneJob(from: start, mode: IsochroneJob.Mode(rawValue: mode)!, minutes: try Distance.numbers(minutes, flag: "--minutes"),
                               osm: osm, workingCRS: working, profile: RoadProfile(walkKmh: walk.walkKmh, cycleKmh: cycleKmh), gtfs: gtfs,
                               date: date.flatMap { ServiceDate($0) }, departSeconds: try parsedDepart(), maxWalkMinutes: maxWalk,
                               maxTransferWalkMinutes: maxTransferWalk, bufferMetres: bufferMetres, maxSnapMetres: snap.maxSnapMetres,
                               minIslandNodes: snap.minIslandNodes, origins: origin.origins, originOptions: origin.loadOptions(working: working),
                               weightField: origin.weightField, output: output, precision: precision)
        let common = self.common
        let report = try job.run { common.progress($0) }
        if !common.quiet {
            Terminal.info("reach: start snapped \(Terminal.number((report.snapMetres * 10).rounded() / 10)) m to the \(mode == "pt" ? "walk" : mode) network\(mode == "pt" ? "; \(Terminal.count(report.stopsReached)) stops reached on \(report.date.map { "\($0)" } ?? "")" : "")")
            for polygon in report.polygons {
                Terminal.info("reach: \(Terminal.number(polygon.minutes)) min: \(Terminal.number((polygon.areaKm2 * 100).rounded() / 100)) km²\(polygon.population.map { ", population \(Terminal.number($0))" } ?? "")")
            }
            Terminal.info("reach: wrote \(output); timings: " + report.timings.map { "\($0.step) \(Terminal.seconds($0.seconds))" }.joined(separator: ", "))
        }
    }
}
