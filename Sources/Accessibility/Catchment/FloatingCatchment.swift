import Foundation

/// A member of the floating-catchment family (docs/access.md, "Competition for services"): access where each
/// service's supply is shared among the people who can reach it.
public enum FloatingCatchmentMethod: String, Sendable, CaseIterable, Comparable {
    /// Luo and Wang (2003): Rⱼ = Sⱼ / Σₖ Pₖ over origins k within the catchment of j; Aᵢ = Σⱼ Rⱼ over services j
    /// within the catchment of i.
    case twoStep = "2sfca"
    /// Luo and Qi (2009): as 2SFCA with each pair weighted by a decay of its cost (`CatchmentDecay`).
    case enhanced = "e2sfca"
    /// Paez, Higgins and Vivona (2019), as the R package accessibility computes it: each pair's weight divided by
    /// the sum of the origin's weights when demand is allocated, and by the sum of the service's weights when
    /// supply is, so that no one is counted twice.
    case balanced = "bfca"

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// How an enhanced 2SFCA weighs a pair at cost c within a catchment of size t.
public enum CatchmentDecay: String, Sendable, CaseIterable {
    /// Luo and Qi's steps: 1 up to t/3, 0.68 up to 2t/3, 0.22 up to t (their 10, 20, 30 minute zones).
    case steps
    /// Dai's (2010) Gaussian: (e^(−½(c/t)²) − e^(−½)) / (1 − e^(−½)), from 1 at c = 0 to 0 at c = t.
    case gaussian

    /// The weight of a pair at `cost` (≤ catchment).
    public func weight(_ cost: Double, catchment t: Double) -> Double {
        switch self {
        case .steps:
            return cost <= t / 3 ? 1 : cost <= 2 * t / 3 ? 0.68 : 0.22
        case .gaussian:
            let floor = exp(-0.5)
            return (exp(-0.5 * (cost / t) * (cost / t)) - floor) / (1 - floor)
        }
    }
}

/// One floating-catchment measure for one catchment size, computed from the pairs of a category.
public struct FloatingCatchment: Sendable {
    public var method: FloatingCatchmentMethod
    /// The catchment: a pair counts when its cost ≤ this (metres or minutes, as the pairs' costs).
    public var catchment: Double
    public var decay: CatchmentDecay

    public init(method: FloatingCatchmentMethod, catchment: Double, decay: CatchmentDecay = .steps) {
        self.method = method
        self.catchment = catchment
        self.decay = decay
    }

    public struct Result: Sendable, Equatable {
        /// Per service: supply per unit of demand weight reaching it (Rⱼ); nil when no demand reaches it.
        public var ratio: [Double?]
        /// Per service: the demand weight that reaches it (the denominator of Rⱼ).
        public var demand: [Double]
        /// Per origin: Σⱼ of the ratios it reaches, weighted (Aᵢ); 0 when no service lies within the catchment.
        public var access: [Double]
    }

    /// The pair weight before balancing: 1 within the catchment (2SFCA, BFCA), or the decay (E2SFCA).
    @inline(__always) func weight(_ cost: Double) -> Double {
        guard cost <= catchment else { return 0 }
        return method == .enhanced ? decay.weight(cost, catchment: catchment) : 1
    }

    /// Computes the measure. `demand[o]` is origin o's weight (population, ≥ 0); `supply[j]` service j's supply
    /// (1 each when counted, ≥ 0). Pairs beyond the catchment are ignored, so pairs built for the largest of
    /// several catchments serve each of them.
    public func compute(_ pairs: CatchmentPairs, demand: [Double], supply: [Double]) -> Result {
        precondition(demand.count == pairs.originCount && supply.count == pairs.serviceCount)
        let services = pairs.serviceCount
        // Balancing sums: each origin's total weight over services, each service's over origins.
        var originWeight = [Double](repeating: 0, count: pairs.originCount)
        var serviceWeight = [Double](repeating: 0, count: services)
        if method == .balanced {
            for j in 0..<services {
                for p in pairs.first[j]..<pairs.first[j + 1] {
                    let w = weight(pairs.cost[p])
                    originWeight[Int(pairs.origin[p])] += w
                    serviceWeight[j] += w
                }
            }
        }
        var ratio = [Double?](repeating: nil, count: services)
        var served = [Double](repeating: 0, count: services)
        for j in 0..<services {
            var total = 0.0
            for p in pairs.first[j]..<pairs.first[j + 1] {
                let w = weight(pairs.cost[p])
                guard w > 0 else { continue }
                let o = Int(pairs.origin[p])
                total += demand[o] * (method == .balanced ? w / originWeight[o] : w)
            }
            served[j] = total
            if total > 0 { ratio[j] = supply[j] / total }
        }
        var access = [Double](repeating: 0, count: pairs.originCount)
        for j in 0..<services {
            guard let r = ratio[j] else { continue }
            for p in pairs.first[j]..<pairs.first[j + 1] {
                let w = weight(pairs.cost[p])
                guard w > 0 else { continue }
                access[Int(pairs.origin[p])] += r * (method == .balanced ? w / serviceWeight[j] : w)
            }
        }
        return Result(ratio: ratio, demand: served, access: access)
    }
}
