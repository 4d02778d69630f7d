import Foundation
import GeoPrimitives

/// The spatial reference system every layer's geometries are in: its authority (`EPSG`) and code, which is also its
/// `srs_id` in the package, its name and its OGC WKT 1.
public struct GeoPackageSRS: Sendable {
    public var organization: String
    public var id: Int32
    public var name: String
    public var definition: String

    public init(_ organization: String, _ id: Int32, name: String, definition: String) {
        (self.organization, self.id, self.name, self.definition) = (organization, id, name, definition)
    }
}

/// Writes an OGC GeoPackage 1.3 (docs/geopackage.md): the required tables (`gpkg_spatial_ref_sys`, `gpkg_contents`,
/// `gpkg_geometry_columns`), one feature table per layer with GeoPackage binary geometries, an R-tree spatial index
/// per layer (the `gpkg_rtree_index` extension, with its triggers), column titles and descriptions (the
/// `gpkg_schema` extension's `gpkg_data_columns`), and QGIS default styles (`layer_styles`). The file is built beside
/// the target and renamed into place, so a reader never sees a half-written package.
public enum GeoPackageWriter {
    /// `PRAGMA application_id` of a GeoPackage ("GPKG") and `user_version` of version 1.3.0.
    static let applicationID: Int32 = 0x4750_4B47
    static let userVersion = 10300

    /// Writes `layers` to `path` (replacing it). `lastChange` is written into `gpkg_contents` (ISO 8601, UTC).
    public static func write(_ layers: [OutputLayer], srs: GeoPackageSRS, lastChange: String, to path: String) throws {
        var set = OutputSet()
        defer { set.discard() }
        try stage(layers, srs: srs, lastChange: lastChange, to: path, in: &set)
        try set.commit()
    }

    /// Builds the package at a temporary file of `set`, renamed over `path` when the set is committed.
    public static func stage(_ layers: [OutputLayer], srs: GeoPackageSRS, lastChange: String, to path: String,
                             in set: inout OutputSet) throws {
        var names = Set<String>()
        for layer in layers {
            guard !layer.name.isEmpty, layer.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
                  !layer.name.lowercased().hasPrefix("gpkg_"), names.insert(layer.name.lowercased()).inserted else {
                throw DataError(file: path, "'\(layer.name)' cannot name a GeoPackage layer (letters, digits and _, not gpkg_..., once each)")
            }
            guard layer.rows.count == layer.geometries.count, layer.rows.allSatisfy({ $0.count == layer.columns.count }) else {
                throw DataError(file: path, "layer \(layer.name): \(layer.rows.count) rows for \(layer.geometries.count) geometries and \(layer.columns.count) columns")
            }
        }
        do {
            try build(layers, srs: srs, lastChange: lastChange, at: path, in: &set)
        } catch var error as DataError {
            // SQLite names the temporary file; the user named the target.
            error.file = path
            throw error
        }
    }

    static func build(_ layers: [OutputLayer], srs: GeoPackageSRS, lastChange: String, at path: String,
                      in set: inout OutputSet) throws {
        try set.stageThrough(to: path) { temporary in
            let database = try SQLiteDatabase(path: temporary)
            // The file is a temporary one renamed only when complete, so SQLite need not journal or sync it;
            // AtomicFile flushes it to disk before the rename.
            try database.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            try database.execute("PRAGMA application_id = \(applicationID); PRAGMA user_version = \(userVersion);")
            try database.transaction {
                try createCoreTables(database, srs: srs)
                for layer in layers { try writeLayer(layer, srs: srs, lastChange: lastChange, into: database) }
                try writeStyles(layers, into: database)
            }
        }
    }

