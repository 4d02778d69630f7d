import Foundation
import GeoData
import Projection

/// Every zone of a study with the columns its steps made, in step order: what the writers, the schema, the
/// map, joins and the score read. The zones' own properties come first, then each step's columns, then
/// `reach_warning` (every warning of the zone, from the loader and every step).
public struct ZoneTable: Sendable {
    public let layer: ZoneLayer
    public private(set) var indicators: [Indicator] = []
    /// The steps' per-origin figures, one value per origin (for the origins layer of a GeoPackage or PostGIS load).
    public private(set) var originColumns: [Indicator] = []
    /// The steps' further layers (the stops used), in the working CRS.
    public private(set) var layers: [OutputLayer] = []
    /// Per zone: the loader's warnings, then each step's, each once.
    public private(set) var warnings: [[String]]
    /// Where the zones' own properties came from, for the schema ("zone boundaries (wards.geojson)").
    public var inputSource: String
    private var names: [String: Int] = [:]

    public init(layer: ZoneLayer, inputSource: String) {
        self.layer = layer
        self.inputSource = inputSource
        warnings = layer.zones.map(\.warnings)
    }

    public var zoneCount: Int { layer.zones.count }

    /// Adds a step's columns and warnings. A zone without a usable boundary gets null for the columns of a step
    /// that `needsBoundaries`. A column named like an earlier one is kept once when every value is the same
    /// (`origins_count`, which several steps give) and is an error otherwise; one named like a property of the
    /// zone files replaces it, with a note saying so (returned).
    @discardableResult
    public mutating func append(_ output: StepOutput, step: String, needsBoundaries: Bool = true) throws -> [String] {
        var notes: [String] = []
        let inputKeys = Set(layer.zones.first?.properties.keys ?? [])
        let unusable = needsBoundaries ? layer.zones.map { $0.geometry == nil } : []
        for var indicator in output.indicators {
            if needsBoundaries { indicator = Self.nulled(indicator, where: unusable) }
            if let earlier = names[indicator.name] {
                let first = indicators[earlier]
                if indicator.schema.unit == first.schema.unit, (0..<zoneCount).allSatisfy({ indicator.json($0) == first.json($0) }) { continue }
                throw DataError(file: step, field: indicator.name, "the column is made twice, with different values (first by \(first.schema.source)); each column must have one source")
            }
            if inputKeys.contains(indicator.name) {
                notes.append("the zone files' own property \(indicator.name) is replaced by \(indicator.schema.source)'s")
            }
            names[indicator.name] = indicators.count
            indicators.append(indicator)
        }
        for z in warnings.indices {
            for warning in output.warnings[z] where !warnings[z].contains(warning) { warnings[z].append(warning) }
        }
        for column in output.originColumns where !originColumns.contains(where: { $0.name == column.name }) { originColumns.append(column) }
        for layer in output.layers where !layers.contains(where: { $0.name == layer.name }) { layers.append(layer) }
        return notes
    }

    private static func nulled(_ indicator: Indicator, where missing: [Bool]) -> Indicator {
        guard missing.contains(true) else { return indicator }
        var result = indicator
        switch indicator.values {
        case .numbers(let numbers): result.values = .numbers(numbers.indices.map { missing[$0] ? nil : numbers[$0] })
        case .json(let values): result.values = .json(values.indices.map { missing[$0] ? .null : values[$0] })
        }
        return result
    }

    /// The column called `name`, if a step made one.
    public func indicator(_ name: String) -> Indicator? { names[name].map { indicators[$0] } }

    /// Zone z's own properties and every column, without `reach_warning` (what joins and the score read).
    public func row(_ z: Int) -> JSONObject {
        var properties = layer.zones[z].properties
        for indicator in indicators { properties[indicator.name] = indicator.json(z) }
        return properties
    }

    /// The number of zones with any warning.
    public var zonesWithWarnings: Int { warnings.count { !$0.isEmpty } }

    /// One WGS84 feature per zone, in zone order, for the writers.
    public func features() throws -> [Feature] {
        var withWarnings = layer
        for z in withWarnings.zones.indices { withWarnings.zones[z].warnings = warnings[z] }
        let indicators = self.indicators
        return try ZoneExport.features(withWarnings) { z, _ in indicators.map { ($0.name, $0.json(z)) } }
    }

    /// What `schema.json` says of every column, in output order: the zones' own properties, the steps'
    /// columns, `reach_warning`.
    public var schema: [ColumnSchema] {
        var columns: [ColumnSchema] = []
        var seen = Set<String>()
        for zone in layer.zones {
            for key in zone.properties.keys where names[key] == nil && seen.insert(key).inserted {
                columns.append(ColumnSchema(name: key, unit: nil, description: "passed through unchanged", source: inputSource))
            }
        }
        columns += indicators.map(\.schema)
        columns.append(ColumnSchema(name: ZoneExport.warningProperty, unit: nil,
                                    description: "what reach could not do for this zone, and why (null when all is well)", source: "reach"))
        return columns
    }

    /// The table as a `PropertyTable` (rows in WGS84), for the CSV writer, joins and the score.
    public func propertyTable(source: String) throws -> PropertyTable {
        let features = try self.features()
        return PropertyTable(source: source, format: .geojson, rows: features.map(\.properties), geometries: features.map(\.geometry),
                             columns: schema.map(\.name), locations: layer.zones.map { "\($0.source.file): feature \($0.source.index)" })
    }

    /// A one-step study's output (`reach distance`, `reach coverage`...): the zones with the step's columns at
    /// `path`, atomically, in the format its extension names (`.csv`, `.geojsonseq`, else GeoJSON). Returns the
    /// number of zones with a warning.
    public static func writeOneStep(_ output: StepOutput, context: StudyContext, to path: String, needsBoundaries: Bool = true,
                                    progress: @Sendable (String) -> Void, timings: inout [(step: String, seconds: Double)]) throws -> Int {
        var clock = StepClock()
        var table = ZoneTable(layer: context.layer, inputSource: "zone boundaries")
        try table.append(output, step: path, needsBoundaries: needsBoundaries)
        progress("writing \(table.zoneCount) zones to \(path)")
        try AtomicFile.write(try table.propertyTable(source: path).encoded(for: path, precision: context.precision), to: path)
        clock.lap("write", into: &timings)
        return table.zonesWithWarnings
    }
}
