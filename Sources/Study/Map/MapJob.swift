import Foundation
import GeoData
import GeoPrimitives
import Projection

/// `reach map`: reads a ward table (GeoJSON with boundaries, as `reach run`, `coverage`, `distance` or `score`
/// write it) and optionally the gaps of `reach gaps`, and writes the self-contained HTML map.
public struct MapJob: Sendable {
    public var input: String
    public var output: String
    public var gaps: String?
    /// A study file whose score domains name the `{domain}_score` columns.
    public var study: String?
    /// The `schema.json` describing the table's columns; nil reads the one beside the input, if any.
    public var schema: String?
    public var options: WardMap.Options

    public init(input: String, output: String, gaps: String? = nil, study: String? = nil, options: WardMap.Options) {
        self.input = input
        self.output = output
        self.gaps = gaps
        self.study = study
        self.options = options
    }

    public func run() throws -> WardMap.Report {
        try AtomicFile.checkWritable(output)
        var options = self.options
        if let study, let scoring = try StudyConfig.load(path: study).scoring {
            options.domains = scoring.domains.map(\.name)
        }
        if let schema {
            options.schema = try PropertySchema.read(path: schema)
        } else if let beside = try PropertySchema.beside(input) {
            options.schema = beside
        }
        let wards = try Self.readWGS84(input)
        guard wards.contains(where: { $0.geometry != nil }) else {
            throw DataError(file: input, "no feature has a geometry: the map needs ward boundaries (a CSV table has none; use the GeoJSON output)")
        }
        var gapFeatures: [Feature] = []
        if let gaps {
            gapFeatures = WardMap.gapLayer(try Self.readWGS84(gaps), keeping: Set([options.codeField, options.nameField].compactMap { $0 }))
        }
        // A run's service profile beside its table gives the map its day and hour picker.
        let besideProfile = ((input as NSString).deletingLastPathComponent as NSString).appendingPathComponent(ServiceProfileStep.fileName)
        let profile = FileManager.default.fileExists(atPath: besideProfile)
            ? (bytes: try FileBytes.read(path: besideProfile), file: besideProfile) : nil
        let (html, report) = try WardMap.render(wards: wards, gaps: gapFeatures, serviceProfile: profile, options: options)
        try AtomicFile.write(html, to: output)
        return report
    }

    /// The file's features with coordinates in WGS84 longitude/latitude, whatever CRS it declares.
    static func readWGS84(_ path: String) throws -> [Feature] {
        let collection = try GeoJSONReader.read(path: path)
        let crs = collection.crs()
        guard crs != .wgs84 else { return collection.features }
        let toWGS84: Transformer
        do { toWGS84 = try Transformer(from: crs, to: .wgs84) } catch let error as ProjectionError {
            throw DataError(file: path, field: "crs", error.description)
        }
        return try collection.features.enumerated().map { index, feature in
            var out = feature
            if let shape = feature.geometry {
                do { out.geometry = try toWGS84.transform(shape) } catch {
                    throw DataError(file: path, location: "feature \(index)", "cannot transform to WGS84: \(error)")
                }
            }
            return out
        }
    }
}
