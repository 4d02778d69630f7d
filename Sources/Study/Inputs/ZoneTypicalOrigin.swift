import GeoData
import GeoPrimitives

/// A zone's typical origin: the weighted mean position of its origins (unweighted when their weights are all
/// zero), the point the JTS origin indicators ("services within t") are measured from.
enum ZoneTypicalOrigin {
    /// Per zone of `layer`, its typical origin, or nil when no origin lies in it.
    static func points(layer: ZoneLayer, origins: OriginSet) -> [XY?] {
        var sums = [(x: Double, y: Double, weight: Double, count: Int)](repeating: (0, 0, 0, 0), count: layer.zones.count)
        var plain = [(x: Double, y: Double)](repeating: (0, 0), count: layer.zones.count)
        for (o, z) in origins.zone.enumerated() {
            let w = origins.weights[o], p = origins.points[o]
            sums[z].x += w * p.x
            sums[z].y += w * p.y
            sums[z].weight += w
            sums[z].count += 1
            plain[z].x += p.x
            plain[z].y += p.y
        }
        return sums.indices.map { z in
            let sum = sums[z]
            guard sum.count > 0 else { return nil }
            if sum.weight > 0 { return XY(sum.x / sum.weight, sum.y / sum.weight) }
            return XY(plain[z].x / Double(sum.count), plain[z].y / Double(sum.count))
        }
    }
}
