import Foundation

/// How much a destination `t` minutes away is worth, from 1 (next door) down to 0: the willingness-to-travel
/// curve of a connectivity metric (docs/access.md, "Connectivity in the DfT manner").
public enum TravelDecay: Sendable, Equatable, CustomStringConvertible {
    /// Points (minutes, weight), minutes strictly ascending from ≥ 0 and weights in [0, 1] never rising; linear
    /// between points, the first weight before the first point and the last weight after the last.
    case table([(minutes: Double, weight: Double)])
    /// e^(−β t), β per minute.
    case exponential(beta: Double)
    /// The logistic curve with f(0) = 1 (Bauer and Groneberg 2016, as R's `accessibility::decay_logistic` and
    /// Conveyal's R5 write it): f(t) = (1 + e^(−b m)) / (1 + e^(b (t − m))), b = π / (σ √3), so half the weight
    /// is gone near the median m and σ (minutes) sets how gradually.
    case logistic(median: Double, sd: Double)

    public static func == (a: TravelDecay, b: TravelDecay) -> Bool {
        switch (a, b) {
        case let (.table(x), .table(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.minutes == $1.minutes && $0.weight == $1.weight }
        case let (.exponential(x), .exponential(y)): return x == y
        case let (.logistic(m1, s1), .logistic(m2, s2)): return m1 == m2 && s1 == s2
        default: return false
        }
    }

    /// Why the curve cannot be used, or nil when it can.
    public var problem: String? {
        switch self {
        case .exponential(let beta):
            return beta > 0 && beta.isFinite ? nil : "the exponential decay's beta must be a number > 0 (per minute), not \(beta)"
        case let .logistic(median, sd):
            if !(median > 0 && median.isFinite) { return "the logistic decay's median must be a number of minutes > 0, not \(median)" }
            if !(sd > 0 && sd.isFinite) { return "the logistic decay's sd must be a number of minutes > 0, not \(sd)" }
            return nil
        case .table(let points):
            guard !points.isEmpty else { return "the decay table has no points" }
            for (k, point) in points.enumerated() {
                if !(point.minutes >= 0 && point.minutes.isFinite) { return "the decay table's point \(k + 1) is at \(point.minutes) minutes: minutes must be ≥ 0" }
                if !(point.weight >= 0 && point.weight <= 1) { return "the decay table's point \(k + 1) has weight \(point.weight): weights run from 1 down to 0" }
                guard k > 0 else { continue }
                let before = points[k - 1]
                if point.minutes <= before.minutes {
                    return "the decay table's minutes are not ascending: \(format(point.minutes)) after \(format(before.minutes)) (point \(k + 1))"
                }
                if point.weight > before.weight {
                    return "the decay table is not decreasing: weight \(format(point.weight)) at \(format(point.minutes)) min after \(format(before.weight)) at \(format(before.minutes)) min (point \(k + 1))"
                }
            }
            return nil
        }
    }

    /// The weight at `minutes` ≥ 0.
    public func weight(_ minutes: Double) -> Double {
        switch self {
        case .exponential(let beta):
            return exp(-beta * minutes)
        case let .logistic(median, sd):
            let b = Double.pi / (sd * 3.0.squareRoot())
            return (1 + exp(-b * median)) / (1 + exp(b * (minutes - median)))
        case .table(let points):
            guard let first = points.first, let last = points.last else { return 0 }
            if minutes <= first.minutes { return first.weight }
            if minutes >= last.minutes { return last.weight }
            var high = 1
            while points[high].minutes < minutes { high += 1 }
            let a = points[high - 1], b = points[high]
            return a.weight + (b.weight - a.weight) * (minutes - a.minutes) / (b.minutes - a.minutes)
        }
    }

    public var description: String {
        switch self {
        case .exponential(let beta): return "exponential, beta \(format(beta)) per minute"
        case let .logistic(median, sd): return "logistic, median \(format(median)) min, sd \(format(sd)) min"
        case .table(let points): return "table " + points.map { "\(format($0.minutes)) min: \(format($0.weight))" }.joined(separator: ", ")
        }
    }

    private func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}

/// The DfT-style connectivity value of one destination type from one origin: each destination j reached within
/// the horizon is worth vⱼ = sⱼ · f(tⱼ) (its supply, or 1, times the decay at its travel time); sorted from the
/// most valuable down, the k-th counts ρ^(k−1) of its worth, so a second supermarket adds less than the first
/// (ρ = 1: every destination counts in full, the gravity sum).
public struct DestinationValue: Sendable, Equatable {
    public var decay: TravelDecay
    /// ρ in (0, 1]: what each further destination of the type keeps of its worth.
    public var returns: Double
    /// Destinations further than this (minutes) are worth nothing.
    public var horizonMinutes: Double

    public init(decay: TravelDecay, returns: Double, horizonMinutes: Double) {
        self.decay = decay
        self.returns = returns
        self.horizonMinutes = horizonMinutes
    }

    /// The worth of one destination at `minutes` offering `supply`; 0 beyond the horizon.
    @inline(__always) public func worth(minutes: Double, supply: Double) -> Double {
        minutes <= horizonMinutes ? supply * decay.weight(minutes) : 0
    }

    /// Σₖ ρ^(k−1) w₍ₖ₎ over the worths sorted from largest down (sorts `worths` in place).
    public func value(_ worths: inout [Double]) -> Double {
        if returns == 1 { return worths.reduce(0, +) }
        worths.sort(by: >)
        var total = 0.0, factor = 1.0
        for w in worths {
            guard w > 0 else { break }
            total += factor * w
            factor *= returns
        }
        return total
    }
}
