import Foundation
import GeoData
import Projection

/// The files `reach run` writes into the study's folder from the finished zone table: the table in each format
/// the study asks for (named after the zone set: `wards.geojson`, `lsoas.csv`), `schema.json`, the files the
/// steps made (`gaps.geojson`, `broadband_unmatched.csv`) and the map. Each is written atomically.
public struct StudyOutputs: Sendable {
    public var folder: String
    /// The zone set's name, the stem of the table files.
    public var zoneSetName: String
    public var formats: [RunSpec.Format]
    public var precision: Int
    /// The map's options, or nil for no map.
    public var map: WardMap.Options?
    /// The study file, recorded in `schema.json` as `study_file` (absolute).
    public var studyFile: String?
    /// Whether to write `report.html` beside the map (a study with `[equity]` or `[left_behind]`).
    public var report = false
    /// Where to load the zones (and gaps) in PostGIS after the files, if anywhere.
    public var postgres: (connection: String, schema: String, replace: Bool)?

    public static let schemaName = PropertySchema.fileName
    public static let mapName = "map.html"
    public static let gapsName = "gaps.geojson"

    public func fileName(_ format: RunSpec.Format) -> String {
        switch format {
        case .geojson: "\(zoneSetName).geojson"
        case .geojsonseq: "\(zoneSetName).geojsonseq"
        case .csv: "\(zoneSetName).csv"
        case .gpkg: "\(zoneSetName).gpkg"
        }
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    /// The property the zones are coloured by, on the map and in the GeoPackage's default style: the study's
    /// `map_property`, else `connectivity_score` when scored, else the first numeric column a step made.
    func colourProperty(_ table: ZoneTable) -> String? {
        if let property = map?.property { return property }
        if table.indicator("connectivity_score") != nil { return "connectivity_score" }
        return table.indicators.first { indicator in
            if case .numbers = indicator.values { return true }
            return false
        }?.name
    }

    /// Every layer of the run, in the working CRS: the zones (styled by `styleProperty`), the gaps when the study
    /// drew them, the origins with their per-origin figures, and the steps' own layers (the stops used).
    func layers(_ table: ZoneTable, gaps: [Feature]?, origins: OriginSet?, routes: [Feature] = [], styleProperty: String?) throws -> [OutputLayer] {
        let crs = table.layer.workingCRS
        var layers = [GeoPackageOutput.zoneLayer(table, name: zoneSetName, styleProperty: styleProperty)]
        if let gaps {
            layers.append(try GeoPackageOutput.featureLayer(gaps, name: "gaps", description: "each zone's area farther than the gap radius from every stop (reach gaps)", crs: crs))
        }
        if let origins { layers.append(GeoPackageOutput.originLayer(origins, layer: table.layer, columns: table.originColumns)) }
        if !routes.isEmpty {
            layers.append(try GeoPackageOutput.featureLayer(routes, name: "scenario_routes", description: "the routes each scenario removed, added or changed, stop to stop (reach run)",
                                                            crs: crs, schema: ScenarioRoutes.schema, lines: true))
        }
        return layers + table.layers
    }

    /// `{zones}.gpkg`: every layer of the run.
    func stageGeoPackage(_ table: ZoneTable, gaps: [Feature]?, origins: OriginSet?, routes: [Feature], to path: String, in set: inout OutputSet) throws {
        let crs = table.layer.workingCRS
        try GeoPackageWriter.stage(try layers(table, gaps: gaps, origins: origins, routes: routes, styleProperty: colourProperty(table)),
                                   srs: try GeoPackageOutput.srs(crs), lastChange: GeoPackageOutput.lastChange(), to: path, in: &set)
    }

    /// The paths every file output of the run goes to, to check before any work.
    public func filePaths(stepFiles: [String]) -> [String] {
        formats.map { path(fileName($0)) } + [path(Self.schemaName)] + stepFiles.map(path) + (map != nil ? [path(Self.mapName)] : [])
            + (map != nil && report ? [path(ReportJob.fileName)] : [])
    }

    /// Writes everything as one set: each file to a temporary file first, the PostGIS load (one transaction) next,
    /// and only then every file renamed into place, so a failure anywhere leaves the folder's earlier outputs as
    /// they were (`OutputSet`). Returns the paths written, in order, and notes (map features not drawn, temporaries
    /// of a killed earlier run removed). `origins` makes the origins layer of the GeoPackage and PostGIS outputs;
    /// `routes` (WGS84 lines, `ScenarioRoutes.features`) the scenario_routes layer and the map's route lines.
    public func write(_ table: ZoneTable, study: String, files: [StudyFile], gaps: [Feature]?,
                      origins: OriginSet? = nil, routes: [Feature] = []) throws -> (written: [String], notes: [String]) {
        var written: [String] = [], notes: [String] = []
        var set = OutputSet()
        defer { set.discard() }
        let properties = try table.propertyTable(source: study)
        let writer = GeoJSONWriter(precision: precision)
        for format in formats {
            let bytes: [UInt8]
            switch format {
            case .geojson: bytes = try writer.encode(properties.features)
            case .geojsonseq: bytes = try writer.encodeSequence(properties.features)
            case .csv: bytes = properties.csv()
            case .gpkg:
                try stageGeoPackage(table, gaps: gaps, origins: origins, routes: routes, to: path(fileName(format)), in: &set)
                written.append(path(fileName(format)))
                continue
            }
            try set.stage(bytes, to: path(fileName(format)))
            written.append(path(fileName(format)))
        }
        try set.stage(PropertySchema.encoded(study: study, columns: table.schema, studyFile: studyFile), to: path(Self.schemaName))
        written.append(path(Self.schemaName))
        for file in files {
            if let writer = file.writer { try set.stageThrough(to: path(file.name), writer) } else { try set.stage(file.bytes, to: path(file.name)) }
            written.append(path(file.name))
        }
        if var options = map {
            options.schema = Dictionary(table.schema.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let gapLayer = WardMap.gapLayer(gaps ?? [], keeping: Set([options.codeField, options.nameField].compactMap { $0 }))
            let profile = files.first { $0.name == ServiceProfileStep.fileName }.map { (bytes: $0.bytes, file: $0.name) }
            let map = try WardMap.render(wards: properties.features, gaps: gapLayer, routes: routes, serviceProfile: profile, options: options)
            try set.stage(map.html, to: path(Self.mapName))
            written.append(path(Self.mapName))
            for line in map.report.notDrawn { notes.append("map: not drawn: \(line)") }
            if report {
                let equity = try files.first { $0.name == EquityStep.fileName }.map { try ReportPage.equityRows($0.bytes, file: $0.name) } ?? []
                var page = ReportPage(title: options.title, source: options.source, zones: properties.features, schema: options.schema, equity: equity)
                page.codeField = options.codeField
                page.nameField = options.nameField
                page.crs = options.crs
                page.precision = precision
                try set.stage(try page.html(), to: path(ReportJob.fileName))
                written.append(path(ReportJob.fileName))
            }
        }
        if let postgres {
            let srid = try GeoPackageOutput.srs(table.layer.workingCRS).id
            let tables = try layers(table, gaps: gaps, origins: origins, routes: routes, styleProperty: nil).map { layer in
                PostGISLoader.Table(layer: layer, key: layer.name == zoneSetName ? table.layer.codeField : nil, srid: srid)
            }
            let loaded = try PostGISLoader(schema: postgres.schema, replace: postgres.replace).load(tables, into: PostgresConnection(postgres.connection))
            written += loaded.map { "postgres \($0)" }
        }
        try set.commit()
        if !set.removedStale.isEmpty {
            notes.append("removed \(set.removedStale.count) temporary file(s) an interrupted earlier run left: \(set.removedStale.prefix(3).joined(separator: ", "))")
        }
        return (written, notes)
    }
}
