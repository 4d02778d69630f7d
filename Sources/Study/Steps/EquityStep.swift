import Foundation
import GeoData
import Scoring

/// `[equity]`: each chosen indicator's distribution over the people at origins, for the whole study and by zone
/// class: origins, population, weighted mean, median, 90th percentile and shares within thresholds, with the
/// inequality measures of docs/equity.md. Writes `equity.csv` (long form: `indicator,class,measure,value`) and
/// the same figures into the run's summary. Runs after joins, the score and `[left_behind]`, so any of their
/// columns can be the class or the need.
struct EquityStep: StudyStep {
    var spec: EquitySpec
    /// The need of `[left_behind]`, used when `[equity]` names none.
    var defaultNeed: String?

    static let fileName = "equity.csv"
    static let allClass = "all"
    static let classColumn = "equity_class"

    var title: String { "equity" }
    var needsBoundaries: Bool { false }

    /// One indicator resolved against the run's per-origin columns.
    struct Resolved: Sendable {
        var stem: String
        var values: [Double?]
        var unit: String?
        var better: WeightedDistribution.Better
        var thresholds: [Double]
        var standard: Double?
    }

    func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        var output = StepOutput(zoneCount: context.zoneCount)
        let columns = ZoneColumns(table: table, step: "[equity]")
        let indicators = try spec.indicators.map { try resolve($0, table: table) }
        let origins = context.origins
        let people = origins.weights
        var weights = people
        if let field = spec.weight?.field {
            guard let values = origins.fields[field] else {
                throw DataError(file: "[equity]", field: "weight.field", "the origins' field \(field) was not read: the study needs an [origins] file")
            }
            var lacking = 0
            for o in weights.indices {
                weights[o] = values[o] ?? 0
                if values[o] == nil { lacking += 1 }
            }
            if lacking > 0 {
                output.notes.append("[equity] weight \(field): \(lacking) origin(s) have no value (or are a zone's point-on-surface) and weigh 0 in equity.csv")
            }
        } else if let weight = spec.weight, let column = weight.column {
            let values = try columns.numbers(column, key: "weight.column")
            var missing: [String] = []
            let zoneWeight = context.reducer.ownWeight
            for o in weights.indices {
                let z = origins.zone[o]
                guard let v = values[z] else { weights[o] = 0; continue }
                guard v >= 0 else {
                    throw DataError(file: columns.source(column), field: column, "zone \(context.layer.zones[z].code): a weight must be ≥ 0, not \(JSONWriter.format(v))")
                }
                switch weight.kind {
                case .percent: weights[o] = people[o] * v / 100
                case .fraction: weights[o] = people[o] * v
                case .count: weights[o] = zoneWeight[z] > 0 ? v * people[o] / zoneWeight[z] : 0
                }
            }
            for z in context.layer.zones.indices where values[z] == nil { missing.append(context.layer.zones[z].code) }
            if !missing.isEmpty {
                output.notes.append("[equity] weight \(column): \(missing.count) zone(s) have no value, so their origins weigh 0 in equity.csv (\(Self.list(missing)))")
            }
        }

        // Classes per zone.
        var zoneClass: [String?] = Array(repeating: nil, count: context.zoneCount)
        var classes: [String] = []
        if let name = spec.classColumn {
            if let groups = spec.classGroups {
                let values = try columns.numbers(name, key: "class")
                let groupOf = Self.groups(values, count: groups)
                zoneClass = groupOf.map { $0.map(String.init) }
                classes = (1...groups).map(String.init).filter { zoneClass.contains($0) }
                output.add(Indicator(Self.classColumn, unit: "group", "the zone's group of \(name) for equity.csv: \(groups) groups of zones of equal count, 1 = the highest \(name)",
                                     source: "reach equity", counts: groupOf.map { $0 ?? -1 }).nullingNegative())
            } else {
                let values = try columns.values(name, key: "class")
                zoneClass = values.map { value in
                    guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                    return text
                }
                let distinct = Set(zoneClass.compactMap { $0 })
                let numeric = distinct.allSatisfy { Double($0) != nil }
                classes = distinct.sorted { numeric ? Double($0)! < Double($1)! : $0 < $1 }
                if distinct.count > 1000 {
                    throw DataError(file: columns.source(name), field: name, "has \(distinct.count) distinct values: a class column groups zones (an IMD decile, a local authority), at most 1,000 classes")
                }
            }
            let unclassed = context.layer.zones.indices.filter { zoneClass[$0] == nil }.map { context.layer.zones[$0].code }
            if !unclassed.isEmpty {
                output.notes.append("[equity] class \(name): \(unclassed.count) zone(s) have no value and are left out of the class rows (kept in class all): \(Self.list(unclassed))")
                for z in context.layer.zones.indices where zoneClass[z] == nil { output.warn(z, "no \(name) value: left out of equity.csv's class rows") }
            }
        }

