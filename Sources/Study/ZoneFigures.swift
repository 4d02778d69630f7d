import GeoData

/// What one step of a study adds to each zone of a layer: properties in order, and warnings. Steps compute these
/// from a layer and origins loaded once (`reach run`), or load their own and write them (`reach distance`...).
public struct ZoneFigures: Sendable {
    /// Per zone, in the layer's order.
    public var properties: [[(key: String, value: JSONValue)]]
    public var warnings: [[String]]

    public init(zoneCount: Int) {
        properties = Array(repeating: [], count: zoneCount)
        warnings = Array(repeating: [], count: zoneCount)
    }

    /// Named per-zone values, rounded as each asks (see `ZoneValues`), and warnings.
    init(_ values: ZoneValues, layer: ZoneLayer) {
        self.init(zoneCount: layer.zones.count)
        for z in layer.zones.indices {
            properties[z] = values.properties(of: z, hasGeometry: layer.zones[z].geometry != nil)
            warnings[z] = values.warnings[z]
        }
    }

    /// The layer with these warnings added to its zones', for `ZoneExport`.
    public func applyingWarnings(to layer: ZoneLayer) -> ZoneLayer {
        var result = layer
        for z in result.zones.indices { result.zones[z].warnings += warnings[z] }
        return result
    }

    /// Adds `other`'s properties after these, zone by zone, and its warnings (a warning already present is not
    /// repeated: two steps that share origins both note a zone's fallback point).
    public mutating func append(_ other: ZoneFigures) {
        for z in properties.indices {
            properties[z] += other.properties[z]
            for warning in other.warnings[z] where !warnings[z].contains(warning) { warnings[z].append(warning) }
        }
    }
}
