import ArgumentParser
import Foundation
import GeoData
import Projection
import Study

/// `reach broadband`: Ofcom Connected Nations coverage and speeds per ward.
struct Broadband: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Broadband coverage and speed per ward from Ofcom Connected Nations files.",
        discussion: """
        Places each record of Ofcom's postcode- or output-area-level files (coverage, performance, or the 2016 \
        combined layout; columns matched by name whatever the release, or named with --column) at its postcode \
        (a postcode directory, ONSPD style) or output area, finds the ward covering it, and adds per ward \
        (docs/broadband.md):
          broadband_records, broadband_premises     records placed; their premises (null without premises counts)
          broadband_sfbb_pct                        % of premises that can get superfast broadband (>= 30 Mbit/s)
          broadband_ufbb_pct                        % that can get ultrafast (>= 300 Mbit/s)
          broadband_full_fibre_pct, broadband_gigabit_pct
          broadband_below_uso_pct                   % below the USO (10 Mbit/s down, 1 up; before 2018: < 10 Mbit/s)
          broadband_median_down_mbps                premises-weighted median of the records' median download speeds
          broadband_speed_records                   records with a speed
          broadband_unmatched_records               unplaced records claimed by postcode sector
        Shares weigh each record by its premises ('All Premises'); files without premises counts (2016) weigh each \
        postcode 1, and the summary says so. A measure no file has is not written. Percentages outside 0-100, \
        negative premises and a header matching no known layout stop the run naming file, line and column; \
        duplicate keys are reported and counted once; unplaced records are counted by reason and listed with \
        --unmatched-out.

        Column roles for --column ROLE=HEADER: \(BroadbandLayout.roles.joined(separator: ", ")).

        \(HelpText.exitCodes)

        Examples:
          reach broadband --wards ../shared/data/trafford/wards_2023.geojson \\
              --postcodes ../shared/data/trafford/postcodes.csv \\
              --ofcom ../shared/data/ofcom/2016_fixed_pc_r01_M.csv --ofcom ../shared/data/ofcom/2016_fixed_pc_r01_WA.csv \\
              --out out/broadband.geojson
          reach broadband --wards fixtures/trafford/wards_2017.geojson --output-areas fixtures/trafford/output_areas_2021.geojson \\
              --ofcom fixtures/broadband/oa21_coverage.csv --ofcom fixtures/broadband/oa21_performance.csv --out out/bb.csv
          reach broadband --study study.toml --wards wards.geojson --out out/broadband.geojson   (inputs from [broadband])
        """
    )

    @OptionGroup var zone: ZoneOptions

    @Option(name: .customLong("ofcom"), parsing: .singleValue,
            help: ArgumentHelp("Ofcom Connected Nations CSV, postcode or output-area level, plain or gzip (repeatable).", valueName: "FILE"))
    var ofcom: [String] = []

    @Option(name: .customLong("postcodes"), help: ArgumentHelp("Postcode directory: a postcode column and easting/northing (oseast1m/osnrth1m) or lat/long.", valueName: "FILE"))
    var postcodes: String?

    @Option(name: .customLong("postcode-field"), help: ArgumentHelp("The directory's postcode column (default: pcds, pcd, postcode...).", valueName: "NAME"))
    var postcodeField: String?

    @Option(name: .customLong("x-field"), help: ArgumentHelp("The directory's x column (easting or longitude).", valueName: "NAME"))
    var xField: String?

    @Option(name: .customLong("y-field"), help: ArgumentHelp("The directory's y column (northing or latitude).", valueName: "NAME"))
    var yField: String?

    @Option(name: .customLong("postcodes-crs"), help: ArgumentHelp("CRS of the directory's coordinates (default: from the column names).", valueName: "CRS"))
    var postcodesCRS: String?

    @Option(name: .customLong("output-areas"), help: ArgumentHelp("Output areas (polygons or points, GeoJSON or CSV) for output-area-level files.", valueName: "FILE"))
    var outputAreas: String?

    @Option(name: .customLong("oa-field"), help: ArgumentHelp("The output areas' code property (default: detected, e.g. OA21CD, area_code).", valueName: "NAME"))
    var oaField: String?

    @Option(name: .customLong("column"), parsing: .singleValue, help: ArgumentHelp("Names a column for a role, beating the patterns (repeatable).", valueName: "ROLE=HEADER"))
    var column: [String] = []

    @Option(help: ArgumentHelp("Study file whose [broadband] section gives the Ofcom files, placement and column map (flags win).", valueName: "FILE"))
    var study: String?

    @Option(name: .customLong("unmatched-out"), help: ArgumentHelp("CSV listing every record not placed: file, line, key, reason.", valueName: "FILE"))
    var unmatchedOutput: String?

    @Option(name: .customLong("out"), help: ArgumentHelp("Output: wards with the figures, .geojson or .csv (by extension).", valueName: "FILE"))
    var output: String

    @Option(help: ArgumentHelp("Decimal places of output coordinates.", valueName: "N"))
    var precision: Int = 6

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if postcodes != nil, outputAreas != nil { throw ValidationError("give --postcodes or --output-areas, not both") }
        if (xField == nil) != (yField == nil) { throw ValidationError("give both --x-field and --y-field, or neither") }
        _ = try columnMap()
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15") }
        if study == nil {
            if ofcom.isEmpty { throw ValidationError("give the Ofcom files with --ofcom FILE (or a --study with a [broadband] section)") }
            if postcodes == nil, outputAreas == nil { throw ValidationError("give a postcode directory with --postcodes FILE, or --output-areas FILE") }
        }
    }

    /// `--column` flags as a role → header map.
    func columnMap() throws -> [String: String] {
        var map: [String: String] = [:]
        for entry in column {
            guard let equals = entry.firstIndex(of: "=") else { throw ValidationError("--column \(entry): expected ROLE=HEADER") }
            let role = String(entry[..<equals]).trimmingCharacters(in: .whitespaces)
            guard BroadbandLayout.roles.contains(role) else {
                throw ValidationError("--column \(entry): '\(role)' is not a role (\(BroadbandLayout.roles.joined(separator: ", ")))")
            }
            map[role] = String(entry[entry.index(after: equals)...])
        }
        return map
    }

    func run() throws {
        var spec = BroadbandSpec()
        if let study {
            let config = try StudyConfig.load(path: study)
            guard let section = config.broadband else { throw DataError(file: study, "has no [broadband] section") }
            spec = section
        }
        if !ofcom.isEmpty { spec.ofcom = ofcom }
        if postcodes != nil || outputAreas != nil {
            spec.postcodes = postcodes
            spec.outputAreas = outputAreas
        }
        spec.postcodeField = postcodeField ?? spec.postcodeField
        spec.xField = xField ?? spec.xField
        spec.yField = yField ?? spec.yField
        spec.postcodesCRS = postcodesCRS ?? spec.postcodesCRS
        spec.outputAreaField = oaField ?? spec.outputAreaField
        spec.columns.merge(try columnMap()) { _, flag in flag }

        let placement: BroadbandJob.Placement
        if let directory = spec.postcodes {
            placement = .postcodes(path: directory, postcodeField: spec.postcodeField, xField: spec.xField, yField: spec.yField,
                                   crs: spec.postcodesCRS.map { CRS($0) })
        } else if let areas = spec.outputAreas {
            placement = .outputAreas(path: areas, codeField: spec.outputAreaField, crs: spec.postcodesCRS.map { CRS($0) })
        } else {
            throw ValidationError("give a postcode directory with --postcodes FILE, or --output-areas FILE")
        }
        let working = common.workingCRSValue
        let job = BroadbandJob(
            zones: zone.zones,
            zoneOptions: ZoneLoadOptions(sourceCRS: zone.crs.map { CRS($0) }, workingCRS: working, codeField: zone.codeField),
            ofcom: spec.ofcom, placement: placement, columns: spec.columns, output: output,
            unmatchedOutput: unmatchedOutput, precision: precision)
        let common = self.common
        let report = try job.run { common.progress($0) }
        for warning in report.placementWarnings + report.emptyCells { Terminal.error("warning: \(warning)") }
        for file in report.usoStandIn {
            Terminal.error("warning: \(file) has no USO column: broadband_below_uso_pct is the share unable to get 10 Mbit/s (download only)")
        }
        if !report.premisesWeighted {
            Terminal.error("warning: some coverage file has no premises counts: every record weighs 1 (a share of postcodes, not of premises) and broadband_premises is null")
        }
        if !report.unmatched.isEmpty {
            let counts = report.unmatched.map { "\(Terminal.count($0.count)) \($0.reason.rawValue)" }.joined(separator: ", ")
            let examples = report.unmatchedExamples.prefix(3).map { "\($0.file): line \($0.line): \($0.key)\($0.detail.isEmpty ? "" : " (\($0.detail))")" }
            Terminal.error("warning: records not placed: \(counts) (e.g. \(examples.joined(separator: "; ")))\(unmatchedOutput == nil ? "; list them all with --unmatched-out FILE.csv" : "; listed in \(unmatchedOutput!)")")
        }
        if !common.quiet {
            Terminal.info("reach: \(report.placementSummary)")
            for file in report.files {
                Terminal.info("reach: \(file.path): \(Terminal.count(file.rows)) rows; \(file.layout.joined(separator: ", "))")
            }
            if !report.absentMeasures.isEmpty {
                Terminal.info("reach: no file has \(report.absentMeasures.map(\.meaning).joined(separator: ", ")): those properties are not written")
            }
            Terminal.info("reach: \(Terminal.count(report.records)) records, \(Terminal.count(report.placed)) placed in \(Terminal.count(report.zoneCount)) wards\(report.attributed > 0 ? ", \(Terminal.count(report.attributed)) unplaced ones claimed by postcode sector" : "")")
            Terminal.closing(zonesWithWarnings: report.zonesWithWarnings, wrote: [output], timings: report.timings)
        }
        try Terminal.strict(common.strict, zonesWithWarnings: report.zonesWithWarnings)
    }
}
