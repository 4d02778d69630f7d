import Foundation
import GeoData
import GeoPrimitives
import Geometry
import Projection

/// `reach map`: one self-contained HTML file showing the wards coloured by decile of a property.
///
/// The wards are SVG paths in a projected CRS (British National Grid by default), simplified to about a pixel at
/// full size. Nothing is fetched from the network (no scripts, styles, fonts or tiles), so the file works offline
/// and can be emailed. The page has a property selector, a legend of the ten deciles, ward name and key figures on
/// hover, zoom (wheel) and pan (drag), a scale bar, and the gaps layer of `reach gaps` when given. The wards are
/// coloured in the SVG itself, so the map shows even before (or without) its script.
public enum WardMap {
    public struct Options: Sendable {
        public var title: String
        /// The property coloured first; nil picks `connectivity_score` when present, else the first computed figure.
        public var property: String?
        public var codeField: String?
        public var nameField: String?
        /// The CRS the paths are drawn in (projected, metres).
        public var crs: CRS = .britishNationalGrid
        /// Douglas–Peucker tolerance in metres; nil picks a round number near the map's larger extent / 3000 (about a pixel), 0 keeps
        /// every vertex.
        public var simplifyMetres: Double?
        /// The study's score domains, so `{domain}_score` columns are shown on hover.
        public var domains: [String] = []
        /// What each column is (unit, meaning, source), from the steps or a `schema.json`: computed columns
        /// are offered first, with their units; a column it does not name is shown as from the input.
        public var schema: [String: ColumnSchema] = [:]
        /// Where the figures came from, for the footer (a file name or the study's name).
        public var source: String
        /// Credit for the data (e.g. "Contains OS data © Crown copyright and database right 2024").
        public var attribution: String?

        public init(title: String, source: String) {
            self.title = title
            self.source = source
        }
    }

    public struct Report: Sendable {
        public var wards = 0
        public var drawn = 0
        /// Wards with no polygon to draw, with the reason.
        public var notDrawn: [String] = []
        public var gaps = 0
        /// Scenario routes drawn.
        public var routes = 0
        public var property = ""
        public var properties = 0
        public var simplifyMetres = 0.0
        public var resolutionMetres = 1.0
        public var verticesIn = 0
        public var verticesDrawn = 0
        public var bytes = 0
    }

