import GeoPrimitives

/// One layer of features for a database-like output (a GeoPackage table, a PostGIS table): its columns with their
/// types and descriptions, one row of values and one geometry per feature, and how QGIS should draw it.
public struct OutputLayer: Sendable {
    public enum ColumnType: String, Sendable {
        /// `BOOLEAN` is the GeoPackage's (stored 0 or 1, read by GDAL as a boolean integer); PostGIS's `boolean`.
        case integer = "INTEGER", real = "REAL", text = "TEXT", boolean = "BOOLEAN"
    }

    public struct Column: Sendable {
        public var name: String
        public var type: ColumnType
        /// A short human title (`gpkg_data_columns.title`), e.g. the name with its unit.
        public var title: String?
        /// What the column means (`gpkg_data_columns.description`).
        public var description: String?

        public init(name: String, type: ColumnType, title: String? = nil, description: String? = nil) {
            self.name = name
            self.type = type
            self.title = title
            self.description = description
        }
    }

    /// The table name (letters, digits and `_`; it is also the layer's name in QGIS).
    public var name: String
    public var description: String
    /// The geometry type name of the column (`MULTIPOLYGON`, `POINT`, `GEOMETRY`).
    public var geometryType: String
    public var columns: [Column]
    /// Per feature, one value per column (null, a number, a string; a bool is written as 0/1).
    public var rows: [[JSONValue]]
    /// Per feature, its geometry in the package's SRS, or nil.
    public var geometries: [Shape?]
    /// The default QGIS style (QML), stored in `layer_styles`; nil for none.
    public var styleQML: String?

    public init(name: String, description: String, geometryType: String, columns: [Column], rows: [[JSONValue]],
                geometries: [Shape?], styleQML: String? = nil) {
        self.name = name
        self.description = description
        self.geometryType = geometryType
        self.columns = columns
        self.rows = rows
        self.geometries = geometries
        self.styleQML = styleQML
    }
}
