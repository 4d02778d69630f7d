import GeoData
import GeoPrimitives
import Geometry
import Accessibility

/// Where people live: weighted points, each in the zone that covers it (see `reach distance --help`).
///
/// Every zone has at least one origin: a zone no origin falls in (or every zone, when no origins file is
/// given) is represented by its point-on-surface with weight 1; with an origins file that is a fallback the
/// zone's `reach_warning` reports.
public struct OriginSet: Sendable {
    /// Positions in the working CRS (metres).
    public var points: [XY]
    public var weights: [Double]
    /// The origin's row index in its file, or the zone code for a fallback point.
    public var labels: [String]
    /// The zone of each origin.
    public var zone: [Int]
    /// Origins in no zone, by source, for the report.
    public var outside: [String]
    /// Zones given their point-on-surface because no origin fell inside them.
    public var fallbackZones: Set<Int>
    /// Zones whose origins all have weight 0: the reducer counts each of them equally (weight 1), and the zone's
    /// `reach_warning` says so.
    public var zeroWeightZones: Set<Int> = []
    /// Origins outside the working CRS's area of use (`PointPlacement`).
    public var warnings: [String] = []
    /// The field the weights came from (nil: every origin weighs 1).
    public var weightField: String?
    /// Further numeric fields of the origins file kept for later steps (`[equity]`'s `weight = { field = ... }`),
    /// one value per origin (nil: empty, or a fallback point-on-surface).
    public var fields: [String: [Double?]] = [:]

    /// The origins of each zone, in origin order.
    public func members(zoneCount: Int) -> [[Int]] {
        var members = [[Int]](repeating: [], count: zoneCount)
        for (o, z) in zone.enumerated() { members[z].append(o) }
        return members
    }

    /// Reads origins from `path` (CSV or GeoJSON; weights from `weightField`, else 1 each) and places each in a
    /// zone of `layer`.
    /// `keeping` names further numeric fields (≥ 0) to keep in `fields`.
    public static func load(path origins: String?, options originOptions: PointLoadOptions, weightField: String?,
                            layer: ZoneLayer, index: ZoneIndex? = nil, keeping: [String] = [],
                            progress: @Sendable (String) -> Void) throws -> OriginSet {
        var set = OriginSet(points: [], weights: [], labels: [], zone: [], outside: [], fallbackZones: [])
        if let origins {
            set.weightField = weightField
            progress("reading origins \(origins)")
            var options = originOptions
            options.fields = Set([weightField].compactMap { $0 } + keeping)
            let points = try PointLoader.load(path: origins, options: options)
            guard !points.isEmpty else { throw DataError(file: origins, "holds no origins") }
            set.warnings = try PointPlacement.check(points, file: origins, role: "origins", working: options.workingCRS,
                                                    extent: layer.extent.map { .inside($0) })
            var weights: [Double] = []
            for point in points {
                guard let weightField else { weights.append(1); continue }
                guard let value = point.properties[weightField] else {
                    throw DataError(file: point.source, field: weightField, "no such field (fields: \(point.properties.keys.joined(separator: ", "))); name the weight with --weight-field")
                }
                guard let weight = value.doubleValue, weight.isFinite, weight >= 0 else {
                    throw DataError(file: point.source, field: weightField, "the weight is not a number ≥ 0 (\(value.stringValue ?? "null"))")
                }
                weights.append(weight)
            }
            var kept: [String: [Double?]] = [:]
            for field in keeping {
                kept[field] = try points.map { point in
                    guard let value = point.properties[field] else {
                        throw DataError(file: point.source, field: field, "no such field (fields: \(point.properties.keys.sorted().joined(separator: ", ")))")
                    }
                    if value == .null || value.stringValue?.trimmingCharacters(in: .whitespaces).isEmpty == true { return nil }
                    guard let number = value.doubleValue, number.isFinite, number >= 0 else {
                        throw DataError(file: point.source, field: field, "not a number ≥ 0 (\(value.stringValue ?? "null"))")
                    }
                    return number
                }
            }
            progress("placing \(points.count) origins in \(layer.zones.count) zones")
            let zoneOf = try (index ?? ZoneIndex(layer)).zoneOf(points.map(\.xy))
            for (i, point) in points.enumerated() {
                guard let zone = zoneOf[i] else { set.outside.append(point.source); continue }
                set.points.append(point.xy)
                set.weights.append(weights[i])
                set.labels.append(String(i))
                set.zone.append(zone)
                for (field, values) in kept { set.fields[field, default: []].append(values[i]) }
            }
            for field in keeping where set.fields[field] == nil { set.fields[field] = [] }
        }
        var weightSums = [Double](repeating: 0, count: layer.zones.count), counts = [Int](repeating: 0, count: layer.zones.count)
        for (o, z) in set.zone.enumerated() { weightSums[z] += set.weights[o]; counts[z] += 1 }
        set.zeroWeightZones = Set(layer.zones.indices.filter { counts[$0] > 0 && weightSums[$0] == 0 })
        if let origins, let weightField, !set.zeroWeightZones.isEmpty {
            let examples = set.zeroWeightZones.sorted().prefix(3).map { layer.zones[$0].code }.joined(separator: ", ")
            set.warnings.append("\(origins): in \(set.zeroWeightZones.count) zone(s) every origin has weight 0 ('\(weightField)'), so their figures count each origin equally (e.g. \(examples))")
        }
        // A zone no origin falls in (or every zone, without --origins) is represented by its point-on-surface.
        let covered = Set(set.zone)
        let context = GEOSContext()
        for (z, zone) in layer.zones.enumerated() where !covered.contains(z) {
            guard let shape = zone.geometry else { continue }
            let point = try Geometry(shape, context: context).pointOnSurface().pointCoordinates()
            set.points.append(point)
            set.weights.append(1)
            set.labels.append(zone.code)
            set.zone.append(z)
            for field in keeping { set.fields[field, default: []].append(nil) }
            if origins != nil { set.fallbackZones.insert(z) }
        }
        return set
    }
}

extension OriginSet {
    /// The header of the per-origin tables (`--origins-out`): `origin,zone,x,y,weight`.
    static let rowHeader = "origin,zone,x,y,weight"

    /// The first fields of origin o's row: its label, its zone's code, its position in the working CRS to 1 mm,
    /// its weight.
    func writeRowStart(_ o: Int, layer: ZoneLayer, into writer: inout JSONWriter) {
        writer.text(CSVField.escape(labels[o]))
        writer.byte(UInt8(ascii: ","))
        writer.text(CSVField.escape(layer.zones[zone[o]].code))
        writer.byte(UInt8(ascii: ","))
        writer.fixed(points[o].x, decimals: 3)
        writer.byte(UInt8(ascii: ","))
        writer.fixed(points[o].y, decimals: 3)
        writer.byte(UInt8(ascii: ","))
        writer.number(weights[o])
    }
}
