import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Projection

/// `reach run STUDY.toml`: the whole pipeline of a study file, with wards and origins loaded once. It reads the
/// wards and origins, computes every configured step (distance, coverage, broadband), joins the extra columns,
/// scores, and writes `wards.geojson`, `wards.geojsonseq`, `wards.csv` and `schema.json` to the study's output folder.
public struct StudyRun: Sendable {
    public var study: String

    public init(study: String) {
        self.study = study
    }

    /// One progress event: a step starting, or a message within it.
    public struct Progress: Sendable {
        public var step: String
        /// 1-based position of the step, and the number of steps.
        public var index: Int
        public var total: Int
        public var message: String
        /// Seconds since the run started.
        public var elapsedSeconds: Double
    }

    public struct Report: Sendable {
        public var name = ""
        public var wards = 0
        public var origins = 0
        public var zonesWithWarnings = 0
        public var scored: Int?
        public var outputs: [String] = []
        public var timings: [(step: String, seconds: Double)] = []
        /// Things the user should know (files without premises, origins outside every ward...).
        public var notes: [String] = []
    }

    /// The file names written into the output folder.
    public static let geojsonName = "wards.geojson"
    public static let sequenceName = "wards.geojsonseq"
    public static let csvName = "wards.csv"
    public static let schemaName = "schema.json"
    public static let unmatchedName = "broadband_unmatched.csv"
    public static let mapName = "map.html"
    public static let gapsName = "gaps.geojson"

    /// Reads and checks the study, its inputs and its output folder, before any long work: an unknown key, a
    /// missing input file or a folder that cannot be written stops here.
    public func check() throws -> (config: StudyConfig, spec: RunSpec) {
        let config = try StudyConfig.load(path: study)
        guard let spec = config.run else {
            throw StudyConfigError(file: study, "no [study] table: reach run needs [study] (output folder) and [wards]; a study with only [score] is for reach score")
        }
        var inputs = spec.inputs
        if let broadband = config.broadband {
            inputs += broadband.ofcom.map { ("broadband.ofcom", $0) }
            inputs += [broadband.postcodes, broadband.outputAreas].compactMap { $0 }.map { ("broadband", $0) }
        }
        inputs += config.joins.map { ("join.file", $0.file) }
        for (key, path) in inputs where !FileManager.default.fileExists(atPath: path) {
            throw StudyConfigError(file: study, key: key, "input file \(path) does not exist")
        }
        try Self.prepareFolder(spec.output)
        return (config, spec)
    }

