/// Wards in ten classes by the rank of a value, for the map's colours and legend.
///
/// Values are ranked ascending; tied values share the lowest rank of their group, so equal values always get the
/// same colour. With n wards having a value, the ward of rank r (1-based) is in class ⌊(r − 1) · 10 / n⌋ + 1:
/// the lowest tenth of wards is class 1, the highest class 10. Wards without a value (null, missing, not finite)
/// are class 0. A class can be empty (fewer than ten wards, or ties spanning a class boundary).
public struct DecileClasses: Sendable, Equatable {
    /// 1...10 per ward, in ward order (1...11 for a change); 0 for no value.
    public var classes: [UInt8]
    /// The smallest and largest value in each class, index 0 for class 1; nil for an empty class.
    public var ranges: [ClosedRange<Double>?]
    /// Wards in each class, index 0 for class 1.
    public var counts: [Int]
    /// Wards without a value.
    public var missing: Int
    /// Whether these are change classes (centred on zero), not deciles.
    public var diverging = false

    public init(values: [Double?]) {
        let present = values.indices.filter { values[$0].map(\.isFinite) ?? false }
        let order = present.sorted { a, b in
            let x = values[a]!, y = values[b]!
            return x < y || (x == y && a < b)
        }
        var classes = [UInt8](repeating: 0, count: values.count)
        var ranges = [ClosedRange<Double>?](repeating: nil, count: 10)
        var counts = [Int](repeating: 0, count: 10)
        let n = order.count
        var groupRank = 1
        for (position, ward) in order.enumerated() {
            let value = values[ward]!
            if position > 0, values[order[position - 1]]! != value { groupRank = position + 1 }
            let decile = (groupRank - 1) * 10 / n + 1
            classes[ward] = UInt8(decile)
            counts[decile - 1] += 1
            if let range = ranges[decile - 1] {
                ranges[decile - 1] = min(range.lowerBound, value)...max(range.upperBound, value)
            } else {
                ranges[decile - 1] = value...value
            }
        }
        self.classes = classes
        self.ranges = ranges
        self.counts = counts
        self.missing = values.count - n
    }
}

extension DecileClasses {
    /// Classes of a change (a scenario's `_change` column), centred on zero so that the same colour means the
    /// same change on every map: class 6 holds no change (|v| < 10⁻⁹); classes 5 … 1 losses and 7 … 11 gains in
    /// five equal steps of m / 5 out to m, the largest |v| (class 7 is 0 < v ≤ m / 5, class 11 is v > 4m / 5).
    public static func change(values: [Double?]) -> DecileClasses {
        let largest = values.compactMap { $0 }.filter(\.isFinite).map(abs).max() ?? 0
        var classes = [UInt8](repeating: 0, count: values.count)
        var ranges = [ClosedRange<Double>?](repeating: nil, count: 11)
        var counts = [Int](repeating: 0, count: 11)
        for (ward, value) in values.enumerated() {
            guard let value, value.isFinite else { continue }
            var c = 6
            if abs(value) >= 1e-9 {
                let step = Swift.min(5, Swift.max(1, Int((abs(value) / largest * 5).rounded(.up))))
                c = value < 0 ? 6 - step : 6 + step
            }
            classes[ward] = UInt8(c)
            counts[c - 1] += 1
            ranges[c - 1] = ranges[c - 1].map { Swift.min($0.lowerBound, value)...Swift.max($0.upperBound, value) } ?? value...value
        }
        var result = DecileClasses(values: [])
        result.classes = classes
        result.ranges = ranges
        result.counts = counts
        result.missing = values.count - counts.reduce(0, +)
        result.diverging = true
        return result
    }
}
