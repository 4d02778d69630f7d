import Foundation
import GeoData

/// `[[join]]`: extra zone columns from a CSV keyed by zone code (an IMD score, the share of households without a
/// car), passed through exactly as the file writes them. A zone without a row gets null.
struct JoinStep: StudyStep {
    var join: JoinSpec

    var title: String { "join \(join.file)" }
    var needsBoundaries: Bool { false }

    func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        var rows = table.rowTable(source: context.name)
        let codes = try ScoreJob.codes(rows, field: context.layer.codeField ?? "")
        let report = try ScoreJob.join(join, into: &rows, codes: codes)
        var output = StepOutput(zoneCount: context.zoneCount)
        for property in report.properties {
            output.add(Indicator(property, unit: nil, "passed through unchanged", source: "joined from \(join.file)",
                                 json: rows.rows.map { $0[property] ?? .null }))
        }
        let name = (join.file as NSString).lastPathComponent
        for z in report.zonesWithoutRow {
            output.warn(z, "no row in \(name) for this zone: its \(report.properties.joined(separator: ", ")) \(report.properties.count == 1 ? "is" : "are") null")
        }
        if let note = report.unmatchedNote(codes: codes) { output.notes.append(note) }
        output.notes += report.mixedColumns
        return output
    }
}

/// `[score]`: the composite connectivity score of every zone from the columns before it (docs/scoring.md).
struct ScoreStep: StudyStep {
    /// The study, without its joins (they ran as steps of their own).
    var config: StudyConfig

    init(config: StudyConfig) {
        var joinless = config
        joinless.joins = []
        self.config = joinless
    }

    var title: String { "score" }
    var needsBoundaries: Bool { false }
    /// Where the run keeps the score's result for the steps after it (`StudyContext.shared`).
    static let resultKey = "score result"

    func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        let scored = try ScoreJob.score(table.rowTable(source: config.file), config: config, codeField: context.layer.codeField,
                                        progress: progress)
        context.shared.keepBaseline(scored.result, for: Self.resultKey)
        var output = StepOutput(zoneCount: context.zoneCount)
        let perZone = context.layer.zones.indices.map { ScoreJob.properties(scored.result, ward: $0) }
        for (k, (name, _)) in (perZone.first ?? []).enumerated() {
            let entry = ScoreJob.describe(name, spec: scored.spec)
            output.add(Indicator(name, unit: entry.unit, entry.description, source: "reach score", json: perZone.map { $0[k].1 }))
        }
        output.timings = scored.report.timings
        return output
    }
}

extension ZoneTable {
    /// The zones' properties and every column as rows, without geometry: what joins and the score read.
    func rowTable(source: String) -> PropertyTable {
        var table = PropertyTable(source: source, format: .csv, rows: layer.zones.indices.map(row), geometries: nil,
                                  columns: schema.map(\.name).filter { $0 != ZoneExport.warningProperty },
                                  locations: layer.zones.map { "\($0.source.file): feature \($0.source.index)" })
        // A joined column's bad value is the join file's, not the zones'.
        for column in schema where column.source.hasPrefix("joined from") { table.columnOrigins[column.name] = column.source }
        return table
    }
}
