import ArgumentParser
import Foundation
import GeoData
import Projection
import Study

/// `reach validate`: every problem in the inputs, before a long run.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a study's inputs (or the layers named) before a long run, listing every problem found.",
        discussion: """
        Reads each layer the study names ([wards], [origins], [distance] services, [coverage] stops), or those \
        given by flag, and reports, one line each with the file and the feature or line:
          error    a file that cannot be read; an empty layer; coordinates outside the working CRS's area of use \
        (saying when latitude/longitude look swapped); a boundary that is missing, not a polygon or has no area; \
        no zone code field, a zone without a code, a duplicate zone code
          warning  an invalid boundary reach will repair (GEOS make-valid, with the reason, e.g. Ring \
        Self-intersection); some points outside the area of use; origins in no zone; zones with no origin
        With a study it first checks the study file itself (every key, with its line), that each input exists \
        and that the output folder can be written, as reach run does.

        Exit codes: 0 no errors (warnings allowed, unless --strict); 1 errors found (or warnings with --strict); \
        2 wrong usage.

        Examples:
          reach validate fixtures/trafford/study.toml
          reach validate --wards ../shared/data/uk-geojson/wards_by_lad --origins oa_points.csv --services gp.csv
        """
    )

    @Argument(help: ArgumentHelp("A study file (TOML) whose inputs to check.", valueName: "STUDY.toml"))
    var study: String?

    @OptionGroup var zoneOptions: ValidateZoneOptions

    @Option(help: ArgumentHelp("Origins: points (CSV/GeoJSON) or polygons such as output areas.", valueName: "FILE"))
    var origins: String?

    @Option(name: .customLong("services"), parsing: .singleValue, help: ArgumentHelp("Service points, CSV or GeoJSON (repeatable).", valueName: "FILE"))
    var services: [String] = []

    @Option(name: .customLong("naptan"), parsing: .singleValue, help: ArgumentHelp("NaPTAN Stops.csv (repeatable).", valueName: "FILE"))
    var naptan: [String] = []

    @Option(name: .customLong("stops"), parsing: .singleValue, help: ArgumentHelp("Other stop points, CSV or GeoJSON (repeatable).", valueName: "FILE"))
    var stops: [String] = []

    @Option(name: .customLong("working-crs"), help: ArgumentHelp("Projected CRS in metres whose area of use the inputs must lie in.", valueName: "CRS"))
    var workingCRS: String = "EPSG:27700"

    @Flag(help: "Exit with status 1 on warnings too.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print only the problems.")
    var quiet = false

    func validate() throws {
        if study == nil, zoneOptions.zones.isEmpty, origins == nil, services.isEmpty, naptan.isEmpty, stops.isEmpty {
            throw ValidationError("give a study file, or layers to check (--wards, --origins, --services, --naptan, --stops)")
        }
        if study != nil, !(zoneOptions.zones.isEmpty && origins == nil && services.isEmpty && naptan.isEmpty && stops.isEmpty) {
            throw ValidationError("give a study file or layers by flag, not both")
        }
    }

    func run() throws {
        let working = CRS(workingCRS)
        let job = ValidateJob(study: study, zones: zoneOptions.zones,
                              zoneOptions: ZoneLoadOptions(sourceCRS: zoneOptions.crs.map { CRS($0) }, workingCRS: working, codeField: zoneOptions.codeField),
                              origins: origins, services: services,
                              stops: StopSources(naptan: naptan, busStops: stops, pointOptions: PointLoadOptions(workingCRS: working)),
                              pointOptions: PointLoadOptions(workingCRS: working))
        let quiet = self.quiet
        let report = job.run { if !quiet { Terminal.info("reach: validate: reading \($0)") } }
        for finding in report.findings { print(finding) }
        if !quiet {
            for layer in report.layers { Terminal.info("reach: validate: \(layer)") }
            Terminal.info("reach: validate: \(report.errors) error(s), \(report.warnings) warning(s)")
        }
        if report.errors > 0 || (strict && report.warnings > 0) { throw ExitCode(1) }
    }
}

/// The zone flags of validate: as the other subcommands', but optional.
struct ValidateZoneOptions: ParsableArguments {
    @Option(name: .customLong("wards"), parsing: .singleValue,
            help: ArgumentHelp("Zone boundaries: a GeoJSON file, or a folder of them (repeatable).", valueName: "PATH"))
    var zones: [String] = []

    @Option(name: .customLong("crs"), help: ArgumentHelp("CRS of the zone coordinates, overriding the file's crs member (default: RFC 7946 WGS84).", valueName: "CRS"))
    var crs: String?

    @Option(name: .customLong("code-field"), help: ArgumentHelp("Property holding zone codes (default: detected, e.g. WD13CD, area_code).", valueName: "NAME"))
    var codeField: String?
}
