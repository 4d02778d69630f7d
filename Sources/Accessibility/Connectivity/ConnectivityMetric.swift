/// A connectivity metric in the manner of the DfT's Transport Connectivity Metric (2025): every destination type
/// (a service category) by every mode is worth Σₖ ρ^(k−1) sₖ f(tₖ) from an origin (`DestinationValue`), the types
/// add up with their weights into a value per mode, and zones score 0-100 against the best zone of the study or
/// a given reference. The parameters are reach's defaults unless the study gives its own: docs/access.md lists
/// them, their sources and what differs from the published metric.
public struct ConnectivityMetric: Sendable, Equatable {
    /// Per destination type: its weight in the mode's value, and optionally its own ρ and curves.
    public struct DestinationType: Sendable, Equatable {
        public var weight: Double
        public var returns: Double?
        public var decay: [TravelMode: TravelDecay]
        public init(weight: Double = 1, returns: Double? = nil, decay: [TravelMode: TravelDecay] = [:]) {
            self.weight = weight
            self.returns = returns
            self.decay = decay
        }
    }

    /// Destinations further than this are worth nothing (the DfT metric looks 60 minutes out).
    public var horizonMinutes: Double
    /// The curve of each mode, for every type without its own.
    public var decay: [TravelMode: TravelDecay]
    /// ρ for every type without its own.
    public var returns: Double
    /// Types by category name; a category not named has weight 1 and the defaults.
    public var types: [String: DestinationType]
    /// The modes scored; nil scores every network mode of the run.
    public var modes: [TravelMode]?
    /// Each mode's weight in the overall score (1 when not given).
    public var modeWeights: [TravelMode: Double]
    /// A mode's value that scores 100; a mode without one scores against its best zone.
    public var reference: [TravelMode: Double]

    /// reach's curves: logistic, half the weight gone at 15 min on foot, 20 min by bicycle, 25 min by car.
    public static let defaultDecay: [TravelMode: TravelDecay] = [
        .walk: .logistic(median: 15, sd: 5), .cycle: .logistic(median: 20, sd: 7), .car: .logistic(median: 25, sd: 8),
    ]
    public static let defaultReturns = 0.5
    public static let defaultHorizon = 60.0

    public init(horizonMinutes: Double = defaultHorizon, decay: [TravelMode: TravelDecay] = [:], returns: Double = defaultReturns,
                types: [String: DestinationType] = [:], modes: [TravelMode]? = nil, modeWeights: [TravelMode: Double] = [:],
                reference: [TravelMode: Double] = [:]) {
        self.horizonMinutes = horizonMinutes
        self.decay = Self.defaultDecay.merging(decay) { $1 }
        self.returns = returns
        self.types = types
        self.modes = modes
        self.modeWeights = modeWeights
        self.reference = reference
    }

    /// How type `category` is valued by `mode`.
    public func destination(_ category: String, _ mode: TravelMode) -> DestinationValue {
        let type = types[category]
        return DestinationValue(decay: type?.decay[mode] ?? decay[mode]!, returns: type?.returns ?? returns, horizonMinutes: horizonMinutes)
    }

    public func weight(_ category: String) -> Double { types[category]?.weight ?? 1 }

    public func modeWeight(_ mode: TravelMode) -> Double { modeWeights[mode] ?? 1 }

    /// Why the parameters cannot be used (the first problem, naming the key), or nil.
    public var problem: (key: String, message: String)? {
        if !(horizonMinutes > 0 && horizonMinutes.isFinite) { return ("horizon", "the horizon must be a number of minutes > 0, not \(horizonMinutes)") }
        if !(returns > 0 && returns <= 1) { return ("returns", "returns must be in (0, 1] (1: every destination counts in full), not \(returns)") }
        for mode in TravelMode.allCases {
            if let message = decay[mode]?.problem { return ("decay.\(mode.rawValue)", message) }
            if let weight = modeWeights[mode], !(weight >= 0 && weight.isFinite) { return ("mode_weights.\(mode.rawValue)", "a mode's weight must be a number ≥ 0, not \(weight)") }
            if let value = reference[mode], !(value > 0 && value.isFinite) { return ("reference.\(mode.rawValue)", "a reference value must be > 0, not \(value)") }
        }
        for name in types.keys.sorted() {
            let type = types[name]!
            if !(type.weight >= 0 && type.weight.isFinite) { return ("types.\(name).weight", "a type's weight must be a number ≥ 0, not \(type.weight)") }
            if let r = type.returns, !(r > 0 && r <= 1) { return ("types.\(name).returns", "returns must be in (0, 1], not \(r)") }
            for mode in TravelMode.allCases {
                if let message = type.decay[mode]?.problem { return ("types.\(name).decay.\(mode.rawValue)", message) }
            }
        }
        return nil
    }

    /// Zone scores from each mode's zone values (nil: a zone with no origin on the mode's roads): per mode
    /// 100 × value / reference, the reference being the given one or the best zone's value; overall the
    /// mode-weighted mean of a zone's mode scores, scaled so the best zone scores 100 unless every mode has a
    /// given reference. A mode no zone reaches anything by has no scores (and `unscored` names it).
    public func scores(_ values: [TravelMode: [Double?]], modes: [TravelMode], zoneCount: Int)
        -> (perMode: [TravelMode: [Double?]], overall: [Double?], references: [TravelMode: Double], unscored: [TravelMode]) {
        var perMode: [TravelMode: [Double?]] = [:], references: [TravelMode: Double] = [:], unscored: [TravelMode] = []
        for mode in modes {
            let column = values[mode] ?? [Double?](repeating: nil, count: zoneCount)
            let best = column.compactMap { $0 }.max() ?? 0
            guard let scale = reference[mode] ?? (best > 0 ? best : nil) else {
                unscored.append(mode)
                perMode[mode] = column.map { _ in nil }
                continue
            }
            references[mode] = scale
            perMode[mode] = column.map { $0.map { 100 * $0 / scale } }
        }
        let totalWeight = modes.reduce(0) { $0 + modeWeight($1) }
        var overall: [Double?] = (0..<zoneCount).map { z in
            guard totalWeight > 0, unscored.isEmpty else { return nil }
            var sum = 0.0
            for mode in modes {
                guard let score = perMode[mode]![z] else { return nil }
                sum += modeWeight(mode) * score
            }
            return sum / totalWeight
        }
        if !modes.allSatisfy({ reference[$0] != nil }), let best = overall.compactMap({ $0 }).max(), best > 0 {
            overall = overall.map { $0.map { 100 * $0 / best } }
        }
        return (perMode, overall, references, unscored)
    }
}
