import Foundation
import GeoData
import Scoring

/// `reach score` and `reach explain`: read a ward table (GeoJSON or CSV, e.g. the output of `reach coverage`),
/// join the study's extra columns, score every ward as the study file says (docs/scoring.md), and write the
/// table back with the score properties added.
public struct ScoreJob: Sendable {
    /// The study file; nil uses the built-in default study (`DefaultStudy.text`).
    public var study: String?
    /// The ward table: GeoJSON (geometry kept) or CSV; nil reads the study's own output (`reach run`'s
    /// `{output}/wards.geojson`, or its CSV).
    public var input: String?
    /// Where to write the scored table, `.geojson` or `.csv`; nil writes nothing (explain).
    public var output: String?
    /// The property holding ward codes; detected when nil (WD23CD, area_code...).
    public var codeField: String?
    public var workers: Int

    public init(study: String?, input: String?, output: String? = nil, codeField: String? = nil,
                workers: Int = ParallelMap.workerCount) {
        self.study = study
        self.input = input
        self.output = output
        self.codeField = codeField
        self.workers = workers
    }

    public struct JoinReport: Sendable {
        public var file: String
        public var properties: [String]
        /// Wards that found a row.
        public var matchedWards: Int
        /// Rows whose code is no ward of the table (normal when joining a national file to a few wards).
        public var unmatchedRows: Int
        /// The zones (indices) with no row.
        public var zonesWithoutRow: [Int] = []
        /// Columns mixing numbers with other text, one sentence each.
        public var mixedColumns: [String] = []
        /// Zones with no row for which a row's key differs only in case or spacing: zone index, the row's key, its line.
        public var nearMisses: [(zone: Int, key: String, line: Int)] = []

        /// The sentence about zones without a row, with the case-or-spacing hint; nil when every zone has one.
        public func unmatchedNote(codes: [String]) -> String? {
            guard !zonesWithoutRow.isEmpty else { return nil }
            let examples = zonesWithoutRow.prefix(3).map { codes[$0] }.joined(separator: ", ")
            var note = "join \(file): \(zonesWithoutRow.count) of \(codes.count) zone(s) have no row (e.g. \(examples)); their \(properties.joined(separator: ", ")) are null"
            if let first = nearMisses.first {
                note += "; \(nearMisses.count) of them have a row whose key differs only in case or spacing (zone \(codes[first.zone]), key \(TextCheck.quoted(first.key)) on line \(first.line)): fix the keys in the file"
            }
            return note
        }
    }

    public struct Report: Sendable {
        public var wards = 0
        public var scored = 0
        public var codeField = ""
        public var joins: [JoinReport] = []
        /// Indicators with a single value across wards (normalised to 0 everywhere).
        public var constantIndicators: [String] = []
        /// Per indicator, how many wards lack it, in study order (only those with any).
        public var missing: [(indicator: String, wards: Int)] = []
        public var policy: MissingPolicy = .reweight
        public var draws = 0
        public var timings: [(step: String, seconds: Double)] = []
    }

    /// A scored table, before writing: what `explain` reads.
    public struct Scored: Sendable {
        public var config: StudyConfig
        public var spec: ScoringSpec
        public var table: PropertyTable
        public var codes: [String]
        public var result: ScoreResult
        public var report: Report

        /// The explanation of the ward with this code.
        public func explanation(of code: String) throws -> Explanation {
            guard let index = codes.firstIndex(of: code) else {
                let sample = codes.prefix(3).joined(separator: ", ")
                throw DataError(file: table.source, "no zone with code '\(code)' among its \(codes.count) zones (codes look like \(sample))")
            }
            return Explanation(result, ward: index)
        }
    }

    /// The study: `study`, else the one that made `input` (a run's output, whose `schema.json` names it), else the
    /// built-in default.
    public func loadStudy() throws -> StudyConfig {
        if let study { return try StudyConfig.load(path: study) }
        if let input, let own = PropertySchema.studyFile(besides: input) { return try StudyConfig.load(path: own) }
        return try StudyConfig.parse(text: DefaultStudy.text, file: "<default study>")
    }