    static func quoted(_ identifier: String) -> String { "\"\(identifier.replacingOccurrences(of: "\"", with: "\"\""))\"" }
    static func literal(_ text: String) -> String { "'\(text.replacingOccurrences(of: "'", with: "''"))'" }

    static func createCoreTables(_ database: SQLiteDatabase, srs: GeoPackageSRS) throws {
        // Table definitions as OGC 12-128r18 (GeoPackage 1.3) gives them.
        try database.execute("""
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
              description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
              min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
              CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
              CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
              CONSTRAINT uk_gc_table_name UNIQUE (table_name),
              CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
              CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
            CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
              scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
            CREATE TABLE gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT,
              description TEXT, mime_type TEXT, constraint_name TEXT,
              CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
              CONSTRAINT gdc_tn UNIQUE (table_name, name));
            CREATE TABLE gpkg_data_column_constraints (constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT,
              min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
              CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));
            INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
            INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
            INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, \(literal(wgs84WKT)), 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
            INSERT INTO gpkg_extensions VALUES ('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write');
            INSERT INTO gpkg_extensions VALUES ('gpkg_data_column_constraints', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write');
            """)
        if srs.id != 4326 {
            let insert = try database.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, NULL)")
            try insert.bind(1, text: srs.name)
            try insert.bind(2, integer: Int64(srs.id))
            try insert.bind(3, text: srs.organization)
            try insert.bind(4, integer: Int64(srs.id))
            try insert.bind(5, text: srs.definition)
            try insert.run()
        }
    }

    static let wgs84WKT = #"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#

    static func writeLayer(_ layer: OutputLayer, srs: GeoPackageSRS, lastChange: String, into database: SQLiteDatabase) throws {
        let table = quoted(layer.name)
        var definition = "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom \(layer.geometryType)"
        for column in layer.columns {
            guard column.name.lowercased() != "fid", column.name.lowercased() != "geom" else {
                throw DataError(file: database.path, field: column.name, "layer \(layer.name): a column cannot be called fid or geom in a GeoPackage")
            }
            definition += ", \(quoted(column.name)) \(column.type.rawValue)"
        }
        try database.execute("CREATE TABLE \(table) (\(definition))")
        let placeholders = (0...layer.columns.count).map { _ in "?" }.joined(separator: ", ")
        let columnList = (["geom"] + layer.columns.map { quoted($0.name) }).joined(separator: ", ")
        let insert = try database.prepare("INSERT INTO \(table) (fid, \(columnList)) VALUES (?, \(placeholders))")
        // The R-tree is filled directly (its triggers call ST_MinX and friends, which only GeoPackage readers such
        // as GDAL and QGIS define): the triggers are created after the rows, as GDAL's deferred index does.
        try database.execute("CREATE VIRTUAL TABLE \(quoted("rtree_\(layer.name)_geom")) USING rtree(id, minx, maxx, miny, maxy)")
        let index = try database.prepare("INSERT INTO \(quoted("rtree_\(layer.name)_geom")) VALUES (?, ?, ?, ?, ?)")
        var extent: Envelope?
        for (i, row) in layer.rows.enumerated() {
            let fid = Int64(i + 1)
            try insert.bind(1, integer: fid)
            if let shape = layer.geometries[i] {
                let (blob, envelope) = GeoPackageGeometry.encode(shape, srsID: srs.id)
                try insert.bind(2, blob: blob)
                if let envelope {
                    if extent == nil { extent = envelope } else { extent!.expand(toInclude: envelope) }
                    try index.bind(1, integer: fid)
                    try index.bind(2, real: envelope.minX)
                    try index.bind(3, real: envelope.maxX)
                    try index.bind(4, real: envelope.minY)
                    try index.bind(5, real: envelope.maxY)
                    try index.run()
                }
            } else {
                try insert.bindNull(2)
            }
            for (c, value) in row.enumerated() {
                let parameter = Int32(c + 3)
                switch value {
                case .null: try insert.bindNull(parameter)
                case .bool(let flag): try insert.bind(parameter, integer: flag ? 1 : 0)
                case .number(let number):
                    guard number.value.isFinite else { try insert.bindNull(parameter); continue }
                    if layer.columns[c].type == .integer, number.value == number.value.rounded(), abs(number.value) < 9e15 {
                        try insert.bind(parameter, integer: Int64(number.value))
                    } else if layer.columns[c].type == .text {
                        try insert.bind(parameter, text: number.literal ?? JSONWriter.format(number.value))
                    } else {
                        try insert.bind(parameter, real: number.value)
                    }
                case .string(let text): try insert.bind(parameter, text: text)
                case .array, .object:
                    var json = JSONWriter(capacity: 64)
                    json.value(value)
                    try insert.bind(parameter, text: String(decoding: json.bytes, as: UTF8.self))
                }
            }
            try insert.run()
        }
        try createIndexTriggers(layer.name, into: database)
        let contents = try database.prepare("""
            INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
            VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try contents.bind(1, text: layer.name)
        try contents.bind(2, text: layer.name)
        try contents.bind(3, text: layer.description)
        try contents.bind(4, text: lastChange)
        if let extent {
            for (k, value) in [extent.minX, extent.minY, extent.maxX, extent.maxY].enumerated() { try contents.bind(Int32(k + 5), real: value) }
        } else {
            for k in 5...8 { try contents.bindNull(Int32(k)) }
        }
        try contents.bind(9, integer: Int64(srs.id))
        try contents.run()
        try database.execute("""
            INSERT INTO gpkg_geometry_columns VALUES (\(literal(layer.name)), 'geom', \(literal(layer.geometryType)), \(srs.id), 0, 0);
            INSERT INTO gpkg_extensions VALUES (\(literal(layer.name)), 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
            """)
        let describe = try database.prepare("INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description) VALUES (?, ?, ?, ?, ?)")
        for column in layer.columns where column.title != nil || column.description != nil {
            try describe.bind(1, text: layer.name)
            try describe.bind(2, text: column.name)
            try describe.bind(3, text: column.name)
            if let title = column.title { try describe.bind(4, text: title) } else { try describe.bindNull(4) }
            if let text = column.description { try describe.bind(5, text: text) } else { try describe.bindNull(5) }
            try describe.run()
        }
    }

    /// The six triggers of the R-tree extension (OGC 12-128r18, Annex F.3), which keep the index in step when
    /// another program edits the layer.
    static func createIndexTriggers(_ name: String, into database: SQLiteDatabase) throws {
        let t = quoted(name), r = quoted("rtree_\(name)_geom"), n = "rtree_\(name)_geom"
        let values = "NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)"
        try database.execute("""
            CREATE TRIGGER \(quoted("\(n)_insert")) AFTER INSERT ON \(t) WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
            BEGIN INSERT OR REPLACE INTO \(r) VALUES (\(values)); END;
            CREATE TRIGGER \(quoted("\(n)_update1")) AFTER UPDATE OF geom ON \(t)
            WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
            BEGIN INSERT OR REPLACE INTO \(r) VALUES (\(values)); END;
            CREATE TRIGGER \(quoted("\(n)_update2")) AFTER UPDATE OF geom ON \(t)
            WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; END;
            CREATE TRIGGER \(quoted("\(n)_update3")) AFTER UPDATE ON \(t)
            WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; INSERT OR REPLACE INTO \(r) VALUES (\(values)); END;
            CREATE TRIGGER \(quoted("\(n)_update4")) AFTER UPDATE ON \(t)
            WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
            BEGIN DELETE FROM \(r) WHERE id IN (OLD.fid, NEW.fid); END;
            CREATE TRIGGER \(quoted("\(n)_delete")) AFTER DELETE ON \(t) WHEN old.geom NOT NULL
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; END;
            """)
    }

    /// QGIS's `layer_styles` table, one default style per layer that has one, registered as an attributes table.
    static func writeStyles(_ layers: [OutputLayer], into database: SQLiteDatabase) throws {
        let styled = layers.filter { $0.styleQML != nil }
        guard !styled.isEmpty else { return }
        try database.execute("""
            CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
              f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
              useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME);
            INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
              SELECT 'layer_styles', 'attributes', 'layer_styles', 'QGIS default styles of the layers', last_change FROM gpkg_contents LIMIT 1;
            """)
        let insert = try database.prepare("""
            INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD,
              useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?, 'geom', ?, ?, '', 1, ?, 'reach', NULL, NULL)
            """)
        for layer in styled {
            try insert.bind(1, text: layer.name)
            try insert.bind(2, text: layer.name)
            try insert.bind(3, text: layer.styleQML!)
            try insert.bind(4, text: "reach's default style for \(layer.name)")
            try insert.run()
        }
    }
}
