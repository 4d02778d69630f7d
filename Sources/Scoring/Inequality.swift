/// Population-weighted distributions of an access indicator over origins, and the inequality and poverty measures
/// of docs/equity.md: weighted quantiles, Gini, concentration index, Palma ratio and the Foster–Greer–Thorbecke
/// family against an access standard. Values are in the indicator's unit (minutes, metres, a count); weights are
/// people (or households). Nothing here is spatial.
public struct WeightedDistribution: Sendable {
    /// Which way an indicator is better: a count of services reached (`higher`), or a time or a distance (`lower`).
    public enum Better: String, Sendable {
        case higher, lower
    }

    /// The values in ascending order, with their weights.
    public let values: [Double]
    public let weights: [Double]
    /// Σ w.
    public let totalWeight: Double
    /// The weighted mean, Σ w x / Σ w.
    public let mean: Double

    /// The origins with a positive weight; `values` and `weights` must be finite and of the same length.
    public init(values: [Double], weights: [Double]) {
        precondition(values.count == weights.count)
        let kept = values.indices.filter { weights[$0] > 0 }.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        self.values = kept.map { values[$0] }
        self.weights = kept.map { weights[$0] }
        totalWeight = self.weights.reduce(0, +)
        mean = totalWeight > 0 ? zip(self.values, self.weights).reduce(0) { $0 + $1.0 * $1.1 } / totalWeight : .nan
    }

    public var isEmpty: Bool { values.isEmpty }

    /// Whether every origin has the same value (so the Gini and the concentration index are 0 by definition).
    public var allEqual: Bool { values.first == values.last }

    /// The weighted quantile at `p` (0...1), as the inverse of the weighted distribution function: the smallest
    /// value whose cumulative population share reaches `p` (nan when empty).
    public func quantile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let target = p * totalWeight
        var cumulative = 0.0
        for i in values.indices {
            cumulative += weights[i]
            // A relative tolerance: shares summed in floating point reach 0.5 as 0.49999999999999994.
            if cumulative >= target * (1 - 1e-12) { return values[i] }
        }
        return values[values.count - 1]
    }

    /// The population share with a value at or better than `threshold` (at most it, for `lower`; at least it, for
    /// `higher`).
    public func share(within threshold: Double, better: Better) -> Double {
        guard totalWeight > 0 else { return .nan }
        var inside = 0.0
        for i in values.indices where better == .lower ? values[i] <= threshold : values[i] >= threshold { inside += weights[i] }
        return inside / totalWeight
    }

    /// The Gini coefficient G = Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| / (2 (Σ w)² μ), in O(n) over the sorted values: for
    /// ascending x, Σ_{i<j} wᵢ wⱼ (xⱼ − xᵢ) = Σⱼ wⱼ xⱼ Cⱼ₋₁ − Σᵢ wᵢ xᵢ (W − Cᵢ), C the cumulative weight. 0 when
    /// every value is equal (including all zero, where μ = 0 leaves the formula undefined); nan when empty.
    public var gini: Double {
        guard totalWeight > 0 else { return .nan }
        guard !allEqual else { return 0 }
        var below = 0.0, sum = 0.0
        for i in values.indices {
            // wᵢ xᵢ times (weight below it − weight above it).
            let above = totalWeight - below - weights[i]
            sum += weights[i] * values[i] * (below - above)
            below += weights[i]
        }
        return sum / (totalWeight * totalWeight * mean)
    }

    /// The Foster–Greer–Thorbecke measure of order `alpha` (0, 1, 2) against `standard`: Σ wᵢ gᵢ^α / Σ w over
    /// the origins worse than the standard, gᵢ = |xᵢ − z| / z their relative gap (so FGT0 is the population share
    /// worse than the standard, FGT1 the mean gap, FGT2 the mean squared gap). `standard` must be positive.
    public func fgt(standard z: Double, alpha: Int, better: Better) -> Double {
        guard totalWeight > 0 else { return .nan }
        var sum = 0.0
        for i in values.indices where better == .lower ? values[i] > z : values[i] < z {
            let gap = abs(values[i] - z) / z
            sum += weights[i] * (alpha == 0 ? 1 : (alpha == 1 ? gap : gap * gap))
        }
        return sum / totalWeight
    }
}

/// Measures that rank origins by a second variable (need: an IMD score, higher = more deprived).
public enum Inequality {
    /// The concentration index of `values` over origins ranked by `need` from least to most in need:
    /// CI = 2 Σ wᵢ (xᵢ − μ)(Rᵢ − ½) / (μ Σ w), Rᵢ the origin's fractional rank (the population share before its need
    /// plus half its own, origins with equal need sharing the midpoint of their group). Positive: the indicator's
    /// values are concentrated among those in more need (for a travel time, they wait longer). 0 when every value is
    /// equal; nan when empty or μ = 0 with unequal values.
    public static func concentrationIndex(values: [Double], weights: [Double], need: [Double]) -> Double {
        precondition(values.count == weights.count && values.count == need.count)
        let order = values.indices.filter { weights[$0] > 0 }.sorted { need[$0] < need[$1] }
        let total = order.reduce(0) { $0 + weights[$1] }
        guard total > 0 else { return .nan }
        let mean = order.reduce(0) { $0 + weights[$1] * values[$1] } / total
        if order.allSatisfy({ values[$0] == values[order[0]] }) { return 0 }
        guard mean != 0 else { return .nan }
        var sum = 0.0, before = 0.0, start = 0
        while start < order.count {
            var end = start, groupWeight = 0.0
            while end < order.count, need[order[end]] == need[order[start]] { groupWeight += weights[order[end]]; end += 1 }
            let rank = (before + groupWeight / 2) / total
            for k in start..<end { sum += weights[order[k]] * (values[order[k]] - mean) * (rank - 0.5) }
            before += groupWeight
            start = end
        }
        return 2 * sum / (mean * total)
    }

    /// The Palma ratio as the accessibility package adapts it: the weighted mean of `values` over the least
    /// deprived 10% of the population over that of the most deprived 40%, the groups cut on `need` as that package
    /// cuts on income (the poorest group takes the origins at its 40% boundary, the richest does not take those at
    /// its 90% boundary). Counted from the most in need, Q(p) is the need at which the cumulative population share
    /// first reaches p: most deprived, need ≥ Q(0.4); least deprived, need < Q(0.9). nan when a group is empty or
    /// the most deprived mean is 0.
    public static func palma(values: [Double], weights: [Double], need: [Double]) -> Double {
        precondition(values.count == weights.count && values.count == need.count)
        let order = values.indices.filter { weights[$0] > 0 }.sorted { need[$0] > need[$1] }
        let total = order.reduce(0) { $0 + weights[$1] }
        guard total > 0 else { return .nan }
        func cut(_ p: Double) -> Double {
            var cumulative = 0.0
            for o in order {
                cumulative += weights[o]
                if cumulative >= p * total * (1 - 1e-12) { return need[o] }
            }
            return need[order[order.count - 1]]
        }
        let most = cut(0.4), least = cut(0.9)
        func mean(_ members: [Int]) -> Double {
            let w = members.reduce(0) { $0 + weights[$1] }
            return w > 0 ? members.reduce(0) { $0 + weights[$1] * values[$1] } / w : .nan
        }
        let deprived = mean(order.filter { need[$0] >= most }), affluent = mean(order.filter { need[$0] < least })
        guard deprived.isFinite, affluent.isFinite, deprived != 0 else { return .nan }
        return affluent / deprived
    }
}
