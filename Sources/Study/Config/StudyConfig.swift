import Foundation
import GeoData
import Scoring

/// Extra ward columns from a CSV keyed by ward code (an IMD score, the share of households without a car).
public struct JoinSpec: Sendable, Equatable {
    /// The CSV file, resolved against the study file's folder.
    public var file: String
    /// The CSV column holding ward codes.
    public var key: String
    /// CSV column → property name; nil joins every other column under its own name.
    public var columns: [(column: String, property: String)]?

    public init(file: String, key: String, columns: [(column: String, property: String)]? = nil) {
        self.file = file
        self.key = key
        self.columns = columns
    }

    public static func == (a: JoinSpec, b: JoinSpec) -> Bool {
        a.file == b.file && a.key == b.key && a.columns?.map(\.column) == b.columns?.map(\.column)
            && a.columns?.map(\.property) == b.columns?.map(\.property)
    }
}

/// The study's broadband inputs (`[broadband]`, docs/broadband.md): Ofcom files, how to place their records, and
/// an explicit column map. Paths are resolved against the study file's folder.
public struct BroadbandSpec: Sendable, Equatable {
    public var ofcom: [String] = []
    /// A postcode directory (ONSPD style), or output areas: one of the two.
    public var postcodes: String?
    public var postcodeField: String?
    public var xField: String?
    public var yField: String?
    /// CRS of the directory's coordinates (detected from the column names when nil).
    public var postcodesCRS: String?
    public var outputAreas: String?
    public var outputAreaField: String?
    /// Role (`BroadbandLayout.roles`) → header name.
    public var columns: [String: String] = [:]

    public init() {}
}

/// A study file (TOML): the score's indicators, domains and method, and the extra columns to join
/// (docs/scoring.md, "The study file"). Every key is validated; errors name the file, key and line.
public struct StudyConfig: Sendable {
    /// The study file as named.
    public var file: String
    public var scoring: ScoringSpec?
    public var joins: [JoinSpec]
    public var broadband: BroadbandSpec?
    /// What `reach run` computes and writes; nil for a study with only `[score]` and `[[join]]`.
    public var run: RunSpec?
    /// The steps of `StudyPlan.kinds` (or the kinds given to `parse`) whose tables the study has, in kind order.
    public var extraSteps: [any StudyStep] = []
    /// The `[[scenario]]`s, in study order (docs/scenarios.md).
    public var scenarios: [Scenario] = []
    /// `[equity]` and `[left_behind]` (docs/equity.md).
    public var equity: EquitySpec?
    public var leftBehind: LeftBehindSpec?
    /// `[service_profile]` (docs/transit.md).
    public var serviceProfile: ServiceProfileSpec?

    /// Reads and validates a study file.
    public static func load(path: String, kinds: [any StudyStepKind.Type] = StudyPlan.kinds) throws -> StudyConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StudyConfigError(file: path, "cannot read the study file (missing or unreadable)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw StudyConfigError(file: path, "not UTF-8 text") }
        return try parse(text: text, file: path, folder: (path as NSString).deletingLastPathComponent, kinds: kinds)
    }

