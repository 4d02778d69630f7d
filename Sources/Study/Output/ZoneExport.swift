import GeoData
import GeoPrimitives
import Projection

/// Turns zones and their computed properties into WGS84 features for the writers.
public enum ZoneExport {
    /// The name of the per-zone warning property every output carries (null when all is well).
    public static let warningProperty = "reach_warning"

    /// One feature per zone, in zone order: the zone's input properties, then `extra` (computed values, in
    /// order), then `reach_warning`. Geometries go back from the working CRS to WGS84 lon/lat, on all cores.
    public static func features(_ layer: ZoneLayer,
                                extra: @Sendable (Zone) -> [(key: String, value: JSONValue)]) throws -> [Feature] {
        try features(layer) { _, zone in extra(zone) }
    }

    /// As `features(_:extra:)`, with the zone's index in the layer handed to `extra`.
    public static func features(_ layer: ZoneLayer,
                                extra: @Sendable (Int, Zone) -> [(key: String, value: JSONValue)]) throws -> [Feature] {
        let workingCRS = layer.workingCRS
        let zones = layer.zones
        return try ParallelMap.map(Array(zones.indices), worker: { try Transformer(from: workingCRS, to: .wgs84) }) { toWGS84, slice in
            slice.map { index in
                let zone = zones[index]
                var properties = zone.properties
                properties.set(extra(index, zone))
                var warnings = zone.warnings
                var geometry: Shape?
                if let shape = zone.geometry {
                    do {
                        geometry = try toWGS84.transform(shape)
                    } catch {
                        warnings.append("cannot transform the boundary back to WGS84: \(error)")
                    }
                }
                properties[warningProperty] = warnings.isEmpty ? .null : .string(warnings.joined(separator: "; "))
                return Feature(properties: properties, geometry: geometry)
            }
        }
    }
}
