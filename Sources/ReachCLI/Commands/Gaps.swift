import Accessibility
import ArgumentParser
import Foundation
import GeoData
import Projection
import Study

/// `reach gaps`: the parts of each ward beyond walking distance of any stop.
struct Gaps: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Map each ward's area farther than 400 m from any active stop: transport deserts as GeoJSON polygons.",
        discussion: """
        ward - union(circle of --radius round each stop) in the working CRS (GEOS), split into polygons. One \
        feature per polygon, largest first within each ward, with the ward's properties and:
          gap_id                 1 = the ward's largest gap
          gap_area_m2            square metres (working CRS)
          gap_area_pct           % of the ward's area
          gap_origins_count      origins inside (on the boundary counts)
          gap_origins_weight     their weight, e.g. population
        A ward wholly within reach of a stop has no feature.

        \(HelpText.exitCodes)

        Example:
          reach gaps --wards fixtures/trafford/wards_2017.geojson \\
              --bus-stops ../shared/data/trafford/bus_stops.geojson \\
              --origins fixtures/trafford/output_areas_2021.geojson --weight-field population --out out/gaps.geojson
        """
    )

    @OptionGroup var zone: ZoneOptions
    @OptionGroup var origin: OriginOptions
    @OptionGroup var stop: StopOptions

    @Option(parsing: .singleValue, help: ArgumentHelp("GTFS feed whose stops to use when no stop file is given (repeatable).", valueName: "FEED"))
    var gtfs: [String] = []

    @Option(help: ArgumentHelp("Stop kinds that close a gap, comma-separated: bus, rail, metro (default: all read).", valueName: "LIST"))
    var kinds: String?

    @Option(help: ArgumentHelp("Walking catchment of a stop, metres (straight line).", valueName: "METRES"))
    var radius: Double = 400

    @Option(name: .customLong("out"), help: ArgumentHelp("Output GeoJSON of gap polygons.", valueName: "FILE"))
    var output: String

    @Option(help: ArgumentHelp("Decimal places of output coordinates.", valueName: "N"))
    var precision: Int = 6

    @OptionGroup var common: CommonOptions

    func parsedKinds() throws -> Set<StopKind>? {
        guard let kinds else { return nil }
        return Set(try kinds.split(separator: ",").map { name in
            guard let kind = StopKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--kinds: unknown stop kind '\(name)' (bus, rail, metro)")
            }
            return kind
        })
    }

    func validate() throws {
        guard radius > 0, radius.isFinite else { throw ValidationError("--radius must be a positive number of metres") }
        guard radius <= CoverageJob.maxRadiusMetres else { throw ValidationError("--radius must be at most \(Int(CoverageJob.maxRadiusMetres)) m (reach's limit)") }
        _ = try parsedKinds()
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15") }
    }

    func run() throws {
        let working = common.workingCRSValue
        let job = GapsJob(
            zones: zone.zones,
            zoneOptions: ZoneLoadOptions(sourceCRS: zone.crs.map { CRS($0) }, workingCRS: working, codeField: zone.codeField),
            origins: origin.origins, originOptions: origin.loadOptions(working: working), weightField: origin.weightField,
            stops: stop.sources(working: working), gtfs: gtfs, kinds: try parsedKinds(), radiusMetres: radius,
            output: output, precision: precision)
        let common = self.common
        let report = try job.run { common.progress($0) }
        for warning in report.stopReports.flatMap(\.warnings) { Terminal.error("warning: \(warning)") }
        if !common.quiet {
            StopSummary.lines(report.stopReports).forEach(Terminal.info)
            Terminal.info("reach: \(Terminal.count(report.gapCount)) gap polygons in \(report.zonesWithGaps) of \(report.zoneCount) wards: \(String(format: "%.2f", report.gapAreaSquareMetres / 1e6)) km², origin weight \(String(format: "%.0f", report.gapWeight)); wrote \(output)")
            Terminal.info("reach: timings: " + report.timings.map { "\($0.step) \(Terminal.seconds($0.seconds))" }.joined(separator: ", "))
        }
    }
}
