import Foundation
import GeoData
import GeoPrimitives
import Projection

/// The GeoPackage a study writes (`"gpkg"` in `[outputs] formats`, `reach export --out FILE.gpkg`): the zones and
/// any gaps as layers in the working CRS (British National Grid by default) at the precision computed, every
/// column described from the schema, and default QGIS styles that colour the zones by decile as the map does.
public enum GeoPackageOutput {
    /// A GeoPackage SRS for `crs`, from PROJ: its authority code and WKT 1.
    public static func srs(_ crs: CRS) throws -> GeoPackageSRS {
        let info = try crs.resolve()
        guard let identifier = info.identifier, let colon = identifier.firstIndex(of: ":"),
              let code = Int32(identifier[identifier.index(after: colon)...]), let wkt = info.wkt1 else {
            throw DataError(file: crs.definition, "a GeoPackage needs a CRS with an authority code and a WKT 1 form (PROJ gives \(info.identifier ?? "no code"))")
        }
        return GeoPackageSRS(String(identifier[..<colon]), code, name: info.name, definition: wkt)
    }

    /// The time written as `gpkg_contents.last_change`: `SOURCE_DATE_EPOCH` when set (for byte-identical reruns),
    /// else now, ISO 8601 in UTC to the millisecond.
    public static func lastChange() -> String {
        let seconds = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) ?? Date().timeIntervalSince1970
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    /// The column type of a column of values: INTEGER when every value is a whole number written without a point
    /// or exponent, REAL when every value is a number, BOOLEAN when every value is true or false, TEXT otherwise;
    /// `decimals` 0 marks counts.
    static func columnType(_ values: [JSONValue], decimals: Int?) -> OutputLayer.ColumnType {
        var integer = true, numeric = true, bools = 0, others = 0
        for value in values {
            if case .bool = value { bools += 1 } else if value != .null { others += 1 }
        }
        if bools > 0, others == 0 { return .boolean }
        for value in values {
            switch value {
            case .null: continue
            case .bool: continue
            case .number(let number):
                if let literal = number.literal {
                    if literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { integer = false }
                } else if decimals != 0 || number.value != number.value.rounded() {
                    integer = false
                }
            default:
                numeric = false
                integer = false
            }
        }
        return integer && numeric ? .integer : numeric ? .real : .text
    }

    /// The layer of the zones: every column of the table (`reach_warning` too), geometries as MultiPolygons.
    public static func zoneLayer(_ table: ZoneTable, name: String, styleProperty: String?) -> OutputLayer {
        let schema = table.schema
        // Each column's values straight from its indicator (or the zone's own property), not by name from a row.
        let sources = schema.map { table.indicator($0.name) }
        let rows = (0..<table.zoneCount).map { z -> [JSONValue] in
            let warnings = table.warnings[z]
            return zip(schema, sources).map { entry, indicator in
                if let indicator { return indicator.json(z) }
                if entry.name == ZoneExport.warningProperty { return warnings.isEmpty ? .null : .string(warnings.joined(separator: "; ")) }
                return table.layer.zones[z].properties[entry.name] ?? .null
            }
        }
        let columns = schema.enumerated().map { k, entry in
            column(entry, type: columnType(rows.map { $0[k] }, decimals: table.indicator(entry.name)?.decimals))
        }
        let geometries = table.layer.zones.map { $0.geometry.map(multiPart) }
        return OutputLayer(name: name, description: "\(name): every figure reach computed, one feature per zone",
                               geometryType: "MULTIPOLYGON", columns: columns, rows: rows, geometries: geometries,
                               styleQML: styleProperty.flatMap { property in
                                   schema.firstIndex { $0.name == property }.map { k in
                                       GeoPackageStyle.graduated(property: property, values: rows.map { $0[k].doubleValue })
                                   }
                               })
    }

    /// The origins as points: their label (row in the origins file, or the zone code of a stand-in point), zone,
    /// weight, and every per-origin figure the steps made.
    public static func originLayer(_ origins: OriginSet, layer zones: ZoneLayer, columns: [Indicator]) -> OutputLayer {
        var outputColumns: [OutputLayer.Column] = [
            .init(name: "origin", type: .text, title: "origin", description: "the origin's row in the origins file (0-based), or the zone code of a zone's stand-in point"),
            .init(name: "zone", type: .text, title: "zone", description: "the code of the zone the origin lies in"),
            .init(name: "weight", type: .real, title: "weight", description: "the origin's weight (population)"),
        ]
        outputColumns += columns.map { column($0.schema, type: $0.decimals == 0 ? .integer : .real) }
        let rows = origins.points.indices.map { o -> [JSONValue] in
            [.string(origins.labels[o]), .string(zones.zones[origins.zone[o]].code), .number(origins.weights[o])] + columns.map { $0.json(o) }
        }
        return OutputLayer(name: "origins", description: "where people live: the weighted points every zone figure is reduced from",
                           geometryType: "POINT", columns: outputColumns, rows: rows, geometries: origins.points.map { .point($0) },
                           styleQML: GeoPackageStyle.marker(colour: "#222222", sizeMillimetres: 1.2))
    }

    /// A layer from a table read back (`reach export`): its columns in order, described by `schema` where it names
    /// them, its WGS84 geometries brought into `crs`.
    public static func tableLayer(_ table: PropertyTable, name: String, schema: [String: ColumnSchema], crs: CRS,
                                  styleProperty: String?) throws -> OutputLayer {
        let features = table.features
        var layer = try featureLayer(features, name: name, description: "\(name), from \(table.source)", crs: crs, schema: schema, keys: table.columns)
        layer.styleQML = styleProperty.flatMap { property in
            layer.columns.firstIndex { $0.name == property }.map { k in
                GeoPackageStyle.graduated(property: property, values: layer.rows.map { $0[k].doubleValue })
            }
        }
        return layer
    }

