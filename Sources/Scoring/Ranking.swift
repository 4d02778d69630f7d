/// Ranking of score vectors: average ranks for ties (normalisation, exponential transform) and competition
/// ranks within groups (output ranks). NaN marks a ward without a value; it gets no rank.
///
/// The Monte Carlo pass ranks four or so vectors of every ward per draw, a thousand draws, so sorting is the
/// cost that matters: `RankWorkspace` keeps its buffers between calls and sorts by an 11-bit LSD radix sort on
/// order-preserving 64-bit keys (six passes over 7,681 wards instead of ~100,000 comparisons).
public struct RankWorkspace: Sendable {
    private var keys: [UInt64] = []
    private var keysSpare: [UInt64] = []
    private var order: [UInt32] = []
    private var orderSpare: [UInt32] = []
    private var counts = [Int](repeating: 0, count: 1 << RankWorkspace.digitBits)
    // Per-group state of the competition ranking.
    private var seen: [UInt32] = []
    private var lastValue: [Double] = []
    private var lastRank: [UInt32] = []

    static let digitBits = 11

    public init() {}

    /// A key whose unsigned order is the order of the finite doubles.
    @inline(__always) static func orderKey(_ x: Double) -> UInt64 {
        let bits = x.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Fills `keys`/`order` with the non-NaN values in ascending order (descending when asked); returns their count.
    private mutating func sortPresent(_ values: UnsafeBufferPointer<Double>, descending: Bool) -> Int {
        let n = values.count
        if keys.count < n {
            keys = [UInt64](repeating: 0, count: n)
            keysSpare = keys
            order = [UInt32](repeating: 0, count: n)
            orderSpare = order
        }
        var m = 0
        for i in 0..<n where !values[i].isNaN {
            let key = RankWorkspace.orderKey(values[i])
            keys[m] = descending ? ~key : key
            order[m] = UInt32(i)
            m += 1
        }
        radixSort(count: m)
        return m
    }

    private mutating func radixSort(count m: Int) {
        guard m > 1 else { return }
        let mask = UInt64((1 << RankWorkspace.digitBits) - 1)
        // Raw buffers: this loop is the Monte Carlo pass's hot spot, and array uniqueness checks cost a third.
        var swapped = false
        keys.withUnsafeMutableBufferPointer { keysA in
        keysSpare.withUnsafeMutableBufferPointer { keysB in
        order.withUnsafeMutableBufferPointer { orderA in
        orderSpare.withUnsafeMutableBufferPointer { orderB in
        counts.withUnsafeMutableBufferPointer { counts in
            var source = (keysA.baseAddress!, orderA.baseAddress!)
            var target = (keysB.baseAddress!, orderB.baseAddress!)
            var shift: UInt64 = 0
            while shift < 64 {
                counts.update(repeating: 0)
                for j in 0..<m { counts[Int((source.0[j] >> shift) & mask)] += 1 }
                // A digit every key shares (the exponent bits, often) needs no pass.
                if counts[Int((source.0[0] >> shift) & mask)] != m {
                    var total = 0
                    for b in 0..<counts.count {
                        let c = counts[b]
                        counts[b] = total
                        total += c
                    }
                    for j in 0..<m {
                        let digit = Int((source.0[j] >> shift) & mask)
                        let slot = counts[digit]
                        counts[digit] = slot + 1
                        target.0[slot] = source.0[j]
                        target.1[slot] = source.1[j]
                    }
                    swap(&source, &target)
                    swapped.toggle()
                }
                shift += UInt64(RankWorkspace.digitBits)
            }
        }
        }
        }
        }
        }
        if swapped {
            swap(&keys, &keysSpare)
            swap(&order, &orderSpare)
        }
    }

    /// Average ranks in ascending order, 1...m among the non-NaN values, ties sharing the mean of the ranks they
    /// span (scipy `rankdata(method="average")`); NaN stays NaN. Returns m.
    @discardableResult
    public mutating func averageRanks(_ values: UnsafeBufferPointer<Double>, into ranks: UnsafeMutableBufferPointer<Double>) -> Int {
        let m = sortPresent(values, descending: false)
        for i in 0..<values.count where values[i].isNaN { ranks[i] = .nan }
        var start = 0
        while start < m {
            let value = values[Int(order[start])]
            var end = start + 1
            while end < m, values[Int(order[end])] == value { end += 1 }
            // Positions start..<end hold ranks start+1 ... end; their mean is (start + 1 + end) / 2.
            let shared = Double(start + 1 + end) / 2
            for j in start..<end { ranks[Int(order[j])] = shared }
            start = end
        }
        return m
    }

    /// Competition ranks in descending order within groups: 1 + the number of wards of the same group with a
    /// strictly higher value (scipy `rankdata(-x, method="min")` per group). 0 for NaN.
    public mutating func descendingRanks(_ values: UnsafeBufferPointer<Double>, groups: UnsafeBufferPointer<Int32>,
                                         groupCount: Int, into ranks: UnsafeMutableBufferPointer<UInt32>) {
        let m = sortPresent(values, descending: true)
        for i in 0..<values.count where values[i].isNaN { ranks[i] = 0 }
        if seen.count < groupCount {
            seen = [UInt32](repeating: 0, count: groupCount)
            lastValue = [Double](repeating: 0, count: groupCount)
            lastRank = [UInt32](repeating: 0, count: groupCount)
        }
        for g in 0..<groupCount { seen[g] = 0 }
        for j in 0..<m {
            let i = Int(order[j])
            let g = Int(groups[i])
            let value = values[i]
            let rank: UInt32 = (seen[g] > 0 && lastValue[g] == value) ? lastRank[g] : seen[g] + 1
            seen[g] += 1
            lastValue[g] = value
            lastRank[g] = rank
            ranks[i] = rank
        }
    }
}

extension RankWorkspace {
    /// Array convenience over `averageRanks(_:into:)`.
    public mutating func averageRanks(_ values: [Double]) -> [Double] {
        var ranks = [Double](repeating: .nan, count: values.count)
        values.withUnsafeBufferPointer { v in ranks.withUnsafeMutableBufferPointer { _ = averageRanks(v, into: $0) } }
        return ranks
    }

    /// Array convenience over `descendingRanks(_:groups:groupCount:into:)`; nil groups rank everything together.
    public mutating func descendingRanks(_ values: [Double], groups: [Int32]? = nil) -> [UInt32] {
        let groups = groups ?? [Int32](repeating: 0, count: values.count)
        let groupCount = Int(groups.max() ?? 0) + 1
        var ranks = [UInt32](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { v in
            groups.withUnsafeBufferPointer { g in
                ranks.withUnsafeMutableBufferPointer { descendingRanks(v, groups: g, groupCount: groupCount, into: $0) }
            }
        }
        return ranks
    }
}
