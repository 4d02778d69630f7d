/// Turns one value per origin into one figure per zone, by the one rule every step follows
/// (docs/architecture.md, "Zone figures: one rule"):
///
/// - **Weights.** An origin weighs its own weight (population). When every origin of a zone weighs 0, each of
///   them weighs 1 instead, so an uninhabited zone still gets figures (of places, not people).
/// - **Origins without a value** (`nil`) are left out of means, maxima and percentiles. In shares, an origin the
///   measure ran from and that reached nothing within its limit is *not within* (a finding); an origin nothing
///   could be measured from (`known` false: more than the snap distance from the network) is left out of the
///   share's denominator too (a gap in the data, not a finding). The steps count both in `{…}_unreachable` and
///   name them, with the reason, in `reach_warning`.
/// - A zone without a usable boundary, or with no origin, has no figure (`nil`).
///
/// Like R5's `TravelTimeReducer`, it knows nothing of how the values were computed.
public struct ZoneReducer: Sendable {
    /// The origins of each zone, in origin order.
    public let members: [[Int]]
    /// Each origin's weight as the figures use it (its own, or 1 in a zone whose origins all weigh 0).
    public let weights: [Double]
    /// Per zone, the sum of its origins' own weights (population), whatever the rule made of them.
    public let ownWeight: [Double]
    /// Zones whose figures are computed; the others (no usable boundary) get nil.
    public let usable: [Bool]

    public var zoneCount: Int { members.count }

    /// `zoneOf[o]` is the zone of origin o (every origin lies in one), `weights[o]` its weight (≥ 0).
    public init(zoneOf: [Int], weights ownWeights: [Double], usable: [Bool]) {
        var members = [[Int]](repeating: [], count: usable.count)
        var total = [Double](repeating: 0, count: usable.count)
        for (o, z) in zoneOf.enumerated() {
            members[z].append(o)
            total[z] += ownWeights[o]
        }
        var weights = ownWeights
        for (z, own) in members.enumerated() where total[z] == 0 { for o in own { weights[o] = 1 } }
        self.members = members
        self.weights = weights
        self.ownWeight = total
        self.usable = usable
    }

    /// Whether zone z gets figures at all.
    @inline(__always) func counts(_ z: Int) -> Bool { usable[z] && !members[z].isEmpty }

    /// Σ w·v / Σ w over the origins with a value; nil when none has one.
    public func mean(_ values: [Double?]) -> [Double?] {
        members.indices.map { z in
            guard counts(z) else { return nil }
            var sum = 0.0, weight = 0.0
            for o in members[z] {
                guard let value = values[o] else { continue }
                sum += weights[o] * value
                weight += weights[o]
            }
            return weight > 0 ? sum / weight : nil
        }
    }

    /// Percentage (0–100) of the weight of the zone's known origins with a value ≤ `threshold`: an origin
    /// without a value is not within; one with `known[o] == false` is left out (nil `known`: every origin is
    /// known). Nil for a zone with no known origin.
    public func share(_ values: [Double?], atMost threshold: Double, known: [Bool]? = nil) -> [Double?] {
        share(known: known) { o in values[o].map { $0 <= threshold } ?? false }
    }

    /// Percentage (0–100) of the weight of the zone's known origins for which `test` holds.
    public func share(known: [Bool]? = nil, _ test: (Int) -> Bool) -> [Double?] {
        members.indices.map { z in
            guard counts(z) else { return nil }
            // Σ 100·w / Σ w, summed in origin order (the form the coverage figures have always had).
            var within = 0.0, total = 0.0, any = false
            for o in members[z] where known?[o] ?? true {
                any = true
                total += weights[o]
                if test(o) { within += 100 * weights[o] }
            }
            return any && total > 0 ? within / total : nil
        }
    }

    /// Σ w over the zone's origins for which `test` holds (0 when none does); nil for a zone without figures.
    public func total(_ test: (Int) -> Bool) -> [Double?] {
        members.indices.map { z in
            guard counts(z) else { return nil }
            var sum = 0.0
            for o in members[z] where test(o) { sum += weights[o] }
            return sum
        }
    }

    /// The largest value over the origins with one; nil when none has one.
    public func maximum(_ values: [Double?]) -> [Double?] {
        members.indices.map { z in
            guard counts(z) else { return nil }
            return members[z].compactMap { values[$0] }.max()
        }
    }

    /// The weighted percentile p (0 < p ≤ 100) over the origins with a value: the smallest value v such that
    /// the origins with a value ≤ v hold at least p % of their weight (the inverse of the weighted distribution
    /// function, so p = 50 is the lower weighted median and p = 100 the maximum); nil when none has a value.
    public func percentile(_ p: Double, of values: [Double?]) -> [Double?] {
        precondition(p > 0 && p <= 100, "percentile \(p) outside (0, 100]")
        return members.indices.map { z in
            guard counts(z) else { return nil }
            let valued = members[z].compactMap { o in values[o].map { (value: $0, weight: weights[o]) } }
                .sorted { $0.value < $1.value }
            let total = valued.reduce(0) { $0 + $1.weight }
            guard !valued.isEmpty else { return nil }
            guard total > 0 else { return valued.last!.value }
            var cumulative = 0.0
            for item in valued {
                cumulative += item.weight
                // A tolerance of one part in 10¹² keeps 50 % of weights 1, 1 from missing the first value.
                if cumulative >= p / 100 * total * (1 - 1e-12) { return item.value }
            }
            return valued.last!.value
        }
    }

    /// Per zone, its origins without a value (the steps' `{…}_unreachable`); 0 for a zone without figures.
    public func missing(_ values: [Double?]) -> [Int] {
        members.indices.map { z in counts(z) ? members[z].count { values[$0] == nil } : 0 }
    }

    /// Per zone, its number of origins.
    public var originCounts: [Int] { members.map(\.count) }
}