        // Need per origin (for the concentration index and the Palma ratio).
        var need: [Double?]?
        if let name = spec.need ?? defaultNeed {
            let values = try columns.numbers(name, key: spec.need != nil ? "need" : "left_behind.need")
            need = origins.zone.map { values[$0] }
            let lacking = context.layer.zones.indices.filter { values[$0] == nil }.map { context.layer.zones[$0].code }
            if !lacking.isEmpty {
                output.notes.append("[equity] need \(name): \(lacking.count) zone(s) have no value; their origins are left out of the concentration index and Palma ratio: \(Self.list(lacking))")
            }
        }

        var rows: [(indicator: String, group: String, measure: String, value: Double)] = []
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0 + 1) })
        var members: [[Int]] = [Array(origins.zone.indices)] + classes.map { _ in [] }
        for (o, z) in origins.zone.enumerated() { if let label = zoneClass[z], let c = classIndex[label] { members[c].append(o) } }
        let labels = [Self.allClass] + classes
        // Every (indicator, class) pair on its own, on every core.
        progress("equity: \(indicators.count) indicator(s) × \(labels.count) class(es)")
        let pairs = indicators.indices.flatMap { i in labels.indices.map { (i, $0) } }
        let customWeight = spec.weight != nil
        let groups = members, originWeights = weights, originNeed = need
        let computed = try ParallelMap.map(pairs, chunksPerWorker: 8) { slice in
            slice.map { i, c in
                Self.measures(indicators[i], origins: groups[c], people: people, weights: originWeights, need: originNeed, customWeight: customWeight)
            }
        }
        for ((i, c), measures) in zip(pairs, computed) {
            for (measure, value) in measures { rows.append((indicators[i].stem, labels[c], measure, value)) }
        }
        for indicator in indicators {
            if rows.contains(where: { $0.indicator == indicator.stem && $0.group == Self.allClass && $0.measure == "gini" && $0.value == 0 }) {
                output.notes.append("[equity] \(indicator.stem): every origin has the same value, so its Gini and concentration index are 0")
            }
        }
        output.files.append(StudyFile(name: Self.fileName, bytes: Self.csv(rows)))
        output.summary["equity"] = Self.summary(rows)
        return output
    }

    /// The indicator's per-origin column, thresholds and standard.
    func resolve(_ stem: String, table: ZoneTable) throws -> Resolved {
        let candidates = [stem, "\(stem)_p50"]
        guard let column = candidates.lazy.compactMap({ name in table.originColumns.first { $0.name == name } }).first,
              case .numbers(let values) = column.values else {
            let known = table.originColumns.map { $0.name.hasSuffix("_p50") ? String($0.name.dropLast(4)) : $0.name }
            throw DataError(file: "[equity]", field: "indicators", "'\(stem)' is not a per-origin indicator of this study (they are: \(known.isEmpty ? "none: add [distance], [coverage] or [public_transport]" : known.joined(separator: ", ")))")
        }
        let unit = column.schema.unit
        let better: WeightedDistribution.Better = unit == "m" || unit == "min" ? .lower : .higher
        let thresholds = spec.thresholds[stem] ?? Self.studyThresholds(stem, table: table)
        return Resolved(stem: stem, values: values, unit: unit, better: better, thresholds: thresholds, standard: spec.standards[stem])
    }

    /// The thresholds of the study's columns for `stem`: `{stem}_within_{t}_pct` (distance, public transport), or
    /// `{kind}_pop_pct_{t}m|km` (`bus_stop_pop_pct` at the default 400 m) for a coverage column `{kind}_distance_m`.
    static func studyThresholds(_ stem: String, table: ZoneTable) -> [Double] {
        var found: [Double] = []
        for indicator in table.indicators {
            let name = indicator.name
            if name.hasPrefix("\(stem)_within_"), name.hasSuffix("_pct"),
               let t = Double(name.dropFirst(stem.count + 8).dropLast(4)) {
                found.append(t)
            } else if stem == "bus_stop_distance_m", name == "bus_stop_pop_pct" {
                found.append(CoverageJob.defaultBusRadius)
            } else if stem.hasSuffix("_distance_m"), name.hasPrefix("\(stem.dropLast(11))_pop_pct_") {
                let tail = name.dropFirst(stem.count - 11 + 9)
                if tail.hasSuffix("km"), let t = Double(tail.dropLast(2)) { found.append(t * 1000) }
                else if tail.hasSuffix("m"), let t = Double(tail.dropLast()) { found.append(t) }
            }
        }
        return Array(Set(found)).sorted()
    }

    /// Every measure of one indicator over `origins` (indices), in output order.
    static func measures(_ indicator: Resolved, origins: [Int], people: [Double], weights: [Double], need: [Double?]?,
                         customWeight: Bool) -> [(String, Double)] {
        var values: [Double] = [], w: [Double] = [], needs: [Double] = [], needValues: [Double] = [], needWeights: [Double] = []
        var missingOrigins = 0, missingPeople = 0.0, valuedPeople = 0.0
        values.reserveCapacity(origins.count)
        w.reserveCapacity(origins.count)
        for o in origins {
            guard let x = indicator.values[o], x.isFinite else {
                missingOrigins += 1
                missingPeople += people[o]
                continue
            }
            values.append(x)
            w.append(weights[o])
            valuedPeople += people[o]
            if let need, let n = need[o] {
                needs.append(n)
                needValues.append(x)
                needWeights.append(weights[o])
            }
        }
        let distribution = WeightedDistribution(values: values, weights: w)
        var result: [(String, Double)] = [
            ("origins", Double(values.count)), ("missing_origins", Double(missingOrigins)),
            ("population", valuedPeople), ("missing_population", missingPeople),
        ]
        if customWeight { result.append(("weight", distribution.totalWeight)) }
        result += [("mean", distribution.mean), ("median", distribution.quantile(0.5)), ("p90", distribution.quantile(0.9))]
        for t in indicator.thresholds {
            result.append(("within_\(JSONWriter.format(t))_pct", 100 * distribution.share(within: t, better: indicator.better)))
        }
        result.append(("gini", distribution.gini))
        if need != nil {
            result.append(("concentration_index", Inequality.concentrationIndex(values: needValues, weights: needWeights, need: needs)))
            result.append(("palma", Inequality.palma(values: needValues, weights: needWeights, need: needs)))
        }
        if let z = indicator.standard {
            result.append(("standard", z))
            for alpha in 0...2 { result.append(("fgt\(alpha)", distribution.fgt(standard: z, alpha: alpha, better: indicator.better))) }
        }
        return result
    }

    /// Groups 1...count of zones by `values`, highest first, of (nearly) equal count: a zone of 0-based rank r
    /// among the n zones with a value (ties take the lowest rank of their tie, as pandas' `rank(method="min")`)
    /// is in group ⌊count × r / n⌋ + 1.
    static func groups(_ values: [Double?], count: Int) -> [Int?] {
        let valued = values.indices.filter { values[$0] != nil }.sorted { values[$0]! > values[$1]! }
        var result = [Int?](repeating: nil, count: values.count)
        var rank = 0
        for (i, z) in valued.enumerated() {
            if i == 0 || values[z]! != values[valued[i - 1]]! { rank = i }
            result[z] = count * rank / valued.count + 1
        }
        return result
    }

    static func csv(_ rows: [(indicator: String, group: String, measure: String, value: Double)]) -> [UInt8] {
        var bytes = Array("indicator,class,measure,value\n".utf8)
        for row in rows {
            CSVField.append(row.indicator, to: &bytes)
            bytes.append(0x2C)
            CSVField.append(row.group, to: &bytes)
            bytes.append(0x2C)
            CSVField.append(row.measure, to: &bytes)
            bytes.append(0x2C)
            if row.value.isFinite { bytes.append(contentsOf: JSONWriter.format(row.value).utf8) }
            bytes.append(0x0A)
        }
        return bytes
    }

    /// `{indicator: {class: {measure: value}}}`, in row order (nan: null).
    static func summary(_ rows: [(indicator: String, group: String, measure: String, value: Double)]) -> JSONValue {
        var result = JSONObject()
        var indicators: [String] = []
        for row in rows where !indicators.contains(row.indicator) { indicators.append(row.indicator) }
        for indicator in indicators {
            var byClass = JSONObject()
            var labels: [String] = []
            for row in rows where row.indicator == indicator && !labels.contains(row.group) { labels.append(row.group) }
            for label in labels {
                var measures = JSONObject()
                for row in rows where row.indicator == indicator && row.group == label {
                    measures[row.measure] = row.value.isFinite ? .number(row.value) : .null
                }
                byClass[label] = .object(measures)
            }
            result[indicator] = .object(byClass)
        }
        return .object(result)
    }

    static func list(_ codes: [String]) -> String {
        codes.prefix(5).joined(separator: ", ") + (codes.count > 5 ? " and \(codes.count - 5) more" : "")
    }
}

