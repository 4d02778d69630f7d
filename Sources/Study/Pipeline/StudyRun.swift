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
    /// The steps with a study table of their own that this run knows (`StudyPlan.kinds`, or more).
    public var kinds: [any StudyStepKind.Type]

    public init(study: String, kinds: [any StudyStepKind.Type] = StudyPlan.kinds) {
        self.study = study
        self.kinds = kinds
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
        /// What each scenario changed and who gains and loses access (docs/scenarios.md).
        public var scenarios: [ScenarioSummary] = []
        /// The steps' figures for the summary (`equity`, `left_behind`), by key.
        public var summary = JSONObject()
    }

    /// The file names written into the output folder (for a ward study; a `[zones]` study names its tables
    /// after its zone set).
    public static let geojsonName = "wards.geojson"
    public static let sequenceName = "wards.geojsonseq"
    public static let csvName = "wards.csv"
    public static let schemaName = StudyOutputs.schemaName
    public static let unmatchedName = BroadbandJob.unmatchedName
    public static let mapName = StudyOutputs.mapName
    public static let gapsName = StudyOutputs.gapsName

    /// Reads and checks the study, its inputs and its output folder, before any long work: an unknown key, a
    /// missing input file or a folder that cannot be written stops here.
    public func check() throws -> (config: StudyConfig, spec: RunSpec) {
        let config = try StudyConfig.load(path: study, kinds: kinds)
        guard let spec = config.run else {
            throw StudyConfigError(file: study, "no [study] table: reach run needs [study] (output folder) and [zones] (or [wards]); a study with only [score] is for reach score")
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
        // Every file the run may write: a folder, device or FIFO in the way stops the run here, not after the work.
        var outputs = StudyOutputs(folder: spec.output, zoneSetName: spec.zoneSetName, formats: spec.formats, precision: spec.precision,
                                   map: spec.map ? WardMap.Options(title: spec.name, source: study) : nil)
        outputs.report = config.equity != nil || config.leftBehind != nil
        let scenarioFiles = config.scenarios.flatMap { scenario in
            Scenario.feedPaths(of: scenario, in: config.scenarios, studyFeeds: Self.studyFeeds(spec)).map { Scenario.zipName(scenario.name, $0) }
        } + (config.scenarios.isEmpty ? [] : [ScenarioRoutes.fileName])
        let equityFiles = (config.equity != nil ? [EquityStep.fileName] : []) + (config.serviceProfile != nil ? [ServiceProfileStep.fileName] : [])
        for path in outputs.filePaths(stepFiles: [Self.gapsName, Self.unmatchedName] + scenarioFiles + equityFiles) { try AtomicFile.checkWritable(path) }
        return (config, spec)
    }

    /// Every GTFS feed the study's steps read, in study order, each once: what a scenario edits.
    static func studyFeeds(_ spec: RunSpec) -> [String] {
        var paths: [String] = []
        for path in (spec.coverage?.gtfs ?? []) + (spec.publicTransport?.gtfs ?? []) where !paths.contains(path) { paths.append(path) }
        return paths
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
        let plan = StudyPlan.steps(config, spec: spec)
        let scenarioSteps = config.scenarios.isEmpty ? [] : ["scenario timetables"]
        let steps = scenarioSteps + ["read zones", "read origins"] + plan.map(\.title) + (config.scenarios.isEmpty ? [] : ["scenarios"]) + ["write"]
        @Sendable func elapsed() -> Double {
            let d = ContinuousClock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        func messages(_ index: Int) -> @Sendable (String) -> Void {
            let step = steps[index], total = steps.count
            return { message in progress(Progress(step: step, index: index + 1, total: total, message: message, elapsedSeconds: elapsed())) }
        }
        func begin(_ index: Int) { messages(index)(steps[index]) }
        var clock = StepClock()
        // The scenarios' modifications are applied first: one naming a route the feeds lack stops the run before
        // zones, networks or searches.
        var timetables: [ScenarioTimetables] = []
        var spool: SpoolFolder?
        if !config.scenarios.isEmpty {
            begin(0)
            // The edited feeds are written out now, into a private folder beside the outputs, and renamed into
            // place with the other outputs: their text is let go before the searches, when memory is at its peak.
            let folder = try SpoolFolder(beside: (spec.output as NSString).appendingPathComponent("scenario-feeds"))
            timetables = try ScenarioTimetables.build(config.scenarios, studyFeeds: Self.studyFeeds(spec), naptan: spec.coverage?.naptan ?? [],
                                                      working: working, spool: folder, progress: messages(0))
            messages(0)("writing the scenarios' feeds")
            for i in timetables.indices { try timetables[i].stage(in: folder) }
            FreedMemory.release()
            spool = folder
            clock.lap("scenario timetables", into: &report.timings)
        }
        let first = scenarioSteps.count

        begin(first)
        let layer = try ZoneLoader.load(paths: spec.zones, options: ZoneLoadOptions(sourceCRS: spec.zoneCRS.map { CRS($0) }, workingCRS: working,
                                                                                    codeField: spec.zoneCodeField), progress: messages(first))
        report.wards = layer.zones.count
        clock.lap("read zones", into: &report.timings)

        begin(first + 1)
        let index = ZoneIndex(layer)
        let originSet = try OriginSet.load(path: spec.origins, options: PointLoadOptions(sourceCRS: spec.originCRS.map { CRS($0) }, workingCRS: working),
                                           weightField: spec.originWeightField, layer: layer, index: index,
                                           keeping: ([config.equity?.weight?.field].compactMap { $0 } + (spec.distance?.demandFields.values.sorted() ?? [])), progress: messages(first + 1))
        report.origins = originSet.points.count
        report.notes += originSet.warnings
        if !originSet.outside.isEmpty { report.notes.append("\(originSet.outside.count) origin(s) lie in no zone and are not counted (e.g. \(originSet.outside[0]))") }
        clock.lap("read origins", into: &report.timings)

        var context = StudyContext(name: spec.name, layer: layer, zoneIndex: index, origins: originSet, precision: spec.precision)
        context.keepsBaselines = !timetables.isEmpty
        var table = ZoneTable(layer: layer, inputSource: "zone boundaries (\(spec.zones.joined(separator: ", ")))")
        var files: [StudyFile] = []
        var gaps: [Feature]?
        var baselines: [Int: StepOutput] = [:]
        for (i, step) in plan.enumerated() {
            begin(first + i + 2)
            let output = try step.run(context, table: table, progress: messages(first + i + 2))
            if step.readsTimetables, !timetables.isEmpty { baselines[i] = output }
            report.notes += output.notes
            report.notes += try table.append(output, step: step.title, needsBoundaries: step.needsBoundaries)
            files += output.files
            for (key, value) in output.summary { report.summary[key] = value }
            if let stepGaps = output.gaps { gaps = stepGaps }
            if step is ScoreStep { report.scored = table.indicator("connectivity_score").map(Self.nonNullCount) }
            clock.lap(step.title, into: &report.timings)
        }
        var routes: [ScenarioRouteChange] = []
        if !timetables.isEmpty {
            let index = steps.count - 2
            begin(index)
            for scenario in timetables {
                var scenarioContext = context
                scenarioContext.scenario = scenario
                var summary = ScenarioSummary(name: scenario.name, changes: scenario.notes, feeds: [], counts: [])
                for (i, step) in plan.enumerated() {
                    guard let baseline = baselines[i] else { continue }
                    messages(index)("scenario \(scenario.name): \(step.title)")
                    let output = try step.run(scenarioContext, table: table, progress: messages(index))
                    let columns = ScenarioColumns.output(baseline: baseline, scenario: output, name: scenario.name, step: step, context: context)
                    report.notes += columns.notes
                    report.notes += try table.append(columns, step: "scenario \(scenario.name): \(step.title)", needsBoundaries: step.needsBoundaries)
                    summary.counts += ScenarioColumns.summary(columns, name: scenario.name)
                }
                for (i, entry) in scenario.files.enumerated() where scenario.changed[i] {
                    guard let spool, let staged = scenario.staged[i] else { continue }
                    let name = Scenario.zipName(scenario.name, entry.path)
                    files.append(StudyFile(name: name) { try spool.move(staged, to: $0) })
                    summary.feeds.append((spec.output as NSString).appendingPathComponent(name))
                }
                context.shared.forget(scenario: scenario.name)
                summary.routes = scenario.routes.map { "\($0.kind.rawValue) \($0.name) (route_id \($0.routeID), \($0.tripsBefore) → \($0.tripsAfter) trips)" }
                routes += scenario.routes
                report.scenarios.append(summary)
                clock.lap("scenario \(scenario.name)", into: &report.timings)
            }
        }
        report.zonesWithWarnings = table.zonesWithWarnings
        let routeFeatures = ScenarioRoutes.features(routes)
        if !routeFeatures.isEmpty {
            files.append(StudyFile(name: ScenarioRoutes.fileName, bytes: try GeoJSONWriter(precision: spec.precision).encode(routeFeatures)))
        }

        begin(steps.count - 1)
        var map: WardMap.Options?
        if spec.map {
            var options = WardMap.Options(title: spec.name, source: (study as NSString).lastPathComponent)
            options.property = spec.mapProperty
            options.codeField = layer.codeField
            options.nameField = spec.zoneNameField
            options.crs = working
            options.domains = config.scoring?.domains.map(\.name) ?? []
            map = options
        }
        var outputs = StudyOutputs(folder: spec.output, zoneSetName: spec.zoneSetName, formats: spec.formats, precision: spec.precision, map: map)
        outputs.report = config.equity != nil || config.leftBehind != nil
        outputs.studyFile = StudyConfig.lexicallyNormal(study.hasPrefix("/") ? study : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(study))
        outputs.postgres = spec.postgres.map { ($0, spec.postgresSchema, spec.postgresReplace) }
        let written = try outputs.write(table, study: spec.name, files: files, gaps: gaps, origins: originSet, routes: routeFeatures)
        report.outputs = written.written
        report.notes += written.notes
        clock.lap("write", into: &report.timings)
        return report
    }

    static func nonNullCount(_ indicator: Indicator) -> Int {
        (0..<indicator.count).count { indicator.json($0) != .null }
    }
}
