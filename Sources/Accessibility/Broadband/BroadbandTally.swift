import GeoData

/// One zone's broadband figures, gathered record by record (docs/broadband.md, "Indicators per zone").
///
/// Each record weighs w: its premises, or 1 when the inputs have no premises counts. For a measure, the record
/// adds w to the denominator and w × its share (a number of premises over its premises, or a percentage over
/// 100) to the numerator, so with premises weights a number of premises is added as it is.
public struct BroadbandTally: Sendable {
    public var records = 0
    /// Σ premises of the records that have a premises count.
    public var premises = 0.0
    var numerator = SIMD8<Double>(repeating: 0)
    var denominator = SIMD8<Double>(repeating: 0)
    /// (speed in Mbit/s, weight) of the records with a speed and a weight above 0: the median's support.
    public private(set) var speeds: [(mbps: Double, weight: Double)] = []
    /// Records that had a speed, whatever their weight.
    public private(set) var speedRecords = 0

    public init() {}

    /// Adds one placed record. `weight` is its premises or 1.
    public mutating func add(_ row: BroadbandRow, weight: Double) {
        records += 1
        if row.present & BroadbandRow.premisesBit != 0 { premises += row.premises }
        for (i, measure) in BroadbandMeasure.allCases.enumerated() where row.has(measure) {
            let share: Double
            if row.isCount(measure) {
                // A count over 0 premises has no share; with premises weights its weight is 0 anyway.
                guard row.premises > 0 else { continue }
                share = row.values[i] / row.premises
            } else {
                share = row.values[i] / 100
            }
            numerator[i] += weight * share
            denominator[i] += weight
        }
        if row.present & BroadbandRow.speedBit != 0 {
            speedRecords += 1
            if weight > 0 { speeds.append((row.speedMbps, weight)) }
        }
    }

    /// 100 × Σ w·share / Σ w for `measure`, or nil when no record with weight above 0 has it.
    public func percent(_ measure: BroadbandMeasure) -> Double? {
        let i = BroadbandMeasure.allCases.firstIndex(of: measure)!
        guard denominator[i] > 0 else { return nil }
        return 100 * numerator[i] / denominator[i]
    }

    /// The weighted median of the records' speeds, Mbit/s.
    public var medianDownMbps: Double? { BroadbandTally.weightedMedian(speeds) }

    /// Sort the values; with W the total weight, take the first value whose cumulative weight reaches W/2, or the
    /// mean of it and the next when the cumulative weight equals W/2 exactly. Equal weights give the ordinary
    /// median. Weights of 0 are left out; nil when nothing is left.
    public static func weightedMedian(_ pairs: [(mbps: Double, weight: Double)]) -> Double? {
        let sorted = pairs.filter { $0.weight > 0 }.sorted { $0.mbps < $1.mbps }
        guard !sorted.isEmpty else { return nil }
        let total = sorted.reduce(0) { $0 + $1.weight }
        var cumulative = 0.0
        for (k, pair) in sorted.enumerated() {
            cumulative += pair.weight
            if 2 * cumulative == total, k + 1 < sorted.count { return (pair.mbps + sorted[k + 1].mbps) / 2 }
            if 2 * cumulative >= total { return pair.mbps }
        }
        return sorted.last!.mbps
    }
}
