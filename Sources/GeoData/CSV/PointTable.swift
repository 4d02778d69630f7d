import GeoPrimitives
import Projection

/// Which columns of a CSV hold a point's coordinates, and in which CRS.
public struct PointColumns: Sendable, Equatable {
    public var x: String
    public var y: String
    public var crs: CRS

    public init(x: String, y: String, crs: CRS) {
        self.x = x
        self.y = y
        self.crs = crs
    }

    static let eastingNames = ["easting", "eastings", "east", "oseast1m", "bng_e", "x"]
    static let northingNames = ["northing", "northings", "north", "osnrth1m", "bng_n", "y"]
    static let longitudeNames = ["longitude", "lon", "long", "lng", "x_lon"]
    static let latitudeNames = ["latitude", "lat", "y_lat"]

    /// Finds coordinate columns by their common names: easting/northing (British National Grid, preferred
    /// when present because NaPTAN and ONS give them exactly), else longitude/latitude (WGS84).
    /// `crs` overrides the CRS guessed from the names.
    public static func detect(in header: [String], crs: CRS? = nil, source: String) throws -> PointColumns {
        func find(_ names: [String]) -> String? {
            for name in names {
                if let match = header.first(where: { normalise($0) == name }) { return match }
            }
            return nil
        }
        if let x = find(eastingNames), let y = find(northingNames) {
            // Plain x/y columns with a geographic --crs are longitude/latitude; the CRS decides, not the name.
            return PointColumns(x: x, y: y, crs: crs ?? .britishNationalGrid)
        }
        if let x = find(longitudeNames), let y = find(latitudeNames) {
            return PointColumns(x: x, y: y, crs: crs ?? .wgs84)
        }
        throw DataError(file: source, "no coordinate columns found (looked for easting/northing and longitude/latitude among: \(header.joined(separator: ", "))); name them with --x-field and --y-field")
    }

    static func normalise(_ name: String) -> String {
        String(name.lowercased().filter { !$0.isWhitespace })
    }
}

/// One row of a point table: its coordinates (in the table's CRS), its fields and its line.
public struct PointRecord: Sendable, Equatable {
    public var xy: XY
    public var properties: JSONObject
    public var line: Int
}

/// Points read from a CSV with coordinate columns.
public struct PointTable: Sendable {
    public var records: [PointRecord]
    public var columns: PointColumns
    public var source: String

    /// Reads every row. A row whose coordinates are empty or not numbers is an error naming line and field.
    /// `x`/`y` override detected columns (both or neither); `crs` the CRS.
    /// `fields` limits the properties kept per record (all when nil): a 200,000-row table of origins needs only
    /// its weight column, and building a dictionary per row for the rest costs more than parsing the file.
    public static func read(path: String, x: String? = nil, y: String? = nil, crs: CRS? = nil, fields: Set<String>? = nil) throws -> PointTable {
        try read(try CSVTable(bytes: try FileBytes.read(path: path), source: path), x: x, y: y, crs: crs, fields: fields)
    }

    /// Reads CSV text already in memory (tests, small inline tables).
    public static func read(text: String, source: String = "<text>", x: String? = nil, y: String? = nil, crs: CRS? = nil,
                            fields: Set<String>? = nil) throws -> PointTable {
        try read(try CSVTable(bytes: Array(text.utf8), source: source), x: x, y: y, crs: crs, fields: fields)
    }

    public static func read(_ table: CSVTable, x: String? = nil, y: String? = nil, crs: CRS? = nil, fields: Set<String>? = nil) throws -> PointTable {
        let source = table.source
        let columns: PointColumns
        if let x, let y {
            // Named columns called easting/northing (or oseast1m/osnrth1m...) are British National Grid, as when
            // they are found by name; any other names are longitude/latitude unless the CRS is given.
            let grid = PointColumns.eastingNames.contains(PointColumns.normalise(x)) && PointColumns.northingNames.contains(PointColumns.normalise(y))
                && PointColumns.normalise(x) != "x"
            columns = PointColumns(x: x, y: y, crs: crs ?? (grid ? .britishNationalGrid : .wgs84))
        } else if x != nil || y != nil {
            throw DataError(file: source, "give both --x-field and --y-field, or neither")
        } else {
            columns = try PointColumns.detect(in: table.header, crs: crs, source: source)
        }
        guard let xIndex = table.column(columns.x) else {
            throw DataError(file: source, field: columns.x, "no such column (columns: \(TextCheck.names(table.header)))")
        }
        guard let yIndex = table.column(columns.y) else {
            throw DataError(file: source, field: columns.y, "no such column (columns: \(TextCheck.names(table.header)))")
        }
        if let missing = fields?.sorted().first(where: { table.column($0) == nil }) {
            throw DataError(file: source, field: missing, "no such column (columns: \(TextCheck.names(table.header)))")
        }
        let kept = table.header.indices.filter { fields?.contains(table.header[$0]) ?? true }
        var records: [PointRecord] = []
        try table.forEachRow { row in
            func number(_ index: Int) throws -> Double {
                switch row.decimal(index) {
                case .value(let value): return value
                case .empty:
                    throw DataError(file: source, location: "line \(row.line)", field: table.header[index], "no coordinate (empty field)")
                case .invalid:
                    throw DataError(file: source, location: "line \(row.line)", field: table.header[index],
                                    "not a decimal number (\(TextCheck.quoted(row.string(index))))")
                }
            }
            let xy = XY(try number(xIndex), try number(yIndex))
            var properties = JSONObject()
            for index in kept { properties[table.header[index]] = .string(row.string(index)) }
            records.append(PointRecord(xy: xy, properties: properties, line: row.line))
        }
        return PointTable(records: records, columns: columns, source: source)
    }
}
