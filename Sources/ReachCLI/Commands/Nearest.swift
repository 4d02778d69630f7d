import ArgumentParser
import Foundation
import GeoData
import Projection
import Study

/// `reach nearest`: straight-line distance from each point to the nearest service of each category.
struct Nearest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Straight-line distance from each point to the nearest service of each category (CSV out).",
        discussion: """
        Distances are in metres in the working CRS (EPSG:27700). The output has one row per input point, in \
        input order: point (0-based row), then per category {c}_metres (3 decimals) and {c}_nearest (0-based \
        index of the nearest service among that category's services, in read order).

        \(HelpText.exitCodes)

        Example:
          reach nearest --points homes.csv --services ../shared/data/trafford/gp_practices.geojson --out nearest.csv
        """
    )

    @Option(help: ArgumentHelp("Points: CSV (easting/northing or lon/lat columns) or GeoJSON.", valueName: "FILE"))
    var points: String

    @OptionGroup var service: ServiceOptions

    @Option(name: .customLong("points-crs"), help: ArgumentHelp("CRS of the point coordinates.", valueName: "CRS"))
    var pointsCRS: String?

    @Option(name: .customLong("out"), help: ArgumentHelp("Output CSV.", valueName: "FILE"))
    var output: String

    @OptionGroup var common: CommonOptions

    func validate() throws {
    }

    func run() throws {
        let working = common.workingCRSValue
        let job = NearestJob(points: points, pointOptions: PointLoadOptions(sourceCRS: pointsCRS.map { CRS($0) }, workingCRS: working),
                             services: service.services, categoryField: service.categoryField,
                             serviceOptions: PointLoadOptions(sourceCRS: service.servicesCRS.map { CRS($0) }, workingCRS: working),
                             output: output)
        let common = self.common
        let report = try job.run { common.progress($0) }
        for warning in report.warnings { Terminal.error("warning: \(warning)") }
        if !common.quiet {
            let categories = report.categories.map { "\($0.name) \(Terminal.count($0.services))" }.joined(separator: ", ")
            Terminal.info("reach: \(Terminal.count(report.pointCount)) points; services: \(categories); wrote \(output)")
            Terminal.info("reach: timings: " + report.timings.map { "\($0.step) \(Terminal.seconds($0.seconds))" }.joined(separator: ", "))
        }
    }
}
