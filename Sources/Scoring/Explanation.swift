import Foundation

/// Why one ward scores as it does: every number between its raw indicator values and its rank, so that an
/// analyst can rebuild the score by hand (docs/scoring.md, "reach explain").
public struct Explanation: Sendable {
    public struct IndicatorLine: Sendable {
        public var name: String
        public var label: String?
        public var source: String
        public var domain: String
        public var direction: Direction
        /// The raw value; nil when missing.
        public var raw: Double?
        /// The value used when `impute_median` filled the gap.
        public var imputed: Double?
        /// The normalised value z; nil when missing (and not imputed).
        public var normalised: Double?
        /// Rank of the oriented value among all wards that have it, 1 = least connected (competition ranks).
        public var rank: Int?
        /// How many wards have the indicator.
        public var rankedAmong: Int
        /// Weight within the domain, rescaled to sum to 1 over the domain.
        public var weight: Double
        /// This indicator's share of the domain score: ω z / Σ ω over the indicators present.
        public var contribution: Double?
    }

    public struct DomainLine: Sendable {
        public var name: String
        public var transform: DomainTransform
        /// D: weighted mean of the normalised values.
        public var score: Double?
        /// X: the transformed domain score the overall score combines.
        public var transformed: Double?
        /// Domain weight, rescaled to sum to 1 over the domains.
        public var weight: Double
        /// This domain's share of the overall score: Ω X / Σ Ω over the domains present.
        public var contribution: Double?
        public var rank: Int?
    }

    public var code: String
    public var group: String?
    public var groupSize: Int
    public var indicators: [IndicatorLine]
    public var domains: [DomainLine]
    public var score: Double?
    public var rank: Int?
    public var decile: Int?
    public var rankP05: Int?
    public var rankP95: Int?
    public var draws: Int
    /// Best and worst rank with one indicator left out.
    public var leaveOneOutRange: (Int, Int)?
    /// The indicator whose removal moves the rank most, and the rank without it.
    public var mostInfluential: (indicator: String, rank: Int)?
    public var missingNote: String

    /// The explanation of ward `index` of a result.
    public init(_ result: ScoreResult, ward index: Int) {
        let spec = result.spec
        code = result.codes[index]
        group = result.groupNames.count > 1 || spec.groupBy != nil ? result.groupNames[Int(result.groupOf[index])] : nil
        groupSize = result.groupSizes[Int(result.groupOf[index])]
        var workspace = RankWorkspace()
        let members = spec.indicatorsByDomain
        indicators = spec.indicators.enumerated().map { k, indicator in
            let oriented = result.used[k].map { $0.map { $0 * indicator.direction.sign } ?? .nan }
            let ranks = workspace.descendingRanks(oriented)
            let domain = spec.domains.firstIndex { $0.name == indicator.domain }!
            let total = members[domain].reduce(0.0) { $0 + spec.indicators[$1].weight }
            let presentWeight = members[domain].reduce(0.0) { sum, j in
                result.normalised[j][index] == nil ? sum : sum + spec.indicators[j].weight / total
            }
            let weight = indicator.weight / total
            let z = result.normalised[k][index]
            let raw = result.raw[k][index]
            return IndicatorLine(name: indicator.name, label: indicator.label, source: indicator.source,
                                 domain: indicator.domain, direction: indicator.direction, raw: raw,
                                 imputed: raw == nil ? result.used[k][index] : nil, normalised: z,
                                 rank: ranks[index] == 0 ? nil : Int(ranks[index]),
                                 rankedAmong: oriented.count { !$0.isNaN }, weight: weight,
                                 contribution: z.flatMap { presentWeight > 0 && result.score[index] != nil ? weight * $0 / presentWeight : nil })
        }
        let domainTotal = spec.domains.reduce(0.0) { $0 + $1.weight }
        let presentDomainWeight = spec.domains.indices.reduce(0.0) { sum, d in
            result.domainTransformed[d][index] == nil ? sum : sum + spec.domains[d].weight / domainTotal
        }
        domains = spec.domains.enumerated().map { d, domain in
            let weight = domain.weight / domainTotal
            let x = result.domainTransformed[d][index]
            return DomainLine(name: domain.name, transform: spec.transforms[d], score: result.domainScores[d][index],
                              transformed: x, weight: weight,
                              contribution: x.flatMap { presentDomainWeight > 0 ? weight * $0 / presentDomainWeight : nil },
                              rank: result.domainRanks[d][index])
        }
        score = result.score[index]
        rank = result.rank[index]
        decile = result.decile[index]
        rankP05 = result.rankP05?[index]
        rankP95 = result.rankP95?[index]
        draws = spec.robustness.draws
        if let low = result.leaveOneOutMin(index), let high = result.leaveOneOutMax(index) { leaveOneOutRange = (low, high) }
        if let loo = result.leaveOneOutRanks, let base = rank {
            var best: (String, Int, Int)?
            for (k, ranks) in loo.enumerated() {
                guard let without = ranks[index] else { continue }
                let shift = abs(without - base)
                if best == nil || shift > best!.2 { best = (spec.indicators[k].name, without, shift) }
            }
            if let best, best.2 > 0 { mostInfluential = (best.0, best.1) }
        }
        missingNote = result.missingNote(index)
    }

    /// A plain-text report, one fact per line, numbers to 4 decimals.
    public var text: String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "—" }
        func integer(_ value: Int?) -> String { value.map(String.init) ?? "—" }
        let among = group.map { "\(groupSize) wards of \($0)" } ?? "\(groupSize) wards"
        var lines = ["ward \(code)" + (group.map { " (group \($0))" } ?? ""),
                     "connectivity_score \(number(score))   rank \(integer(rank)) of \(among) (1 = least connected)   decile \(integer(decile))"]
        if draws > 0 {
            lines.append("rank interval (5th–95th percentile over \(draws) weight draws): \(integer(rankP05))–\(integer(rankP95))")
        }
        if let range = leaveOneOutRange {
            var line = "rank with one indicator left out: \(range.0)–\(range.1)"
            if let most = mostInfluential { line += "; moves most without \(most.indicator) (rank \(most.rank))" }
            lines.append(line)
        }
        lines.append("missing: \(missingNote)")
        for domain in domains {
            lines.append("")
            lines.append("domain \(domain.name): score D \(number(domain.score)), \(domain.transform.rawValue) X \(number(domain.transformed)), weight \(number(domain.weight)), contributes \(number(domain.contribution)), rank \(integer(domain.rank))")
            lines.append("  indicator                      raw          z        rank        weight  contribution")
            for line in indicators where line.domain == domain.name {
                let raw = line.raw.map { number($0) } ?? (line.imputed.map { "\(number($0)) (median)" } ?? "missing")
                let rank = line.rank.map { "\($0)/\(line.rankedAmong)" } ?? "—"
                let name = line.name + (line.direction == .higherIsBetter ? " (↑ better)" : "")
                lines.append("  " + [pad(name, 28), pad(raw, 12, right: true), pad(number(line.normalised), 10, right: true),
                                     pad(rank, 12, right: true), pad(number(line.weight), 12, right: true),
                                     pad(number(line.contribution), 12, right: true)].joined(separator: " "))
                if let label = line.label { lines.append("    \(label) [\(line.source)]") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
