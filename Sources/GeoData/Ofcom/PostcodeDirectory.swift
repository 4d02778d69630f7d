import GeoPrimitives
import Projection

/// Where each postcode is: a postcode directory in the ONS Postcode Directory style (a postcode column and the
/// postcode's centroid as easting/northing or longitude/latitude), keyed by `Postcode` keys.
public struct PostcodeDirectory: Sendable {
    public var source: String
    /// Postcode keys; a key's id indexes `points` and `lines`.
    public var keys: ByteKeyIndex
    /// Centroids in the working CRS (metres); x is NaN for a postcode the directory gives no location.
    public var points: [XY]
    public var lines: [Int32]
    public var postcodeColumn: String
    public var coordinates: PointColumns
    /// Postcodes without a location (empty coordinates, or the ONSPD's latitude 99.999999).
    public var withoutLocation: Int

    static let postcodePatterns = ["pcds", "pcd", "pcd2", "postcode", "postcode space", "structured postcode"]

    /// Reads the directory. `xField`/`yField` name the coordinate columns (both or neither; detected otherwise:
    /// easting/northing such as `oseast1m`/`osnrth1m` first, then `lat`/`long`), `crs` their CRS.
    /// A malformed postcode, a coordinate that is not a number and a postcode listed twice are errors naming the
    /// lines.
    public static func read(path: String, postcodeField: String? = nil, xField: String? = nil, yField: String? = nil,
                            crs: CRS? = nil, workingCRS: CRS = .britishNationalGrid) throws -> PostcodeDirectory {
        let table = try CSVTable(bytes: try FileBytes.read(path: path), source: path)
        let normalised = table.header.map(BroadbandLayout.normalise)
        let postcodeIndex: Int
        if let postcodeField {
            postcodeIndex = try table.requiredColumn(postcodeField)
        } else if let found = postcodePatterns.lazy.compactMap({ normalised.firstIndex(of: $0) }).first {
            postcodeIndex = found
        } else {
            throw DataError(file: path, location: "line 1", "no postcode column (looked for \(BroadbandLayout.quoted(postcodePatterns))). Columns: \(table.header.joined(separator: ", "))")
        }
        let columns: PointColumns
        if let xField, let yField {
            columns = PointColumns(x: xField, y: yField, crs: crs ?? .wgs84)
        } else if xField != nil || yField != nil {
            throw DataError(file: path, "give both --x-field and --y-field, or neither")
        } else {
            columns = try PointColumns.detect(in: table.header, crs: crs, source: path)
        }
        let xIndex = try table.requiredColumn(columns.x), yIndex = try table.requiredColumn(columns.y)
        let geographic: Bool
        do { geographic = try columns.crs.resolve().isGeographic } catch let error as ProjectionError {
            throw DataError(file: path, field: "crs", error.description)
        }

        var keys = ByteKeyIndex(expectedCount: max(16, table.bytes.count / 40))
        var points: [XY] = []
        var lines: [Int32] = []
        var withoutLocation = 0
        var key: [UInt8] = []
        try table.forEachRow { row in
            let field = row.field(postcodeIndex)
            guard Postcode.normalise(field, into: &key) else {
                throw DataError(file: path, location: "line \(row.line)", field: table.header[postcodeIndex],
                                "not a postcode (\"\(row.string(postcodeIndex))\")")
            }
            let (id, inserted) = key.withUnsafeBufferPointer { keys.insert($0) }
            guard inserted else {
                throw DataError(file: path, location: "line \(row.line)", field: table.header[postcodeIndex],
                                "\(Postcode.display(key)) is listed twice (also line \(lines[id]))")
            }
            func coordinate(_ index: Int) throws -> Double? {
                switch row.decimal(index) {
                case .empty: return nil
                case .value(let value): return value
                case .invalid:
                    throw DataError(file: path, location: "line \(row.line)", field: table.header[index], "not a number (\"\(row.string(index))\")")
                }
            }
            var point = XY(.nan, .nan)
            if let x = try coordinate(xIndex), let y = try coordinate(yIndex), !(geographic && y >= 99.9) {
                if geographic, abs(x) > 180 || abs(y) > 90 {
                    let hint = abs(x) <= 90 && abs(y) <= 180 ? " (latitude/longitude swapped?)" : " (are these eastings/northings? name the CRS with --postcodes-crs)"
                    throw DataError(file: path, location: "line \(row.line)", "\(XY(x, y)) is not a valid longitude/latitude\(hint)")
                }
                point = XY(x, y)
            } else {
                withoutLocation += 1
            }
            points.append(point)
            lines.append(Int32(truncatingIfNeeded: row.line))
        }
        if columns.crs != workingCRS {
            let located = points.indices.filter { !points[$0].x.isNaN }
            var batch = located.map { points[$0] }
            let transformer: Transformer
            do { transformer = try Transformer(from: columns.crs, to: workingCRS) } catch let error as ProjectionError {
                throw DataError(file: path, error.description)
            }
            do {
                try transformer.transform(&batch)
            } catch ProjectionError.nonFiniteResult(let index, let input, let message) {
                throw DataError(file: path, location: "line \(lines[located[index]])", "cannot reproject \(input) to \(workingCRS.definition): \(message)")
            }
            for (i, point) in zip(located, batch) { points[i] = point }
        }
        return PostcodeDirectory(source: path, keys: keys, points: points, lines: lines, postcodeColumn: table.header[postcodeIndex],
                                 coordinates: columns, withoutLocation: withoutLocation)
    }
}
