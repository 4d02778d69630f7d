import Dispatch

/// A whole score: per-ward domain scores, overall score, ranks, deciles and rank intervals, with everything an
/// explanation needs. Arrays are in spec order (indicators, domains) and ward order; nil where there is no value.
public struct ScoreResult: Sendable {
    public let spec: ScoringSpec
    public let codes: [String]
    /// The distinct groups, sorted; one ("all wards") when ranks are national.
    public let groupNames: [String]
    /// Each ward's index into `groupNames`.
    public let groupOf: [Int32]
    /// Raw values as given: `raw[k][i]`.
    public let raw: [[Double?]]
    /// Values used: raw, or the median where `impute_median` filled a gap.
    public let used: [[Double?]]
    /// Normalised values z: `normalised[k][i]`.
    public let normalised: [[Double?]]
    /// Indicators with a single distinct value (normalised to 0 for every ward).
    public let constantIndicators: [String]
    /// Missing indicators of each ward, as indices into `spec.indicators`.
    public let missing: [[Int]]
    /// Domain scores D (weighted mean of normalised values): `domainScores[d][i]`.
    public let domainScores: [[Double?]]
    /// Transformed domain scores X (exponential or linear) that the overall score combines.
    public let domainTransformed: [[Double?]]
    /// Rank of X within the ward's group, 1 = least connected.
    public let domainRanks: [[Int?]]
    /// `connectivity_score`: higher is less connected.
    public let score: [Double?]
    /// `connectivity_rank`: 1 = least connected, within the ward's group.
    public let rank: [Int?]
    /// `connectivity_decile`: 1 = least connected tenth of the group.
    public let decile: [Int?]
    /// Scored wards in each group.
    public let groupSizes: [Int]
    /// Monte Carlo 5th and 95th percentile ranks; nil when draws = 0.
    public let rankP05: [Int?]?
    public let rankP95: [Int?]?
    /// Ranks with each indicator left out: `leaveOneOutRanks[k][i]`; nil when turned off or with one indicator.
    public let leaveOneOutRanks: [[Int?]]?

    /// The best (lowest) rank a ward takes when any one indicator is left out.
    public func leaveOneOutMin(_ ward: Int) -> Int? { leaveOneOutRanks?.compactMap { $0[ward] }.min() }
    /// The worst (highest) rank a ward takes when any one indicator is left out.
    public func leaveOneOutMax(_ ward: Int) -> Int? { leaveOneOutRanks?.compactMap { $0[ward] }.max() }

    /// `score_missing`: "none", or the policy and the missing indicators in spec order.
    public func missingNote(_ ward: Int) -> String {
        missing[ward].isEmpty ? "none"
            : "\(spec.missing.rawValue): " + missing[ward].map { spec.indicators[$0].name }.joined(separator: ", ")
    }
}

/// Builds a `ScoreResult` from a spec and a table (docs/scoring.md).
public enum CompositeScore {
    /// Scores every ward. The Monte Carlo draws run on `workers` threads; the result does not depend on it.
    public static func compute(_ spec: ScoringSpec, table: IndicatorTable, workers: Int = 1) throws(ScoringError) -> ScoreResult {
        try spec.validate()
        let n = table.codes.count
        let indicatorCount = spec.indicators.count
        guard table.values.count == indicatorCount else {
            throw .shape("the table has \(table.values.count) indicator columns for \(indicatorCount) indicators")
        }
        for (k, column) in table.values.enumerated() where column.count != n {
            throw .shape("indicator '\(spec.indicators[k].name)' has \(column.count) values for \(n) wards")
        }
        if let groups = table.groups, groups.count != n { throw .shape("\(groups.count) group values for \(n) wards") }

        // Groups: sorted distinct names, so group indices do not depend on ward order.
        let groupNames = table.groups.map { Array(Set($0)).sorted() } ?? ["all wards"]
        let groupIndex = Dictionary(uniqueKeysWithValues: groupNames.enumerated().map { ($1, Int32($0)) })
        let groupOf = table.groups.map { $0.map { groupIndex[$0]! } } ?? [Int32](repeating: 0, count: n)

        // Missing values, by policy.
        var missing = [[Int]](repeating: [], count: n)
        var used = table.values
        for (k, column) in table.values.enumerated() {
            let present = column.compactMap { $0 }
            guard !present.isEmpty else { throw .noValues(indicator: spec.indicators[k].name, source: spec.indicators[k].source) }
            for i in 0..<n where column[i] == nil { missing[i].append(k) }
            if spec.missing == .imputeMedian, present.count < n {
                let fill = median(ofPresent: present)!
                used[k] = column.map { $0 ?? fill }
            }
        }
        let scored = spec.missing == .null ? missing.map(\.isEmpty) : [Bool](repeating: true, count: n)

        // Normalise each indicator over the wards that have it.
        var workspace = RankWorkspace()
        var flat = [Double]()
        flat.reserveCapacity(indicatorCount * n)
        var normalised: [[Double?]] = []
        var constant: [String] = []
        for (k, indicator) in spec.indicators.enumerated() {
            let oriented = used[k].map { $0.map { $0 * indicator.direction.sign } ?? .nan }
            let (z, isConstant) = spec.normalisation.apply(oriented, workspace: &workspace)
            if isConstant { constant.append(indicator.name) }
            flat.append(contentsOf: z)
            normalised.append(z.map { $0.isNaN ? nil : $0 })
        }
        let engine = ScoreEngine(wardCount: n, normalised: flat, members: spec.indicatorsByDomain,
                                 transforms: spec.transforms, scored: scored, groupOf: groupOf, groupCount: groupNames.count)

        // The score itself.
        let weights = spec.indicators.map(\.weight)
        let domainWeights = spec.domains.map(\.weight)
        var ws = engine.makeWorkspace()
        weights.withUnsafeBufferPointer { w in
            domainWeights.withUnsafeBufferPointer { engine.evaluate(indicatorWeights: w, domainWeights: $0, into: &ws) }
        }
        func ranks(_ values: ArraySlice<Double>) -> [Int?] {
            var out = [UInt32](repeating: 0, count: n)
            Array(values).withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { engine.rank(v, into: $0, workspace: &ws) } }
            return out.map { $0 == 0 ? nil : Int($0) }
        }
        func optional(_ values: ArraySlice<Double>) -> [Double?] { values.map { $0.isNaN ? nil : $0 } }
        let domainCount = spec.domains.count
        let domainScores = (0..<domainCount).map { optional(ws.domainScore[$0 * n..<($0 + 1) * n]) }
        let domainTransformed = (0..<domainCount).map { optional(ws.transformed[$0 * n..<($0 + 1) * n]) }
        let domainRanks = (0..<domainCount).map { ranks(ws.transformed[$0 * n..<($0 + 1) * n]) }
        let score = optional(ws.score[...])
        let rank = ranks(ws.score[...])
        var groupSizes = [Int](repeating: 0, count: groupNames.count)
        for i in 0..<n where score[i] != nil { groupSizes[Int(groupOf[i])] += 1 }
        let decile: [Int?] = (0..<n).map { i in
            rank[i].map { ($0 - 1) * 10 / groupSizes[Int(groupOf[i])] + 1 }
        }

