import ArgumentParser
import Foundation
import GeoData
import Projection
import Study

/// `reach wards`: boundaries in, valid boundaries with their area out.
struct Wards: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproject ward boundaries to the working CRS, repair invalid ones, and write them with their area.",
        discussion: """
        Reads polygons from GeoJSON (a FeatureCollection; a legacy "crs" member is honoured, otherwise \
        coordinates are WGS84 longitude/latitude). Every boundary is reprojected once into the working CRS \
        (EPSG:27700, British National Grid, metres), checked with GEOS and repaired with make-valid when \
        invalid. The output is RFC 7946 GeoJSON in WGS84 with every input property plus:
          area_km2       planar area in the working CRS, km², 6 decimals
          reach_warning  null, or why this ward's figures are missing or doubtful
        A ward that cannot be used keeps its properties with "geometry": null and a reach_warning.

        \(HelpText.exitCodes)

        Example:
          reach wards --wards fixtures/trafford/wards_2017.geojson --out out/trafford-wards.geojson
        """
    )

    @OptionGroup var zone: ZoneOptions
    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("Output GeoJSON file.", valueName: "FILE"))
    var output: String

    @Option(help: ArgumentHelp("Decimal places of output coordinates (6 ≈ 0.1 m).", valueName: "N"))
    var precision: Int = 6

    func validate() throws {
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15") }
    }

    func run() throws {
        let job = WardsJob(
            inputs: zone.zones,
            output: output,
            load: ZoneLoadOptions(sourceCRS: zone.crs.map { CRS($0) }, workingCRS: common.workingCRSValue, codeField: zone.codeField),
            precision: precision)
        let common = self.common
        let report = try job.run { common.progress($0) }
        for warning in report.warnings {
            Terminal.error("warning: \(warning.source) (\(warning.code)): \(warning.message)")
        }
        if !common.quiet {
            let repaired = report.repaired.map { "\($0.code) (\($0.source)): \($0.reason)" }
            Terminal.info("reach: \(Terminal.count(report.zoneCount)) wards from \(Terminal.count(report.fileCount)) file\(report.fileCount == 1 ? "" : "s"); "
                + "repaired \(report.repaired.count) invalid boundar\(report.repaired.count == 1 ? "y" : "ies"); "
                + "\(report.warnings.count) without a usable boundary")
            for line in repaired { Terminal.info("  repaired \(line)") }
            let timing = report.timings.map { "\($0.step) \(Terminal.seconds($0.seconds))" }.joined(separator: ", ")
            Terminal.info("reach: wrote \(output) (\(Terminal.megabytes(report.outputBytes))); \(timing)")
        }
        if common.strict, !report.warnings.isEmpty || !report.repaired.isEmpty {
            Terminal.error("--strict: \(report.warnings.count + report.repaired.count) ward(s) have warnings")
            throw ExitCode(1)
        }
    }
}