    /// Parses study text; relative paths are resolved against `folder`.
    public static func parse(text: String, file: String, folder: String = "",
                             kinds: [any StudyStepKind.Type] = StudyPlan.kinds) throws(StudyConfigError) -> StudyConfig {
        let root = try ConfigTable.parse(text: text, file: file)
        var scoring: ScoringSpec?
        if let table = try root.table("score") { scoring = try decodeScore(table) }
        var joins: [JoinSpec] = []
        for table in try root.tables("join") {
            let path = resolve(try table.requiredString("file"), folder: folder)
            var columns: [(String, String)]?
            if let map = try table.table("columns") {
                columns = try map.entries.keys.sorted { a, b in
                    let (lineA, placeA) = map.lines.order(of: map.keyPath(a)), (lineB, placeB) = map.lines.order(of: map.keyPath(b))
                    return (lineA, placeA, a) < (lineB, placeB, b)
                }
                    .map { column throws(StudyConfigError) in (column, try map.requiredString(column)) }
            }
            joins.append(JoinSpec(file: path, key: try table.requiredString("key"), columns: columns))
            try table.finish(known: ["file", "key", "columns"])
        }
        var broadband: BroadbandSpec?
        if let table = try root.table("broadband") { broadband = try decodeBroadband(table, folder: folder) }
        var run = try RunSpec.decode(root, folder: folder)
        var extraSteps: [any StudyStep] = []
        var paths = StudyPaths(folder: folder)
        for kind in kinds {
            guard let table = try root.table(kind.table) else { continue }
            guard run != nil else { throw root.error(kind.table, "[\(kind.table)] needs a [study] table with the output folder (output = \"out/my-study\")") }
            extraSteps.append(try kind.decode(table, paths: &paths))
        }
        let scenarioTables = try root.tables("scenario")
        var scenarios: [Scenario] = []
        if !scenarioTables.isEmpty {
            guard let spec = run else { throw root.error("scenario", "[[scenario]] needs a [study] table with the output folder (output = \"out/my-study\")") }
            guard !(spec.coverage?.gtfs ?? []).isEmpty || spec.publicTransport != nil else {
                throw root.error("scenario", "a scenario changes timetables, and the study has none: add gtfs to [coverage] or a [public_transport] table")
            }
            scenarios = try Scenario.decodeAll(scenarioTables, paths: &paths)
        }
        var serviceProfile: ServiceProfileSpec?
        if let table = try root.table("service_profile") {
            guard let spec = run else { throw root.error("service_profile", "[service_profile] needs a [study] table with the output folder (output = \"out/my-study\")") }
            var profile = try ServiceProfileSpec.decode(table, paths: &paths)
            if profile.gtfs.isEmpty { profile.gtfs = (spec.coverage?.gtfs).flatMap { $0.isEmpty ? nil : $0 } ?? spec.publicTransport?.gtfs ?? [] }
            guard !profile.gtfs.isEmpty else { throw table.error(nil, "no feeds: give gtfs here, in [coverage] or in [public_transport]") }
            serviceProfile = profile
        }
        run?.inputs += paths.inputs
        var equity: EquitySpec?, leftBehind: LeftBehindSpec?
        if let table = try root.table("equity") {
            guard run != nil else { throw root.error("equity", "[equity] needs a [study] table with the output folder (output = \"out/my-study\")") }
            equity = try EquitySpec.decode(table)
        }
        if let table = try root.table("left_behind") {
            guard run != nil else { throw root.error("left_behind", "[left_behind] needs a [study] table with the output folder (output = \"out/my-study\")") }
            guard scoring != nil else { throw root.error("left_behind", "[left_behind] ranks zones by their connectivity_rank: add a [score] table") }
            leftBehind = try LeftBehindSpec.decode(table)
        }
        try root.finish(known: ["study", "zones", "wards", "origins", "distance", "coverage", "public_transport", "broadband", "join", "score", "outputs",
                                "scenario", "equity", "left_behind", "service_profile"] + kinds.map { $0.table })
        var config = StudyConfig(file: file, scoring: scoring, joins: joins, broadband: broadband, run: run)
        config.extraSteps = extraSteps
        config.scenarios = scenarios
        config.equity = equity
        config.leftBehind = leftBehind
        config.serviceProfile = serviceProfile
        return config
    }

