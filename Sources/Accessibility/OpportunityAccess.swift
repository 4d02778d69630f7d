import Foundation

/// Accessibility from one origin: cumulative opportunities (how many services lie within each cost threshold,
/// or how much of their supply) and gravity, Σ_j e^(−β c_j) over services j at cost c_j, so a
/// service next door counts 1 and one far away almost nothing. Costs are minutes on the road network or metres in
/// a straight line; `beta` is per the same unit.
public struct OpportunityAccess: Sendable, Equatable {
    /// Cost thresholds, ascending (minutes or metres).
    public var thresholds: [Double]
    /// Decay per cost unit; nil for no gravity measure.
    public var beta: Double?

    /// Gravity terms below this (e^(−β c) < 10⁻³) are left out, so a search can stop at `gravityCutoff`.
    public static let negligibleTerm = 1e-3

    public init(thresholds: [Double], beta: Double? = nil) {
        self.thresholds = thresholds.sorted()
        self.beta = beta
    }

    /// The cost beyond which gravity terms are negligible: ln(1000)/β.
    public var gravityCutoff: Double? { beta.map { -log(Self.negligibleTerm) / $0 } }

    /// How far a search from the origin must reach to compute every measure.
    public var searchLimit: Double { max(thresholds.last ?? 0, gravityCutoff ?? 0) }

    /// Numbers per origin in a running sum: one per threshold, then gravity when β is set.
    public var width: Int { thresholds.count + (beta == nil ? 0 : 1) }

    /// Adds one service at `cost` offering `supply` to an origin's running sums (`width` of them).
    @inline(__always) public func add(cost: Double, supply: Double, into sums: UnsafeMutableBufferPointer<Double>) {
        for (t, threshold) in thresholds.enumerated() where cost <= threshold { sums[t] += supply }
        if let beta, cost <= gravityCutoff! { sums[thresholds.count] += supply * exp(-beta * cost) }
    }

    /// The measures from an origin's running sums.
    public func measures(_ sums: ArraySlice<Double>) -> (counts: [Double], gravity: Double?) {
        let start = sums.startIndex
        return (Array(sums[start..<(start + thresholds.count)]), beta == nil ? nil : sums[start + thresholds.count])
    }

    /// Measures of one origin, from the costs to each service it can reach (unreached services omitted or nil):
    /// per threshold the services within it (the sum of their supplies when `supplies` is given, aligned with
    /// `costs`; a count otherwise), and gravity Σ sⱼ e^(−β cⱼ) with sⱼ = 1 when counting.
    public func measure<S: Sequence>(costs: S, supplies: [Double]? = nil) -> (counts: [Double], gravity: Double?) where S.Element == Double? {
        var sums = [Double](repeating: 0, count: width)
        sums.withUnsafeMutableBufferPointer { buffer in
            for (j, cost) in costs.enumerated() {
                guard let cost else { continue }
                add(cost: cost, supply: supplies?[j] ?? 1, into: buffer)
            }
        }
        return measures(sums[...])
    }
}
