import ArgumentParser
import Foundation
import Study

/// `reach compare BEFORE AFTER`: change columns between two earlier outputs.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two zone tables of earlier runs: each shared figure before, after and its change, by zone code.",
        discussion: """
        Reads two GeoJSON or CSV zone tables that reach wrote (two years' feeds run separately, or any two runs over \
        the same zones) and writes BEFORE's rows with, for every numeric column both have, the AFTER value as \
        {column}__{name} and the change as {column}__{name}_change (after minus before, in the column's unit; null \
        where either is null): the columns a [[scenario]] of a study writes (docs/scenarios.md). Zones are matched \
        by code (--code-field, else found as reach wards finds it); a zone in one table and not the other, or a \
        code given twice, is an error naming them. Columns only one table has are listed, not compared.

        Exit codes: 0 success; 1 bad input (the message names the file, zone and column); 2 wrong usage.

        Example:
          reach compare out/2023/wards.geojson out/2024/wards.geojson --name y2024 --out change.geojson --out change.csv
        """
    )

    @Argument(help: ArgumentHelp("The earlier table (GeoJSON or CSV): its rows and geometries are kept.", valueName: "BEFORE"))
    var before: String

    @Argument(help: ArgumentHelp("The later table (GeoJSON or CSV).", valueName: "AFTER"))
    var after: String

    @Option(name: .customLong("out"), parsing: .singleValue,
            help: ArgumentHelp("A file to write, format by extension: .geojson, .geojsonseq, .csv (repeatable).", valueName: "FILE"))
    var outputs: [String] = []

    @Option(help: ArgumentHelp("The suffix of the later table's columns: {column}__{name}.", valueName: "NAME"))
    var name = "after"

    @Option(name: .customLong("code-field"), help: ArgumentHelp("The column of zone codes (default: found from the header).", valueName: "FIELD"))
    var codeField: String?

    @Option(help: ArgumentHelp("Decimal places of output coordinates (6 ≈ 0.1 m).", valueName: "N"))
    var precision = 6

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if outputs.isEmpty { throw ValidationError("give at least one --out FILE") }
        for path in outputs {
            let lower = path.lowercased()
            guard [".geojson", ".geojsonseq", ".geojsons", ".csv", ".json"].contains(where: { lower.hasSuffix($0) }) else {
                throw ValidationError("--out \(path): name a .geojson, .geojsonseq, .geojsons or .csv file")
            }
        }
        if !(0...15).contains(precision) { throw ValidationError("--precision must be 0...15") }
    }

    func run() throws {
        var job = CompareJob(before: before, after: after)
        (job.outputs, job.name, job.codeField, job.precision) = (outputs, name, codeField, precision)
        let report = try job.run()
        if !quiet {
            if !report.onlyBefore.isEmpty { Terminal.error("warning: only in \(before), not compared: \(report.onlyBefore.joined(separator: ", "))") }
            if !report.onlyAfter.isEmpty { Terminal.error("warning: only in \(after), not compared: \(report.onlyAfter.joined(separator: ", "))") }
            Terminal.info("reach: compared \(Terminal.count(report.zones)) zones × \(report.columns.count) columns; wrote \(report.written.joined(separator: ", "))")
        }
    }
}
