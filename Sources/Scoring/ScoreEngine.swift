import Dispatch

/// The weight-dependent half of a score, shared read-only by every Monte Carlo worker: normalised values are
/// fixed, and one `evaluate` turns a set of indicator and domain weights into domain scores, transformed domain
/// scores and overall scores (docs/scoring.md, "Weights and domains"). NaN marks "no value" throughout.
struct ScoreEngine: Sendable {
    let wardCount: Int
    /// Normalised values, indicator-major: `normalised[k * wardCount + i]`.
    let normalised: [Double]
    let members: [[Int]]
    let transforms: [DomainTransform]
    /// False for wards the `null` policy leaves unscored.
    let scored: [Bool]
    let groupOf: [Int32]
    let groupCount: Int

    /// Buffers one evaluation writes; one per worker.
    struct Workspace {
        var ranking = RankWorkspace()
        var domainScore: [Double]
        var transformed: [Double]
        var score: [Double]
        var numerator: [Double]
        var denominator: [Double]
        var averageRank: [Double]
        /// Per domain, X for every possible average rank (a multiple of 1/2) among m wards, and that m: the
        /// count of wards with a domain score does not change between draws, so each log is taken once.
        var exponential: [[Double]]
        var exponentialCount: [Int]

        init(wardCount n: Int, domainCount: Int) {
            domainScore = [Double](repeating: .nan, count: n * domainCount)
            transformed = domainScore
            score = [Double](repeating: .nan, count: n)
            numerator = score
            denominator = score
            averageRank = score
            exponential = [[Double]](repeating: [], count: domainCount)
            exponentialCount = [Int](repeating: -1, count: domainCount)
        }
    }

    func makeWorkspace() -> Workspace { Workspace(wardCount: wardCount, domainCount: members.count) }

    /// Scores every ward under the given weights (raw, not yet rescaled), into `workspace`.
    func evaluate(indicatorWeights w: UnsafeBufferPointer<Double>, domainWeights: UnsafeBufferPointer<Double>,
                  into ws: inout Workspace) {
        let n = wardCount
        normalised.withUnsafeBufferPointer { z in
            for d in members.indices {
                let base = d * n
                var total = 0.0
                for k in members[d] { total += w[k] }
                if total <= 0 {
                    for i in 0..<n { ws.domainScore[base + i] = .nan; ws.transformed[base + i] = .nan }
                    continue
                }
                ws.numerator.withUnsafeMutableBufferPointer { numerator in
                    ws.denominator.withUnsafeMutableBufferPointer { denominator in
                        numerator.update(repeating: 0)
                        denominator.update(repeating: 0)
                        for k in members[d] {
                            let omega = w[k] / total
                            if omega == 0 { continue }
                            let column = k * n
                            for i in 0..<n {
                                let value = z[column + i]
                                if !value.isNaN {
                                    numerator[i] += omega * value
                                    denominator[i] += omega
                                }
                            }
                        }
                        ws.domainScore.withUnsafeMutableBufferPointer { domainScore in
                            scored.withUnsafeBufferPointer { scored in
                                for i in 0..<n {
                                    domainScore[base + i] = scored[i] && denominator[i] > 0 ? numerator[i] / denominator[i] : .nan
                                }
                            }
                        }
                    }
                }
                switch transforms[d] {
                case .linear:
                    for i in 0..<n { ws.transformed[base + i] = ws.domainScore[base + i] }
                case .exponential:
                    let m = ws.domainScore.withUnsafeBufferPointer { scores in
                        ws.averageRank.withUnsafeMutableBufferPointer { ranks in
                            ws.ranking.averageRanks(UnsafeBufferPointer(rebasing: scores[base..<base + n]), into: ranks)
                        }
                    }
                    if ws.exponentialCount[d] != m {
                        let count = Double(m)
                        ws.exponential[d] = (0...2 * m).map { ExponentialTransform.value(scaledRank: Double($0) / 2 / count) }
                        ws.exponentialCount[d] = m
                    }
                    for i in 0..<n {
                        let rank = ws.averageRank[i]
                        // Average ranks are whole or half numbers, so 2 × rank indexes the table exactly.
                        ws.transformed[base + i] = rank.isNaN ? .nan : ws.exponential[d][Int(2 * rank)]
                    }
                }
            }
        }
        var weightTotal = 0.0
        for d in members.indices { weightTotal += domainWeights[d] }
        for i in 0..<n { ws.numerator[i] = 0; ws.denominator[i] = 0 }
        for d in members.indices {
            let omega = domainWeights[d] / weightTotal
            let base = d * n
            for i in 0..<n {
                let value = ws.transformed[base + i]
                if !value.isNaN {
                    ws.numerator[i] += omega * value
                    ws.denominator[i] += omega
                }
            }
        }
        for i in 0..<n { ws.score[i] = ws.denominator[i] > 0 ? ws.numerator[i] / ws.denominator[i] : .nan }
    }

    /// Competition ranks of `values` (descending, within groups) into `ranks`; 0 for NaN.
    func rank(_ values: UnsafeBufferPointer<Double>, into ranks: UnsafeMutableBufferPointer<UInt32>,
              workspace ws: inout Workspace) {
        groupOf.withUnsafeBufferPointer { groups in
            ws.ranking.descendingRanks(values, groups: groups, groupCount: groupCount, into: ranks)
        }
    }

    /// Ranks of every ward under each weight set, ward-major (`result[i * sets + t]`), 0 where unscored; the
    /// sets are split over `workers` threads, each with its own workspace, so the output does not depend on the
    /// thread count.
    func ranks(indicatorWeights: [[Double]], domainWeights: [[Double]], workers: Int) -> [UInt32] {
        let sets = indicatorWeights.count
        let n = wardCount
        var result = [UInt32](repeating: 0, count: sets * n)
        guard sets > 0 else { return result }
        let threads = max(1, min(workers, sets))
        result.withUnsafeMutableBufferPointer { output in
            let shared = SharedOutput(buffer: output)
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                var ws = makeWorkspace()
                var ranks = [UInt32](repeating: 0, count: n)
                for t in sets * worker / threads..<sets * (worker + 1) / threads {
                    indicatorWeights[t].withUnsafeBufferPointer { w in
                        domainWeights[t].withUnsafeBufferPointer { evaluate(indicatorWeights: w, domainWeights: $0, into: &ws) }
                    }
                    ws.score.withUnsafeBufferPointer { scores in
                        ranks.withUnsafeMutableBufferPointer { rank(scores, into: $0, workspace: &ws) }
                    }
                    for i in 0..<n { shared.buffer[i * sets + t] = ranks[i] }
                }
            }
        }
        return result
    }
}

/// The output buffer the workers write to; each writes only the slots of its own weight sets.
private struct SharedOutput: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt32>
}
