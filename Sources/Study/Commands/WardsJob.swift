import Foundation
import GeoData
import GeoPrimitives
import Projection

/// `reach wards`: read zone boundaries, reproject them to the working CRS, repair invalid ones, and write
/// them with their area.
public struct WardsJob: Sendable {
    public var inputs: [String]
    public var output: String
    public var load: ZoneLoadOptions
    public var precision: Int

    public init(inputs: [String], output: String, load: ZoneLoadOptions = ZoneLoadOptions(), precision: Int = 6) {
        self.inputs = inputs
        self.output = output
        self.load = load
        self.precision = precision
    }

    /// The property with each zone's planar area in the working CRS, km², rounded to 6 decimals (1 m²).
    public static let areaProperty = "area_km2"

    /// What happened, for the summary and the tests.
    public struct Report: Sendable {
        public var zoneCount: Int
        public var fileCount: Int
        /// Repaired zones: source, code and GEOS's reason.
        public var repaired: [(source: FeatureSource, code: String, reason: String)]
        /// Zones with warnings: source, code and the warning text.
        public var warnings: [(source: FeatureSource, code: String, message: String)]
        public var outputBytes: Int
        public var timings: [(step: String, seconds: Double)]
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        try AtomicFile.checkWritable(output)
        var timings: [(String, Double)] = []
        var clock = ContinuousClock.now
        func lap(_ step: String) {
            let now = ContinuousClock.now
            let elapsed = now - clock
            timings.append((step, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
            clock = now
        }
        let layer = try ZoneLoader.load(paths: inputs, options: load, progress: progress)
        lap("read and repair")
        progress("writing \(layer.zones.count) zones to \(output)")
        let features = try ZoneExport.features(layer) { zone in
            let area = zone.areaSquareMetres.map { JSONValue.number($0.rounded() / 1e6) } ?? .null
            return [(WardsJob.areaProperty, area)]
        }
        let bytes = try GeoJSONWriter(precision: precision).encode(features)
        try AtomicFile.write(bytes, to: output)
        lap("write")
        return Report(
            zoneCount: layer.zones.count,
            fileCount: layer.files.count,
            repaired: layer.zones.compactMap { zone in zone.repairedReason.map { (zone.source, zone.code, $0) } },
            warnings: layer.zones.filter { !$0.warnings.isEmpty && $0.geometry == nil }
                .map { ($0.source, $0.code, $0.warnings.joined(separator: "; ")) },
            outputBytes: bytes.count,
            timings: timings)
    }
}