    /// Reads, joins and scores; writes nothing.
    public func score(progress: @Sendable (String) -> Void = { _ in }) throws -> Scored {
        var clock = StepClock()
        let config = try loadStudy()
        guard config.scoring != nil else {
            throw StudyConfigError(file: config.file, "the study has no [score] table: nothing to score")
        }
        if let output { try AtomicFile.checkWritable(output) }
        let input = try self.input ?? Self.studyOutput(config)
        progress("reading \(input)")
        let table = try PropertyTable.read(path: input)
        var timings: [(step: String, seconds: Double)] = []
        clock.lap("read table", into: &timings)
        // A run's own output has its joins already: joining them again would replace the columns by themselves.
        var scoring = config
        if Self.isOwnOutput(input, of: config) { scoring.joins = [] }
        var scored = try Self.score(table, config: scoring, codeField: codeField ?? config.run?.zoneCodeField, workers: workers, progress: progress)
        scored.config = config
        scored.report.timings = timings + scored.report.timings
        return scored
    }

    /// One zone's row of the table (the study's own output when no `input`), without scoring: for `reach explain`
    /// of a study with no [score] table. The columns come with it.
    public func zoneRow(_ code: String) throws -> (row: JSONObject, columns: [String], source: String) {
        let config = try loadStudy()
        let input = try self.input ?? Self.studyOutput(config)
        let table = try PropertyTable.read(path: input)
        let field = try codeField ?? config.run?.zoneCodeField ?? ZoneLoader.detectCodeField(table.columns) ?? {
            throw DataError(file: input, "cannot tell which column holds zone codes (columns: \(table.columns.prefix(12).joined(separator: ", "))); name it with --code-field")
        }()
        let codes = try Self.codes(table, field: field)
        guard let index = codes.firstIndex(of: code) else {
            throw DataError(file: input, "no zone with code '\(code)' among its \(codes.count) zones (codes look like \(codes.prefix(3).joined(separator: ", ")))")
        }
        return (table.rows[index], table.columns, input)
    }

    /// The zone table `reach run` of `config` wrote (GeoJSON, else CSV, else GeoJSON Text Sequences); an error
    /// saying to run it first when there is none.
    static func studyOutput(_ config: StudyConfig) throws -> String {
        guard let spec = config.run else {
            throw DataError(file: config.file, "give the ward table with --in FILE (the study has no [study] table, so it has no output of its own to read)")
        }
        let candidates = [RunSpec.Format.geojson, .csv, .geojsonseq].map { format in
            (spec.output as NSString).appendingPathComponent(StudyOutputs(folder: spec.output, zoneSetName: spec.zoneSetName, formats: [], precision: 6).fileName(format))
        }
        guard let found = candidates.first(where: FileManager.default.fileExists) else {
            throw DataError(file: config.file, "the study's output \(candidates[0]) does not exist yet: run `reach run \(config.file)` first, or give the ward table with --in FILE")
        }
        return found
    }

    /// Whether `path` lies in the output folder of `config`'s run.
    static func isOwnOutput(_ path: String, of config: StudyConfig) -> Bool {
        guard let folder = config.run?.output else { return false }
        func absolute(_ p: String) -> String {
            let full = p.hasPrefix("/") ? p : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(p)
            return StudyConfig.lexicallyNormal((full as NSString).resolvingSymlinksInPath)
        }
        return (absolute(path) as NSString).deletingLastPathComponent == absolute(folder)
    }

