import Foundation
import GeoPrimitives

/// Loads layers into PostGIS (docs/postgis.md): one table per layer in `schema`, its columns typed, its geometry as
/// EWKB with the SRID, a primary key (the zone code where there is one), a GiST index and a comment on the table and
/// on every column from the schema, all in one transaction, so a failure leaves the database as it was. Rows go
/// in with `COPY ... FROM STDIN`.
public struct PostGISLoader: Sendable {
    /// The database schema the tables go in.
    public var schema: String
    /// Overwrite tables that exist (else their names are an error).
    public var replace: Bool

    public init(schema: String = "public", replace: Bool = false) {
        self.schema = schema
        self.replace = replace
    }

    /// One layer and the column that is its primary key (nil: its feature number `fid`).
    public struct Table: Sendable {
        public var layer: OutputLayer
        public var key: String?
        public var srid: Int32

        public init(layer: OutputLayer, key: String?, srid: Int32) {
            self.layer = layer
            self.key = key
            self.srid = srid
        }
    }

    static func quoted(_ identifier: String) -> String { "\"\(identifier.replacingOccurrences(of: "\"", with: "\"\""))\"" }
    static func literal(_ text: String) -> String { "'\(text.replacingOccurrences(of: "'", with: "''"))'" }

    /// Loads every table, or none. Returns the tables' qualified names.
    @discardableResult
    public func load(_ tables: [Table], into connection: PostgresConnection) throws -> [String] {
        // The server's NOTICEs ("table ... does not exist, skipping") are not for the user; warnings still are.
        try connection.execute("SET client_min_messages TO WARNING")
        try connection.execute("BEGIN")
        do {
            let names = try loadAll(tables, connection)
            try connection.execute("COMMIT")
            return names
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    func loadAll(_ tables: [Table], _ connection: PostgresConnection) throws -> [String] {
        guard try !connection.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).isEmpty else {
            throw DataError(file: connection.target, "the schema \(schema) does not exist (CREATE SCHEMA \(Self.quoted(schema)); or name another with --schema)")
        }
        guard try !connection.query("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").isEmpty else {
            throw DataError(file: connection.target, "PostGIS is not installed in this database (CREATE EXTENSION postgis;)")
        }
        let qualified = tables.map { "\(Self.quoted(schema)).\(Self.quoted($0.layer.name))" }
        let existing = try tables.filter { table in
            try connection.query("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2", [schema, table.layer.name]).count > 0
        }.map { "\(schema).\($0.layer.name)" }
        if !existing.isEmpty, !replace {
            throw DataError(file: connection.target, "the table(s) \(existing.joined(separator: ", ")) exist already: give --replace to overwrite them")
        }
        for (table, name) in zip(tables, qualified) {
            let layer = table.layer
            try connection.execute("DROP TABLE IF EXISTS \(name)")
            var columns = ["fid integer NOT NULL"]
            for column in layer.columns {
                guard column.name.lowercased() != "fid", column.name.lowercased() != "geom" else {
                    throw DataError(file: connection.target, field: column.name, "layer \(layer.name): a column cannot be called fid or geom")
                }
                let type = switch column.type { case .integer: "bigint"; case .real: "double precision"; case .text: "text"; case .boolean: "boolean" }
                columns.append("\(Self.quoted(column.name)) \(type)")
            }
            let geometryType = layer.geometryType.uppercased() == "GEOMETRY" ? "Geometry" : layer.geometryType
            columns.append("geom geometry(\(geometryType), \(table.srid))")
            try connection.execute("CREATE TABLE \(name) (\(columns.joined(separator: ", ")))")
            let list = (["fid"] + layer.columns.map { Self.quoted($0.name) } + ["geom"]).joined(separator: ", ")
            var row = 0
            try connection.copy("COPY \(name) (\(list)) FROM STDIN") { buffer in
                // About a megabyte a chunk.
                while row < layer.rows.count, buffer.count < 1 << 20 {
                    Self.appendRow(row, of: layer, srid: table.srid, to: &buffer)
                    row += 1
                }
                return !buffer.isEmpty || row < layer.rows.count
            }
            let key = table.key.map(Self.quoted) ?? "fid"
            try connection.execute("""
                ALTER TABLE \(name) ADD PRIMARY KEY (\(key));
                CREATE INDEX \(Self.quoted("\(layer.name)_geom_gist")) ON \(name) USING GIST (geom);
                COMMENT ON TABLE \(name) IS \(Self.literal(layer.description));
                """)
            var comments = ""
            for column in layer.columns {
                let text = [column.title, column.description].compactMap { $0 }.joined(separator: ": ")
                guard !text.isEmpty else { continue }
                comments += "COMMENT ON COLUMN \(name).\(Self.quoted(column.name)) IS \(Self.literal(text));\n"
            }
            if !comments.isEmpty { try connection.execute(comments) }
        }
        return qualified
    }

    /// One line of COPY's text format: tab-separated, `\N` for null, backslash escapes for tab, newline, carriage
    /// return and backslash; the geometry as hex EWKB.
    static func appendRow(_ row: Int, of layer: OutputLayer, srid: Int32, to buffer: inout [UInt8]) {
        func text(_ string: String) {
            for byte in string.utf8 {
                switch byte {
                case 0x5C: buffer += [0x5C, 0x5C]
                case 0x09: buffer += [0x5C, 0x74]
                case 0x0A: buffer += [0x5C, 0x6E]
                case 0x0D: buffer += [0x5C, 0x72]
                default: buffer.append(byte)
                }
            }
        }
        text(String(row + 1))
        for (c, value) in layer.rows[row].enumerated() {
            buffer.append(0x09)
            switch value {
            case .null: buffer += [0x5C, 0x4E]
            case .bool(let flag): text(layer.columns[c].type == .boolean ? (flag ? "t" : "f") : (flag ? "1" : "0"))
            case .number(let number):
                guard number.value.isFinite else { buffer += [0x5C, 0x4E]; continue }
                if layer.columns[c].type == .integer, number.value == number.value.rounded(), abs(number.value) < 9e15 {
                    text(String(Int64(number.value)))
                } else if layer.columns[c].type == .text {
                    text(number.literal ?? JSONWriter.format(number.value))
                } else {
                    // The shortest text that reads back to the same double.
                    text("\(number.value)")
                }
            case .string(let string): text(string)
            case .array, .object:
                var json = JSONWriter(capacity: 64)
                json.value(value)
                text(String(decoding: json.bytes, as: UTF8.self))
            }
        }
        buffer.append(0x09)
        if let shape = layer.geometries[row] {
            appendHex(ewkb(shape, srid: srid), to: &buffer)
        } else {
            buffer += [0x5C, 0x4E]
        }
        buffer.append(0x0A)
    }

    /// PostGIS's extended WKB: ISO WKB with the SRID flag (0x20000000) on the outer type and the SRID after it.
    static func ewkb(_ shape: Shape, srid: Int32) -> [UInt8] {
        var wkb: [UInt8] = []
        GeoPackageGeometry.wkb(shape, into: &wkb)
        var result = [wkb[0]]
        let type = UInt32(wkb[1]) | UInt32(wkb[2]) << 8 | UInt32(wkb[3]) << 16 | UInt32(wkb[4]) << 24
        GeoPackageGeometry.append(type | 0x2000_0000, to: &result)
        GeoPackageGeometry.append(UInt32(bitPattern: srid), to: &result)
        result += wkb[5...]
        return result
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func appendHex(_ bytes: [UInt8], to buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + 2 * bytes.count)
        for byte in bytes {
            buffer.append(hexDigits[Int(byte >> 4)])
            buffer.append(hexDigits[Int(byte & 0x0F)])
        }
    }
}
