import ArgumentParser
import Foundation
import Projection
import Study

/// `reach export`: a ward table in the other formats, with its schema.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a zone table again as GeoJSON, GeoJSON Text Sequences, CSV or GeoPackage, with its schema.json.",
        discussion: """
        Reads the GeoJSON or CSV of any reach step (run, wards, distance, coverage, broadband, score) and writes \
        each --out in the format its extension names:
          .geojson                 RFC 7946 GeoJSON in WGS84 (a CSV input gives null geometries)
          .geojsonseq, .geojsons   GeoJSON Text Sequences (RFC 8142): one feature a line, for streaming
          .csv                     no geometry, one row a ward, one column a property
          .gpkg                    OGC GeoPackage for QGIS: one layer named after the file, in British National Grid \
        (--crs), with an R-tree index, every column's title and meaning (gpkg_data_columns) and a default style
        --postgres CONNECTION loads the table into PostGIS in one transaction (docs/postgis.md): a table named after \
        the input file in --schema (default public), geometry with its SRID, the zone code as primary key, a GiST \
        index and a comment on every column; --replace overwrites a table that exists.
        --select keeps only the columns named, in that order (e.g. the code, the name and a few figures for a \
        spreadsheet). --schema writes the unit, meaning and source of every column written.

        Exit codes: 0 success; 1 bad input (the message names the file and column); 2 wrong usage.

        Examples:
          reach export --in out/trafford/wards.geojson --out trafford.csv --out trafford.geojsonseq
          reach export --in out/trafford/wards.geojson --select area_code,area_name,connectivity_score,connectivity_rank \\
              --out ranks.csv --schema ranks.schema.json
        """
    )

    @Option(name: .customLong("in"), help: ArgumentHelp("The ward table: GeoJSON or CSV (by extension).", valueName: "FILE"))
    var input: String

    @Option(name: .customLong("out"), parsing: .singleValue,
            help: ArgumentHelp("A file to write, format by extension: .geojson, .geojsonseq (or .geojsons), .csv, .gpkg (repeatable).", valueName: "FILE"))
    var outputs: [String] = []

    @Option(help: ArgumentHelp("Write the schema (unit, meaning, source of each column) to this JSON file; with --postgres, the database schema to load into (default public).", valueName: "FILE|NAME"))
    var schema: String?

    @Option(help: ArgumentHelp("Load the table into PostGIS: a libpq connection string or URI (postgresql://user@host:5432/db). The password comes from PGPASSWORD or ~/.pgpass, never from here.", valueName: "CONNECTION"))
    var postgres: String?

    @Flag(help: "With --postgres: overwrite a table that exists (else it is an error naming it).")
    var replace = false

    @Option(help: ArgumentHelp("Columns to keep, comma-separated, in output order (default: all).", valueName: "A,B,C"))
    var select: String?

    @Option(name: .customLong("input-schema"), help: ArgumentHelp("The schema.json that describes the input's columns (default: the schema.json beside the input, if any; reach run writes one).", valueName: "FILE"))
    var inputSchema: String?

    @Option(help: ArgumentHelp("Decimal places of output coordinates (6 ≈ 0.1 m).", valueName: "N"))
    var precision = 6

    @Option(help: ArgumentHelp("The projected CRS of a GeoPackage's geometries.", valueName: "CRS"))
    var crs = "EPSG:27700"

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if outputs.isEmpty && schema == nil && postgres == nil { throw ValidationError("give at least one --out FILE (or --schema FILE, or --postgres)") }
        if replace && postgres == nil { throw ValidationError("--replace goes with --postgres") }
        for path in outputs {
            let lower = path.lowercased()
            guard [".geojson", ".geojsonseq", ".geojsons", ".csv", ".json", ".gpkg"].contains(where: { lower.hasSuffix($0) }) else {
                throw ValidationError("--out \(path): name a .geojson, .geojsonseq, .geojsons, .csv or .gpkg file")
            }
        }
        if !(0...15).contains(precision) { throw ValidationError("--precision must be 0...15") }
    }

    func run() throws {
        let columns = select.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        // With --postgres, --schema names the database schema, as psql users expect.
        var job = ExportJob(input: input, outputs: outputs, schema: postgres == nil ? schema : nil, select: columns, inputSchema: inputSchema,
                            precision: precision)
        job.crs = CRS(crs)
        job.postgres = postgres
        job.databaseSchema = postgres != nil ? schema ?? "public" : "public"
        job.replace = replace
        let report = try job.run()
        if !quiet {
            if !report.hasGeometry, outputs.contains(where: { !$0.lowercased().hasSuffix(".csv") }) {
                Terminal.error("warning: \(input) has no geometries; the GeoJSON written has null geometries")
            }
            Terminal.info("reach: exported \(Terminal.count(report.rows)) rows × \(report.columns.count) columns; wrote \(report.written.joined(separator: ", "))")
        }
    }
}