    /// A path as written in the study, relative to the study file's folder.
    static func resolve(_ path: String, folder: String) -> String {
        lexicallyNormal(path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path))
    }

    /// `a/./b/../c` → `a/c`, `fixtures/trafford/../../out` → `out`: Foundation's `standardizingPath` leaves `..`
    /// in relative paths, which then show in every message. Lexical, like Python's `os.path.normpath`.
    static func lexicallyNormal(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    private static func decodeBroadband(_ table: ConfigTable, folder: String) throws(StudyConfigError) -> BroadbandSpec {
        var spec = BroadbandSpec()
        spec.ofcom = try table.strings("ofcom").map { resolve($0, folder: folder) }
        guard !spec.ofcom.isEmpty else { throw table.error(nil, "missing key 'ofcom' (the Ofcom Connected Nations files)") }
        spec.postcodes = try table.string("postcodes").map { resolve($0, folder: folder) }
        spec.postcodeField = try table.string("postcode_field")
        spec.xField = try table.string("x_field")
        spec.yField = try table.string("y_field")
        spec.postcodesCRS = try table.string("postcodes_crs")
        spec.outputAreas = try table.string("output_areas").map { resolve($0, folder: folder) }
        spec.outputAreaField = try table.string("output_area_field")
        if (spec.postcodes == nil) == (spec.outputAreas == nil) {
            throw table.error(spec.postcodes == nil ? nil : "output_areas", "give exactly one of 'postcodes' (a postcode directory) and 'output_areas'")
        }
        if (spec.xField == nil) != (spec.yField == nil) { throw table.error(spec.xField == nil ? "y_field" : "x_field", "give both x_field and y_field, or neither") }
        if let map = try table.table("columns") {
            for role in map.entries.keys.sorted(by: { (map.lines.line(of: map.keyPath($0)) ?? 0, $0) < (map.lines.line(of: map.keyPath($1)) ?? 0, $1) }) {
                guard BroadbandLayout.roles.contains(role) else {
                    throw map.error(role, "unknown role (roles: \(BroadbandLayout.roles.joined(separator: ", ")))")
                }
                spec.columns[role] = try map.requiredString(role)
            }
        }
        try table.finish(known: ["ofcom", "postcodes", "postcode_field", "x_field", "y_field", "postcodes_crs", "output_areas",
                                 "output_area_field", "columns"])
        return spec
    }

    /// Names become property names: a letter, then letters, digits and _.
    private static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    private static func decodeScore(_ table: ConfigTable) throws(StudyConfigError) -> ScoringSpec {
        // The method keys first: they come first in a study file, so errors come in file order.
        let normalisation = try table.choice("normalisation", Normalisation.self) ?? .rank
        let domainTransform = try table.choice("domain_transform", DomainTransform.self) ?? .exponential
        let missing = try table.choice("missing", MissingPolicy.self) ?? .reweight
        let groupBy = try table.string("group_by")
        var domains: [DomainSpec] = []
        for domain in try table.tables("domain") {
            let name = try domain.requiredString("name")
            guard isName(name) else { throw domain.error("name", "'\(name)': use letters, digits and _ (it becomes \(name)_score)") }
            guard !domains.contains(where: { $0.name == name }) else { throw domain.error("name", "domain '\(name)' is declared twice") }
            let weight = try domain.number("weight") ?? 1
            guard weight > 0 else { throw domain.error("weight", "must be > 0, not \(weight)") }
            domains.append(DomainSpec(name: name, weight: weight, transform: try domain.choice("transform", DomainTransform.self)))
            try domain.finish(known: ["name", "weight", "transform"])
        }
        guard !domains.isEmpty else { throw table.error(nil, "no domains: add at least one [[score.domain]] with a name") }
        var indicators: [IndicatorSpec] = []
        for indicator in try table.tables("indicator") {
            let name = try indicator.requiredString("name")
            guard isName(name) else { throw indicator.error("name", "'\(name)': use letters, digits and _") }
            guard !indicators.contains(where: { $0.name == name }) else { throw indicator.error("name", "indicator '\(name)' is declared twice") }
            guard let direction = try indicator.choice("direction", Direction.self) else {
                throw indicator.error(nil, "indicator '\(name)': missing key 'direction' (higher_is_worse or higher_is_better)")
            }
            let domain = try indicator.requiredString("domain")
            guard domains.contains(where: { $0.name == domain }) else {
                throw indicator.error("domain", "'\(domain)' is not a declared domain (\(domains.map(\.name).joined(separator: ", ")))")
            }
            let weight = try indicator.number("weight") ?? 1
            guard weight >= 0 else { throw indicator.error("weight", "must be ≥ 0, not \(weight)") }
            indicators.append(IndicatorSpec(name: name, source: try indicator.string("source") ?? name, direction: direction,
                                            domain: domain, weight: weight, label: try indicator.string("label")))
            try indicator.finish(known: ["name", "source", "direction", "domain", "weight", "label"])
        }
        guard !indicators.isEmpty else { throw table.error(nil, "no indicators: add at least one [[score.indicator]]") }
        var robustness = RobustnessSpec()
        if let robust = try table.table("robustness") {
            if let draws = try robust.integer("draws") {
                guard draws >= 0, draws <= 1_000_000 else { throw robust.error("draws", "must be between 0 and 1,000,000, not \(draws)") }
                robustness.draws = draws
            }
            if let jitter = try robust.number("weight_jitter") {
                guard jitter >= 0, jitter < 1 else { throw robust.error("weight_jitter", "must be at least 0 and below 1, not \(jitter)") }
                robustness.weightJitter = jitter
            }
            if let seed = try robust.integer("seed") {
                guard seed >= 0 else { throw robust.error("seed", "must be ≥ 0, not \(seed)") }
                robustness.seed = UInt64(seed)
            }
            if let flag = try robust.bool("leave_one_out") { robustness.leaveOneOut = flag }
            try robust.finish(known: ["draws", "weight_jitter", "seed", "leave_one_out"])
        }
        let spec = ScoringSpec(indicators: indicators, domains: domains,
                               normalisation: normalisation, domainTransform: domainTransform, missing: missing,
                               groupBy: groupBy, robustness: robustness)
        try table.finish(known: ["normalisation", "domain_transform", "missing", "group_by", "robustness", "domain", "indicator"])
        do {
            try spec.validate()
        } catch {
            throw table.error(nil, error.description)
        }
        return spec
    }
}