    /// A layer from features (the gaps), their geometries brought from WGS84 into `crs`.
    public static func featureLayer(_ features: [Feature], name: String, description: String, crs: CRS,
                                    schema: [String: ColumnSchema] = [:], keys given: [String] = [],
                                    lines: Bool = false) throws -> OutputLayer {
        var keys = given
        var seen = Set(given)
        for feature in features { for key in feature.properties.keys where seen.insert(key).inserted { keys.append(key) } }
        let rows = features.map { feature in keys.map { feature.properties[$0] ?? .null } }
        let columns = keys.enumerated().map { k, key in
            column(schema[key] ?? ColumnSchema(name: key, unit: nil, description: "", source: "input"), type: columnType(rows.map { $0[k] }, decimals: nil))
        }
        let toWorking = try Transformer(from: .wgs84, to: crs)
        let geometries = try features.map { try $0.geometry.map { multiPart(try toWorking.transform($0)) } }
        return OutputLayer(name: name, description: description, geometryType: lines ? "MULTILINESTRING" : "MULTIPOLYGON", columns: columns, rows: rows,
                           geometries: geometries, styleQML: lines ? nil : GeoPackageStyle.hatched)
    }

    static func column(_ entry: ColumnSchema, type: OutputLayer.ColumnType) -> OutputLayer.Column {
        let title = entry.unit.map { "\(entry.name) (\($0))" } ?? entry.name
        let description = entry.description.isEmpty ? nil : "\(entry.description) [source: \(entry.source)]"
        return OutputLayer.Column(name: entry.name, type: type, title: title, description: description)
    }

    /// Polygons as one-part MultiPolygons (lines as MultiLineStrings), so every geometry of a MULTIPOLYGON
    /// (MULTILINESTRING) column is of that type.
    static func multiPart(_ shape: Shape) -> Shape {
        if case .polygon(let rings) = shape { return .multiPolygon([rings]) }
        if case .lineString(let line) = shape { return .multiLineString([line]) }
        return shape
    }
}

/// QGIS default styles (QML) for the layers of a GeoPackage.
enum GeoPackageStyle {
    /// A graduated fill: the ten decile classes of `values` (as `DecileClasses` makes them for the map), in the
    /// map's viridis colours, each range from its smallest to its largest value.
    static func graduated(property: String, values: [Double?]) -> String {
        let classes = DecileClasses(values: values)
        var ranges = "", symbols = ""
        for (k, range) in classes.ranges.enumerated() {
            guard let range else { continue }
            let label = "decile \(k + 1): \(JSONWriter.format(range.lowerBound))–\(JSONWriter.format(range.upperBound))"
            ranges += "      <range symbol=\"\(k)\" lower=\"\(JSONWriter.format(range.lowerBound))\" upper=\"\(JSONWriter.format(range.upperBound))\" label=\"\(escaped(label))\" render=\"true\"/>\n"
            symbols += fill(name: "\(k)", colour: MapPalette.deciles[k], style: "solid")
        }
        return """
        <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
        <qgis version="3.28.0" styleCategories="Symbology">
          <renderer-v2 type="graduatedSymbol" attr="\(escaped(property))" graduatedMethod="GraduatedColor" symbollevels="0" forceraster="0" enableorderby="0">
            <ranges>
        \(ranges)    </ranges>
            <symbols>
        \(symbols)    </symbols>
          </renderer-v2>
        </qgis>

        """
    }

    /// Points: a small filled circle.
    static func marker(colour: String, sizeMillimetres: Double) -> String {
        let symbol = symbolLayer(type: "marker", name: "0", layerClass: "SimpleMarker", options: [
            ("name", "circle"), ("color", rgba(colour)), ("outline_color", "255,255,255,255"), ("outline_width", "0.1"),
            ("size", JSONWriter.format(sizeMillimetres)), ("size_unit", "MM"),
        ])
        return single(symbol)
    }

    /// The gaps: hatched, as on the map.
    static let hatched = single(fill(name: "0", colour: "#d7301f", style: "b_diagonal"))

    /// A single-symbol renderer.
    static func single(_ symbol: String) -> String {
        """
        <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
        <qgis version="3.28.0" styleCategories="Symbology">
          <renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0" enableorderby="0">
            <symbols>
        \(symbol)    </symbols>
          </renderer-v2>
        </qgis>

        """
    }

    static func fill(name: String, colour: String, style: String) -> String {
        symbolLayer(type: "fill", name: name, layerClass: "SimpleFill", options: [
            ("color", rgba(colour)), ("outline_color", "255,255,255,255"), ("outline_style", "solid"), ("outline_width", "0.1"),
            ("outline_width_unit", "MM"), ("style", style),
        ])
    }

    /// One QGIS symbol of one symbol layer, its options as QML `Option` elements.
    static func symbolLayer(type: String, name: String, layerClass: String, options: [(String, String)]) -> String {
        let lines = options.map { "            <Option type=\"QString\" name=\"\($0.0)\" value=\"\(escaped($0.1))\"/>\n" }.joined()
        return """
              <symbol type="\(type)" name="\(name)" alpha="1" clip_to_extent="1" force_rhr="0">
                <layer class="\(layerClass)" enabled="1" locked="0" pass="0">
                  <Option type="Map">
        \(lines)          </Option>
                </layer>
              </symbol>

        """
    }

    /// `#440154` → `68,1,84,255`.
    static func rgba(_ hex: String) -> String {
        let digits = Array(hex.dropFirst())
        let channels = stride(from: 0, to: 6, by: 2).map { Int(String(digits[$0...$0 + 1]), radix: 16) ?? 0 }
        return channels.map(String.init).joined(separator: ",") + ",255"
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