        // Monte Carlo: every weight times U(1 − j, 1 + j); indicators first, then domains, draw by draw.
        var rankP05: [Int?]?
        var rankP95: [Int?]?
        let draws = spec.robustness.draws
        if draws > 0 {
            var generator = SeededGenerator(seed: spec.robustness.seed)
            let jitter = spec.robustness.weightJitter
            var drawnWeights: [[Double]] = []
            var drawnDomainWeights: [[Double]] = []
            for _ in 0..<draws {
                drawnWeights.append(weights.map { $0 * (1 + jitter * (2 * generator.nextUnit() - 1)) })
                drawnDomainWeights.append(domainWeights.map { $0 * (1 + jitter * (2 * generator.nextUnit() - 1)) })
            }
            let drawnRanks = engine.ranks(indicatorWeights: drawnWeights, domainWeights: drawnDomainWeights, workers: workers)
            // Nearest-rank percentiles: the ⌈qT⌉-th smallest of a ward's T ranks, in integers to avoid rounding.
            let low = (5 * draws + 99) / 100 - 1
            let high = (95 * draws + 99) / 100 - 1
            // Each ward's ranks sorted on its own; wards split over the workers.
            let bounds = (0...max(1, workers)).map { n * $0 / max(1, workers) }
            let scoredWards = score.map { $0 != nil }
            let slices = [[(Int?, Int?)]](unsafeUninitializedCapacity: bounds.count - 1) { buffer, count in
                let shared = SharedSlices(buffer: buffer)
                DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { w in
                    var part: [(Int?, Int?)] = []
                    var scratch = [UInt32](repeating: 0, count: draws)
                    for i in bounds[w]..<bounds[w + 1] {
                        guard scoredWards[i] else { part.append((nil, nil)); continue }
                        for t in 0..<draws { scratch[t] = drawnRanks[i * draws + t] }
                        scratch.sort()
                        part.append(scratch[0] == 0 ? (nil, nil) : (Int(scratch[low]), Int(scratch[high])))
                    }
                    (shared.buffer.baseAddress! + w).initialize(to: part)
                }
                count = bounds.count - 1
            }
            let p05 = slices.flatMap { $0.map(\.0) }
            let p95 = slices.flatMap { $0.map(\.1) }
            rankP05 = p05
            rankP95 = p95
        }

        // Leave one out: each indicator's weight set to 0 in turn.
        var leaveOneOut: [[Int?]]?
        if spec.robustness.leaveOneOut, indicatorCount > 1 {
            let sets = (0..<indicatorCount).map { k in weights.enumerated().map { $0.offset == k ? 0 : $0.element } }
            let looRanks = engine.ranks(indicatorWeights: sets, domainWeights: Array(repeating: domainWeights, count: indicatorCount),
                                        workers: workers)
            leaveOneOut = (0..<indicatorCount).map { k in
                (0..<n).map { i in looRanks[i * indicatorCount + k] == 0 ? nil : Int(looRanks[i * indicatorCount + k]) }
            }
        }

        return ScoreResult(spec: spec, codes: table.codes, groupNames: groupNames, groupOf: groupOf, raw: table.values,
                           used: used, normalised: normalised, constantIndicators: constant, missing: missing,
                           domainScores: domainScores, domainTransformed: domainTransformed, domainRanks: domainRanks,
                           score: score, rank: rank, decile: decile, groupSizes: groupSizes, rankP05: rankP05,
                           rankP95: rankP95, leaveOneOutRanks: leaveOneOut)
    }
}

/// The per-worker result slots of the percentile pass; each worker initialises only its own.
private struct SharedSlices: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<[(Int?, Int?)]>
}