    /// The file's content. `wards` and `gaps` are WGS84 (RFC 7946) features, as `reach run`, `reach coverage` and
    /// `reach gaps` write them.
    /// `routes` are WGS84 lines with the properties of `ScenarioRoutes.features` (`scenario`, `change`, ...): drawn
    /// over the wards, those of the scenario whose column is shown.
    /// `serviceProfile`: the bytes of a run's `service_profile.csv` (and its name, for messages), shown with a day
    /// and hour picker (`MapHourly`).
    public static func render(wards: [Feature], gaps: [Feature] = [], routes: [Feature] = [], serviceProfile: (bytes: [UInt8], file: String)? = nil,
                              options: Options) throws -> (html: [UInt8], report: Report) {
        var report = Report()
        report.wards = wards.count
        guard !wards.isEmpty else { throw DataError(file: options.source, "holds no wards to map") }
        let info: CRSInfo
        do { info = try options.crs.resolve() } catch let error as ProjectionError {
            throw DataError(file: "--crs", error.description)
        }
        guard !info.isGeographic else {
            throw DataError(file: "--crs", "\(options.crs.definition) is geographic; the map is drawn in a projected CRS, e.g. EPSG:27700")
        }

        // Properties first: a wrong --property should fail before the geometry work.
        let columns = MapColumns(wards: wards, codeField: options.codeField, nameField: options.nameField, domains: options.domains,
                                 schema: options.schema)
        let initial = try columns.initialIndex(options.property, source: options.source)
        report.property = columns.numeric[initial].name
        report.properties = columns.numeric.count
        let hourly = try serviceProfile.flatMap { try MapHourly.parse($0.bytes, file: $0.file, codes: columns.codes) }

        let wardShapes = try project(wards, to: options.crs, report: &report.notDrawn, label: { i in columns.label(ofWard: i) })
        var gapProblems: [String] = []
        let gapShapes = try project(gaps, to: options.crs, report: &gapProblems, label: { "gap \($0 + 1)" })
        var envelope: Envelope?
        for shape in wardShapes.compactMap({ $0 }) {
            guard let e = shape.envelope else { continue }
            if envelope == nil { envelope = e } else { envelope!.expand(toInclude: e) }
        }
        guard let extent = envelope else {
            throw DataError(file: options.source, "no ward has a polygon boundary to draw (\(report.notDrawn.first ?? ""))")
        }
        let tolerance = options.simplifyMetres ?? Self.niceStep(atMost: max(extent.maxX - extent.minX, extent.maxY - extent.minY) / 3000)
        report.simplifyMetres = tolerance
        // A grid of a nice step below half the tolerance: invisible, and it keeps the numbers short.
        let resolution = tolerance > 0 ? Self.niceStep(atMost: tolerance / 2) : 1
        report.resolutionMetres = resolution
        let encoder = SVGPathEncoder(originX: extent.minX, originY: extent.maxY, resolution: resolution)
        let wardPaths = try simplifiedPaths(wardShapes, tolerance: tolerance, encoder: encoder)
        let gapPaths = try simplifiedPaths(gapShapes, tolerance: tolerance, encoder: encoder)
        report.verticesIn = wardShapes.reduce(0) { $0 + ($1?.coordinateCount ?? 0) }
        report.verticesDrawn = wardPaths.reduce(0) { $0 + $1.vertices }
        report.drawn = wardPaths.count { !$0.d.isEmpty }
        report.gaps = gapPaths.count { !$0.d.isEmpty }
        let toMap = try Transformer(from: .wgs84, to: options.crs)
        let routePaths = try routes.map { route in try route.geometry.map { encoder.linePath(try toMap.transform($0)) } ?? "" }
        report.routes = routePaths.count { !$0.isEmpty }

        let width = Int(((extent.maxX - extent.minX) / resolution).rounded(.up)) + 1
        let height = Int(((extent.maxY - extent.minY) / resolution).rounded(.up)) + 1
        let page = MapPage(options: options, info: info, columns: columns, initial: initial, wardPaths: wardPaths.map(\.d),
                           gapPaths: gapPaths.map(\.d), gaps: gaps, routePaths: routePaths, routes: routes, width: width, height: height, resolution: resolution,
                           tolerance: tolerance, notDrawn: report.notDrawn.count, hourly: hourly)
        let html = page.html()
        report.bytes = html.count
        return (html, report)
    }

    /// Gaps as `reach gaps` writes them carry every property of their ward; the map's hover shows only the gap's
    /// own figures (`gap_*`) and the properties in `keeping` (the ward's code and name).
    public static func gapLayer(_ features: [Feature], keeping: Set<String>) -> [Feature] {
        features.map { feature in
            var properties = JSONObject()
            for (key, value) in feature.properties where key.hasPrefix("gap_") || keeping.contains(key) { properties[key] = value }
            return Feature(properties: properties, geometry: feature.geometry)
        }
    }

    /// The features' polygons in `crs`; nil (and a line in `problems`) for a feature without one.
    static func project(_ features: [Feature], to crs: CRS, report problems: inout [String],
                        label: (Int) -> String) throws -> [Shape?] {
        let results: [Result<Shape?, Error>] = try ParallelMap.map(Array(features.indices), worker: { try Transformer(from: .wgs84, to: crs) }) { toMap, slice in
            slice.map { i in
                guard let shape = features[i].geometry else { return .success(nil) }
                guard shape.isPolygonal else { return .failure(DataError(file: "", "the geometry is a \(shape.typeName), not a polygon")) }
                return Result { try toMap.transform(shape) }
            }
        }
        return results.enumerated().map { i, result in
            switch result {
            case .success(let shape?): return shape
            case .success(nil):
                problems.append("\(label(i)): no geometry")
                return nil
            case .failure(let error):
                problems.append("\(label(i)): \(error)")
                return nil
            }
        }
    }

    /// Path data of each shape after simplification (empty for nil), with the vertices drawn.
    static func simplifiedPaths(_ shapes: [Shape?], tolerance: Double, encoder: SVGPathEncoder) throws -> [(d: String, vertices: Int)] {
        try ParallelMap.map(shapes, worker: { GEOSContext() }) { context, slice in
            try slice.map { shape in
                guard let shape else { return ("", 0) }
                var drawn = shape
                if tolerance > 0 {
                    drawn = try Geometry(shape, context: context).simplifiedPreservingTopology(tolerance: tolerance).shape()
                }
                return (encoder.path(drawn), drawn.coordinateCount)
            }
        }
    }

