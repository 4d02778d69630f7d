import Accessibility

/// `[distance.connectivity]` of a study file (docs/study.md): the metric's horizon, curves, returns, types,
/// modes, mode weights and references. `connectivity = true` in `[distance]` takes every default.
extension ConnectivityMetric {
    static func decode(_ table: ConfigTable) throws(StudyConfigError) -> ConnectivityMetric {
        var metric = ConnectivityMetric()
        metric.horizonMinutes = try table.positive("horizon", atMost: 600, unit: " min") ?? metric.horizonMinutes
        if let returns = try table.number("returns") {
            guard returns > 0, returns <= 1 else { throw table.error("returns", "must be in (0, 1] (1: every destination counts in full), not \(returns)") }
            metric.returns = returns
        }
        if table.has("modes") {
            var modes: [TravelMode] = []
            for name in try table.strings("modes") {
                guard let mode = TravelMode(rawValue: name) else { throw table.error("modes", "'\(name)' is not a network mode (walk, cycle, car)") }
                if !modes.contains(mode) { modes.append(mode) }
            }
            guard !modes.isEmpty else { throw table.error("modes", "give at least one mode (walk, cycle, car)") }
            metric.modes = modes
        }
        metric.modeWeights = try byMode(table, "mode_weights") { t, k throws(StudyConfigError) in
            let w = try t.number(k)!
            guard w >= 0 else { throw t.error(k, "a mode's weight must be ≥ 0, not \(w)") }
            return w
        }
        metric.reference = try byMode(table, "reference") { t, k throws(StudyConfigError) in try t.positive(k)! }
        metric.decay.merge(try byMode(table, "decay") { t, k throws(StudyConfigError) in try decay(t, k) }) { $1 }
        if let types = try table.table("types") {
            for name in types.keys {
                guard let entry = try types.table(name) else { continue }
                var type = DestinationType()
                if let weight = try entry.number("weight") {
                    guard weight >= 0 else { throw entry.error("weight", "a type's weight must be ≥ 0, not \(weight)") }
                    type.weight = weight
                }
                if let returns = try entry.number("returns") {
                    guard returns > 0, returns <= 1 else { throw entry.error("returns", "must be in (0, 1], not \(returns)") }
                    type.returns = returns
                }
                type.decay = try byMode(entry, "decay") { t, k throws(StudyConfigError) in try decay(t, k) }
                try entry.finish(known: ["weight", "returns", "decay"])
                metric.types[name] = type
            }
        }
        try table.finish(known: ["horizon", "returns", "modes", "mode_weights", "reference", "decay", "types"])
        return metric
    }

    /// A table keyed by mode (`{ walk = ..., car = ... }`), each value read by `read`.
    private static func byMode<T>(_ table: ConfigTable, _ key: String,
                                  _ read: (ConfigTable, String) throws(StudyConfigError) -> T) throws(StudyConfigError) -> [TravelMode: T] {
        guard let modes = try table.table(key) else { return [:] }
        var result: [TravelMode: T] = [:]
        for name in modes.keys {
            guard let mode = TravelMode(rawValue: name) else { throw modes.error(name, "'\(name)' is not a network mode (walk, cycle, car)") }
            result[mode] = try read(modes, name)
        }
        return result
    }

    /// `{ curve = "logistic", median = 15, sd = 5 }`, `{ curve = "exponential", beta = 0.1 }` or
    /// `{ curve = "table", minutes = [0, 10, 30], weights = [1, 0.6, 0] }`.
    private static func decay(_ parent: ConfigTable, _ key: String) throws(StudyConfigError) -> TravelDecay {
        guard let table = try parent.table(key) else { throw parent.error(key, "expected a table { curve = \"logistic\", median = 15, sd = 5 }") }
        let curve = try table.string("curve") ?? ""
        let decay: TravelDecay
        switch curve {
        case "logistic":
            guard let median = try table.positive("median"), let sd = try table.positive("sd") else {
                throw table.error(nil, "a logistic curve needs median and sd (minutes > 0)")
            }
            decay = .logistic(median: median, sd: sd)
            try table.finish(known: ["curve", "median", "sd"])
        case "exponential":
            guard let beta = try table.positive("beta") else { throw table.error(nil, "an exponential curve needs beta (per minute, > 0)") }
            decay = .exponential(beta: beta)
            try table.finish(known: ["curve", "beta"])
        case "table":
            guard let minutes = try table.numbers("minutes"), let weights = try table.numbers("weights") else {
                throw table.error(nil, "a decay table needs minutes and weights, e.g. minutes = [0, 10, 30], weights = [1, 0.6, 0]")
            }
            guard minutes.count == weights.count else {
                throw table.error("weights", "\(weights.count) weights for \(minutes.count) minutes: give one weight per point")
            }
            decay = .table(zip(minutes, weights).map { (minutes: $0, weight: $1) })
            try table.finish(known: ["curve", "minutes", "weights"])
        default:
            throw table.error("curve", curve.isEmpty ? "missing key 'curve' (logistic, exponential or table)" : "'\(curve)' is not a curve (logistic, exponential, table)")
        }
        if let problem = decay.problem { throw table.error(nil, problem) }
        return decay
    }
}
