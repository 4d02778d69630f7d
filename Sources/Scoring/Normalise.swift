import Foundation

extension Normalisation {
    /// Normalises one indicator over the wards that have it.
    ///
    /// `values` are oriented so that higher is worse (raw × direction sign), NaN where missing. Returns the
    /// normalised values (NaN where missing) and whether the indicator had a single distinct value, in which
    /// case every present ward gets 0 (docs/scoring.md, "Normalisation").
    public func apply(_ values: [Double], workspace: inout RankWorkspace) -> (normalised: [Double], constant: Bool) {
        let present = values.filter { !$0.isNaN }
        guard let low = present.min(), let high = present.max() else { return (values, false) }
        if low == high {
            return (values.map { $0.isNaN ? .nan : 0 }, true)
        }
        switch self {
        case .rank:
            let ranks = workspace.averageRanks(values)
            let n = Double(present.count)
            return (ranks.map { $0.isNaN ? .nan : InverseNormal.quantile(($0 - 0.5) / n) }, false)
        case .zscore:
            let n = Double(present.count)
            let mean = present.reduce(0, +) / n
            let variance = present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            let sd = variance.squareRoot()
            return (values.map { $0.isNaN ? .nan : ($0 - mean) / sd }, false)
        case .minmax:
            let range = high - low
            return (values.map { $0.isNaN ? .nan : ($0 - low) / range }, false)
        }
    }
}

/// The median of the non-NaN values (the mean of the middle two for an even count, as numpy's `median`); nil
/// when there are none.
public func median(ofPresent values: [Double]) -> Double? {
    let present = values.filter { !$0.isNaN }.sorted()
    guard !present.isEmpty else { return nil }
    let middle = present.count / 2
    return present.count % 2 == 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2
}
