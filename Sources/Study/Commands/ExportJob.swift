import Foundation
import GeoData
import Projection

/// `reach export`: an existing ward table (the GeoJSON or CSV of any reach step) written again as GeoJSON,
/// GeoJSON Text Sequences or CSV, optionally with only some columns, and with its `schema.json`.
public struct ExportJob: Sendable {
    public var input: String
    /// Files to write, each in the format its extension names (`.geojson`, `.geojsonseq`/`.geojsons`, `.csv`).
    public var outputs: [String]
    /// The schema document (unit, meaning and source of every column) to write, if any.
    public var schema: String?
    /// Columns to keep, in this order; nil keeps them all.
    public var select: [String]?
    /// The `schema.json` that describes the input's columns; nil reads the one beside the input, if any.
    public var inputSchema: String?
    public var precision: Int
    /// The CRS of a GeoPackage's or PostGIS table's geometries (projected; British National Grid by default).
    public var crs: CRS = .britishNationalGrid
    /// A PostgreSQL connection string or URI to load the table into (docs/postgis.md); its password, if any, comes
    /// from PGPASSWORD or ~/.pgpass.
    public var postgres: String?
    /// The database schema the table goes in.
    public var databaseSchema = "public"
    /// Overwrite a table that exists.
    public var replace = false

    public init(input: String, outputs: [String], schema: String? = nil, select: [String]? = nil, inputSchema: String? = nil, precision: Int = 6) {
        self.input = input
        self.outputs = outputs
        self.schema = schema
        self.select = select
        self.inputSchema = inputSchema
        self.precision = precision
    }

    public struct Report: Sendable {
        public var rows = 0
        public var columns: [String] = []
        public var hasGeometry = false
        public var written: [String] = []
    }

    public func run() throws -> Report {
        for path in outputs + [schema].compactMap({ $0 }) { try AtomicFile.checkWritable(path) }
        let known = try inputSchema.map { try PropertySchema.read(path: $0) } ?? PropertySchema.beside(input) ?? [:]
        var table = try PropertyTable.read(path: input)
        if let select {
            let known = Set(table.columns)
            if let missing = select.first(where: { !known.contains($0) }) {
                throw DataError(file: input, field: missing, "no such column; the table has: \(table.columns.joined(separator: ", "))")
            }
            table.rows = table.rows.map { row in JSONObject(select.map { ($0, row[$0] ?? .null) }) }
            table.columns = select
        }
        var report = Report()
        report.rows = table.rows.count
        report.columns = table.columns
        report.hasGeometry = table.geometries?.contains { $0 != nil } ?? false
        for path in outputs {
            if path.lowercased().hasSuffix(".gpkg") {
                guard report.hasGeometry else { throw DataError(file: input, "a GeoPackage needs geometries: export the GeoJSON table, not the CSV") }
                let name = Self.layerName(path)
                let styleProperty = table.columns.contains("connectivity_score") ? "connectivity_score" : nil
                let layer = try GeoPackageOutput.tableLayer(table, name: name, schema: known, crs: crs, styleProperty: styleProperty)
                try GeoPackageWriter.write([layer], srs: try GeoPackageOutput.srs(crs), lastChange: GeoPackageOutput.lastChange(), to: path)
            } else {
                try AtomicFile.write(try table.encoded(for: path, precision: precision), to: path)
            }
            report.written.append(path)
        }
        if let postgres {
            guard report.hasGeometry else { throw DataError(file: input, "a PostGIS table needs geometries: export the GeoJSON table, not the CSV") }
            let name = Self.layerName(input)
            let layer = try GeoPackageOutput.tableLayer(table, name: name, schema: known, crs: crs, styleProperty: nil)
            let srs = try GeoPackageOutput.srs(crs)
            let key = try ZoneLoader.detectCodeField(table.columns).flatMap { field in Set(table.rows.compactMap { $0[field]?.stringValue }).count == table.rows.count ? field : nil }
            let loaded = try PostGISLoader(schema: databaseSchema, replace: replace)
                .load([.init(layer: layer, key: key, srid: srs.id)], into: PostgresConnection(postgres))
            report.written += loaded
        }
        if let schema {
            let columns = table.columns.map { known[$0] ?? ColumnSchema(name: $0, unit: nil, description: "passed through unchanged", source: "input") }
            try AtomicFile.write(PropertySchema.encoded(study: (input as NSString).lastPathComponent, columns: columns), to: schema)
            report.written.append(schema)
        }
        return report
    }

    /// A table or layer name from a file name: `wards.gpkg` → `wards`; anything but letters and digits becomes `_`.
    static func layerName(_ path: String) -> String {
        var stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        if stem.lowercased().hasSuffix(".geojson") { stem = (stem as NSString).deletingPathExtension }
        stem = String(stem.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        return stem.first?.isLetter == true ? stem.lowercased() : "zones_\(stem.lowercased())"
    }
}