/// A study's zone columns by name, as the steps after the joins read them: the columns steps made, else the zone
/// files' own properties.
struct ZoneColumns {
    var table: ZoneTable
    /// The study table naming the columns, for messages ("[equity]").
    var step: String

    /// Where a column came from, for messages: its join file, the step that made it, or the zone files.
    func source(_ name: String) -> String {
        table.indicator(name)?.schema.source ?? table.inputSource
    }

    /// Every zone's value of `name`; an error naming `key` when no column has that name.
    func values(_ name: String, key: String) throws -> [JSONValue] {
        if let indicator = table.indicator(name) { return (0..<table.zoneCount).map(indicator.json) }
        guard table.layer.zones.contains(where: { $0.properties[name] != nil }) else {
            let known = table.schema.map(\.name).filter { $0 != ZoneExport.warningProperty }
            throw DataError(file: step, field: key, "no zone column \(name) (columns: \(known.prefix(40).joined(separator: ", "))\(known.count > 40 ? ", ..." : ""))")
        }
        return table.layer.zones.map { $0.properties[name] ?? .null }
    }

    /// Every zone's number in `name` (nil: null or empty); a value that is not a number is an error naming
    /// the zone and the column's source.
    func numbers(_ name: String, key: String) throws -> [Double?] {
        let values = try values(name, key: key)
        return try values.enumerated().map { z, value in
            switch value {
            case .null: return nil
            case .number(let n) where n.value.isFinite: return n.value
            case .string(let s) where s.trimmingCharacters(in: .whitespaces).isEmpty: return nil
            case .string(let s) where Double(s.trimmingCharacters(in: .whitespaces))?.isFinite == true:
                return Double(s.trimmingCharacters(in: .whitespaces))
            default:
                throw DataError(file: source(name), field: name, "zone \(table.layer.zones[z].code): \(value.stringValue.map { "'\($0)'" } ?? "this value") is not a number (\(step) \(key) needs numbers)")
            }
        }
    }
}

extension Indicator {
    /// The column with negative numbers (a placeholder for none) written as null.
    func nullingNegative() -> Indicator {
        var result = self
        if case .numbers(let numbers) = values { result.values = .numbers(numbers.map { $0.flatMap { $0 < 0 ? nil : $0 } }) }
        return result
    }
}
