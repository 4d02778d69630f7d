import Foundation
import GeoPrimitives
import Projection

/// RFC 4180 quoting for one output field.
public enum CSVField {
    /// The field as RFC 4180 writes it: quoted, with its quotes doubled, when it holds a comma, a quote or a line
    /// end (looked for byte by byte, so a CR LF pair, one Character in Swift, is found too).
    public static func escape(_ field: String) -> String {
        needsQuotes(field) ? "\"\(field.replacingOccurrences(of: "\"", with: "\"\""))\"" : field
    }

    /// Appends `escape(field)`'s UTF-8 bytes.
    public static func append(_ field: String, to bytes: inout [UInt8]) {
        guard needsQuotes(field) else { bytes.append(contentsOf: field.utf8); return }
        bytes.append(0x22)
        for byte in field.utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
    }

    static func needsQuotes(_ field: String) -> Bool {
        field.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    }
}

/// Rows of properties, from a GeoJSON file (with its geometries, in WGS84) or a CSV file (without): the table a
/// score is computed over and written back to, in the same format or the other.
public struct PropertyTable: Sendable {
    public enum Format: String, Sendable {
        case geojson, csv

        /// The format a file name implies: `.csv` or `.csv.gz` is CSV, anything else GeoJSON.
        public init(path: String) {
            let lower = path.lowercased()
            self = lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") ? .csv : .geojson
        }
    }

    public var source: String
    public var format: Format
    public var rows: [JSONObject]
    /// WGS84 lon/lat geometries (GeoJSON input); nil for CSV.
    public var geometries: [Shape?]?
    /// Column order: the CSV header, or GeoJSON property names in order of first appearance.
    public var columns: [String]
    /// Where each row came from: "line N" (CSV, header is line 1) or "feature N" (GeoJSON, 0-based).
    public var locations: [String]
    /// Columns that came from elsewhere than `source` (a join: "joined from imd.csv"), for messages about their values.
    public var columnOrigins: [String: String] = [:]

    public init(source: String, format: Format, rows: [JSONObject], geometries: [Shape?]?, columns: [String], locations: [String]) {
        self.source = source
        self.format = format
        self.rows = rows
        self.geometries = geometries
        self.columns = columns
        self.locations = locations
    }

    /// Reads a GeoJSON or CSV table. CSV fields that are JSON number literals become numbers (keeping their text),
    /// empty fields become null, and the rest stay strings. GeoJSON geometries in another declared CRS (a legacy
    /// `crs` member) are reprojected to WGS84, so the table can be written back as RFC 7946.
    public static func read(path: String) throws -> PropertyTable {
        switch Format(path: path) {
        case .csv:
            let table = try CSVTable(bytes: try FileBytes.read(path: path), source: path)
            var rows: [JSONObject] = []
            var locations: [String] = []
            try table.forEachRow { row in
                var members: [(key: String, value: JSONValue)] = []
                members.reserveCapacity(table.header.count)
                for (index, name) in table.header.enumerated() {
                    let text = index < row.count ? row.string(index) : ""
                    members.append((name, text.isEmpty ? .null : JSONNumber(literal: text).map(JSONValue.number) ?? .string(text)))
                }
                rows.append(JSONObject(members))
                locations.append("line \(row.line)")
            }
            return PropertyTable(source: path, format: .csv, rows: rows, geometries: nil, columns: table.header, locations: locations)
        case .geojson:
            let collection = try GeoJSONReader.read(path: path)
            let crs = collection.crs()
            var columns: [String] = []
            var seen = Set<String>()
            for feature in collection.features {
                for key in feature.properties.keys where seen.insert(key).inserted { columns.append(key) }
            }
            let toWGS84 = crs == .wgs84 ? nil : try Transformer(from: crs, to: .wgs84)
            var geometries: [Shape?] = []
            for (index, feature) in collection.features.enumerated() {
                if let problem = feature.geometryProblem {
                    throw DataError(file: path, location: "feature \(index)", "unusable geometry: \(problem)")
                }
                geometries.append(try feature.geometry.map { try toWGS84?.transform($0) ?? $0 })
            }
            return PropertyTable(source: path, format: .geojson, rows: collection.features.map(\.properties), geometries: geometries,
                                 columns: columns, locations: collection.features.indices.map { "feature \($0)" })
        }
    }

    /// The table encoded as `path`'s extension asks: CSV for `.csv`, GeoJSON Text Sequences (RFC 8142) for
    /// `.geojsonseq` or `.geojsons`, else RFC 7946 GeoJSON; coordinates to `precision` decimals.
    public func encoded(for path: String, precision: Int = 6) throws -> [UInt8] {
        let lower = path.lowercased()
        if lower.hasSuffix(".geojsonseq") || lower.hasSuffix(".geojsons") {
            return try GeoJSONWriter(precision: precision).encodeSequence(features)
        }
        switch Format(path: path) {
        case .csv: return csv()
        case .geojson: return try GeoJSONWriter(precision: precision).encode(features)
        }
    }

    /// The features to write as GeoJSON (rows without geometry get `null`).
    public var features: [Feature] {
        rows.indices.map { Feature(properties: rows[$0], geometry: geometries?[$0] ?? nil) }
    }

    /// CSV text: one column per property (in `columns` order, then any others in order of first appearance),
    /// numbers as read or in shortest round-trip form, null as an empty field, strings quoted as RFC 4180 needs.
    public func csv() -> [UInt8] {
        var header = columns
        var seen = Set(columns)
        for row in rows { for key in row.keys where seen.insert(key).inserted { header.append(key) } }
        var writer = JSONWriter(capacity: rows.count * header.count * 12 + 1024)
        writer.text(header.map(CSVField.escape).joined(separator: ","))
        writer.byte(0x0A)
        let column = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var cells = [JSONValue](repeating: .null, count: header.count)
        for row in rows {
            // Each row's members put in header order once (a lookup per cell is quadratic in the columns).
            for i in cells.indices { cells[i] = .null }
            for member in row.members.reversed() { cells[column[member.key]!] = member.value }
            for (index, cell) in cells.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                switch cell {
                case .null: break
                case .string(let text): writer.text(CSVField.escape(text))
                case .number(let number): writer.text(number.literal ?? JSONWriter.format(number.value))
                case .bool(let flag): writer.text(flag ? "true" : "false")
                case let nested:
                    var json = JSONWriter(capacity: 64)
                    json.value(nested)
                    writer.text(CSVField.escape(String(decoding: json.bytes, as: UTF8.self)))
                }
            }
            writer.byte(0x0A)
        }
        return writer.bytes
    }
}
