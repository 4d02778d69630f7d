import GeoData

/// A scenario's columns beside the baseline's (docs/scenarios.md): each column of a timetable step again as
/// `{column}__{name}`, and for a numeric one `{column}__{name}_change` (scenario minus baseline, in the column's
/// unit, null where either is null); then the step's own comparisons (people gaining and losing access).
enum ScenarioColumns {
    /// Columns of a timetable step that describe the origins, not the timetables: not repeated per scenario.
    static let unchanged: Set<String> = ["origins_count", "origins_weight"]

    static func output(baseline: StepOutput, scenario: StepOutput, name: String, step: any StudyStep, context: StudyContext) -> StepOutput {
        var output = StepOutput(zoneCount: context.zoneCount)
        let produced = Dictionary(scenario.indicators.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for before in baseline.indicators where !unchanged.contains(before.name) {
            var after = produced[before.name] ?? Self.nulls(like: before, zones: context.zoneCount)
            let description = produced[before.name] == nil
                ? "scenario \(name): not made (the scenario's timetables give nothing to measure); \(before.schema.description)"
                : "scenario \(name): \(before.schema.description)"
            after.schema = ColumnSchema(name: "\(before.name)__\(name)", unit: before.schema.unit, description: description, source: before.schema.source)
            output.add(after)
            guard case .numbers(let old) = before.values, case .numbers(let new) = after.values else { continue }
            output.add(Indicator("\(before.name)__\(name)_change", unit: before.schema.unit,
                                 "scenario \(name): the scenario minus the baseline of \(before.name) (null where either is null)", source: before.schema.source,
                                 decimals: before.decimals, numbers: old.indices.map { z in
                                     guard let a = old[z], let b = new[z], a.isFinite, b.isFinite else { return nil }
                                     return b - a
                                 }))
        }
        // Columns only the scenario makes (a first rail station): kept under the scenario's name, without a change.
        let known = Set(baseline.indicators.map(\.name))
        for extra in scenario.indicators where !known.contains(extra.name) && !unchanged.contains(extra.name) {
            var copy = extra
            copy.schema = ColumnSchema(name: "\(extra.name)__\(name)", unit: extra.schema.unit,
                                       description: "scenario \(name): (no baseline column) \(extra.schema.description)", source: extra.schema.source)
            output.add(copy)
        }
        for column in step.scenarioComparisons(baseline: baseline, scenario: scenario, context: context, name: name) { output.add(column) }
        for z in 0..<context.zoneCount {
            for warning in scenario.warnings[z] where !baseline.warnings[z].contains(warning) { output.warn(z, "scenario \(name): \(warning)") }
        }
        output.notes = scenario.notes.filter { !baseline.notes.contains($0) }.map { "scenario \(name): \($0)" }
        return output
    }

    private static func nulls(like indicator: Indicator, zones: Int) -> Indicator {
        var copy = indicator
        switch indicator.values {
        case .numbers: copy.values = .numbers(Array(repeating: nil, count: zones))
        case .json: copy.values = .json(Array(repeating: .null, count: zones))
        }
        return copy
    }

    /// Per gain and loss column of a scenario: the weight and the zones with any, for the run's summary.
    static func summary(_ output: StepOutput, name: String) -> [ScenarioSummary.Count] {
        var counts: [String: ScenarioSummary.Count] = [:]
        var order: [String] = []
        for indicator in output.indicators {
            guard case .numbers(let values) = indicator.values else { continue }
            for (marker, gain) in [("_gain__\(name)", true), ("_loss__\(name)", false)] where indicator.name.hasSuffix(marker) {
                let stem = String(indicator.name.dropLast(marker.count))
                if counts[stem] == nil {
                    counts[stem] = ScenarioSummary.Count(column: stem)
                    order.append(stem)
                }
                let weight = values.compactMap { $0 }.reduce(0, +)
                let zones = values.count { ($0 ?? 0) > 0 }
                if gain { counts[stem]!.gain = weight; counts[stem]!.zonesGaining = zones } else { counts[stem]!.loss = weight; counts[stem]!.zonesLosing = zones }
            }
        }
        return order.map { counts[$0]! }
    }
}

/// What one scenario did, for the run's summary (stderr and the JSON summary).
public struct ScenarioSummary: Sendable {
    public var name: String
    /// What each modification changed.
    public var changes: [String]
    /// The modified feeds written, as paths.
    public var feeds: [String]
    public var counts: [Count]
    /// The routes removed, added or changed ("removed 151 (route_id 9214, 145 → 0 trips)").
    public var routes: [String] = []

    /// The origin weight (people, when the origins carry population) that gains and loses access within one
    /// threshold (`gp_pt_within_30`), and the zones where any does.
    public struct Count: Sendable {
        public var column: String
        public var gain = 0.0
        public var zonesGaining = 0
        public var loss = 0.0
        public var zonesLosing = 0
    }
}