    /// Creates the output folder if needed and checks a file can be written in it.
    static func prepareFolder(_ folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DataError(file: folder, "cannot create the output folder: \(error.localizedDescription)")
        }
        let probe = (folder as NSString).appendingPathComponent(".reach-write-check-\(getpid())")
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw DataError(file: folder, "cannot write in the output folder (permission denied?)")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    public func run(progress: @escaping @Sendable (Progress) -> Void = { _ in }) throws -> Report {
        let started = ContinuousClock.now
        let (config, spec) = try check()
        var report = Report()
        report.name = spec.name
        let working = CRS(spec.workingCRS)
        var steps = ["read wards", "read origins"]
        if spec.distance != nil { steps.append("distance") }
        if spec.coverage != nil { steps.append("coverage") }
        if spec.publicTransport != nil { steps.append("public transport") }
        if config.broadband != nil { steps.append("broadband") }
        if !config.joins.isEmpty || config.scoring != nil { steps.append("join and score") }
        steps.append("write")
        var current = 0
        @Sendable func elapsed() -> Double {
            let d = ContinuousClock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        func begin(_ step: String) {
            current = steps.firstIndex(of: step)! + 1
            progress(Progress(step: step, index: current, total: steps.count, message: step, elapsedSeconds: elapsed()))
        }
        func messages(_ step: String) -> @Sendable (String) -> Void {
            let index = steps.firstIndex(of: step)! + 1, total = steps.count
            return { message in progress(Progress(step: step, index: index, total: total, message: message, elapsedSeconds: elapsed())) }
        }
        var clock = StepClock()

        begin("read wards")
        let layer = try ZoneLoader.load(paths: spec.wards, options: ZoneLoadOptions(sourceCRS: spec.wardCRS.map { CRS($0) }, workingCRS: working,
                                                                                     codeField: spec.wardCodeField), progress: messages("read wards"))
        report.wards = layer.zones.count
        clock.lap("read wards", into: &report.timings)

        begin("read origins")
        let originSet = try OriginSet.load(path: spec.origins, options: PointLoadOptions(sourceCRS: spec.originCRS.map { CRS($0) }, workingCRS: working),
                                           weightField: spec.originWeightField, layer: layer, progress: messages("read origins"))
        report.origins = originSet.points.count
        if !originSet.outside.isEmpty { report.notes.append("\(originSet.outside.count) origin(s) lie in no ward and are not counted (e.g. \(originSet.outside[0]))") }
        clock.lap("read origins", into: &report.timings)

        var figures = ZoneFigures(zoneCount: layer.zones.count)
        var gaps: [Feature]?
        if let distance = spec.distance {
            begin("distance")
            let job = DistanceJob(zones: spec.wards, services: distance.services, categoryField: distance.categoryField,
                                  serviceOptions: PointLoadOptions(workingCRS: working), osm: distance.osm, modes: distance.modes,
                                  minutes: distance.minutes, metres: distance.metres, output: "", opportunities: distance.opportunities,
                                  gravityBeta: distance.gravityBeta)
            var stepReport = DistanceJob.Report()
            figures.append(try job.compute(layer: layer, origins: originSet, report: &stepReport, progress: messages("distance")).figures)
            for unsnapped in stepReport.unsnappedServices {
                report.notes.append("\(unsnapped.count) \(unsnapped.category) service(s) are too far from any \(unsnapped.mode) road to be reached (e.g. \(unsnapped.firstSource))")
            }
            clock.lap("distance", into: &report.timings)
        }
        if let coverage = spec.coverage {
            begin("coverage")
            let stops = StopSources(naptan: coverage.naptan, busStops: coverage.busStops, railStations: coverage.railStations,
                                    metroStops: coverage.metroStops, osm: coverage.osmStops, pointOptions: PointLoadOptions(workingCRS: working))
            let job = CoverageJob(zones: spec.wards, stops: stops, gtfs: coverage.gtfs, date: coverage.date, window: coverage.window,
                                  busRadiusMetres: coverage.busRadiusMetres, railRadiusMetres: coverage.railRadiusMetres,
                                  stationBandsMetres: coverage.stationBandsMetres, frequentPerHour: coverage.frequentPerHour, output: "")
            var stepReport = CoverageJob.Report()
            figures.append(try job.compute(layer: layer, origins: originSet, report: &stepReport, progress: messages("coverage")))
            report.notes += stepReport.feedWarnings
            for kind in stepReport.omittedKinds { report.notes.append("no active \(kind.rawValue) stops were read, so no \(kind.stem)_* figures are written") }
            if coverage.gaps {
                let radius = coverage.gapsRadiusMetres ?? coverage.busRadiusMetres
                messages("coverage")("gaps farther than \(JSONWriter.format(radius)) m from every stop")
                gaps = try GapsJob.gapFeatures(layer: layer, origins: originSet, stops: stepReport.fileStops, radiusMetres: radius,
                                               extraWarnings: StopSources.outsideExtracts(layer: layer, bounds: stepReport.extractBounds)).features
            }
            clock.lap("coverage", into: &report.timings)
        }
        if let pt = spec.publicTransport {
            begin("public transport")
            let job = PublicTransportJob(zones: spec.wards, services: pt.services, categoryField: pt.categoryField,
                                         serviceOptions: PointLoadOptions(workingCRS: working), osm: pt.osm, gtfs: pt.gtfs, date: pt.date,
                                         window: pt.window, maxWalkMinutes: pt.maxWalkMinutes, maxTransferWalkMinutes: pt.maxTransferWalkMinutes,
                                         maxTripMinutes: pt.maxTripMinutes, minutes: pt.minutes, output: "")
            var stepReport = PublicTransportJob.Report()
            figures.append(try job.compute(layer: layer, origins: originSet, report: &stepReport, progress: messages("public transport")).figures)
            report.notes += stepReport.warnings
            for unsnapped in stepReport.unsnappedServices {
                report.notes.append("\(unsnapped.count) \(unsnapped.category) service(s) are too far from any walkable road to be reached by public transport (e.g. \(unsnapped.firstSource))")
            }
            clock.lap("public transport", into: &report.timings)
        }
        var unmatched: [BroadbandJob.Unmatched] = []
        if let broadband = config.broadband {
            begin("broadband")
            let placement: BroadbandJob.Placement
            if let directory = broadband.postcodes {
                placement = .postcodes(path: directory, postcodeField: broadband.postcodeField, xField: broadband.xField,
                                       yField: broadband.yField, crs: broadband.postcodesCRS.map { CRS($0) })
            } else {
                placement = .outputAreas(path: broadband.outputAreas!, codeField: broadband.outputAreaField, crs: broadband.postcodesCRS.map { CRS($0) })
            }
            let job = BroadbandJob(zones: spec.wards, ofcom: broadband.ofcom, placement: placement, columns: broadband.columns, output: "")
            try job.check()
            var stepReport = BroadbandJob.Report()
            let computed = try job.compute(layer: layer, report: &stepReport, progress: messages("broadband"))
            figures.append(computed.figures)
            unmatched = computed.unmatched
            if !stepReport.premisesWeighted { report.notes.append("broadband: some Ofcom file has no premises counts, so every record weighs 1 (a share of postcodes)") }
            for file in stepReport.usoStandIn { report.notes.append("broadband: \(file) has no USO column; the share unable to get 10 Mbit/s stands in") }
            if !stepReport.unmatched.isEmpty {
                report.notes.append("broadband: records not placed: " + stepReport.unmatched.map { "\($0.count) \($0.reason.rawValue)" }.joined(separator: ", ") + " (listed in \(Self.unmatchedName))")
            }
            clock.lap("broadband", into: &report.timings)
        }

        // One table of every ward and figure, in WGS84 for the writers.
        let withWarnings = figures.applyingWarnings(to: layer)
        let computed = figures.properties
        let features = try ZoneExport.features(withWarnings) { z, _ in computed[z] }
        var table = PropertyTable(source: study, format: .geojson, rows: features.map(\.properties), geometries: features.map(\.geometry),
                                  columns: [], locations: layer.zones.map { "\($0.source.file): feature \($0.source.index)" })
        report.zonesWithWarnings = withWarnings.zones.count { !$0.warnings.isEmpty }
        var columnOrigins: [String: String] = [:]
        for key in layer.zones.first?.properties.keys ?? [] { columnOrigins[key] = "ward boundaries (\(spec.wards.joined(separator: ", ")))" }
        if !config.joins.isEmpty || config.scoring != nil {
            begin("join and score")
            for join in config.joins {
                let before = Set(table.rows.first?.keys ?? [])
                _ = try ScoreJob.join(join, into: &table, codes: try ScoreJob.codes(table, field: layer.codeField ?? ""))
                for key in table.rows.first?.keys ?? [] where !before.contains(key) { columnOrigins[key] = "joined from \(join.file)" }
            }
            if config.scoring != nil {
                var joinless = config
                joinless.joins = []
                var job = ScoreJob(study: study, input: study, codeField: layer.codeField)
                job.table = table
                job.config = joinless
                let scored = try job.score(progress: messages("join and score"))
                table = scored.table
                report.scored = scored.report.scored
            }
            clock.lap("join and score", into: &report.timings)
        }

        begin("write")
        let folder = spec.output
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        var columns: [String] = []
        var seen = Set<String>()
        for row in table.rows { for key in row.keys where seen.insert(key).inserted { columns.append(key) } }
        let writer = GeoJSONWriter(precision: spec.precision)
        for format in spec.formats {
            switch format {
            case .geojson:
                try AtomicFile.write(try writer.encode(table.features), to: path(Self.geojsonName))
                report.outputs.append(path(Self.geojsonName))
            case .geojsonseq:
                try AtomicFile.write(try writer.encodeSequence(table.features), to: path(Self.sequenceName))
                report.outputs.append(path(Self.sequenceName))
            case .csv:
                var csvTable = table
                csvTable.columns = columns
                try AtomicFile.write(csvTable.csv(), to: path(Self.csvName))
                report.outputs.append(path(Self.csvName))
            }
        }
        var json = JSONWriter(capacity: 1 << 16)
        json.value(PropertySchema.document(study: spec.name, columns: columns, origins: columnOrigins,
                                           domains: config.scoring?.domains.map(\.name) ?? []))
        json.byte(0x0A)
        try AtomicFile.write(json.bytes, to: path(Self.schemaName))
        report.outputs.append(path(Self.schemaName))
        if config.broadband != nil {
            try AtomicFile.write(BroadbandJob.unmatchedTable(unmatched), to: path(Self.unmatchedName))
            report.outputs.append(path(Self.unmatchedName))
        }
        if let gaps {
            try AtomicFile.write(try writer.encode(gaps), to: path(Self.gapsName))
            report.outputs.append(path(Self.gapsName))
        }
        if spec.map {
            var options = WardMap.Options(title: spec.name, source: (study as NSString).lastPathComponent)
            options.property = spec.mapProperty
            options.codeField = layer.codeField
            options.nameField = spec.wardNameField
            options.crs = working
            options.domains = config.scoring?.domains.map(\.name) ?? []
            let gapLayer = WardMap.gapLayer(gaps ?? [], keeping: Set([layer.codeField, spec.wardNameField].compactMap { $0 }))
            let map = try WardMap.render(wards: table.features, gaps: gapLayer, options: options)
            try AtomicFile.write(map.html, to: path(Self.mapName))
            report.outputs.append(path(Self.mapName))
            for line in map.report.notDrawn { report.notes.append("map: not drawn: \(line)") }
        }
        clock.lap("write", into: &report.timings)
        return report
    }
}