    /// Joins the study's `[[join]]`s to `table` and scores it as its `[score]` says (what `reach score` and the
    /// score step of `reach run` both do). `codeField` nil detects the column of zone codes.
    public static func score(_ table: PropertyTable, config: StudyConfig, codeField: String?, workers: Int = ParallelMap.workerCount,
                             progress: @Sendable (String) -> Void = { _ in }) throws -> Scored {
        var clock = StepClock()
        var report = Report()
        guard let spec = config.scoring else {
            throw StudyConfigError(file: config.file, "the study has no [score] table: nothing to score")
        }
        var table = table
        let input = table.source
        guard !table.rows.isEmpty else { throw DataError(file: input, "no zones in the table") }
        let codeField = try codeField ?? ZoneLoader.detectCodeField(table.columns) ?? {
            throw DataError(file: input, "cannot tell which column holds zone codes (columns: \(table.columns.prefix(12).joined(separator: ", "))); name it with --code-field")
        }()
        report.codeField = codeField
        let codes = try Self.codes(table, field: codeField)
        for join in config.joins {
            report.joins.append(try Self.join(join, into: &table, codes: codes))
        }
        if !config.joins.isEmpty { clock.lap("join", into: &report.timings) }

        let values = try spec.indicators.map { try Self.values(of: $0, in: table) }
        var groups: [String]?
        if let field = spec.groupBy {
            groups = try table.rows.indices.map { i in
                guard let value = table.rows[i][field]?.stringValue, !value.isEmpty else {
                    throw DataError(file: input, location: "\(table.locations[i]) (zone \(codes[i]))", field: field,
                                    "no value for the study's group_by property")
                }
                return value
            }
        }
        progress("scoring \(codes.count) zones on \(spec.indicators.count) indicators in \(spec.domains.count) domains" +
                 (spec.robustness.draws > 0 ? ", \(spec.robustness.draws) weight draws" : ""))
        let result = try CompositeScore.compute(spec, table: IndicatorTable(codes: codes, groups: groups, values: values), workers: workers)
        clock.lap("score", into: &report.timings)

        report.wards = codes.count
        report.scored = result.score.count { $0 != nil }
        report.constantIndicators = result.constantIndicators
        report.policy = spec.missing
        report.draws = spec.robustness.draws
        report.missing = spec.indicators.indices.compactMap { k in
            let count = values[k].count { $0 == nil }
            return count > 0 ? (spec.indicators[k].name, count) : nil
        }
        for i in table.rows.indices {
            var row = table.rows[i]
            for (key, value) in Self.properties(result, ward: i) { row[key] = value }
            table.rows[i] = row
        }
        return Scored(config: config, spec: spec, table: table, codes: codes, result: result, report: report)
    }

    /// Scores and writes the output.
    public func run(progress: @Sendable (String) -> Void = { _ in }) throws -> Report {
        var scored = try score(progress: progress)
        guard let output else { return scored.report }
        var clock = StepClock()
        progress("writing \(output)")
        try AtomicFile.write(try scored.table.encoded(for: output), to: output)
        clock.lap("write", into: &scored.report.timings)
        return scored.report
    }

    /// The score properties of one ward, in the order docs/scoring.md gives.
    static func properties(_ result: ScoreResult, ward i: Int) -> [(String, JSONValue)] {
        func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }
        func integer(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        let spec = result.spec
        var properties: [(String, JSONValue)] = []
        for (d, domain) in spec.domains.enumerated() {
            properties.append(("\(domain.name)_score", number(result.domainScores[d][i])))
            if spec.transforms[d] == .exponential { properties.append(("\(domain.name)_score_exp", number(result.domainTransformed[d][i]))) }
            properties.append(("\(domain.name)_rank", integer(result.domainRanks[d][i])))
        }
        properties.append(("connectivity_score", number(result.score[i])))
        properties.append(("connectivity_rank", integer(result.rank[i])))
        properties.append(("connectivity_decile", integer(result.decile[i])))
        if let p05 = result.rankP05, let p95 = result.rankP95 {
            properties.append(("connectivity_rank_p05", integer(p05[i])))
            properties.append(("connectivity_rank_p95", integer(p95[i])))
        }
        if spec.robustness.leaveOneOut {
            properties.append(("connectivity_rank_loo_min", integer(result.leaveOneOutMin(i))))
            properties.append(("connectivity_rank_loo_max", integer(result.leaveOneOutMax(i))))
        }
        properties.append(("score_missing", .string(result.missingNote(i))))
        return properties
    }

