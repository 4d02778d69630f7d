import Foundation
import GeoData
import Scoring

/// `[left_behind]` (docs/equity.md): a zone is left behind when it is among the least connected (its
/// `connectivity_rank`, 1 = least connected, at most ⌈share × n⌉) and among the most in need (its rank on the need
/// column, 1 = highest, at most ⌈share × n⌉), n the zones with a value; or when its `connectivity_score` and need
/// reach fixed cut-offs. A zone whose Monte Carlo rank interval (`connectivity_rank_p05` to `_p95`) straddles the
/// connectivity cut-off is `left_behind_uncertain`.
struct LeftBehindStep: StudyStep {
    var spec: LeftBehindSpec

    var title: String { "left behind" }
    var needsBoundaries: Bool { false }

    /// One zone's verdict.
    struct Verdict: Equatable {
        var leftBehind: Bool?
        var reason: String
        var uncertain: Bool?
        var needRank: Int?
    }

    func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        let columns = ZoneColumns(table: table, step: "[left_behind]")
        let need = try columns.numbers(spec.need, key: "need")
        guard table.indicator("connectivity_rank") != nil else {
            throw DataError(file: "[left_behind]", "needs the score's connectivity_rank: add a [score] table")
        }
        let rank = try columns.numbers("connectivity_rank", key: "connectivity_rank")
        let score = try columns.numbers("connectivity_score", key: "connectivity_score")
        let p05 = table.indicator("connectivity_rank_p05") != nil ? try columns.numbers("connectivity_rank_p05", key: "connectivity_rank_p05") : nil
        let p95 = table.indicator("connectivity_rank_p95") != nil ? try columns.numbers("connectivity_rank_p95", key: "connectivity_rank_p95") : nil
        let verdicts = Self.verdicts(need: need, needName: spec.need, rank: rank, score: score, p05: p05, p95: p95, spec: spec)