    /// The largest 1, 2 or 5 × 10^k not above `limit` (at least 10^-3).
    static func niceStep(atMost limit: Double) -> Double {
        guard limit > 0.001 else { return 0.001 }
        let power = pow(10, floor(log10(limit)))
        for m in [5.0, 2, 1] where m * power <= limit * (1 + 1e-12) { return m * power }
        return power
    }
}

/// The numeric properties a map can show, and the ward names and codes.
struct MapColumns {
    struct Column {
        var name: String
        var unit: String?
        var description: String
        /// Written by a step of reach (else passed through from the inputs).
        var computed: Bool
        var values: [Double?]
        var deciles: DecileClasses
    }

    var numeric: [Column] = []
    var codes: [String]
    var names: [String]
    var warnings: [String?]
    var domains: [String]

    init(wards: [Feature], codeField: String?, nameField: String?, domains: [String], schema: [String: ColumnSchema]) {
        var order: [String] = []
        var seen = Set<String>()
        for ward in wards { for key in ward.properties.keys where seen.insert(key).inserted { order.append(key) } }
        let code = codeField ?? ZoneLoader.detectCodeField(order)
        let name = nameField ?? MapColumns.detectNameField(order)
        codes = wards.enumerated().map { i, ward in code.flatMap { ward.properties[$0]?.stringValue } ?? "feature \(i + 1)" }
        names = wards.enumerated().map { i, ward in name.flatMap { ward.properties[$0]?.stringValue } ?? "" }
        warnings = wards.map { $0.properties[ZoneExport.warningProperty]?.stringValue }
        self.domains = domains
        var computed: [Column] = [], passed: [Column] = []
        for key in order where key != code && key != name && key != ZoneExport.warningProperty {
            var values: [Double?] = []
            values.reserveCapacity(wards.count)
            var numeric = true, any = false
            for ward in wards {
                switch ward.properties[key] {
                case .number(let n)?:
                    values.append(n.value.isFinite ? n.value : nil)
                    any = true
                case .null?, nil:
                    values.append(nil)
                default:
                    numeric = false
                }
                if !numeric { break }
            }
            guard numeric, any else { continue }
            let entry = schema[key].flatMap { $0.isComputed ? $0 : nil }
            let column = Column(name: key, unit: entry?.unit, description: entry?.description ?? "from the input (\(key))",
                                computed: entry != nil, values: values,
                                deciles: key.hasSuffix("_change") ? .change(values: values) : DecileClasses(values: values))
            if column.computed { computed.append(column) } else { passed.append(column) }
        }
        numeric = computed + passed
    }

    /// The first ONS-style name field (`WD23NM`, `LAD23NM`), else `area_name`, `name`, `ward_name`, `zone_name`.
    static func detectNameField(_ keys: [String]) -> String? {
        if let ons = keys.first(where: { key in
            let chars = Array(key)
            guard key == key.uppercased(), chars.count >= 6, chars.suffix(2) == ["N", "M"] else { return false }
            return chars.dropLast(2).suffix(2).allSatisfy(\.isNumber) && chars.dropLast(4).allSatisfy(\.isLetter)
        }) { return ons }
        for candidate in ["area_name", "name", "ward_name", "zone_name"] {
            if let key = keys.first(where: { $0.lowercased() == candidate }) { return key }
        }
        return nil
    }

    func label(ofWard i: Int) -> String {
        names[i].isEmpty ? codes[i] : "\(names[i]) (\(codes[i]))"
    }

    func initialIndex(_ requested: String?, source: String) throws -> Int {
        guard !numeric.isEmpty else {
            throw DataError(file: source, "no ward has a numeric property to colour the map by")
        }
        if let requested {
            guard let index = numeric.firstIndex(where: { $0.name == requested }) else {
                throw DataError(file: source, field: requested, "not a numeric property of the wards; the map can show: \(numeric.map(\.name).joined(separator: ", "))")
            }
            return index
        }
        return numeric.firstIndex { $0.name == "connectivity_score" } ?? 0
    }

    /// Shown on hover beside the chosen property: the score, its rank and decile, and the domain scores.
    var keyFigures: [Int] {
        let wanted = ["connectivity_score", "connectivity_rank", "connectivity_decile"] + domains.map { "\($0)_score" }
        return wanted.compactMap { name in numeric.firstIndex { $0.name == name } }
    }
}
