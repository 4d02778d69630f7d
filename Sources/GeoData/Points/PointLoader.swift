import Foundation
import GeoPrimitives
import Geometry
import Projection

/// One point read from a CSV row or a GeoJSON feature, in the working CRS.
public struct LocatedPoint: Sendable {
    /// Position in the working CRS (metres).
    public var xy: XY
    public var properties: JSONObject
    /// Where it came from: "file: line 12" or "file: feature 3".
    public var source: String
}

/// How to read a point layer (services, origins, stops).
public struct PointLoadOptions: Sendable {
    /// The CRS of the input coordinates; for CSV it overrides the CRS guessed from the column names, for
    /// GeoJSON the file's `crs` member.
    public var sourceCRS: CRS?
    public var workingCRS: CRS
    /// CSV coordinate columns (both or neither); detected when nil.
    public var xField: String?
    public var yField: String?
    /// Properties to keep for each CSV point (all when nil); GeoJSON points always keep theirs.
    public var fields: Set<String>?

    public init(sourceCRS: CRS? = nil, workingCRS: CRS = .britishNationalGrid, xField: String? = nil, yField: String? = nil,
                fields: Set<String>? = nil) {
        self.fields = fields
        self.sourceCRS = sourceCRS
        self.workingCRS = workingCRS
        self.xField = xField
        self.yField = yField
    }
}

/// Reads points from CSV (coordinate columns) or GeoJSON (Point features; a MultiPoint, line or polygon stands
/// for its GEOS point-on-surface, always inside it) and reprojects them once into the working CRS.
///
/// A record without usable coordinates is an error naming the file, the line or feature, and the field: a
/// service or an origin is never dropped silently.
public enum PointLoader {
    public static func load(path: String, options: PointLoadOptions = PointLoadOptions()) throws -> [LocatedPoint] {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") || lower.hasSuffix(".txt") {
            return try loadCSV(path: path, options: options)
        }
        return try loadGeoJSON(path: path, options: options)
    }

    static func loadCSV(path: String, options: PointLoadOptions) throws -> [LocatedPoint] {
        let table = try PointTable.read(path: path, x: options.xField, y: options.yField, crs: options.sourceCRS, fields: options.fields)
        var points = table.records.map(\.xy)
        let sources = table.records.map { "\(path): line \($0.line)" }
        try project(&points, from: table.columns.crs, to: options.workingCRS, sources: sources, path: path)
        return zip(table.records, zip(points, sources)).map { record, located in
            LocatedPoint(xy: located.0, properties: record.properties, source: located.1)
        }
    }

    static func loadGeoJSON(path: String, options: PointLoadOptions) throws -> [LocatedPoint] {
        let collection = try GeoJSONReader.read(path: path)
        let crs = collection.crs(override: options.sourceCRS)
        let context = GEOSContext()
        var points: [XY] = []
        var sources: [String] = []
        // Features that are not points: their index in `points`, and their shape, placed after projection.
        var areas: [(index: Int, shape: Shape)] = []
        for (index, feature) in collection.features.enumerated() {
            let location = "feature \(index)"
            if let problem = feature.geometryProblem {
                throw DataError(file: path, location: location, "unreadable geometry: \(problem)")
            }
            guard let shape = feature.geometry, let first = shape.allCoordinates.first else {
                throw DataError(file: path, location: location, "the feature has no geometry, so it cannot be placed")
            }
            if let bad = shape.allCoordinates.first(where: { !$0.isFinite }) {
                throw DataError(file: path, location: location, "coordinate \(bad) is not a finite number")
            }
            if case .point(let xy) = shape {
                points.append(xy)
            } else {
                points.append(first)
                areas.append((points.count - 1, shape))
            }
            sources.append("\(path): \(location)")
        }
        try project(&points, from: crs, to: options.workingCRS, sources: sources, path: path)
        if !areas.isEmpty {
            // Point-on-surface in the working CRS: always inside the feature (unlike the centroid of a crescent),
            // and the same point geopandas gives for the projected polygon.
            let transformer = try Transformer(from: crs, to: options.workingCRS)
            for (index, shape) in areas {
                do {
                    let projected = try transformer.transform(shape)
                    points[index] = try Geometry(projected, context: context).pointOnSurface().pointCoordinates()
                } catch {
                    throw DataError(file: sources[index], "cannot place the feature at a point: \(error)")
                }
            }
        }
        return collection.features.indices.map { LocatedPoint(xy: points[$0], properties: collection.features[$0].properties, source: sources[$0]) }
    }

    /// Reprojects in one batch, after checking longitude/latitude ranges for a geographic source CRS.
    static func project(_ points: inout [XY], from source: CRS, to target: CRS, sources: [String], path: String) throws {
        let info: CRSInfo
        do { info = try source.resolve() } catch let error as ProjectionError {
            throw DataError(file: path, field: "crs", error.description)
        }
        if info.isGeographic, let bad = points.firstIndex(where: { abs($0.x) > 180 || abs($0.y) > 90 }) {
            let hint = abs(points[bad].x) <= 90 && abs(points[bad].y) <= 180 ? " (latitude/longitude swapped?)" : " (are these eastings/northings? name the CRS with --crs)"
            throw DataError(file: sources[bad], "\(points[bad]) is not a valid longitude/latitude\(hint)")
        }
        if source == target { return }
        let transformer: Transformer
        do { transformer = try Transformer(from: source, to: target) } catch let error as ProjectionError {
            throw DataError(file: path, error.description)
        }
        do {
            try transformer.transform(&points)
        } catch ProjectionError.nonFiniteResult(let index, let input, let message) {
            throw DataError(file: sources[index], "cannot reproject \(input) to \(target.definition): \(message)")
        }
    }
}