    /// Every row's code; a missing or repeated code is an error naming both rows.
    static func codes(_ table: PropertyTable, field: String) throws -> [String] {
        var first: [String: Int] = [:]
        return try table.rows.indices.map { i in
            guard let code = table.rows[i][field]?.stringValue, !code.isEmpty else {
                throw DataError(file: table.source, location: table.locations[i], field: field, "no zone code")
            }
            if let earlier = first[code] {
                throw DataError(file: table.source, location: table.locations[i], field: field,
                                "zone code \(code) again (first at \(table.locations[earlier])): each zone must appear once")
            }
            first[code] = i
            return code
        }
    }

    /// A ward's value of an indicator: a number, a numeric string, or missing (absent, null, empty).
    static func values(of indicator: IndicatorSpec, in table: PropertyTable) throws -> [Double?] {
        let source = indicator.source
        guard table.rows.contains(where: { $0[source] != nil }) else {
            let close = table.columns.filter { $0.lowercased().contains(source.lowercased().prefix(4)) }.prefix(8)
            throw DataError(file: table.source, field: source,
                            "indicator '\(indicator.name)': no zone has this property" +
                            (close.isEmpty ? "" : " (similar: \(close.joined(separator: ", ")))"))
        }
        return try table.rows.indices.map { i in
            func bad(_ what: String) -> DataError {
                DataError(file: table.source, location: table.locations[i], field: source,
                          "indicator '\(indicator.name)': \(what)\(table.columnOrigins[source].map { " (\($0))" } ?? "") is not a number (leave it empty or null when missing)")
            }
            switch table.rows[i][source] ?? .null {
            case .null: return nil
            case .number(let number):
                guard number.value.isFinite else { throw bad("\(number.value)") }
                return number.value
            case .string(let text):
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { return nil }
                guard let value = Self.decimal(trimmed) else { throw bad("'\(text)'") }
                return value
            case .bool(let flag): throw bad("\(flag)")
            case .array, .object: throw bad("a JSON \(table.rows[i][source].map { if case .array = $0 { "array" } else { "object" } } ?? "value")")
            }
        }
    }