        var output = StepOutput(zoneCount: context.zoneCount)
        output.add(Indicator("left_behind", unit: nil, "true when the zone is among the least connected and among the most in need by \(spec.need) (docs/equity.md)",
                             source: "reach left_behind", json: verdicts.map { $0.leftBehind.map(JSONValue.bool) ?? .null }))
        output.add(Indicator("left_behind_reason", unit: nil, "why the zone is, or is not, left behind: its connectivity rank and need against the cut-offs",
                             source: "reach left_behind", json: verdicts.map { .string($0.reason) }))
        output.add(Indicator("left_behind_uncertain", unit: nil, "true when the zone's rank interval (connectivity_rank_p05 to _p95) straddles the connectivity cut-off and its need is within its own",
                             source: "reach left_behind", json: verdicts.map { $0.uncertain.map(JSONValue.bool) ?? .null }))
        output.add(Indicator("left_behind_need_rank", unit: "rank", "rank of \(spec.need) among the zones, 1 = most in need (ties share the best rank)",
                             source: "reach left_behind", decimals: 0, numbers: verdicts.map { $0.needRank.map(Double.init) }))
        for z in context.layer.zones.indices where need[z] == nil {
            output.warn(z, "no \(spec.need) value, so whether the zone is left behind is unknown")
        }
        let flagged = context.layer.zones.indices.filter { verdicts[$0].leftBehind == true }
        // The score step's own result (it runs first: the study refuses [left_behind] without [score]) explains them.
        if let result = context.shared.baseline(ScoreStep.resultKey, as: ScoreResult.self) {
            var drivers = [JSONValue](repeating: .null, count: context.zoneCount)
            for z in flagged { drivers[z] = .string(Self.drivers(Explanation(result, ward: z))) }
            output.add(Indicator("left_behind_drivers", unit: nil, "for a zone left behind: the score's domains in order of their contribution, each with its rank and its worst-ranked indicators (rank/zones, 1 = least connected), as reach explain gives them",
                                 source: "reach left_behind", json: drivers))
        }
        let population = flagged.reduce(0.0) { $0 + context.reducer.ownWeight[$1] }
        var summary = JSONObject()
        summary["need"] = .string(spec.need)
        summary["zones"] = .number(Double(flagged.count))
        summary["population"] = .number(population)
        summary["uncertain"] = .number(Double(verdicts.count { $0.uncertain == true }))
        summary["codes"] = .array(flagged.map { .string(context.layer.zones[$0].code) })
        output.summary["left_behind"] = .object(summary)
        output.notes.append("left behind: \(flagged.count) zone(s), population \(JSONWriter.format(population.rounded()))")
        return output
    }

    /// The domains that contribute most to the zone's score (at most two), each with its rank and its three
    /// worst-ranked indicators: "transport (rank 1 of 21: rail 1/21, metrolink 1/21, bus_stop_coverage 5/21)".
    static func drivers(_ explanation: Explanation) -> String {
        let domains = explanation.domains.filter { $0.contribution != nil }.sorted { $0.contribution! > $1.contribution! }.prefix(2)
        return domains.map { domain in
            let worst = explanation.indicators.filter { $0.domain == domain.name && $0.rank != nil }
                .sorted { ($0.rank!, $0.name) < ($1.rank!, $1.name) }.prefix(3)
                .map { "\($0.name) \($0.rank!)/\($0.rankedAmong)" }
            return "\(domain.name) (rank \(domain.rank.map(String.init) ?? "—") of \(explanation.groupSize)\(worst.isEmpty ? "" : ": " + worst.joined(separator: ", ")))"
        }.joined(separator: "; ")
    }

    /// Competition ranks, highest first (1 = highest; ties share the best rank); nil stays nil.
    static func descendingRanks(_ values: [Double?]) -> [Int?] {
        let order = values.indices.filter { values[$0] != nil }.sorted { values[$0]! > values[$1]! }
        var ranks = [Int?](repeating: nil, count: values.count)
        for (i, z) in order.enumerated() {
            ranks[z] = i > 0 && values[order[i - 1]]! == values[z]! ? ranks[order[i - 1]] : i + 1
        }
        return ranks
    }

    /// ⌈share × n⌉, with a product such as 0.1 × 30 = 3.0000000000000004 taken as the whole number it means.
    static func cutRank(share: Double, of n: Int) -> Int {
        max(0, Int((share * Double(n) - 1e-9).rounded(.up)))
    }

    static func verdicts(need: [Double?], needName: String, rank: [Double?], score: [Double?], p05: [Double?]?, p95: [Double?]?,
                         spec: LeftBehindSpec) -> [Verdict] {
        let needRanks = descendingRanks(need)
        let zonesWithNeed = need.count { $0 != nil }, zonesRanked = rank.count { $0 != nil }
        // The connectivity cut-off as a rank: ⌈share × n⌉, or the number of zones at or above the score cut-off.
        let rankCut: Int = spec.connectivityCutoff.map { cut in score.count { ($0 ?? -.infinity) >= cut } }
            ?? cutRank(share: spec.share, of: zonesRanked)
        let needCut = cutRank(share: spec.share, of: zonesWithNeed)
        return need.indices.map { z in
            guard let n = need[z], let needRank = needRanks[z] else {
                return Verdict(leftBehind: nil, reason: "no \(needName) value", uncertain: nil, needRank: nil)
            }
            guard let r = rank[z].map({ Int($0) }) else {
                return Verdict(leftBehind: nil, reason: "no connectivity rank (the zone was not scored)", uncertain: nil, needRank: needRank)
            }
            let connected: Bool, connectivityText: String
            if let cut = spec.connectivityCutoff {
                let s = score[z] ?? -.infinity
                connected = s >= cut
                connectivityText = "connectivity_score \(Self.number(s)) \(connected ? "≥" : "<") the cut-off \(Self.number(cut))"
            } else {
                connected = r <= rankCut
                connectivityText = "connectivity rank \(r) of \(zonesRanked) \(connected ? "is among" : "is not among") the \(rankCut) least connected"
            }
            let needy: Bool, needText: String
            if let cut = spec.needCutoff {
                needy = n >= cut
                needText = "\(needName) \(Self.number(n)) \(needy ? "≥" : "<") the cut-off \(Self.number(cut))"
            } else {
                needy = needRank <= needCut
                needText = "\(needName) \(Self.number(n)) (rank \(needRank) of \(zonesWithNeed)) \(needy ? "is among" : "is not among") the \(needCut) highest"
            }
            var reason = "\(connected && needy ? "left behind" : "not left behind"): \(connectivityText); \(needText)"
            var uncertain = false
            if needy, let low = p05?[z], let high = p95?[z], low <= Double(rankCut), high > Double(rankCut) {
                uncertain = true
                reason += "; uncertain: its rank interval \(Int(low))–\(Int(high)) (p05–p95) straddles the cut-off \(rankCut)"
            }
            return Verdict(leftBehind: connected && needy, reason: reason, uncertain: uncertain, needRank: needRank)
        }
    }

    static func number(_ value: Double) -> String {
        abs(value) >= 100 ? String(format: "%.0f", value) : abs(value) >= 1 ? String(format: "%.1f", value).replacingOccurrences(of: ".0", with: "")
            : JSONWriter.format((value * 1000).rounded() / 1000)
    }
}
