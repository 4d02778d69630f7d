/// Which way an indicator points: scores are built so that higher always means less connected.
public enum Direction: String, Sendable, CaseIterable {
    case higherIsWorse = "higher_is_worse"
    case higherIsBetter = "higher_is_better"

    /// +1 or −1: the factor that turns a raw value into one where higher is worse.
    public var sign: Double { self == .higherIsWorse ? 1 : -1 }
}

/// How each indicator is put on a common scale across wards (docs/scoring.md, "Normalisation").
public enum Normalisation: String, Sendable, CaseIterable {
    /// Average rank r of n → Φ⁻¹((r − 0.5)/n), the Indices of Deprivation's rank-based normal transformation.
    case rank
    /// (y − mean) / population standard deviation.
    case zscore
    /// (y − min) / (max − min), in [0, 1].
    case minmax
}

/// How a domain score is transformed before domains are combined.
public enum DomainTransform: String, Sendable, CaseIterable {
    /// The IoD's exponential transformation of the domain rank, 0 to 100, stretching the worst-off tail.
    case exponential
    /// The domain score as it is.
    case linear
}

/// What to do with a ward that lacks an indicator.
public enum MissingPolicy: String, Sendable, CaseIterable {
    /// Leave the value out and rescale the weights of what is present.
    case reweight
    /// Use the median of the wards that have the indicator.
    case imputeMedian = "impute_median"
    /// Give the ward no score at all.
    case null
}

/// One indicator of the study: where its value comes from and how it counts.
public struct IndicatorSpec: Sendable, Equatable {
    /// Unique name, used in explanations and `score_missing`.
    public var name: String
    /// The ward property holding the raw value.
    public var source: String
    public var direction: Direction
    /// The name of the domain it belongs to.
    public var domain: String
    /// Relative weight within its domain, ≥ 0.
    public var weight: Double
    /// Human-readable description for `reach explain`.
    public var label: String?

    public init(name: String, source: String? = nil, direction: Direction = .higherIsWorse, domain: String,
                weight: Double = 1, label: String? = nil) {
        self.name = name
        self.source = source ?? name
        self.direction = direction
        self.domain = domain
        self.weight = weight
        self.label = label
    }
}

/// One domain (services, transport, digital...): a weighted group of indicators.
public struct DomainSpec: Sendable, Equatable {
    public var name: String
    /// Relative weight among domains, > 0.
    public var weight: Double
    /// Overrides the study-wide transform for this domain.
    public var transform: DomainTransform?

    public init(name: String, weight: Double = 1, transform: DomainTransform? = nil) {
        self.name = name
        self.weight = weight
        self.transform = transform
    }
}

/// How the rank intervals are drawn (docs/scoring.md, "Robustness").
public struct RobustnessSpec: Sendable, Equatable {
    /// Monte Carlo weight draws; 0 turns them off.
    public var draws: Int
    /// Each weight is multiplied by U(1 − j, 1 + j).
    public var weightJitter: Double
    /// Seed of the xoshiro256** generator (through splitmix64).
    public var seed: UInt64
    /// Whether to rescore once without each indicator.
    public var leaveOneOut: Bool

    public init(draws: Int = 1000, weightJitter: Double = 0.25, seed: UInt64 = 1, leaveOneOut: Bool = true) {
        self.draws = draws
        self.weightJitter = weightJitter
        self.seed = seed
        self.leaveOneOut = leaveOneOut
    }
}

/// Everything that defines a score: indicators, domains and the method. Validated by `validate()`.
public struct ScoringSpec: Sendable, Equatable {
    public var indicators: [IndicatorSpec]
    public var domains: [DomainSpec]
    public var normalisation: Normalisation
    /// The transform of every domain without its own.
    public var domainTransform: DomainTransform
    public var missing: MissingPolicy
    /// A ward property: ranks and deciles run within its groups (e.g. local authority) instead of nationally.
    public var groupBy: String?
    public var robustness: RobustnessSpec

    public init(indicators: [IndicatorSpec], domains: [DomainSpec], normalisation: Normalisation = .rank,
                domainTransform: DomainTransform = .exponential, missing: MissingPolicy = .reweight,
                groupBy: String? = nil, robustness: RobustnessSpec = RobustnessSpec()) {
        self.indicators = indicators
        self.domains = domains
        self.normalisation = normalisation
        self.domainTransform = domainTransform
        self.missing = missing
        self.groupBy = groupBy
        self.robustness = robustness
    }

    /// The transform each domain uses, in domain order.
    public var transforms: [DomainTransform] { domains.map { $0.transform ?? domainTransform } }

    /// For each domain, the indices of its indicators, in study order.
    public var indicatorsByDomain: [[Int]] {
        domains.map { domain in indicators.indices.filter { indicators[$0].domain == domain.name } }
    }

    /// Checks the spec is one a score can be built from; the message names the indicator or domain.
    public func validate() throws(ScoringError) {
        func fail(_ message: String) -> ScoringError { .invalidSpec(message) }
        guard !domains.isEmpty else { throw fail("no domains: declare at least one [[score.domain]]") }
        guard !indicators.isEmpty else { throw fail("no indicators: declare at least one [[score.indicator]]") }
        var domainNames = Set<String>()
        for domain in domains {
            guard domainNames.insert(domain.name).inserted else { throw fail("domain '\(domain.name)' is declared twice") }
            guard domain.weight.isFinite, domain.weight > 0 else { throw fail("domain '\(domain.name)': weight must be > 0, not \(domain.weight)") }
        }
        var indicatorNames = Set<String>()
        for indicator in indicators {
            guard indicatorNames.insert(indicator.name).inserted else { throw fail("indicator '\(indicator.name)' is declared twice") }
            guard domainNames.contains(indicator.domain) else {
                throw fail("indicator '\(indicator.name)': domain '\(indicator.domain)' is not declared (declared: \(domains.map(\.name).joined(separator: ", ")))")
            }
            guard indicator.weight.isFinite, indicator.weight >= 0 else { throw fail("indicator '\(indicator.name)': weight must be ≥ 0, not \(indicator.weight)") }
        }
        for (domain, members) in zip(domains, indicatorsByDomain) where !members.contains(where: { indicators[$0].weight > 0 }) {
            throw fail("domain '\(domain.name)' has no indicator with a weight above 0")
        }
        guard robustness.draws >= 0 else { throw fail("robustness draws must be ≥ 0, not \(robustness.draws)") }
        guard robustness.weightJitter >= 0, robustness.weightJitter < 1 else {
            throw fail("robustness weight_jitter must be at least 0 and below 1, not \(robustness.weightJitter)")
        }
    }
}