    /// A decimal number as spreadsheets write them: optional sign, digits with an optional point, optional
    /// exponent (`12`, `-0.5`, `.5`, `3.`, `1e-3`, `+7`). Not `0x10`, `nan` or `inf`, which `Double(_:)` accepts.
    static func decimal(_ text: String) -> Double? {
        var digits = 0, index = text.utf8.startIndex
        let bytes = text.utf8
        func skipDigits() { while index < bytes.endIndex, (0x30...0x39).contains(bytes[index]) { digits += 1; index = bytes.index(after: index) } }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index = bytes.index(after: index) }
        skipDigits()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") { index = bytes.index(after: index); skipDigits() }
        guard digits > 0 else { return nil }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index = bytes.index(after: index)
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index = bytes.index(after: index) }
            digits = 0
            skipDigits()
            guard digits > 0 else { return nil }
        }
        guard index == bytes.endIndex, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Adds a join's columns to the wards that have a row; errors name the file and line.
    static func join(_ join: JoinSpec, into table: inout PropertyTable, codes: [String]) throws -> JoinReport {
        let csv = try CSVTable(bytes: try FileBytes.read(path: join.file), source: join.file)
        let keyColumn = try csv.requiredColumn(join.key)
        let mapping: [(column: Int, property: String)] = try (join.columns ?? csv.header.filter { $0 != csv.header[keyColumn] }.map { ($0, $0) })
            .map { column, property in (try csv.requiredColumn(column), property) }
        let wardIndex = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1, $0) })
        for (_, property) in mapping where table.rows.contains(where: { $0[property] != nil }) {
            throw DataError(file: join.file, field: property,
                            "the joined column would replace the zones' own property '\(property)'; give it another name with columns = { ... = \"new_name\" }")
        }
        var seen: [String: Int] = [:]
        var unmatched = 0
        var unmatchedKeys: [String: (key: String, line: Int)] = [:]
        // Per property: values that are numbers, and those that are text (with the first), to tell a column of
        // numbers with a few stray words ("n/a", "nan", "0x1p3") from a column of names.
        var numeric: [String: Int] = [:]
        var textual: [String: (count: Int, first: String, line: Int)] = [:]
        try csv.forEachRow { row in
            let code = row.string(keyColumn).trimmingCharacters(in: .whitespaces)
            if let earlier = seen[code] {
                throw DataError(file: join.file, location: "line \(row.line)", field: join.key,
                                "zone code \(code) again (first on line \(earlier)): a join needs one row per zone")
            }
            seen[code] = row.line
            guard let i = wardIndex[code] else {
                unmatched += 1
                unmatchedKeys[Self.looseKey(code)] = unmatchedKeys[Self.looseKey(code)] ?? (code, row.line)
                return
            }
            var properties = table.rows[i]
            for (column, property) in mapping {
                let text = column < row.count ? row.string(column) : ""
                if text.isEmpty {
                    properties[property] = .null
                } else if let number = JSONNumber(literal: text) {
                    properties[property] = .number(number)
                    numeric[property, default: 0] += 1
                } else {
                    properties[property] = .string(text)
                    if textual[property] == nil { textual[property] = (0, text, row.line) }
                    textual[property]!.count += 1
                }
            }
            table.rows[i] = properties
        }
        for (_, property) in mapping where !table.columns.contains(property) { table.columns.append(property) }
        for (column, property) in mapping { table.columnOrigins[property] = "joined from \(join.file), column '\(csv.header[column])'" }
        var report = JoinReport(file: join.file, properties: mapping.map(\.property),
                                matchedWards: codes.count { seen[$0] != nil }, unmatchedRows: unmatched)
        report.zonesWithoutRow = codes.indices.filter { seen[codes[$0]] == nil }
        for (_, property) in mapping {
            guard let text = textual[property], let numbers = numeric[property], numbers > 0 else { continue }
            report.mixedColumns.append("join \(join.file): column '\(property)' holds \(numbers) number(s) and \(text.count) value(s) that are not decimal numbers (e.g. \(TextCheck.quoted(text.first)) on line \(text.line)), written as text: leave a missing value empty")
        }
        report.nearMisses = report.zonesWithoutRow.compactMap { z in unmatchedKeys[Self.looseKey(codes[z])].map { (z, $0.key, $0.line) } }
        return report
    }

    /// A key with case and every space removed: what tells a typo in spacing or case from a different code.
    static func looseKey(_ key: String) -> String {
        String(key.lowercased().filter { !$0.isWhitespace })
    }
}

extension ScoreJob {
    /// What a score column is (`schema.json`): unit and meaning, by the names `properties` writes.
    static func describe(_ name: String, spec: ScoringSpec) -> (unit: String?, description: String) {
        for domain in spec.domains.map(\.name) {
            if name == "\(domain)_score_exp" { return (nil, "\(domain) domain score after the exponential transform (0–100)") }
            if name == "\(domain)_score" { return (nil, "\(domain) domain score (weighted sum of normalised indicators; higher = less connected)") }
            if name == "\(domain)_rank" { return ("rank", "rank of the \(domain) domain score (1 = least connected)") }
        }
        switch name {
        case "connectivity_score": return (nil, "composite score (higher = less connected)")
        case "connectivity_rank": return ("rank", "rank of the score, 1 = least connected")
        case "connectivity_decile": return ("decile", "decile of the rank, 1 = least connected tenth")
        case "connectivity_rank_p05": return ("rank", "5th percentile of the rank over Monte Carlo weight draws")
        case "connectivity_rank_p95": return ("rank", "95th percentile of the rank over Monte Carlo weight draws")
        case "connectivity_rank_loo_min": return ("rank", "best rank with one indicator left out")
        case "connectivity_rank_loo_max": return ("rank", "worst rank with one indicator left out")
        case "score_missing": return (nil, "indicators missing for this zone and how the score dealt with them")
        default: preconditionFailure("ScoreJob.properties wrote \(name), which describe does not know")
        }
    }
}
